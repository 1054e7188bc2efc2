"""Where a message's outcome is counted, how often it has been delivered, and the source it is bound to.

A message sent through POST /imports carries its import id, its index in the posted array and, when a billing
system's client posted it, that system's source as SQS message attributes (not in the body, so that even a body
that is not JSON is counted in its import). Those attributes are trusted only on the posted-import queue, to which
only the API's role may send. A message a billing system sends straight to the import queue is counted in that
day's open import, `queue-<YYYY-MM-DD>` (UTC day it was sent), under its SQS message id, which redelivery keeps,
whatever attributes it carries; it is bound to the source registered for its sender (the IAM unique id SQS
reports as `SenderId`, in the stack parameter BillingSystemSenders), and refused when its sender has none, so that
no principal allowed to send stores or corrects another billing system's documents."""

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Annotated

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from pydantic import BeforeValidator

from shared.imports.messages import SOURCE_PATTERN
from shared.imports.models import MessageRef, ReceivedMessage

IMPORT_ID_ATTRIBUTE = "import_id"
POSITION_ATTRIBUTE = "position"
SOURCE_ATTRIBUTE = "source"
QUEUE_DAY_PREFIX = "queue-"
_SENDER_ID = re.compile(r"^[A-Z0-9]{1,128}$")  # an IAM unique id: a role's AROA..., a user's AIDA...


def parse_senders(entries: str) -> dict[str, str]:
    """BillingSystemSenders as its Join gives it, `<source>=<IAM unique id>` entries separated by commas (empty:
    none): IAM unique id -> source. Raises ValueError on a malformed entry, or a sender given twice."""
    senders: dict[str, str] = {}
    for entry in filter(None, (entry.strip() for entry in entries.split(","))):
        source, _, sender = (part.strip() for part in entry.partition("="))
        if not (re.match(SOURCE_PATTERN, source) and _SENDER_ID.match(sender)):
            raise ValueError(f"{entry!r} is not <source>=<IAM unique id>")
        if sender in senders:
            raise ValueError(f"sender {sender} is given twice")
        senders[sender] = source
    return senders


# The setting, checked at cold start.
BillingSystemSenders = Annotated[Mapping[str, str], BeforeValidator(parse_senders)]


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


def received_from_sqs(record: SQSRecord, *, posted: bool, senders: Mapping[str, str]) -> ReceivedMessage:
    """`posted`: the record comes from the posted-import queue, whose attributes the API set. `senders`: the
    billing systems that send straight to the import queue, IAM unique id -> source (parse_senders)."""
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
    if posted:  # the API's own message without its tags (it always sets them): no billing system's sender
        return ReceivedMessage(record.body, ref, deliveries)
    # An assumed role's SenderId is `<role id>:<session name>`: the role is the billing system.
    registered = senders.get(record.attributes.sender_id.partition(":")[0])
    return ReceivedMessage(record.body, ref, deliveries, bound_source=registered, unregistered_sender=not registered)
