"""Billing-system imports against moto: POST /imports and messages sent straight to the import queue, the
queue consumer invoked with the SQS events Lambda would build from the messages really queued (deleting those
not reported as failures, as the event source mapping does), and the link event path for unmatched messages.

The session's deployment is shared: every test uses CUPS of its own and drains the queues it reads."""

import json
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from local.billing_systems import create_billing_system_client
from local.deployment import Deployment
from local.events import sqs_event, sqs_record
from local.functions import FunctionRuntime
from shared.imports.messages import UNREGISTERED_SENDER
from shared.imports.services import importing
from tests.integration import test_contracts
from tests.integration.conftest import QUEUE_SENDER_SOURCE, REGION, Caller, FunctionsApi, Reply
from tests.integration.test_contract_corrections import replaced_versions
from tests.integration.test_invoices import ELECTRICITY, GAS
from tests.integration.test_set_cups import new_cups, put_cups

SOURCE = QUEUE_SENDER_SOURCE  # also the source of what is sent straight to the import queue
OTHER_SOURCE = "other-erp-test"
_serials = iter(range(900_000, 10**6))


@dataclass(frozen=True)
class MachineClient:
    """A billing system's client-credentials access token, as API Gateway passes its claims."""

    client_id: str
    scope: str = "imports/write"

    def claims(self) -> dict[str, Any]:
        return {"sub": self.client_id, "client_id": self.client_id, "token_use": "access", "scope": self.scope}


@pytest.fixture(scope="module")
def billing_systems(cognito: Any, user_pool_id: str) -> dict[str, MachineClient]:
    """An app client of their own for SOURCE and another billing system."""
    return {
        source: MachineClient(create_billing_system_client(cognito, user_pool_id, source)["client_id"])
        for source in (SOURCE, OTHER_SOURCE)
    }


@dataclass(frozen=True)
class Queue:
    url: str
    arn: str


@dataclass
class Importer:
    api: FunctionsApi
    import_queue: Queue  # where billing systems send straight
    posted_queue: Queue  # where POST /imports queues
    dead_letter_queue: Queue
    linked_queue: Queue

    def __post_init__(self) -> None:
        self.sqs = boto3.client("sqs", region_name=REGION)

    @property
    def consumer(self) -> FunctionRuntime:
        return self.api.runtimes["ImportInvoicesFunction"]

    def post(self, caller: Any, messages: Any) -> Reply:
        return self.api.request("POST", "/imports", caller, json_body=messages)

    def submit(self, caller: Any, messages: Sequence[dict[str, Any]]) -> str:
        reply = self.post(caller, list(messages))
        assert reply.status == 202, reply.body
        return str(reply["import_id"])

    def report(self, caller: Any, import_id: str) -> Reply:
        return self.api.request("GET", f"/imports/{import_id}", caller)

    def send_straight(self, body: str) -> str:
        """What a billing system does with boto3: a message with no import."""
        return str(self.sqs.send_message(QueueUrl=self.import_queue.url, MessageBody=body)["MessageId"])

    def receive(self, queue: Queue) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        while batch := self.sqs.receive_message(
            QueueUrl=queue.url,
            MaxNumberOfMessages=10,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", []):
            messages += batch
        return messages

    def invoke(self, function: FunctionRuntime, queue: Queue, messages: list[dict[str, Any]]) -> set[str]:
        """One invocation with these messages as its batch; deletes the succeeded ones, returns the failed ids."""
        event = sqs_event([sqs_record(message, queue_arn=queue.arn, region=REGION) for message in messages])
        try:
            response = function.invoke(event)
        except BatchProcessingError:  # every record failed: SQS delivers them all again
            failed = {message["MessageId"] for message in messages}
        else:
            failed = {failure["itemIdentifier"] for failure in response["batchItemFailures"]}
        for message in messages:
            if message["MessageId"] not in failed:
                self.sqs.delete_message(QueueUrl=queue.url, ReceiptHandle=message["ReceiptHandle"])
        return failed

    def consume(self) -> set[str]:
        """Every queued import message, in one batch per queue (failed ones become visible again at once)."""
        failed: set[str] = set()
        for queue in (self.posted_queue, self.import_queue):
            messages = self.receive(queue)
            failed_here = self.invoke(self.consumer, queue, messages) if messages else set()
            self._visible_again(queue, [m for m in messages if m["MessageId"] in failed_here])
            failed |= failed_here
        return failed

    def release(self) -> None:
        """Deliver the SupplyPointLinked events queued so far to the release function."""
        messages = self.receive(self.linked_queue)
        if messages:
            assert not self.invoke(self.api.runtimes["ReleaseUnmatchedImportsFunction"], self.linked_queue, messages)

    def drain(self) -> None:
        for queue in (self.import_queue, self.posted_queue, self.dead_letter_queue, self.linked_queue):
            for message in self.receive(queue):
                self.sqs.delete_message(QueueUrl=queue.url, ReceiptHandle=message["ReceiptHandle"])

    def _visible_again(self, queue: Queue, messages: list[dict[str, Any]]) -> None:
        for message in messages:
            self.sqs.change_message_visibility(
                QueueUrl=queue.url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )


def _queue(deployment: Deployment, logical_id: str) -> Queue:
    return Queue(str(deployment.ref(logical_id)), deployment.get_att(logical_id, "Arn"))


@pytest.fixture(scope="module")
def importer(deployment: Deployment, api: FunctionsApi) -> Importer:
    return Importer(
        api,
        _queue(deployment, "ImportQueue"),
        _queue(deployment, "PostedImportQueue"),
        _queue(deployment, "ImportDeadLetterQueue"),
        _queue(deployment, "SupplyPointLinkedQueue"),
    )


@pytest.fixture(autouse=True)
def empty_queues(importer: Importer) -> Iterator[None]:
    importer.drain()  # links made by other tests of the session announce themselves too
    yield
    importer.drain()


def electricity_cups() -> str:
    return new_cups("0022", next(_serials))


def gas_cups() -> str:
    return new_cups("0217", next(_serials), suffix="")


@pytest.fixture
def house(api: FunctionsApi, operator: Caller, create_user: Any) -> dict[str, Any]:
    """A house with an electricity and a gas CUPS of its own."""
    user = create_user()
    house = api.request(
        "POST", f"/users/{user.id}/houses", operator, json_body={"address": "Mar 3", "postal_code": "46001"}
    )
    assert put_cups(api, operator, house["id"], {"cups": electricity_cups()}).status == 200
    return dict(put_cups(api, operator, house["id"], {"cups": gas_cups()}, "gas").body)


def message(kind: str, cups: str, data: dict[str, Any], external_id: str | None = None) -> dict[str, Any]:
    return {"kind": kind, "source": SOURCE, "external_id": external_id or uuid.uuid4().hex, "cups": cups, "data": data}


def invoice(house: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return message("electricity_invoice", house["electricity_cups"], ELECTRICITY | changes)


def documents(api: FunctionsApi, operator: Caller, house: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return list(api.request("GET", f"/houses/{house['id']}/{kind}", operator)["items"])


def counts(report: Reply) -> dict[str, Any]:
    keys = ("status", "received", "stored", "duplicates", "unmatched", "rejected")
    return {key: report[key] for key in keys}


# ---------------------------------------------------------------- one invoice, however it arrives


def test_the_same_invoice_through_the_queue_and_the_portal_is_one_invoice(
    importer: Importer, api: FunctionsApi, operator: Caller, house: dict[str, Any]
) -> None:
    import_id = importer.submit(operator, [invoice(house)])
    assert counts(importer.report(operator, import_id))["status"] == "processing"
    assert not importer.consume()
    report = importer.report(operator, import_id)
    assert counts(report) | {"errors": report["errors"]} == {
        "status": "completed",
        "received": 1,
        "stored": 1,
        "duplicates": 0,
        "unmatched": 0,
        "rejected": 0,
        "errors": [],
    }
    [stored] = documents(api, operator, house, "electricity-invoices")
    assert (stored["source"], stored["cups"]) == (SOURCE, house["electricity_cups"])
    typed = api.request("POST", f"/houses/{house['id']}/electricity-invoices", operator, json_body=ELECTRICITY)
    assert typed.status == 200 and typed["id"] == stored["id"]

    # typed in the portal first, imported afterwards: a duplicate
    gas_import = importer.submit(operator, [message("gas_invoice", house["gas_cups"], GAS)])
    assert api.request("POST", f"/houses/{house['id']}/gas-invoices", operator, json_body=GAS).status == 201
    importer.consume()
    assert counts(importer.report(operator, gas_import))["duplicates"] == 1
    assert len(documents(api, operator, house, "gas-invoices")) == 1


def test_redelivery_and_re_sending_store_nothing_twice(
    importer: Importer, api: FunctionsApi, operator: Caller, house: dict[str, Any]
) -> None:
    sent = [invoice(house), message("electricity_contract", house["electricity_cups"], test_contracts.ELECTRICITY)]
    import_id = importer.submit(operator, sent)
    queued = importer.receive(importer.posted_queue)
    for _ in range(3):  # SQS delivers at least once: the same messages, again and again
        assert not importer.invoke(importer.consumer, importer.posted_queue, queued)
    report = importer.report(operator, import_id)
    assert counts(report) == {
        "status": "completed",
        "received": 2,
        "stored": 2,
        "duplicates": 0,
        "unmatched": 0,
        "rejected": 0,
    }
    assert len(documents(api, operator, house, "electricity-invoices")) == 1
    assert len(documents(api, operator, house, "electricity-contracts")) == 1

    # the billing system sends them again: duplicates; the same id with other content: rejected
    changed = sent[0] | {"data": ELECTRICITY | {"invoice_number": "OTHER-1"}}
    again = importer.submit(operator, [*sent, changed])
    importer.consume()
    report = importer.report(operator, again)
    assert counts(report) | {"errors": [(e["position"], e["errors"][0]["field"]) for e in report["errors"]]} == {
        "status": "completed",
        "received": 3,
        "stored": 0,
        "duplicates": 2,
        "unmatched": 0,
        "rejected": 1,
        "errors": [(2, "external_id")],
    }
    assert len(documents(api, operator, house, "electricity-invoices")) == 1


def test_a_batch_of_good_and_bad_messages_fails_only_the_transient_one(
    importer: Importer, api: FunctionsApi, operator: Caller, house: dict[str, Any], deployment: Deployment
) -> None:
    broken_number = "BROKEN-1"
    _refer_to_a_missing_invoice(deployment, house["electricity_cups"], broken_number)
    good = invoice(house)
    bodies = [
        json.dumps(good),
        "{not json",
        json.dumps(good | {"kind": "water_invoice", "external_id": "k1"}),
        json.dumps(invoice(house, energy_kwh={"P1": -1}, vat_eur="1.234") | {"external_id": "d1"}),
        json.dumps(good | {"cups": "ES0021000012345678LC0F", "external_id": "c1"}),
        json.dumps(invoice(house, invoice_number=broken_number)),  # storage is inconsistent: fails every time
    ]
    ids = [importer.send_straight(body) for body in bodies]

    failed = importer.consume()

    assert failed == {ids[5]}
    day = _queue_day(importer, ids[0])
    report = importer.report(operator, day)
    assert counts(report) == {
        "status": "open",
        "received": 5,
        "stored": 1,
        "duplicates": 0,
        "unmatched": 0,
        "rejected": 4,
    }
    reasons = {error["sqs_message_id"]: error for error in report["errors"]}
    assert [e["field"] for e in reasons[ids[1]]["errors"]] == ["body"]
    assert [e["field"] for e in reasons[ids[2]]["errors"]] == ["kind"]
    assert sorted(e["field"] for e in reasons[ids[3]]["errors"]) == ["data.energy_kwh.P1", "data.vat_eur"]
    assert reasons[ids[3]]["external_id"] == "d1" and reasons[ids[3]]["source"] == SOURCE
    assert [e["field"] for e in reasons[ids[4]]["errors"]] == ["cups"]
    assert "control letters" in reasons[ids[4]]["errors"][0]["message"]
    assert len(documents(api, operator, house, "electricity-invoices")) == 1


def test_a_message_nested_too_deeply_to_parse_is_rejected_alone(
    importer: Importer, api: FunctionsApi, operator: Caller, house: dict[str, Any]
) -> None:
    nested = "[" * 100_000 + "]" * 100_000  # json.loads raises RecursionError, not ValueError
    deep_data = json.dumps(invoice(house)).replace('"data": {', '"data": {"x": ' + "[" * 500 + "]" * 500 + ", ")
    import_id = importer.submit(operator, [invoice(house)])
    ids = [importer.send_straight(body) for body in (nested, deep_data)]

    assert importer.consume() == set()

    assert importer.report(operator, import_id)["stored"] == 1
    reasons = _errors(importer, operator, ids[0])
    assert [e["field"] for e in reasons[ids[0]]["errors"]] == ["body"]
    assert reasons[ids[1]]["errors"]
    assert len(documents(api, operator, house, "electricity-invoices")) == 1


def test_a_message_failing_on_every_delivery_is_counted_with_its_error_and_dead_lettered(
    importer: Importer, operator: Caller, house: dict[str, Any], deployment: Deployment
) -> None:
    _refer_to_a_missing_invoice(deployment, house["electricity_cups"], "BROKEN-2")
    import_id = importer.submit(operator, [invoice(house, invoice_number="BROKEN-2"), invoice(house)])
    for delivery in range(1, 6):  # maxReceiveCount is 5
        assert len(importer.consume()) == 1, delivery
        assert importer.report(operator, import_id)["status"] == ("completed" if delivery == 5 else "processing")
    assert not importer.receive(importer.posted_queue)  # SQS moved it to the dead-letter queue
    [dead] = importer.receive(importer.dead_letter_queue)
    assert dead["MessageAttributes"]["position"]["StringValue"] == "0"
    report = importer.report(operator, import_id)
    assert (report["stored"], report["rejected"]) == (1, 1)
    [error] = report["errors"]
    assert error["position"] == 0
    assert "failed on each of its 5 deliveries" in error["reason"] and "dead-letter queue" in error["reason"]
    assert "RuntimeError" in error["reason"]


# ---------------------------------------------------------------- unmatched until a house links the CUPS


def test_an_unmatched_message_is_stored_once_a_house_links_its_cups(
    importer: Importer, api: FunctionsApi, operator: Caller, create_user: Any
) -> None:
    cups = electricity_cups()
    waiting = message("electricity_invoice", cups, ELECTRICITY)
    import_id = importer.submit(operator, [waiting])
    importer.consume()
    assert counts(importer.report(operator, import_id)) | {"status": "-"} == {
        "status": "-",
        "received": 1,
        "stored": 0,
        "duplicates": 0,
        "unmatched": 1,
        "rejected": 0,
    }
    importer.consume()  # nothing new: still one message, still unmatched

    user = create_user()
    house = api.request(
        "POST", f"/users/{user.id}/houses", operator, json_body={"address": "Sol 9", "postal_code": "41002"}
    )
    assert put_cups(api, operator, house["id"], {"cups": cups}).status == 200
    importer.release()

    report = importer.report(operator, import_id)
    assert (report["status"], report["stored"], report["unmatched"]) == ("completed", 1, 0)
    [stored] = documents(api, operator, house.body, "electricity-invoices")
    assert stored["external_id"] == waiting["external_id"]
    importer.release()  # the link announced again (a retried PUT): nothing more
    assert len(documents(api, operator, house.body, "electricity-invoices")) == 1


def test_a_held_message_expires_through_the_tables_time_to_live(
    importer: Importer, deployment: Deployment, operator: Caller
) -> None:
    table = str(deployment.ref("UnmatchedImportsTable"))
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    ttl = dynamodb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] == "ENABLED"
    cups = electricity_cups()
    importer.submit(operator, [message("electricity_invoice", cups, ELECTRICITY)])
    importer.consume()

    [held] = dynamodb.query(
        TableName=table,
        KeyConditionExpression="supply_point = :p AND begins_with(entry, :m)",
        ExpressionAttributeValues={":p": {"S": f"electricity#{cups[:20]}"}, ":m": {"S": "message#"}},
    )["Items"]
    days_left = (int(held[ttl["AttributeName"]]["N"]) - time.time()) / 86400
    assert 364 < days_left <= 365


def test_a_later_message_takes_up_held_ones_when_the_link_event_was_lost(
    importer: Importer, api: FunctionsApi, operator: Caller, create_user: Any
) -> None:
    cups = electricity_cups()
    held = importer.submit(operator, [message("electricity_invoice", cups, ELECTRICITY)])
    importer.consume()
    user = create_user()
    house = api.request(
        "POST", f"/users/{user.id}/houses", operator, json_body={"address": "Sol 7", "postal_code": "41002"}
    )
    assert put_cups(api, operator, house["id"], {"cups": cups}).status == 200
    importer.drain()  # the SupplyPointLinked event is lost

    later = importer.submit(
        operator, [message("electricity_invoice", cups, ELECTRICITY | {"invoice_number": "F-LATER"})]
    )
    importer.consume()
    assert importer.report(operator, held)["unmatched"] == 1  # released on the release queue, not in the batch
    importer.release()

    assert importer.report(operator, held)["stored"] == 1
    assert importer.report(operator, later)["stored"] == 1
    assert len(documents(api, operator, house.body, "electricity-invoices")) == 2


def test_held_messages_are_released_a_bounded_page_per_invocation(
    importer: Importer, api: FunctionsApi, operator: Caller, create_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "RELEASE_PAGE", 2)
    cups = electricity_cups()
    numbers = ["F-PAGE-1", "F-PAGE-2", "F-PAGE-3"]
    import_id = importer.submit(
        operator, [message("electricity_invoice", cups, ELECTRICITY | {"invoice_number": n}) for n in numbers]
    )
    importer.consume()
    user = create_user()
    house = api.request(
        "POST", f"/users/{user.id}/houses", operator, json_body={"address": "Sol 8", "postal_code": "41002"}
    )
    assert put_cups(api, operator, house["id"], {"cups": cups}).status == 200

    importer.release()  # the link's event: one page, and the next one asked for
    assert (importer.report(operator, import_id)["stored"], importer.report(operator, import_id)["unmatched"]) == (2, 1)
    importer.release()  # the page asked for
    assert importer.report(operator, import_id)["stored"] == 3
    assert len(documents(api, operator, house.body, "electricity-invoices")) == 3


def test_documents_starting_before_the_holder_took_the_cups_over_stay_unmatched_for_operators(
    importer: Importer, api: FunctionsApi, operator: Caller, create_user: Any
) -> None:
    cups = electricity_cups()
    before = message("electricity_invoice", cups, ELECTRICITY | {"invoice_number": "F-PREV"})  # from 2024-04-01
    held_before = importer.submit(operator, [before])
    importer.consume()
    user = create_user()
    house = api.request(
        "POST", f"/users/{user.id}/houses", operator, json_body={"address": "Luna 2", "postal_code": "41003"}
    )
    assert put_cups(api, operator, house["id"], {"cups": cups, "since": "2024-05-01"}).status == 200
    importer.release()
    own = ELECTRICITY | {"invoice_number": "F-OWN", "period_start": "2024-05-01", "period_end": "2024-05-31"}
    contract = message("electricity_contract", cups, test_contracts.ELECTRICITY)  # from 2024-01-01
    later = importer.submit(operator, [message("electricity_invoice", cups, own), contract])
    importer.consume()

    for import_id, unmatched in ((held_before, 1), (later, 1)):
        report = importer.report(operator, import_id)
        assert (report["status"], report["unmatched"], report["rejected"]) == ("completed", unmatched, 0)
        [held] = report["errors"]
        assert held["outcome"] == "unmatched"
        assert "before" in held["reason"] and "holder" in held["reason"]
    [stored] = documents(api, operator, house.body, "electricity-invoices")
    assert stored["invoice_number"] == "F-OWN"
    assert documents(api, operator, house.body, "electricity-contracts") == []
    importer.release()  # asked again: they stay where they are
    assert importer.report(operator, held_before)["unmatched"] == 1


# ---------------------------------------------------------------- the portal's rules hold for imports


def test_an_overlapping_contract_is_rejected_with_its_reason(
    importer: Importer, api: FunctionsApi, operator: Caller, house: dict[str, Any]
) -> None:
    cups = house["electricity_cups"]
    first = message("electricity_contract", cups, test_contracts.ELECTRICITY)
    overlapping = message(
        "electricity_contract", cups, test_contracts.ELECTRICITY | {"start_date": "2024-06-01", "end_date": None}
    )
    import_id = importer.submit(operator, [first, overlapping])
    importer.consume()
    report = importer.report(operator, import_id)
    assert (report["stored"], report["rejected"]) == (1, 1)
    [error] = report["errors"]
    assert error["position"] == 1 and error["external_id"] == overlapping["external_id"]
    assert sorted(e["field"] for e in error["errors"]) == ["data.end_date", "data.start_date"]
    [stored] = documents(api, operator, house, "electricity-contracts")
    # The house's other documents may be another system's, or typed in the portal: named by field only.
    told = json.dumps(error)
    assert stored["id"] not in told and "2024-01-01" not in told and "2024-06-30" not in told


# ---------------------------------------------------------------- contracts corrected by their billing system


def test_a_contract_sent_again_with_other_content_corrects_it(
    importer: Importer, api: FunctionsApi, operator: Caller, house: dict[str, Any]
) -> None:
    cups = house["electricity_cups"]
    original = message("electricity_contract", cups, test_contracts.ELECTRICITY | {"end_date": None})
    importer.submit(operator, [original])
    original_delivery = importer.receive(importer.posted_queue)
    assert not importer.invoke(importer.consumer, importer.posted_queue, original_delivery)
    [stored] = documents(api, operator, house, "electricity-contracts")

    # the customer changed retailer: the billing system sends the contract again, ended
    ended = original | {"data": original["data"] | {"end_date": "2024-06-30"}}
    correction = importer.submit(operator, [ended])
    correction_delivery = importer.receive(importer.posted_queue)
    assert not importer.invoke(importer.consumer, importer.posted_queue, correction_delivery)

    assert counts(importer.report(operator, correction))["stored"] == 1
    [corrected] = documents(api, operator, house, "electricity-contracts")
    assert corrected | {"updated_at": None} == stored | {"end_date": "2024-06-30"}
    assert corrected["updated_at"] is not None
    [replaced] = replaced_versions(house["id"], stored["id"])
    assert (replaced.last_day, replaced.source, replaced.external_id) == (None, SOURCE, original["external_id"])
    assert replaced.replaced_by == f"import:{correction}#00000"

    # either message delivered again changes nothing, and stays counted as stored
    for delivery in (correction_delivery, original_delivery):
        assert not importer.invoke(importer.consumer, importer.posted_queue, delivery)
    assert counts(importer.report(operator, correction))["stored"] == 1
    assert documents(api, operator, house, "electricity-contracts") == [corrected]
    assert len(replaced_versions(house["id"], stored["id"])) == 1

    # the next retailer's contract fits now
    later = test_contracts.ELECTRICITY | {"start_date": "2024-07-01", "end_date": None, "contract_number": "C-2"}
    importer.submit(operator, [message("electricity_contract", cups, later)])
    importer.consume()
    assert len(documents(api, operator, house, "electricity-contracts")) == 2


def test_a_correction_is_checked_like_a_change_from_the_portal(
    importer: Importer, api: FunctionsApi, operator: Caller, house: dict[str, Any]
) -> None:
    cups = house["electricity_cups"]
    first = message("electricity_contract", cups, test_contracts.ELECTRICITY)  # to 2024-06-30
    later = message(
        "electricity_contract", cups, test_contracts.ELECTRICITY | {"start_date": "2024-09-01", "end_date": None}
    )
    importer.submit(operator, [first, later])
    importer.consume()
    before = documents(api, operator, house, "electricity-contracts")

    too_long = first | {"data": first["data"] | {"end_date": "2024-10-31"}}
    as_gas = first | {"kind": "gas_contract", "cups": house["gas_cups"], "data": test_contracts.GAS}
    import_id = importer.submit(operator, [too_long, as_gas])
    importer.consume()

    report = importer.report(operator, import_id)
    assert (report["stored"], report["rejected"]) == (0, 2)
    overlapping, other_kind = report["errors"]
    assert sorted(e["field"] for e in overlapping["errors"]) == ["data.end_date", "data.start_date"]
    assert before[0]["id"] not in overlapping["reason"]  # named by field only: it may be another system's
    assert [e["field"] for e in other_kind["errors"]] == ["external_id"]  # its id stored an electricity contract
    assert documents(api, operator, house, "electricity-contracts") == before
    assert replaced_versions(house["id"], before[1]["id"]) == []


def test_a_rectifying_chain_is_imported_whatever_order_it_arrives_in(
    importer: Importer, api: FunctionsApi, operator: Caller, house: dict[str, Any]
) -> None:
    number = ELECTRICITY["invoice_number"]
    original = invoice(house)
    rectifying = invoice(house, type="rectifying", corrects_invoice_number=number, total_amount_eur="50.00")
    cancelling = invoice(house, invoice_number="A-1", type="cancelling", corrects_invoice_number=number)
    import_id = importer.submit(operator, [rectifying, cancelling])
    assert len(importer.consume()) == 2  # they wait for the invoice they correct
    importer.submit(operator, [original])
    assert importer.consume()  # delivered before the original in the batch: they wait again
    assert not importer.consume()
    report = importer.report(operator, import_id)
    assert (report["status"], report["stored"]) == ("completed", 2)
    stored = documents(api, operator, house, "electricity-invoices")
    assert sorted((invoice["type"], invoice["invoice_number"]) for invoice in stored) == [
        ("cancelling", "A-1"),
        ("normal", number),
        ("rectifying", number),
    ]


def test_a_correction_of_an_invoice_never_stored_is_rejected_on_its_last_delivery(
    importer: Importer, operator: Caller, house: dict[str, Any]
) -> None:
    orphan = invoice(house, invoice_number="R-9", type="rectifying", corrects_invoice_number="NEVER")
    import_id = importer.submit(operator, [orphan])
    for _ in range(4):
        assert len(importer.consume()) == 1
    assert not importer.consume()  # the fifth and last delivery: rejected, not dead-lettered
    assert not importer.receive(importer.dead_letter_queue)
    [error] = importer.report(operator, import_id)["errors"]
    assert [e["field"] for e in error["errors"]] == ["data.corrects_invoice_number"]


# ---------------------------------------------------------------- the imports API


def test_machine_clients_see_their_own_imports_and_users_are_forbidden(
    importer: Importer,
    operator: Caller,
    house: dict[str, Any],
    create_user: Any,
    billing_systems: dict[str, MachineClient],
) -> None:
    billing_system, other_system = billing_systems[SOURCE], billing_systems[OTHER_SOURCE]
    import_id = importer.submit(billing_system, [invoice(house)])
    assert importer.report(billing_system, import_id).status == 200
    assert importer.report(operator, import_id).status == 200
    assert importer.report(other_system, import_id).status == 404
    without_scope = MachineClient(billing_system.client_id, scope="aws.cognito.signin.user.admin")
    no_billing_system = MachineClient("a-client-of-no-billing-system")
    user = create_user().caller
    for refused in (without_scope, no_billing_system, user):
        assert importer.post(refused, [invoice(house)]).status == 403
        assert importer.report(refused, import_id).status == 403
    assert importer.report(billing_system, "queue-2024-05-03").status == 404  # operators only
    assert importer.report(operator, str(uuid.uuid4())).status == 404


def test_a_billing_system_sends_and_corrects_only_its_own_source(
    importer: Importer, api: FunctionsApi, operator: Caller, house: dict[str, Any], billing_systems: dict[str, Any]
) -> None:
    cups = house["electricity_cups"]
    theirs = message("electricity_contract", cups, test_contracts.ELECTRICITY) | {"source": OTHER_SOURCE}
    importer.submit(billing_systems[OTHER_SOURCE], [theirs])
    importer.consume()
    [contract] = documents(api, operator, house, "electricity-contracts")

    correction = theirs | {"data": test_contracts.ELECTRICITY | {"end_date": "2024-03-31"}}
    import_id = importer.submit(billing_systems[SOURCE], [correction, invoice(house)])
    importer.consume()

    report = importer.report(billing_systems[SOURCE], import_id)
    assert (report["stored"], report["rejected"]) == (1, 1)
    [error] = report["errors"]
    assert (error["position"], [e["field"] for e in error["errors"]]) == (0, ["source"])
    assert documents(api, operator, house, "electricity-contracts") == [contract]


def test_import_attributes_are_trusted_only_from_the_apis_own_queue(
    importer: Importer, operator: Caller, house: dict[str, Any], billing_systems: dict[str, Any]
) -> None:
    import_id = importer.submit(billing_systems[SOURCE], [invoice(house)])
    forged = {
        "import_id": {"DataType": "String", "StringValue": import_id},
        "position": {"DataType": "Number", "StringValue": "1"},
        "source": {"DataType": "String", "StringValue": SOURCE},
    }
    sent = importer.sqs.send_message(
        QueueUrl=importer.import_queue.url, MessageBody=json.dumps(invoice(house)), MessageAttributes=forged
    )["MessageId"]
    importer.consume()

    assert counts(importer.report(operator, import_id))["received"] == 1
    assert importer.report(operator, import_id)["stored"] == 1
    assert importer.report(operator, _queue_day(importer, sent))["stored"] == 1  # counted where it came from


def test_a_message_sent_straight_is_bound_to_the_source_registered_for_its_sender(
    importer: Importer, api: FunctionsApi, operator: Caller, house: dict[str, Any]
) -> None:
    """moto sends every message as the sender the deployment registered for SOURCE."""
    others = invoice(house, invoice_number="THEIRS-1") | {"source": OTHER_SOURCE}
    own, other = (importer.send_straight(json.dumps(body)) for body in (invoice(house), others))

    assert not importer.consume()

    errors = _errors(importer, operator, own)
    assert own not in errors
    assert (errors[other]["source"], [e["field"] for e in errors[other]["errors"]]) == (OTHER_SOURCE, ["source"])
    [stored] = documents(api, operator, house, "electricity-invoices")
    assert (stored["source"], stored["invoice_number"]) == (SOURCE, ELECTRICITY["invoice_number"])


def test_a_message_sent_straight_by_a_sender_that_is_no_registered_billing_system_is_rejected(
    importer: Importer, api: FunctionsApi, operator: Caller, house: dict[str, Any]
) -> None:
    sent = importer.send_straight(json.dumps(invoice(house)))
    [queued] = importer.receive(importer.import_queue)
    queued["Attributes"]["SenderId"] = "AROAUNREGISTEREDROLE1:nightly-export"  # another principal of the account

    assert not importer.invoke(importer.consumer, importer.import_queue, [queued])

    error = _errors(importer, operator, sent)[sent]
    assert (error["source"], error["reason"]) == (SOURCE, UNREGISTERED_SENDER)
    assert [(e["field"], e["message"]) for e in error["errors"]] == [("source", UNREGISTERED_SENDER)]
    assert documents(api, operator, house, "electricity-invoices") == []


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [([], 422, "body"), ({"kind": "gas_invoice"}, 422, "body"), ([1], 422, "0"), ([{}] * 10_001, 422, "body")],
)
def test_an_import_is_an_array_of_1_to_10000_objects(
    importer: Importer, operator: Caller, body: Any, status: int, field: str
) -> None:
    reply = importer.post(operator, body)
    assert reply.status == status, reply.body
    assert [error["field"] for error in reply["errors"]] == [field]


def test_a_posted_import_is_created_once_per_idempotency_key(importer: Importer, operator: Caller) -> None:
    headers = {"idempotency-key": uuid.uuid4().hex}
    body = [{"kind": "gas_invoice"}]
    first = importer.api.request("POST", "/imports", operator, json_body=body, headers=headers)
    again = importer.api.request("POST", "/imports", operator, json_body=body, headers=headers)
    assert first.status == again.status == 202 and first.body == again.body
    assert first.headers["location"] == f"/imports/{first['import_id']}"
    assert len(importer.receive(importer.posted_queue)) == 1


# ---------------------------------------------------------------- helpers


def _refer_to_a_missing_invoice(deployment: Deployment, cups: str, number: str) -> None:
    """An invoice number whose item lists an invoice that is not stored: store_invoice fails on it every time."""
    boto3.client("dynamodb", region_name=REGION).put_item(
        TableName=str(deployment.ref("BillingKeysTable")),
        Item={
            "key": {"S": f"invoice#electricity#{cups[:20]}#{number}"},
            "invoices": {"L": [{"M": {"house_id": {"S": "nowhere"}, "id": {"S": str(uuid.uuid4())}}}]},
            "version": {"N": "1"},
        },
    )


def _queue_day(importer: Importer, message_id: str) -> str:
    from shared.imports.dal.imports import OutcomeRecord  # noqa: PLC0415 - once the deployment set the table names

    [record] = [record for record in OutcomeRecord.scan() if record.sqs_message_id == message_id]
    return str(record.import_id)


def _errors(importer: Importer, operator: Caller, message_id: str) -> dict[str, Any]:
    """The errors of the day import of a message sent straight to the queue, by SQS message id."""
    report = importer.report(operator, _queue_day(importer, message_id))
    return {error["sqs_message_id"]: error for error in report["errors"]}


def test_the_import_queue_is_configured_for_its_consumer(deployment: Deployment) -> None:
    """The consumer counts a message dead-lettered on the delivery the queue's redrive policy makes its last;
    a batch in progress never becomes visible to another consumer."""
    consumer = deployment.template.function("ImportInvoicesFunction")
    max_receives = int(deployment.function_environment("ImportInvoicesFunction")["IMPORT_QUEUE_MAX_RECEIVES"])
    for name in ("ImportQueue", "PostedImportQueue"):
        queue = deployment.resolve(deployment.template.resource(name).properties)
        assert max_receives == int(queue["RedrivePolicy"]["maxReceiveCount"]) >= 5
        assert int(queue["VisibilityTimeout"]) >= 6 * consumer.timeout_seconds
