"""The metering-file pipeline against moto: a file copied to raw/ -> S3's EventBridge event in the file queue
-> split function -> chunk messages -> ingest function -> stored hours, file outcome and one domain event.

Each function gets the SQS events Lambda would build from the messages really queued; a message is deleted
when its record did not fail, as the event source mapping does with partial batch responses. Chunks are cut
at a few lines so that small files exercise several chunks."""

import csv
import gzip
import io
import json
import random
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from local.deployment import Deployment, moto_account_id
from local.events import scheduled_event, sqs_event, sqs_record
from local.functions import FunctionRuntime
from shared.metering import layout
from tests.integration.conftest import REGION
from tests.unit.metering.metering_samples import compress, day_hours, f5d_row, file_bytes, make_cups, p5d_row

LINES_PER_CHUNK = 10
EVENT_SOURCE = "house-energy.metering"
_serials = iter(range(700_000, 800_000))


def new_cups(suffix: str = "0F") -> str:
    return make_cups(next(_serials), suffix)


@dataclass(frozen=True)
class Queue:
    url: str
    arn: str


@dataclass
class Pipeline:
    deployment: Deployment
    split_function: FunctionRuntime
    ingest_function: FunctionRuntime
    file_queue: Queue
    chunk_queue: Queue
    outcome_queue: Queue  # receives the pipeline's domain events

    def __post_init__(self) -> None:
        self.bucket = str(self.deployment.ref("MeteringFilesBucket"))
        self.s3 = boto3.client("s3", region_name=REGION)
        self.sqs = boto3.client("sqs", region_name=REGION)

    def copy_file(self, name: str, content: bytes, *, record: bool = True) -> str:
        """What the poller does: the file's MeteringFiles item and the object under raw/."""
        object_key = f"raw/conn-{uuid.uuid4().hex[:8]}/out/{name}@{len(content)}-1712131200"
        if record:
            self.record_copy(object_key, name, len(content))
        self.s3.put_object(Bucket=self.bucket, Key=object_key, Body=content)
        return object_key

    def record_copy(self, object_key: str, name: str, size: int) -> None:
        from shared.metering.dal.files import record_copy  # noqa: PLC0415 - after the deployment's names

        connection_id, remote_path = object_key.removeprefix("raw/").rsplit("@", 1)[0].split("/", 1)
        assert record_copy(
            object_key=object_key,
            connection_id=connection_id,
            remote_path=f"/{remote_path}",
            name=name,
            size=size,
            mtime=1712131200,
            copied_at=datetime.now(UTC),
        )

    def receive(self, queue: Queue) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        while batch := self.sqs.receive_message(
            QueueUrl=queue.url,
            MaxNumberOfMessages=10,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", []):
            messages += [dict(message) for message in batch]
        return messages

    def invoke(self, function: FunctionRuntime, queue: Queue, messages: list[dict[str, Any]]) -> set[str]:
        """One invocation with these messages as its batch; deletes the succeeded ones, returns the failed ids."""
        event = sqs_event([sqs_record(message, queue_arn=queue.arn, region=REGION) for message in messages])
        try:
            response = function.invoke(event)
        except BatchProcessingError:  # every record failed: the invocation fails, and SQS retries them all
            failed = {message["MessageId"] for message in messages}
        else:
            failed = {failure["itemIdentifier"] for failure in response["batchItemFailures"]}
        for message in messages:
            if message["MessageId"] not in failed:
                self.sqs.delete_message(QueueUrl=queue.url, ReceiptHandle=message["ReceiptHandle"])
        return failed

    def split(self) -> tuple[list[dict[str, Any]], set[str]]:
        """Run the split function on every queued file event (BatchSize 1); (events, failed message ids)."""
        messages = self.receive(self.file_queue)
        failed: set[str] = set()
        for message in messages:
            failed |= self.invoke(self.split_function, self.file_queue, [message])
        return messages, failed

    def ingest(self, messages: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        """Run the ingest function on these (default: every queued) chunk messages, one per invocation."""
        messages = self.receive(self.chunk_queue) if messages is None else messages
        for message in messages:
            assert not self.invoke(self.ingest_function, self.chunk_queue, [message]), message["Body"]
        return messages

    def run(self, name: str, content: bytes) -> str:
        object_key = self.copy_file(name, content)
        _, failed = self.split()
        assert not failed
        self.ingest()
        return object_key

    def drain(self) -> None:
        for queue in (self.file_queue, self.chunk_queue, self.outcome_queue):
            for message in self.receive(queue):
                self.sqs.delete_message(QueueUrl=queue.url, ReceiptHandle=message["ReceiptHandle"])

    def outcome_events(self) -> list[dict[str, Any]]:
        """The outcomes announced since the last call: each is deleted once read, or it would come back into a
        later test once its visibility timeout ran out (on a busy machine, within the module's run)."""
        messages = self.receive(self.outcome_queue)
        for message in messages:
            self.sqs.delete_message(QueueUrl=self.outcome_queue.url, ReceiptHandle=message["ReceiptHandle"])
        return [json.loads(message["Body"]) for message in messages]

    def read_text(self, key: str) -> str:
        return str(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read().decode())


def _queue(deployment: Deployment, logical_id: str) -> Queue:
    return Queue(str(deployment.ref(logical_id)), deployment.get_att(logical_id, "Arn"))


@pytest.fixture(scope="module")
def pipeline(deployment: Deployment) -> Pipeline:
    sqs = boto3.client("sqs", region_name=REGION)
    events = boto3.client("events", region_name=REGION)
    outcome_url = sqs.create_queue(QueueName="it-metering-outcomes")["QueueUrl"]
    outcome_arn = sqs.get_queue_attributes(QueueUrl=outcome_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="it-metering-outcomes", EventPattern=json.dumps({"source": [EVENT_SOURCE]}))
    events.put_targets(Rule="it-metering-outcomes", Targets=[{"Id": "outcomes", "Arn": outcome_arn}])

    def runtime(logical_id: str) -> FunctionRuntime:
        spec = deployment.template.function(logical_id)
        return FunctionRuntime(spec, function_name=logical_id, region=REGION, account_id=moto_account_id())

    pipeline = Pipeline(
        deployment,
        runtime("SplitMeteringFileFunction"),
        runtime("IngestMeteringChunkFunction"),
        _queue(deployment, "MeteringFileQueue"),
        _queue(deployment, "MeteringChunkQueue"),
        Queue(outcome_url, outcome_arn),
    )
    pipeline.drain()  # files other tests of the session copied to raw/ are theirs
    return pipeline


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch, pipeline: Pipeline) -> Iterator[None]:
    from shared.metering.services import splitting  # noqa: PLC0415 - after the deployment's names

    monkeypatch.setattr(splitting, "LINES_PER_CHUNK", LINES_PER_CHUNK)
    yield
    pipeline.drain()  # nothing leaks to the next test


# ---------------------------------------------------------------- builders and readers


def curve_rows(cups: str, days: list[date], *, ai: int = 100, p5d: bool = False) -> list[str]:
    """One row per hour of each day; consumption ai + the hour's index in the day, so hours tell apart."""
    row = p5d_row if p5d else f5d_row
    return [
        row(cups, label, season, ai=str(ai + index))
        for day in days
        for index, (label, season, _) in enumerate(day_hours(day))
    ]


def expected_hours(days: list[date], *, ai: int = 100) -> dict[int, int]:
    return {start: ai + index for day in days for index, (_, _, start) in enumerate(day_hours(day))}


def stored(cups: str, first: date, last: date) -> dict[int, tuple[int, str]]:
    """(consumption Wh, source) by hour start, as the consumption API reads them, over local days first..last."""
    from shared.metering.dal import metering  # noqa: PLC0415 - after the deployment's names

    hours = [start for day in (first, last) for _, _, start in day_hours(day)]
    found = metering.stored_hours(cups[:20], min(hours), max(hours) + 3600)
    return {
        found.start_utc + 3600 * position: (wh, str(source))
        for position, (wh, source) in enumerate(zip(found.consumption_wh, found.source, strict=True))
        if source is not None
    }


def file_record(object_key: str) -> Any:
    from shared.metering.dal.files import MeteringFileRecord  # noqa: PLC0415 - after the deployment's names

    return MeteringFileRecord.get(object_key, consistent_read=True)


APRIL = [date(2024, 4, 1), date(2024, 4, 2)]


# ---------------------------------------------------------------- the whole way through


@pytest.mark.parametrize("compression", ["plain", "bz2", "gzip", "zip"])
def test_a_file_is_split_ingested_and_announced(pipeline: Pipeline, compression: str) -> None:
    name = "F5D_0021_0762_20240403.0" + {"plain": "", "bz2": ".bz2", "gzip": ".gz", "zip": ".zip"}[compression]
    points = [new_cups(), new_cups(), new_cups()]
    rows = [row for cups in points for row in curve_rows(cups, APRIL)]
    object_key = pipeline.copy_file(name, compress(file_bytes(rows), compression))

    file_events, failed = pipeline.split()
    assert not failed
    assert [json.loads(message["Body"])["detail"]["object"]["key"] for message in file_events] == [object_key]
    chunk_messages = pipeline.ingest()

    assert len(chunk_messages) == 15  # 144 lines, 10 a chunk
    for cups in points:
        assert stored(cups, *APRIL) == {start: (wh, "F5D") for start, wh in expected_hours(APRIL).items()}
    record = file_record(object_key)
    assert (record.status, record.rows_stored, record.rows_rejected) == ("parsed", 144, 0)
    assert (record.chunks_total, record.chunks_done, record.supply_points) == (15, 15, 3)
    assert record.error_report_key is None
    [event] = pipeline.outcome_events()
    assert (event["source"], event["detail-type"]) == (EVENT_SOURCE, "MeteringFileIngested")
    assert event["detail"] == {
        "object_key": object_key,
        "file_id": record.file_id,
        "file_name": name,
        "kind": "F5D",
        "status": "parsed",
        "rows_stored": 144,
        "rows_rejected": 0,
        "supply_points": 3,
    }
    assert {type(event["detail"][count]) for count in ("rows_stored", "rows_rejected", "supply_points")} == {int}


def test_chunk_messages_say_where_each_chunk_starts(pipeline: Pipeline) -> None:
    rows = curve_rows(new_cups(), [date(2024, 4, 1)])  # 24 lines: chunks of 10, 10 and 4
    object_key = pipeline.copy_file("F5D_0021_0762_20240403.0", file_bytes(rows))
    pipeline.split()
    bodies = sorted((json.loads(m["Body"]) for m in pipeline.receive(pipeline.chunk_queue)), key=lambda b: b["chunk"])
    file_id = file_record(object_key).file_id
    assert bodies == [
        {
            "object_key": object_key,
            "file_id": file_id,
            "file_name": "F5D_0021_0762_20240403.0",
            "chunk": number,
            "chunks_total": 3,
            "first_line": first_line,
        }
        for number, first_line in [(1, 1), (2, 11), (3, 21)]
    ]
    chunk = pipeline.s3.get_object(Bucket=pipeline.bucket, Key=f"chunks/{file_id}/000003.gz")["Body"].read()
    assert gzip.decompress(chunk) == file_bytes(rows[20:])


def test_an_unsorted_file_spanning_two_months_is_grouped_whatever_the_order(pipeline: Pipeline) -> None:
    days = [date(2024, 3, 30), date(2024, 3, 31), date(2024, 4, 1)]
    points = [new_cups(), new_cups(), new_cups(), new_cups()]
    rows = [row for cups in points for row in curve_rows(cups, days)]
    random.Random(7).shuffle(rows)
    object_key = pipeline.run("F5D_0021_0762_20240403.0", file_bytes(rows))

    for cups in points:
        assert stored(cups, days[0], days[-1]) == {start: (wh, "F5D") for start, wh in expected_hours(days).items()}
    record = file_record(object_key)
    assert (record.status, record.rows_stored, record.supply_points) == ("parsed", len(rows), 4)


def test_both_forms_of_a_cups_are_one_supply_point(pipeline: Pipeline) -> None:
    with_suffix = new_cups("0F")
    rows = curve_rows(with_suffix, [APRIL[0]]) + curve_rows(with_suffix[:20], [APRIL[1]])
    object_key = pipeline.run("F5D_0021_0762_20240403.0", file_bytes(rows))

    assert stored(with_suffix, *APRIL) == {start: (wh, "F5D") for start, wh in expected_hours(APRIL).items()}
    assert file_record(object_key).supply_points == 1


def test_daylight_saving_days_store_23_and_25_hours(pipeline: Pipeline) -> None:
    spring, autumn = date(2024, 3, 31), date(2024, 10, 27)
    cups = new_cups()
    pipeline.run("F5D_0021_0762_20241028.0", file_bytes(curve_rows(cups, [spring, autumn])))

    assert len(stored(cups, spring, spring)) == 23
    autumn_hours = stored(cups, autumn, autumn)
    assert len(autumn_hours) == 25
    assert autumn_hours == {start: (wh, "F5D") for start, wh in expected_hours([autumn]).items()}


def test_an_empty_file_is_parsed_with_no_rows(pipeline: Pipeline) -> None:
    object_key = pipeline.run("P5D_0021_0762_20240403.0.gz", gzip.compress(b""))
    assert _counts(object_key) == ("parsed", 1, 1, 0, 0)
    assert [event["detail"]["supply_points"] for event in pipeline.outcome_events()] == [0]


# ---------------------------------------------------------------- rejected rows


def test_rejected_rows_are_reported_with_their_file_line_numbers_and_the_rest_is_stored(pipeline: Pipeline) -> None:
    cups = new_cups()
    rows = curve_rows(cups, [APRIL[0]])
    rows[3] = rows[3].replace(";103;", ";-5;")  # line 4, chunk 1
    rows[14] = "garbage"  # line 15, chunk 2
    rows[22] = rows[22].replace(";1;1;", ";9;1;")  # line 23, chunk 3
    object_key = pipeline.run("F5D_0021_0762_20240403.0", file_bytes(rows))

    record = file_record(object_key)
    assert (record.status, record.rows_stored, record.rows_rejected) == ("partially_parsed", 21, 3)
    assert record.error_report_key == f"reports/{record.file_id}/"
    listed = pipeline.s3.list_objects_v2(Bucket=pipeline.bucket, Prefix=record.error_report_key)["Contents"]
    reports = [list(csv.reader(io.StringIO(pipeline.read_text(item["Key"])))) for item in listed]
    assert [item["Key"].rsplit("/", 1)[1] for item in listed] == ["000001.csv", "000002.csv", "000003.csv"]
    assert all(report[0] == ["line_number", "reason", "line"] for report in reports)
    rejected = [line for report in reports for line in report[1:]]
    assert [(line[0], line[2]) for line in rejected] == [("4", rows[3]), ("15", "garbage"), ("23", rows[22])]
    assert [line[1].split(":")[0] for line in rejected] == ["ai (consumption)", "wrong field count", "method"]

    good = {start: (wh, "F5D") for start, wh in expected_hours([APRIL[0]]).items()}
    starts = sorted(good)
    for bad_line in (4, 15, 23):
        del good[starts[bad_line - 1]]
    assert stored(cups, APRIL[0], APRIL[0]) == good
    [event] = pipeline.outcome_events()
    assert event["detail"] | {"status": "partially_parsed", "rows_stored": 21, "rows_rejected": 3} == event["detail"]


def test_a_value_beyond_the_stored_range_rejects_its_row_not_its_chunk(pipeline: Pipeline) -> None:
    cups = new_cups()
    rows = curve_rows(cups, [APRIL[0]])
    rows[1] = rows[1].replace(";101;", ";2147483647;")  # the largest an hour stores
    rows[12] = rows[12].replace(";112;", ";2147483648;")  # line 13: one more
    object_key = pipeline.run("F5D_0021_0762_20240403.0", file_bytes(rows))

    record = file_record(object_key)
    assert (record.status, record.rows_stored, record.rows_rejected) == ("partially_parsed", 23, 1)
    [report] = pipeline.s3.list_objects_v2(Bucket=pipeline.bucket, Prefix=record.error_report_key)["Contents"]
    [_, rejected] = list(csv.reader(io.StringIO(pipeline.read_text(report["Key"]))))
    assert rejected[0] == "13" and rejected[1].startswith("ai (consumption): 2147483648 Wh is more than")
    starts = sorted(expected_hours([APRIL[0]]))
    assert stored(cups, APRIL[0], APRIL[0])[starts[1]] == (2147483647, "F5D")


def test_a_file_whose_every_row_is_rejected_fails_with_its_report(pipeline: Pipeline) -> None:
    object_key = pipeline.run("F5D_0021_0762_20240403.0", b"bad;row\nworse\n")

    record = file_record(object_key)
    assert (record.status, record.rows_stored, record.rows_rejected) == ("failed", 0, 2)
    assert record.error == "every row was rejected (see the error report)"
    assert record.error_report_key == f"reports/{record.file_id}/"


# ---------------------------------------------------------------- files that can never be read


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("notes.txt", b"hello\n", "is not a distributor curve file name"),
        ("F5D_0021_0762_20240403.0.bz2", b"BZh9" + b"\x00" * 64, "cannot be decompressed"),
        ("F5D_0021_0762_20240403.0.gz", gzip.compress(b"x;" * 5000)[:-30], "cannot be decompressed"),
        ("F5D_0021_0762_20240403.0.zip", b"PK\x03\x04" + b"\x00" * 64, "zip"),
    ],
    ids=["unknown-name", "corrupt-bz2", "truncated-gzip", "corrupt-zip"],
)
def test_an_unreadable_file_fails_once_and_is_not_retried(
    pipeline: Pipeline, name: str, content: bytes, error: str
) -> None:
    object_key = pipeline.copy_file(name, content)
    _, failed = pipeline.split()

    assert not failed  # handled: SQS deletes the event instead of retrying it
    record = file_record(object_key)
    assert record.status == "failed"
    assert error in record.error
    assert pipeline.receive(pipeline.chunk_queue) == []


def test_a_quarter_hour_row_fails_the_whole_file_and_stores_nothing(pipeline: Pipeline) -> None:
    cups = new_cups()
    rows = curve_rows(cups, [APRIL[0]])  # 24 lines: chunks of 10, the quarter-hour in the third
    rows[21] = rows[21].replace("2024/04/01 22:00", "2024/04/01 21:15")
    object_key = pipeline.copy_file("F5D_0021_0762_20240403.0", file_bytes(rows))
    _, failed = pipeline.split()

    assert not failed
    record = file_record(object_key)
    assert (record.status, record.rows_stored, record.rows_rejected) == ("failed", 0, 0)
    assert record.error.startswith("quarter-hour rows: line 22 is labelled 2024/04/01 21:15")
    assert pipeline.receive(pipeline.chunk_queue) == []
    assert stored(cups, APRIL[0], APRIL[0]) == {}


def test_season_flags_the_calendar_contradicts_are_counted_and_their_rows_stored(pipeline: Pipeline) -> None:
    cups = new_cups()
    rows = curve_rows(cups, [APRIL[0]])
    for line in (5, 15):
        rows[line - 1] = rows[line - 1].replace(";1;", ";0;", 1)  # the season flag: winter time in April
    object_key = pipeline.run("F5D_0021_0762_20240403.0", file_bytes(rows))

    record = file_record(object_key)
    assert (record.status, record.rows_stored, record.rows_rejected, record.rows_wrong_season) == ("parsed", 24, 0, 2)
    assert stored(cups, APRIL[0], APRIL[0]) == {start: (wh, "F5D") for start, wh in expected_hours([APRIL[0]]).items()}


def test_a_record_written_just_after_the_object_is_waited_for(pipeline: Pipeline) -> None:
    content = file_bytes(curve_rows(new_cups(), [APRIL[0]]))
    object_key = pipeline.copy_file("F5D_0021_0762_20240403.0", content, record=False)  # as the poller: object first
    later = threading.Timer(0.3, pipeline.record_copy, [object_key, "F5D_0021_0762_20240403.0", len(content)])
    later.start()
    _, failed = pipeline.split()
    later.join()

    assert not failed
    pipeline.ingest()
    assert _counts(object_key) == ("parsed", 3, 3, 24, 0)


def test_an_object_that_never_gets_its_record_is_left_to_sqs_retries(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shared.metering.services import splitting  # noqa: PLC0415 - after the deployment's names

    monkeypatch.setattr(splitting, "RECORD_WAITS", (0.1,))
    pipeline.copy_file("F5D_0021_0762_20240403.0", b"", record=False)
    messages, failed = pipeline.split()
    assert failed == {messages[0]["MessageId"]}


# ---------------------------------------------------------------- duplicates change nothing


def _counts(object_key: str) -> tuple[Any, ...]:
    record = file_record(object_key)
    return record.status, record.chunks_total, record.chunks_done, record.rows_stored, record.rows_rejected


def test_a_redelivered_file_event_after_ingestion_changes_nothing(pipeline: Pipeline) -> None:
    content = file_bytes(curve_rows(new_cups(), APRIL))
    object_key = pipeline.run("F5D_0021_0762_20240403.0", content)
    [first_event] = pipeline.outcome_events()
    before = _counts(object_key)

    pipeline.s3.put_object(Bucket=pipeline.bucket, Key=object_key, Body=content)  # same content: same ETag
    _, failed = pipeline.split()
    assert not failed
    assert pipeline.ingest() == []  # nothing queued again
    assert _counts(object_key) == before
    assert pipeline.outcome_events() == []
    assert first_event["detail"]["rows_stored"] == 48


def test_duplicate_file_events_and_chunk_messages_count_once(pipeline: Pipeline) -> None:
    cups = new_cups()
    rows = curve_rows(cups, APRIL)
    object_key = pipeline.copy_file("F5D_0021_0762_20240403.0", file_bytes(rows))
    [file_event] = pipeline.receive(pipeline.file_queue)
    for _ in range(2):  # the same event twice, before any chunk is ingested
        assert not pipeline.invoke(pipeline.split_function, pipeline.file_queue, [file_event])
    chunk_messages = pipeline.receive(pipeline.chunk_queue)
    assert len(chunk_messages) == 10  # 5 chunks, queued twice

    pipeline.ingest(chunk_messages)
    pipeline.ingest(chunk_messages[:3])  # and some delivered yet again after the file settled

    assert _counts(object_key) == ("parsed", 5, 5, 48, 0)
    assert stored(cups, *APRIL) == {start: (wh, "F5D") for start, wh in expected_hours(APRIL).items()}
    assert len(pipeline.outcome_events()) == 1


def test_a_content_replaced_under_the_same_key_is_parsed_afresh_and_old_chunks_are_dropped(
    pipeline: Pipeline,
) -> None:
    cups = new_cups()
    first = file_bytes(curve_rows(cups, [APRIL[0]], ai=100))
    object_key = pipeline.copy_file("F5D_0021_0762_20240403.0", first)
    pipeline.split()
    old_chunks = pipeline.receive(pipeline.chunk_queue)
    pipeline.ingest(old_chunks[:1])  # one old chunk counted before the content changes

    second = first.replace(b";1;100;", b";1;555;")  # same size, so the same key: copied again
    record = file_record(object_key)
    record.update(actions=[type(record).copied_at.set(datetime.now(UTC).isoformat())])
    pipeline.s3.put_object(Bucket=pipeline.bucket, Key=object_key, Body=second)
    pipeline.split()
    pipeline.ingest(old_chunks[1:] + pipeline.receive(pipeline.chunk_queue))

    assert _counts(object_key) == ("parsed", 3, 3, 24, 0)
    [event] = pipeline.outcome_events()
    assert event["detail"]["file_id"] == file_record(object_key).file_id
    assert stored(cups, APRIL[0], APRIL[0])[min(expected_hours([APRIL[0]]))] == (555, "F5D")


def test_an_event_for_a_content_since_overwritten_is_skipped(pipeline: Pipeline) -> None:
    first = file_bytes(curve_rows(new_cups(), [APRIL[0]]))
    object_key = pipeline.copy_file("F5D_0021_0762_20240403.0", first)
    pipeline.s3.put_object(Bucket=pipeline.bucket, Key=object_key, Body=first.replace(b";1;100;", b";1;555;"))
    events, failed = pipeline.split()  # both events: the first one's ETag no longer matches

    assert (len(events), failed) == (2, set())
    current_etag = json.loads(events[1]["Body"])["detail"]["object"]["etag"]
    assert len({json.loads(message["Body"])["file_id"] for message in pipeline.ingest()}) == 1
    assert file_record(object_key).file_id == layout.file_id(object_key, current_etag)
    assert _counts(object_key) == ("parsed", 3, 3, 24, 0)


def test_objects_outside_raw_are_not_split(pipeline: Pipeline) -> None:
    pipeline.copy_file("F5D_0021_0762_20240403.0", file_bytes(curve_rows(new_cups(), [APRIL[0]])))
    [message] = pipeline.receive(pipeline.file_queue)
    event = json.loads(message["Body"])
    event["detail"]["object"]["key"] = "reports/" + event["detail"]["object"]["key"].removeprefix("raw/")

    assert not pipeline.invoke(pipeline.split_function, pipeline.file_queue, [message | {"Body": json.dumps(event)}])
    assert pipeline.receive(pipeline.chunk_queue) == []


# ---------------------------------------------------------------- corrections win at read time


def test_rectifying_and_newer_files_win_whatever_their_arrival_order(pipeline: Pipeline) -> None:
    cups = new_cups()
    day = [APRIL[0]]
    pipeline.run("P5D_0021_0762_20240402.0", file_bytes(curve_rows(cups, day, ai=100, p5d=True)))
    pipeline.run("RF5D_0021_0762_20240410.0", file_bytes(curve_rows(cups, day, ai=400)[:6]))  # first 6 hours
    pipeline.run("F5D_0021_0762_20240403.1", file_bytes(curve_rows(cups, day, ai=300)[:12]))  # first 12 hours
    pipeline.run("F5D_0021_0762_20240403.0", file_bytes(curve_rows(cups, day, ai=200)[:18]))  # older version

    values = [value for _, value in sorted(stored(cups, APRIL[0], APRIL[0]).items())]
    assert values == (
        [(400 + hour, "RF5D") for hour in range(6)]
        + [(300 + hour, "F5D") for hour in range(6, 12)]
        + [(200 + hour, "F5D") for hour in range(12, 18)]
        + [(100 + hour, "P5D") for hour in range(18, 24)]
    )


# ---------------------------------------------------------------- partial batch responses


def test_a_bad_record_fails_alone_in_its_batch(pipeline: Pipeline) -> None:
    cups = new_cups()
    object_key = pipeline.copy_file("F5D_0021_0762_20240403.0", file_bytes(curve_rows(cups, [APRIL[0]])))
    [good] = pipeline.receive(pipeline.file_queue)
    bad = good | {"MessageId": str(uuid.uuid4()), "Body": "{not json"}

    assert pipeline.invoke(pipeline.split_function, pipeline.file_queue, [bad, good]) == {bad["MessageId"]}
    chunk_messages = pipeline.receive(pipeline.chunk_queue)
    assert len(chunk_messages) == 3

    wrong = chunk_messages[0] | {"MessageId": str(uuid.uuid4()), "Body": json.dumps({"chunk": 0})}
    failed = pipeline.invoke(pipeline.ingest_function, pipeline.chunk_queue, [wrong, *chunk_messages])
    assert failed == {wrong["MessageId"]}
    assert _counts(object_key) == ("parsed", 3, 3, 24, 0)


# ---------------------------------------------------------------- files nothing would ever settle


def _on_delivery(message: dict[str, Any], delivery: int) -> dict[str, Any]:
    return message | {"Attributes": message["Attributes"] | {"ApproximateReceiveCount": str(delivery)}}


def test_a_file_whose_split_fails_on_its_last_delivery_is_marked_failed_with_the_reason(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shared.core.clients.object_store import ObjectStore  # noqa: PLC0415 - after the deployment's names

    def broken(*_: Any, **__: Any) -> Any:
        raise ConnectionError("S3 is down")

    reading = ObjectStore.reading
    monkeypatch.setattr(ObjectStore, "reading", broken)
    object_key = pipeline.copy_file("F5D_0021_0762_20240403.0", file_bytes(curve_rows(new_cups(), [APRIL[0]])))
    [message] = pipeline.receive(pipeline.file_queue)

    assert pipeline.invoke(pipeline.split_function, pipeline.file_queue, [_on_delivery(message, 4)])
    assert file_record(object_key).status == "copied"  # SQS tries again
    assert pipeline.invoke(pipeline.split_function, pipeline.file_queue, [_on_delivery(message, 5)])
    record = file_record(object_key)
    assert (record.status, record.error) == (
        "failed",
        "the split failed on every delivery: ConnectionError: S3 is down",
    )

    monkeypatch.setattr(ObjectStore, "reading", reading)  # S3 is back: the event, redriven, parses the file
    assert not pipeline.invoke(pipeline.split_function, pipeline.file_queue, [_on_delivery(message, 1)])
    pipeline.ingest()
    assert _counts(object_key) == ("parsed", 3, 3, 24, 0)


def test_a_chunk_failing_on_its_last_delivery_fails_its_file_until_it_is_redriven(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shared.metering.dal import metering  # noqa: PLC0415 - after the deployment's names

    object_key = pipeline.copy_file("F5D_0021_0762_20240403.0", file_bytes(curve_rows(new_cups(), [APRIL[0]])))
    pipeline.split()
    first, *others = sorted(pipeline.receive(pipeline.chunk_queue), key=lambda m: json.loads(m["Body"])["chunk"])
    save_hours = metering.save_hours

    def throttled(*_: Any, **__: Any) -> None:
        raise RuntimeError("throughput exceeded")

    monkeypatch.setattr(metering, "save_hours", throttled)
    assert pipeline.invoke(pipeline.ingest_function, pipeline.chunk_queue, [_on_delivery(first, 5)])
    monkeypatch.setattr(metering, "save_hours", save_hours)
    pipeline.ingest(others)  # the other chunks end after it gave up: the failure is announced
    record = file_record(object_key)
    assert (record.status, record.error) == (
        "failed",
        "chunk 1 failed on every delivery: RuntimeError: throughput exceeded",
    )
    assert (record.chunks_total, record.chunks_done) == (3, 2)
    assert _outcomes(pipeline, object_key) == ["failed"]

    # Redriven from the dead-letter queue once the cause is fixed, it settles the file and announces the outcome.
    assert not pipeline.invoke(pipeline.ingest_function, pipeline.chunk_queue, [_on_delivery(first, 1)])
    record = file_record(object_key)
    assert (record.status, record.error, record.failed_by_chunk) == ("parsed", None, None)
    assert _counts(object_key) == ("parsed", 3, 3, 24, 0)
    assert _outcomes(pipeline, object_key) == ["parsed"]


def _outcomes(pipeline: Pipeline, object_key: str) -> list[str]:
    """The statuses announced for the file since the last call."""
    return [
        event["detail"]["status"] for event in pipeline.outcome_events() if event["detail"]["object_key"] == object_key
    ]


def test_the_scheduled_check_reports_files_stuck_in_copied(
    pipeline: Pipeline, capsys: pytest.CaptureFixture[str]
) -> None:
    from shared.metering.dal.files import record_copy  # noqa: PLC0415 - after the deployment's names

    now = datetime.now(UTC)
    keys = {age: f"raw/conn-stuck/out/F5D_0021_0762_20240403.{age}@1-1" for age in (30, 180)}
    for age, key in keys.items():
        copied_at = now - timedelta(minutes=age)
        record_copy(
            object_key=key,
            connection_id="conn-stuck",
            remote_path="/out",
            name="F5D",
            size=1,
            mtime=1,
            copied_at=copied_at,
        )
    spec = pipeline.deployment.template.function("CheckStuckMeteringFilesFunction")
    check = FunctionRuntime(spec, function_name=spec.logical_id, region=REGION, account_id=moto_account_id())
    capsys.readouterr()

    result = check.invoke(scheduled_event("arn:aws:events:eu-west-1:123456789012:rule/check", region=REGION))

    reported = [file["object_key"] for file in result["oldest"]]
    assert keys[180] in reported and keys[30] not in reported
    [metric] = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "FilesStuckInCopied" in line]
    assert metric["FilesStuckInCopied"] == [result["stuck"]] and result["stuck"] >= 1
