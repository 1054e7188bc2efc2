"""DynamoDB write requests per 1,000 hourly rows that the metering pipeline (split + ingest) sends, counted on
the client: a botocore hook on every client counts BatchWriteItem, PutItem, UpdateItem and TransactWriteItems.

Two files go through the real split and ingest services against moto (in this process):
- a monthly F5D, 1,000 CUPS x 31 days: 744 rows per supply point and month, as distributors bill;
- a one-day file of many CUPS (10,000 x 24 rows): the fewest rows per stored item.
Goal: at most 2 write requests per 1,000 rows. Also the helpers bench/ingest_memory.py uses.

    .venv/bin/python bench/metering_storage.py [--monthly-cups 1000] [--daily-cups 10000]   (repository root)
"""

import argparse
import bz2
import os
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import botocore.session
from moto import mock_aws

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from local.deployment import export_function_environments  # noqa: E402
from local.provision import provision  # noqa: E402
from local.template import Template  # noqa: E402
from shared.core.settings import FunctionSettings  # noqa: E402
from tests.unit.metering.metering_samples import day_hours, make_cups  # noqa: E402 - needs the repository on sys.path

REGION = "eu-west-1"
# Domain events go to a bus of their own: moto hands default-bus events to the poller's schedule rule too,
# and fails on its Lambda target.
EVENTS_BUS = "bench-metering-events"
WRITE_OPERATIONS = frozenset({"BatchWriteItem", "PutItem", "UpdateItem", "TransactWriteItems"})
GOAL_PER_1000_ROWS = 2


def curve_lines(cups_count: int, days: list[date]) -> Iterator[bytes]:
    """A REE-variant F5D, one supply point after another, a block of lines per supply point. Random hourly
    values, so that it compresses like a real file (bz2 ~17x) rather than a regular pattern (~45x)."""
    values = random.Random(cups_count)
    hours = [(label, season) for day in days for label, season, _ in day_hours(day)]
    for point in range(cups_count):
        cups = make_cups(point + 1)
        yield "".join(
            f"{cups};{label};{season};{values.randrange(2500)};0;;;;;1;1;FE24A0001234;\n" for label, season in hours
        ).encode("iso-8859-15")


def month_of_days(first: date, count: int) -> list[date]:
    return [first + timedelta(days=offset) for offset in range(count)]


def write_bz2(path: Path, lines: Iterator[bytes]) -> tuple[int, int]:
    """(rows, bytes of text) written bz2-compressed, the distributors' usual compression."""
    compressor = bz2.BZ2Compressor()
    rows = text_bytes = 0
    with path.open("wb") as out:
        for block in lines:
            rows += block.count(b"\n")
            text_bytes += len(block)
            out.write(compressor.compress(block))
        out.write(compressor.flush())
    return rows, text_bytes


def deploy(prefix: str) -> None:
    """The template's tables, bucket and queues in the current AWS endpoint (moto), the settings exported."""
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    export_function_environments(provision(Template.load(), prefix=prefix, region=REGION))
    boto3.client("events", region_name=REGION).create_event_bus(Name=EVENTS_BUS)
    os.environ["EVENT_BUS_NAME"] = EVENTS_BUS
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"  # a log line per chunk would drown the figures


def copy_to_raw(name: str, path: Path) -> tuple[str, str]:
    """What the poller does: the object, then its MeteringFiles record; (object key, ETag)."""
    from shared.metering.dal.files import record_copy  # noqa: PLC0415 - after deploy() named the tables

    size = path.stat().st_size
    object_key = f"raw/bench-{uuid.uuid4().hex[:8]}/{name}@{size}-0"
    bucket = os.environ["METERING_FILES_BUCKET"]
    s3 = boto3.client("s3", region_name=REGION)
    s3.upload_file(str(path), bucket, object_key)
    record_copy(
        object_key=object_key,
        connection_id="bench",
        remote_path=f"/{name}",
        name=name,
        size=size,
        mtime=0,
        copied_at=datetime.now(UTC),
    )
    return object_key, s3.head_object(Bucket=bucket, Key=object_key)["ETag"].strip('"')


class PipelineSettings(FunctionSettings):
    """What SplitMeteringFileFunction and IngestMeteringChunkFunction read at cold start, together: loading them
    binds the two tables, as each function's cold start does (in a process of ingest_memory's own too)."""

    metering_files_table: str
    metering_table: str
    metering_files_bucket: str
    metering_chunk_queue_url: str
    event_bus_name: str


@dataclass
class PipelineRun:
    split_seconds: float
    chunk_seconds: list[float]
    status: str
    rows_stored: int


def split_and_ingest(object_key: str, etag: str) -> PipelineRun:
    """The split, then every chunk it queued, through the services the two functions run, with their settings
    loaded from the environment deploy() set."""
    from shared.core.clients.domain_events import DomainEvents  # noqa: PLC0415
    from shared.core.clients.message_queue import MessageQueue  # noqa: PLC0415
    from shared.core.clients.object_store import ObjectStore  # noqa: PLC0415
    from shared.metering.dal.files import get_file  # noqa: PLC0415
    from shared.metering.queue_messages import ChunkMessage  # noqa: PLC0415
    from shared.metering.services.chunk_ingestion import EVENT_SOURCE, ChunkIngestion  # noqa: PLC0415
    from shared.metering.services.splitting import MeteringFileSplitter  # noqa: PLC0415

    settings = PipelineSettings.load()
    objects = ObjectStore(settings.metering_files_bucket)
    queue_url = settings.metering_chunk_queue_url
    began = time.perf_counter()
    MeteringFileSplitter(objects, MessageQueue(queue_url)).split(objects.bucket, object_key, etag)
    split_seconds = time.perf_counter() - began

    ingestion = ChunkIngestion(objects, DomainEvents(settings.event_bus_name, EVENT_SOURCE))
    sqs = boto3.client("sqs", region_name=REGION)
    chunk_seconds = []
    while messages := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            began = time.perf_counter()
            ingestion.ingest(ChunkMessage.model_validate_json(message["Body"]))
            chunk_seconds.append(time.perf_counter() - began)
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    file = get_file(object_key)
    return PipelineRun(split_seconds, chunk_seconds, file.status.value, file.rows_stored)


class DynamoDbRequests:
    """Counts the DynamoDB calls (of `operations` only, when given) of every botocore client created after
    install(), PynamoDB's included."""

    def __init__(self, operations: frozenset[str] | None = None) -> None:
        self.operations = operations
        self.by_operation: Counter[str] = Counter()

    def install(self) -> None:
        create_client = botocore.session.Session.create_client
        counter = self

        def counting_create_client(session: botocore.session.Session, *args: Any, **kwargs: Any) -> Any:
            client = create_client(session, *args, **kwargs)
            client.meta.events.register("before-call.dynamodb", counter.count)
            return client

        # botocore's own method, replaced for the life of the process: its stubs type neither patching nor the client.
        botocore.session.Session.create_client = counting_create_client  # type: ignore[method-assign,assignment]

    def count(self, model: Any, **_: Any) -> None:
        if self.operations is None or model.name in self.operations:
            self.by_operation[model.name] += 1

    def total(self) -> int:
        return sum(self.by_operation.values())


def measure(name: str, cups_count: int, days: list[date], folder: Path, requests: DynamoDbRequests) -> None:
    path = folder / name
    rows, text_bytes = write_bz2(path, curve_lines(cups_count, days))
    object_key, etag = copy_to_raw(name, path)
    requests.by_operation.clear()
    run = split_and_ingest(object_key, etag)
    assert (run.status, run.rows_stored) == ("parsed", rows), (run.status, run.rows_stored, rows)
    per_1000 = requests.total() * 1000 / rows
    print(
        f"  {name}: {cups_count:,} CUPS x {len(days)} days = {rows:,} rows ({text_bytes / 1e6:.0f} MB),"
        f" {len(run.chunk_seconds)} chunks, ingest per chunk max {max(run.chunk_seconds):.1f} s"
    )
    print(f"    write requests: {requests.total():,} ({dict(sorted(requests.by_operation.items()))})")
    ratio = per_1000 / GOAL_PER_1000_ROWS
    print(f"    per 1,000 rows: {per_1000:.3f}  (goal {GOAL_PER_1000_ROWS}: ratio to goal {ratio:.3f})")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--monthly-cups", type=int, default=1_000)
    options.add_argument("--daily-cups", type=int, default=10_000)
    args = options.parse_args()

    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION=REGION)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    requests = DynamoDbRequests(WRITE_OPERATIONS)
    requests.install()
    print("DynamoDB write requests of split + ingest, counted on the client (moto in-process)")
    with mock_aws(), tempfile.TemporaryDirectory() as folder:
        deploy("bench")
        measure(
            "F5D_0021_0762_20240601.0.bz2",
            args.monthly_cups,
            month_of_days(date(2024, 5, 1), 31),
            Path(folder),
            requests,
        )
        measure("F5D_0021_0762_20240403.0.bz2", args.daily_cups, [date(2024, 4, 2)], Path(folder), requests)


if __name__ == "__main__":
    main()
