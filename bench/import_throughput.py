"""Billing-system import throughput: messages per second through the local queue path against direct repository
writes (store_invoice) of the same invoices, measured in the same run; and DynamoDB requests per imported
invoice, counted on the client (a botocore `before-call` hook on every session PynamoDB creates).

The queue path is the local stack's: moto's server in a process of its own (local.aws_server), the messages queued
as POST /imports queues them (SendMessageBatch, tagged with the import), ImportInvoicesFunction invoked by
local.sqs_source's pollers as Lambda's event source mapping would (its template BatchSize and batching window),
until every message has an outcome. The direct path calls store_invoice for the same invoice bodies, one after the
other, on houses of their own. Both store electricity invoices for houses with a 2.0TD contract (the tariff check
reads it), spread over many houses as a monthly billing run is. Goal: at most 3 requests per imported invoice.
Reports; never fails.

    .venv/bin/python bench/import_throughput.py [--messages 2000] [--houses 500]      (from the repository root)
"""

import argparse
import json
import os
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import botocore.session
from stdnum.es import cups as stdnum_cups

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

# The project's modules come after the repository is on sys.path; `shared` services and storage are imported where
# used, once the deployment's settings are in the environment.
from bench.consumption_query import house_with_electricity_cups  # noqa: E402
from local.aws_server import AwsServer  # noqa: E402
from local.deployment import Deployment, export_function_environments  # noqa: E402
from local.functions import FunctionRuntime  # noqa: E402
from local.provision import provision  # noqa: E402
from local.sqs_source import SqsEventSourceMapping, SqsPoller  # noqa: E402
from local.stack import point_this_process_at  # noqa: E402
from local.template import Template  # noqa: E402
from shared.houses.models import StoredHouse  # noqa: E402
from shared.supply_points.cups import Energy  # noqa: E402

GOAL_REQUESTS_PER_INVOICE = 3
REGION = "eu-west-1"
SOURCE = "bench-erp"
POLL_SECONDS = 1.0  # each poll counts the outcomes, which slows moto down: not too often
INVOICE = {
    "issue_date": "2024-05-03",
    "period_start": "2024-04-01",
    "period_end": "2024-04-30",
    "energy_kwh": {"P1": 55.123, "P2": 60, "P3": 120.5},
    "power_kw": {"P1": 4.6, "P2": 4.6},
    "energy_amount_eur": "31.20",
    "power_amount_eur": "12.10",
    "vat_eur": "9.80",
    "total_amount_eur": "53.10",
}
CONTRACT = {
    "tariff": "2.0TD",
    "contracted_power_kw": {"P1": 4.6, "P2": 4.6},
    "start_date": "2024-01-01",
    "retailer": "Som Energia",
    "contract_number": "C-1",
    "power_control": "icp",
}


class RequestCounter:
    """DynamoDB requests by operation, counted as botocore is about to send them."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def install(self) -> None:
        """Count the requests of every botocore session PynamoDB creates from now on."""
        import pynamodb.connection.base as pynamodb_connection  # noqa: PLC0415 - patched where PynamoDB looks

        def counted_session(env_vars: dict[str, tuple[Any, Any, Any, Any]] | None = None) -> botocore.session.Session:
            session = botocore.session.get_session(env_vars)
            session.register("before-call.dynamodb", self._count)
            return session

        # PynamoDB's own name for botocore's get_session, which it imports without re-exporting it.
        pynamodb_connection.get_session = counted_session  # type: ignore[attr-defined]

    def _count(self, **event: Any) -> None:
        with self._lock:
            self.counts[event["model"].name] += 1

    @contextmanager
    def measuring(self) -> Iterator[Counter[str]]:
        before = Counter(self.counts)
        measured: Counter[str] = Counter()
        yield measured
        measured.update(self.counts - before)


def start_moto() -> AwsServer:
    server = AwsServer.start()
    point_this_process_at(server.endpoint, REGION)
    return server


def houses_with_contracts(count: int, first_serial: int) -> list[StoredHouse]:
    """Houses with an electricity CUPS and a 2.0TD contract, stored as the services store them (the house, then
    its link), without the caller checks around them."""
    from shared.billing.kinds import ELECTRICITY_CONTRACTS  # noqa: PLC0415
    from shared.billing.models.documents import PORTAL  # noqa: PLC0415
    from shared.billing.services.contracts import store_contract  # noqa: PLC0415

    contract = ELECTRICITY_CONTRACTS.body.model_validate(CONTRACT)
    houses = []
    for serial in range(first_serial, first_serial + count):
        now = datetime.now(UTC)
        digits = f"0021{serial:012d}"
        cups = f"ES{digits}{stdnum_cups.calc_check_digits('ES' + digits)}0F"
        house = house_with_electricity_cups(str(uuid.uuid4()), "bench", f"Bench {serial}", "41001", cups, now)
        store_contract(house, ELECTRICITY_CONTRACTS, contract, PORTAL)
        houses.append(house)
    return houses


def electricity_cups(house: StoredHouse) -> str:
    link = house.link(Energy.ELECTRICITY)
    assert link is not None, house.id
    return link.cups


def invoice_messages(houses: list[StoredHouse], count: int) -> list[dict[str, Any]]:
    return [
        {
            "kind": "electricity_invoice",
            "source": SOURCE,
            "external_id": f"INV-{number:06d}",
            "cups": electricity_cups(houses[number % len(houses)]),
            "data": INVOICE | {"invoice_number": f"F24-{number:06d}"},
        }
        for number in range(count)
    ]


def through_the_queue(deployment: Deployment, messages: list[dict[str, Any]]) -> float:
    """Seconds from queueing the messages to the last outcome written."""
    from shared.core.clients.message_queue import MessageQueue  # noqa: PLC0415
    from shared.imports.services.submissions import posted_message  # noqa: PLC0415

    function = deployment.template.function("ImportInvoicesFunction")
    [event] = [event for event in function.events if event.name == "PostedImport"]  # where POST /imports sends
    mapping = SqsEventSourceMapping.from_event(function, event, deployment.resolve(event.properties))
    runtime = FunctionRuntime(function, function_name="bench-import", region=REGION, account_id=deployment.account_id)
    runtime.warm()
    poller = SqsPoller(mapping, runtime, sqs=boto3.client("sqs", region_name=REGION))
    import_id = str(uuid.uuid4())
    began = time.perf_counter()
    MessageQueue(str(deployment.ref("PostedImportQueue")), parallel_calls=16).send(
        [
            posted_message(import_id, position, json.dumps(message), SOURCE)  # as the billing system's client
            for position, message in enumerate(messages)
        ]
    )
    poller.start()
    try:
        while _outcomes_recorded(import_id) < len(messages):
            time.sleep(POLL_SECONDS)
    finally:
        poller.stop()
    return time.perf_counter() - began


def _outcomes_recorded(import_id: str) -> int:
    """Counted with boto3's own client, so that the bench's polls are not counted as the import's requests."""
    pages = (
        boto3.client("dynamodb", region_name=REGION)
        .get_paginator("query")
        .paginate(
            TableName=os.environ["IMPORTS_TABLE"],
            KeyConditionExpression="import_id = :import AND begins_with(entry, :messages)",
            ExpressionAttributeValues={":import": {"S": import_id}, ":messages": {"S": "message#"}},
            Select="COUNT",
        )
    )
    return sum(page["Count"] for page in pages)


def directly(messages: list[dict[str, Any]], houses: list[StoredHouse]) -> float:
    """Seconds to store the messages' invoices with store_invoice, one after the other."""
    from shared.billing.kinds import ELECTRICITY_INVOICES  # noqa: PLC0415
    from shared.billing.models.documents import Origin  # noqa: PLC0415
    from shared.billing.services.invoices import store_invoice  # noqa: PLC0415

    bodies = [ELECTRICITY_INVOICES.body.model_validate(message["data"]) for message in messages]
    began = time.perf_counter()
    for number, (message, body) in enumerate(zip(messages, bodies, strict=True)):
        origin = Origin(f"{SOURCE}-direct", message["external_id"])  # ids of its own: not duplicates of the import
        store_invoice(houses[number % len(houses)], ELECTRICITY_INVOICES, body, origin)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--houses", type=int, default=500)
    options = parser.parse_args()
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")

    server = start_moto()
    counter = RequestCounter()
    counter.install()
    try:
        deployment = provision(Template.load(), prefix="bench", region=REGION)
        export_function_environments(deployment)
        queued_houses = houses_with_contracts(options.houses, first_serial=100_000)
        direct_houses = houses_with_contracts(options.houses, first_serial=200_000)
        with counter.measuring() as queue_requests:
            queue_seconds = through_the_queue(deployment, invoice_messages(queued_houses, options.messages))
        with counter.measuring() as direct_requests:
            direct_seconds = directly(invoice_messages(direct_houses, options.messages), direct_houses)
    finally:
        server.stop()

    count = options.messages
    queue_rate, direct_rate = count / queue_seconds, count / direct_seconds
    per_invoice = sum(queue_requests.values()) / count
    print(f"{count} electricity invoices over {options.houses} houses (each with a contract)")
    print(f"  queue path     {queue_rate:7.1f} messages/s  ({queue_seconds:.1f} s)")
    print(f"  store_invoice  {direct_rate:7.1f} invoices/s  ({direct_seconds:.1f} s)")
    print(f"  ratio          {queue_rate / direct_rate:7.2f}  (queue path / direct writes)")
    print(f"  DynamoDB requests per imported invoice: {per_invoice:.2f} (goal <= {GOAL_REQUESTS_PER_INVOICE})")
    print(f"    {_breakdown(queue_requests, count)}")
    print(f"  DynamoDB requests per direct store_invoice: {sum(direct_requests.values()) / count:.2f}")
    print(f"    {_breakdown(direct_requests, count)}")


def _breakdown(requests: Counter[str], count: int) -> str:
    return ", ".join(f"{name} {value / count:.2f}" for name, value in requests.most_common())


if __name__ == "__main__":
    main()
