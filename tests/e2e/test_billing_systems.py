"""Billing-system imports against `python -m local`: an integrator's boto3 script sending straight to the import
queue (valid, duplicated, malformed, unmatched and another system's messages) and the four tabs listing exactly
what it stored; a
machine client's client-credentials token from the local token endpoint; 10,000 messages posted at once and
processed through the local import queue as Lambda would; a message that fails on every delivery ending in the
dead-letter queue with its reason."""

import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
import requests
from stdnum.es import cups as stdnum_cups

from tests.e2e.conftest import REQUEST_TIMEOUT_SECONDS, ApiClient, LocalStackHandle
from tests.integration.test_contracts import ELECTRICITY as CONTRACT
from tests.integration.test_contracts import GAS as GAS_CONTRACT
from tests.integration.test_invoices import ELECTRICITY as INVOICE
from tests.integration.test_invoices import GAS as GAS_INVOICE

MESSAGES = 10_000
HOUSES = 100
ACCEPTED_WITHIN_SECONDS = 29  # the function's Timeout (API Gateway gives up at 30 s); measured 8-9 s here
COMPLETED_WITHIN_SECONDS = 900  # measured 3-4 minutes here: moto answers every request on two shared cores
POLL_SECONDS = 15  # each report reads every outcome: polling often slows the import down
SOURCE = "acme-erp"  # one of the two billing systems the local stack creates, the one that sends straight to SQS
OTHER_SOURCE = "other-erp"
SETTLED_WITHIN_SECONDS = 60
USER_PASSWORD = "Ana-Local-Pass-2024"
_serials = iter(range(int(time.time()) % 10**6 * 1000, 10**12))


def new_cups(suffix: str = "0F") -> str:
    digits = f"0021{next(_serials):012d}"
    return f"ES{digits}{stdnum_cups.calc_check_digits('ES' + digits)}{suffix}"


def machine_token(local_stack: LocalStackHandle, scope: str = "imports/write") -> requests.Response:
    client = local_stack.state["machine_clients"][SOURCE]
    return requests.post(
        local_stack.state["token_url"],
        auth=(client["client_id"], client["client_secret"]),
        data={"grant_type": "client_credentials", "scope": scope},
        timeout=REQUEST_TIMEOUT_SECONDS,
    )


@pytest.fixture(scope="module")
def billing_system(local_stack: LocalStackHandle) -> ApiClient:
    token = machine_token(local_stack)
    assert token.status_code == 200, token.text
    return local_stack.api(token.json()["access_token"])


def linked_houses(operator: ApiClient, count: int) -> list[str]:
    """`count` houses with an electricity CUPS each; their CUPS."""
    linked = []
    for _ in range(count):
        user = operator.post("/users", json={"name": "Ana Import", "email": f"ana.{uuid.uuid4().hex[:12]}@example.com"})
        house = operator.post(f"/users/{user.json()['id']}/houses", json={"address": "Mar 1", "postal_code": "46001"})
        cups = new_cups()
        assert operator.put(f"/houses/{house.json()['id']}/cups/electricity", json={"cups": cups}).status_code == 200
        linked.append(cups)
    return linked


def message(kind: str, cups: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"kind": kind, "source": SOURCE, "external_id": uuid.uuid4().hex, "cups": cups, "data": data}


def report_when(api: ApiClient, import_id: str, done: Callable[[dict[str, Any]], bool], within: float) -> Any:
    deadline = time.monotonic() + within
    while True:
        report = api.get(f"/imports/{import_id}")
        assert report.status_code == 200, report.text
        if done(report.json()) or time.monotonic() > deadline:
            return report.json()
        time.sleep(POLL_SECONDS)


def settled[T](read: Callable[[], T], done: Callable[[T], bool]) -> T:
    """`read()` once `done` with it, or as it is after SETTLED_WITHIN_SECONDS."""
    deadline = time.monotonic() + SETTLED_WITHIN_SECONDS
    while not done(value := read()) and time.monotonic() < deadline:
        time.sleep(1)
    return value


def test_an_integrator_script_sending_to_the_queue_fills_the_four_tabs_exactly(local_stack: LocalStackHandle) -> None:
    operator = local_stack.api(local_stack.operator_token())
    user = operator.post("/users", json={"name": "Ana Queue", "email": f"ana.{uuid.uuid4().hex[:12]}@example.com"})
    houses = [
        operator.post(f"/users/{user.json()['id']}/houses", json={"address": f"Mar {n}", "postal_code": "46001"})
        for n in (1, 2)
    ]
    house, later_house = (h.json()["id"] for h in houses)
    electricity, gas, unlinked = new_cups(), new_cups(suffix=""), new_cups()
    assert operator.put(f"/houses/{house}/cups/electricity", json={"cups": electricity}).status_code == 200
    assert operator.put(f"/houses/{house}/cups/gas", json={"cups": gas}).status_code == 200

    first_invoice = message("electricity_invoice", electricity, INVOICE | {"invoice_number": "F-1"})
    sent = {
        "electricity contract": message("electricity_contract", electricity, CONTRACT),
        "gas contract": message("gas_contract", gas, GAS_CONTRACT),
        "first invoice": first_invoice,
        "second invoice": message("electricity_invoice", electricity, INVOICE | {"invoice_number": "F-2"}),
        "gas invoice": message("gas_invoice", gas, GAS_INVOICE),
        "redelivered": first_invoice,
        "re-sent under another id": first_invoice | {"external_id": uuid.uuid4().hex},
        "not JSON": "{'kind': 'electricity_invoice'",
        "period ending before it starts": message(
            "electricity_invoice", electricity, INVOICE | {"invoice_number": "F-3", "period_end": "2024-03-01"}
        ),
        "unmatched": message("electricity_invoice", unlinked, INVOICE | {"invoice_number": "U-1"}),
        "another system's": message("electricity_invoice", electricity, INVOICE | {"invoice_number": "O-1"})
        | {"source": OTHER_SOURCE},
    }
    # The integrator's script: boto3 and the queue URL, nothing of ours (moto sends as SOURCE's registered sender).
    sqs = boto3.client(
        "sqs",
        endpoint_url=local_stack.aws_endpoint,
        region_name=local_stack.state["region"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    day_import = f"queue-{datetime.now(UTC).date().isoformat()}"
    message_ids = {
        name: sqs.send_message(
            QueueUrl=local_stack.resources["ImportQueue"],
            MessageBody=body if isinstance(body, str) else json.dumps(body),
        )["MessageId"]
        for name, body in sent.items()
    }

    def report() -> dict[str, Any]:
        return dict(operator.get(f"/imports/{day_import}").json())

    counted = settled(report, lambda r: r["received"] == len(sent))
    assert {key: counted[key] for key in ("received", "stored", "duplicates", "unmatched", "rejected")} == {
        "received": 11,
        "stored": 5,
        "duplicates": 2,
        "unmatched": 1,
        "rejected": 3,
    }
    explained = {error["sqs_message_id"]: error for error in counted["errors"]}
    refused = ("not JSON", "period ending before it starts", "another system's")
    assert set(explained) == {message_ids[name] for name in refused}
    assert [e["field"] for e in explained[message_ids["another system's"]]["errors"]] == ["source"]
    assert "JSON" in explained[message_ids["not JSON"]]["reason"]
    assert [e["field"] for e in explained[message_ids["period ending before it starts"]]["errors"]] == [
        "data.period_end"
    ]

    assert operator.put(f"/houses/{later_house}/cups/electricity", json={"cups": unlinked}).status_code == 200
    linked = settled(report, lambda r: r["unmatched"] == 0)
    assert (linked["stored"], linked["unmatched"]) == (6, 0)

    def tab(house_id: str, kind: str, field: str) -> list[str]:
        return sorted(item[field] for item in operator.get(f"/houses/{house_id}/{kind}").json()["items"])

    assert tab(house, "electricity-contracts", "contract_number") == ["C-1"]
    assert tab(house, "gas-contracts", "contract_number") == ["G-1"]
    assert tab(house, "electricity-invoices", "invoice_number") == ["F-1", "F-2"]
    assert tab(house, "gas-invoices", "invoice_number") == ["G24-77"]
    assert tab(later_house, "electricity-invoices", "invoice_number") == ["U-1"]


def test_ten_thousand_messages_are_accepted_at_once_and_all_counted(
    local_stack: LocalStackHandle, billing_system: ApiClient
) -> None:
    operator = local_stack.api(local_stack.operator_token())
    houses = linked_houses(operator, HOUSES)
    contracts = [message("electricity_contract", cups, CONTRACT) for cups in houses]
    unmatched = [message("electricity_invoice", new_cups(), INVOICE | {"invoice_number": "U-1"}) for _ in range(10)]
    invalid = [
        message("electricity_invoice", houses[0], INVOICE | {"invoice_number": f"X-{n}", "period_end": "2024-03-01"})
        for n in range(10)
    ]
    invoices = [
        message("electricity_invoice", houses[n % HOUSES], INVOICE | {"invoice_number": f"F24-{n:05d}"})
        for n in range(MESSAGES - len(contracts) - len(unmatched) - len(invalid))
    ]

    began = time.monotonic()
    posted = billing_system.post("/imports", json=[*contracts, *invoices, *unmatched, *invalid])
    accepted_after = time.monotonic() - began
    assert posted.status_code == 202, posted.text
    assert accepted_after < ACCEPTED_WITHIN_SECONDS
    import_id = posted.json()["import_id"]

    report = report_when(billing_system, import_id, lambda r: r["status"] == "completed", COMPLETED_WITHIN_SECONDS)
    completed_after = time.monotonic() - began
    print(f"\n{MESSAGES} messages: accepted after {accepted_after:.1f} s, completed after {completed_after:.0f} s")
    assert {key: report[key] for key in ("status", "received", "stored", "duplicates", "unmatched", "rejected")} == {
        "status": "completed",
        "received": MESSAGES,
        "stored": MESSAGES - 20,
        "duplicates": 0,
        "unmatched": 10,
        "rejected": 10,
    }
    assert sorted(error["position"] for error in report["errors"]) == list(range(MESSAGES - 10, MESSAGES))
    assert {e["field"] for error in report["errors"] for e in error["errors"]} == {"data.period_end"}
    assert operator.get(f"/imports/{import_id}").json()["stored"] == MESSAGES - 20  # operators see every import


def test_a_message_failing_on_every_delivery_ends_in_the_dead_letter_queue_with_its_reason(
    local_stack: LocalStackHandle, billing_system: ApiClient
) -> None:
    operator = local_stack.api(local_stack.operator_token())
    [cups] = linked_houses(operator, 1)
    # Storage that contradicts itself: the invoice number lists an invoice that is not stored, on every delivery.
    aws = {"endpoint_url": local_stack.aws_endpoint, "region_name": local_stack.state["region"]}
    credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    boto3.client("dynamodb", **aws, **credentials).put_item(
        TableName=local_stack.resources["BillingKeysTable"],
        Item={
            "key": {"S": f"invoice#electricity#{cups[:20]}#POISON-1"},
            "invoices": {"L": [{"M": {"house_id": {"S": "nowhere"}, "id": {"S": str(uuid.uuid4())}}}]},
            "version": {"N": "1"},
        },
    )
    poison = message("electricity_invoice", cups, INVOICE | {"invoice_number": "POISON-1"})
    posted = billing_system.post(
        "/imports", json=[poison, message("electricity_invoice", cups, INVOICE | {"invoice_number": "OK-1"})]
    )
    import_id = posted.json()["import_id"]

    report = report_when(billing_system, import_id, lambda r: r["status"] == "completed", 120)

    assert (report["status"], report["stored"], report["rejected"]) == ("completed", 1, 1)
    [error] = report["errors"]
    assert (error["position"], error["external_id"]) == (0, poison["external_id"])
    assert "failed on each of its 5 deliveries" in error["reason"] and "dead-letter queue" in error["reason"]
    sqs = boto3.client("sqs", **aws, **credentials)
    dead = sqs.receive_message(
        QueueUrl=local_stack.resources["ImportDeadLetterQueue"],
        MaxNumberOfMessages=10,
        WaitTimeSeconds=5,  # SQS moves it on the receive after the fifth
        MessageAttributeNames=["All"],
    ).get("Messages", [])
    tagged = {
        (m["MessageAttributes"]["import_id"]["StringValue"], m["MessageAttributes"]["position"]["StringValue"])
        for m in dead
    }
    assert (import_id, "0") in tagged


def test_a_machine_client_token_may_import_and_a_users_token_may_not(
    local_stack: LocalStackHandle, billing_system: ApiClient
) -> None:
    accepted = billing_system.post("/imports", json=[{"kind": "gas_invoice"}])
    assert accepted.status_code == 202, accepted.text
    assert billing_system.get(f"/imports/{accepted.json()['import_id']}").status_code == 200

    email = f"user.{uuid.uuid4().hex[:10]}@example.com"
    local_stack.create_cognito_user(email, USER_PASSWORD)
    user = local_stack.api(local_stack.sign_in(email, USER_PASSWORD))
    refused = user.post("/imports", json=[{"kind": "gas_invoice"}])
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert user.get(f"/imports/{accepted.json()['import_id']}").status_code == 403

    assert local_stack.api().post("/imports", json=[{}]).status_code == 401
    client = local_stack.state["machine_clients"][SOURCE]
    wrong_secret = requests.post(
        local_stack.state["token_url"],
        auth=(client["client_id"], "not-the-secret"),
        data={"grant_type": "client_credentials"},
        timeout=REQUEST_TIMEOUT_SECONDS,
    )
    assert (wrong_secret.status_code, wrong_secret.json()["error"]) == (400, "invalid_client")
    assert machine_token(local_stack, scope="imports/admin").json()["error"] == "invalid_scope"


def test_the_stack_lists_a_client_of_its_own_for_each_of_two_billing_systems(local_stack: LocalStackHandle) -> None:
    clients = local_stack.state["machine_clients"]
    assert {source: client["source"] for source, client in clients.items()} == {
        SOURCE: SOURCE,
        OTHER_SOURCE: OTHER_SOURCE,
    }
    assert len({client["client_id"] for client in clients.values()}) == 2
    # moto's SenderId for every message, registered in BillingSystemSenders for SOURCE only
    assert clients[SOURCE]["sqs_sender_id"] == "AIDAIT2UOQQY3AUEKVGXU"
    assert "sqs_sender_id" not in clients[OTHER_SOURCE]
