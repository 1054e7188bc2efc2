"""Where a message's outcome is counted, how often it has been delivered, and the source it is bound to.

A message sent through POST /imports carries its import id, its index in the posted array and, when a billing
system's client posted it, that system's source as SQS message attributes (not in the body, so that even a body
that is not JSON is counted in its import). Those attributes are trusted only on the posted-import queue, to which
only the API's role may send. A message a billing system sends straight to the import queue is counted in that
day's open import, `queue-<YYYY-MM-DD>` (UTC day it was sent), under its SQS message id, which redelivery keeps,
whatever attributes it carries."""

from datetime import UTC, date, datetime

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from shared.imports.models import MessageRef, ReceivedMessage

IMPORT_ID_ATTRIBUTE = "import_id"
POSITION_ATTRIBUTE = "position"
SOURCE_ATTRIBUTE = "source"
QUEUE_DAY_PREFIX = "queue-"


def queue_day_import_id(day: date) -> str:
    return f"{QUEUE_DAY_PREFIX}{day.isoformat()}"


def is_queue_day(import_id: str) -> bool:
    day = import_id.removeprefix(QUEUE_DAY_PREFIX)
    if day == import_id:
        return False
    try:
        date.fromisoformat(day)
    except ValueError:
        return False
    return True


def received_from_sqs(record: SQSRecord, *, posted: bool) -> ReceivedMessage:
    """`posted`: the record comes from the posted-import queue, whose attributes the API set."""
    deliveries = int(record.attributes.approximate_receive_count)
    if posted:
        attributes = record.message_attributes
        import_id, position = attributes[IMPORT_ID_ATTRIBUTE], attributes[POSITION_ATTRIBUTE]
        source = attributes[SOURCE_ATTRIBUTE]
        if import_id is not None and import_id.string_value and position is not None and position.string_value:
            ref = MessageRef(import_id.string_value, position=int(position.string_value))
            bound_source = source.string_value if source is not None else None
            return ReceivedMessage(record.body, ref, deliveries, bound_source=bound_source)
    sent = datetime.fromtimestamp(int(record.attributes.sent_timestamp) / 1000, UTC)
    ref = MessageRef(queue_day_import_id(sent.date()), sqs_message_id=record.message_id)
    return ReceivedMessage(record.body, ref, deliveries)
