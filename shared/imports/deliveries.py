"""Where a message's outcome is counted, and how often it has been delivered.

A message sent through POST /imports carries its import id and its index in the posted array as SQS message
attributes (not in the body, so that even a body that is not JSON is counted in its import). A message a
billing system sends straight to the queue is counted in that day's open import, `queue-<YYYY-MM-DD>` (UTC
day it was sent), under its SQS message id, which redelivery keeps."""

from datetime import UTC, date, datetime

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from shared.imports.models import MessageRef, ReceivedMessage

IMPORT_ID_ATTRIBUTE = "import_id"
POSITION_ATTRIBUTE = "position"
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


def received_from_sqs(record: SQSRecord) -> ReceivedMessage:
    attributes = record.message_attributes
    import_id, position = attributes[IMPORT_ID_ATTRIBUTE], attributes[POSITION_ATTRIBUTE]
    if import_id is not None and import_id.string_value and position is not None and position.string_value:
        ref = MessageRef(import_id.string_value, position=int(position.string_value))
    else:
        sent = datetime.fromtimestamp(int(record.attributes.sent_timestamp) / 1000, UTC)
        ref = MessageRef(queue_day_import_id(sent.date()), sqs_message_id=record.message_id)
    return ReceivedMessage(record.body, ref, int(record.attributes.approximate_receive_count))
