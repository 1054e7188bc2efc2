"""Where a delivered message is counted: the import and position POST /imports tagged it with, or, sent
straight to the queue, the day it was sent under its SQS message id (both survive redelivery)."""

from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from shared.imports.deliveries import is_queue_day, received_from_sqs
from shared.imports.models import MessageRef


def record(attributes: dict[str, Any], receive_count: int = 1) -> SQSRecord:
    return SQSRecord(
        {
            "messageId": "m-1",
            "body": "{}",
            "attributes": {"ApproximateReceiveCount": str(receive_count), "SentTimestamp": "1714730400000"},
            "messageAttributes": attributes,
        }
    )


def test_a_posted_message_is_counted_in_its_import_at_its_position() -> None:
    tags = {
        "import_id": {"stringValue": "imp-1", "dataType": "String"},
        "position": {"stringValue": "42", "dataType": "Number"},
    }
    received = received_from_sqs(record(tags, receive_count=3), posted=True)
    assert received.ref == MessageRef("imp-1", position=42)
    assert received.ref.key == "imp-1#00042"
    assert (received.body, received.deliveries, received.bound_source) == ("{}", 3, None)
    assert not received.is_last_delivery(5)
    assert received_from_sqs(record(tags, 5), posted=True).is_last_delivery(5)
    bound = tags | {"source": {"stringValue": "acme-erp", "dataType": "String"}}
    assert received_from_sqs(record(bound), posted=True).bound_source == "acme-erp"


def test_a_message_sent_straight_to_the_queue_is_counted_on_the_day_it_was_sent() -> None:
    received = received_from_sqs(record({}), posted=False)
    assert received.ref == MessageRef("queue-2024-05-03", sqs_message_id="m-1")  # 2024-05-03T10:00Z


def test_attributes_on_the_queue_billing_systems_send_to_are_never_trusted() -> None:
    forged = {
        "import_id": {"stringValue": "imp-1", "dataType": "String"},
        "position": {"stringValue": "not a number", "dataType": "Number"},
        "source": {"stringValue": "another-erp", "dataType": "String"},
    }
    received = received_from_sqs(record(forged), posted=False)
    assert (received.ref.import_id, received.bound_source) == ("queue-2024-05-03", None)


@pytest.mark.parametrize(
    ("import_id", "expected"),
    [("queue-2024-05-03", True), ("queue-tomorrow", False), ("0b6f3c1e-imp", False), ("2024-05-03", False)],
)
def test_day_imports_are_named_by_a_date(import_id: str, expected: bool) -> None:
    assert is_queue_day(import_id) is expected
