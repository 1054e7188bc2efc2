"""Where a delivered message is counted: the import and position POST /imports tagged it with, or, sent
straight to the queue, the day it was sent under its SQS message id (both survive redelivery). And the source
it is bound to: the posting client's, or that registered for the sender of a message sent straight."""

from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from shared.core.settings import FunctionSettings, SettingsError
from shared.imports.deliveries import BillingSystemSenders, is_queue_day, parse_senders, received_from_sqs
from shared.imports.models import MessageRef

ROLE = "AROA3XFRBF535PLBIFPI4"
USER = "AIDAIT2UOQQY3AUEKVGXU"
SENDERS = {ROLE: "acme-erp", USER: "other-erp"}


def record(attributes: dict[str, Any], receive_count: int = 1, sender: str = ROLE) -> SQSRecord:
    return SQSRecord(
        {
            "messageId": "m-1",
            "body": "{}",
            "attributes": {
                "ApproximateReceiveCount": str(receive_count),
                "SentTimestamp": "1714730400000",
                "SenderId": sender,
            },
            "messageAttributes": attributes,
        }
    )


def test_a_posted_message_is_counted_in_its_import_at_its_position() -> None:
    tags = {
        "import_id": {"stringValue": "imp-1", "dataType": "String"},
        "position": {"stringValue": "42", "dataType": "Number"},
    }
    received = received_from_sqs(record(tags, receive_count=3), posted=True, senders=SENDERS)
    assert received.ref == MessageRef("imp-1", position=42)
    assert received.ref.key == "imp-1#00042"
    assert (received.body, received.deliveries, received.bound_source) == ("{}", 3, None)
    assert not received.is_last_delivery(5)
    assert received_from_sqs(record(tags, 5), posted=True, senders=SENDERS).is_last_delivery(5)
    bound = tags | {"source": {"stringValue": "acme-erp", "dataType": "String"}}
    assert received_from_sqs(record(bound), posted=True, senders=SENDERS).bound_source == "acme-erp"


def test_a_message_sent_straight_to_the_queue_is_counted_on_the_day_it_was_sent() -> None:
    received = received_from_sqs(record({}), posted=False, senders=SENDERS)
    assert received.ref == MessageRef("queue-2024-05-03", sqs_message_id="m-1")  # 2024-05-03T10:00Z


def test_attributes_on_the_queue_billing_systems_send_to_are_never_trusted() -> None:
    forged = {
        "import_id": {"stringValue": "imp-1", "dataType": "String"},
        "position": {"stringValue": "not a number", "dataType": "Number"},
        "source": {"stringValue": "another-erp", "dataType": "String"},
    }
    received = received_from_sqs(record(forged), posted=False, senders=SENDERS)
    assert (received.ref.import_id, received.bound_source) == ("queue-2024-05-03", "acme-erp")


@pytest.mark.parametrize(
    ("sender", "source"),
    [(ROLE, "acme-erp"), (f"{ROLE}:nightly-export", "acme-erp"), (USER, "other-erp")],
)
def test_a_message_sent_straight_is_bound_to_the_source_registered_for_its_sender(sender: str, source: str) -> None:
    received = received_from_sqs(record({}, sender=sender), posted=False, senders=SENDERS)
    assert (received.bound_source, received.unregistered_sender) == (source, False)


@pytest.mark.parametrize(
    ("sender", "senders"),
    [
        ("AROAUNREGISTEREDROLE1", SENDERS),
        ("AROAUNREGISTEREDROLE1:acme-erp", SENDERS),
        (f"X{ROLE}", SENDERS),
        (ROLE, {}),  # no sender is registered
    ],
)
def test_a_message_sent_straight_by_a_sender_with_no_source_is_refused(sender: str, senders: dict[str, str]) -> None:
    received = received_from_sqs(record({}, sender=sender), posted=False, senders=senders)
    assert (received.bound_source, received.unregistered_sender) == (None, True)
    assert received.ref == MessageRef("queue-2024-05-03", sqs_message_id="m-1")  # counted, as rejected


def test_the_senders_never_judge_what_the_api_posted() -> None:
    tags = {
        "import_id": {"stringValue": "imp-1", "dataType": "String"},
        "position": {"stringValue": "0", "dataType": "Number"},
        "source": {"stringValue": "acme-erp", "dataType": "String"},
    }
    for senders in (SENDERS, {}):
        received = received_from_sqs(record(tags, sender="AROAAPIROLE:manage-imports"), posted=True, senders=senders)
        assert (received.bound_source, received.unregistered_sender) == ("acme-erp", False)


def test_the_senders_setting_maps_each_iam_unique_id_to_its_source() -> None:
    assert parse_senders("") == {}
    assert parse_senders(f"acme-erp={ROLE}, other-erp = {USER},") == SENDERS
    assert parse_senders(f"acme-erp={ROLE},acme-erp={USER}") == {ROLE: "acme-erp", USER: "acme-erp"}


@pytest.mark.parametrize(
    "entries",
    [
        "acme-erp",
        f"={ROLE}",
        "acme-erp=",
        f"acme#erp={ROLE}",  # no source could be sent under it
        "acme-erp=arn:aws:iam::123456789012:role/acme",  # the ARN, not the unique id
        f"acme-erp={ROLE}:session",
        f"acme-erp={ROLE},other-erp={ROLE}",  # one sender, two sources
    ],
)
def test_a_malformed_senders_setting_stops_the_cold_start_naming_it(entries: str) -> None:
    class Settings(FunctionSettings):
        billing_system_senders: BillingSystemSenders

    with pytest.raises(ValueError, match=r"is not <source>=<IAM unique id>|given twice"):
        parse_senders(entries)
    with pytest.raises(SettingsError, match="BILLING_SYSTEM_SENDERS"):
        Settings.load({"BILLING_SYSTEM_SENDERS": entries})
    assert Settings.load({"BILLING_SYSTEM_SENDERS": f"acme-erp={ROLE}"}).billing_system_senders == {ROLE: "acme-erp"}


@pytest.mark.parametrize(
    ("import_id", "expected"),
    [("queue-2024-05-03", True), ("queue-tomorrow", False), ("0b6f3c1e-imp", False), ("2024-05-03", False)],
)
def test_day_imports_are_named_by_a_date(import_id: str, expected: bool) -> None:
    assert is_queue_day(import_id) is expected
