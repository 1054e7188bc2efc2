"""Lambda's SQS event source mapping rules, against a fake queue (the real one: tests/integration)."""

from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest

from local.sqs_source import SqsEventSourceMapping, SqsPoller, failed_message_ids
from local.template import FunctionEvent, Template, TemplateError

QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:work"
IDS = ["m-1", "m-2", "m-3"]


@pytest.mark.parametrize(
    "result",
    [None, {}, {"batchItemFailures": []}, {"batchItemFailures": None}],
    ids=["null", "empty object", "empty list", "null list"],
)
def test_these_answers_are_a_complete_success(result):
    assert failed_message_ids(result, IDS) == set()


def test_the_named_items_fail():
    result = {"batchItemFailures": [{"itemIdentifier": "m-2"}, {"itemIdentifier": "m-3"}]}

    assert failed_message_ids(result, IDS) == {"m-2", "m-3"}


@pytest.mark.parametrize(
    "result",
    [
        {"batchItemFailures": [{"itemIdentifier": "m-9"}]},
        {"batchItemFailures": [{"itemIdentifier": ""}]},
        {"batchItemFailures": [{"itemIdentifier": None}]},
        {"batchItemFailures": [{"messageId": "m-1"}]},
        {"batchItemFailures": "m-1"},
        "m-1",
    ],
    ids=["unknown id", "empty id", "null id", "bad key", "not a list", "not an object"],
)
def test_these_answers_fail_the_whole_batch(result):
    assert failed_message_ids(result, IDS) == set(IDS)


def template_with_event(tmp_path: Path, event_properties: str) -> Template:
    (tmp_path / "template.yaml").write_text(
        dedent(f"""
        Resources:
          WorkFunction:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: work/
              Handler: app.lambda_handler
              Events:
                Work:
                  Type: SQS
                  Properties: {event_properties}
        """)
    )
    return Template.load(tmp_path / "template.yaml")


def test_a_mapping_reads_the_event_as_lambda_does(tmp_path):
    template = template_with_event(tmp_path, "{Queue: x}")
    function = template.function("WorkFunction")
    event = FunctionEvent(
        name="Work",
        type="SQS",
        properties={
            "Queue": QUEUE_ARN,
            "BatchSize": 5,
            "MaximumBatchingWindowInSeconds": 2,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "ScalingConfig": {"MaximumConcurrency": 3},
        },
    )

    mapping = SqsEventSourceMapping.from_event(function, event, event.properties)

    assert mapping == SqsEventSourceMapping(
        function_id="WorkFunction",
        event_name="Work",
        queue_arn=QUEUE_ARN,
        batch_size=5,
        batching_window_seconds=2,
        report_batch_item_failures=True,
        enabled=True,
        max_concurrency=3,
    )
    assert (mapping.queue_name, mapping.account_id, mapping.region) == ("work", "123456789012", "eu-west-1")
    defaults = SqsEventSourceMapping.from_event(function, event, {"Queue": QUEUE_ARN, "Enabled": False})
    assert (defaults.batch_size, defaults.report_batch_item_failures, defaults.enabled) == (10, False, False)
    with pytest.raises(TemplateError, match="queue ARN"):
        SqsEventSourceMapping.from_event(function, event, {"Queue": "https://sqs.example/work"})


class FakeSqs:
    """Records what the poller deletes and hands back; serves `messages` once."""

    def __init__(self, messages: list[dict[str, Any]]) -> None:
        self.messages = messages
        self.deleted: list[str] = []
        self.retried: list[tuple[str, int]] = []

    def get_queue_url(self, QueueName: str, QueueOwnerAWSAccountId: str) -> dict[str, str]:  # noqa: N803
        return {"QueueUrl": f"http://sqs.local/{QueueOwnerAWSAccountId}/{QueueName}"}

    def receive_message(self, **parameters: Any) -> dict[str, Any]:
        batch, self.messages = (
            self.messages[: parameters["MaxNumberOfMessages"]],
            self.messages[parameters["MaxNumberOfMessages"] :],
        )
        return {"Messages": batch}

    def delete_message_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803
        self.deleted += [entry["ReceiptHandle"] for entry in Entries]
        return {"Successful": [{"Id": entry["Id"]} for entry in Entries]}

    def change_message_visibility_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803
        self.retried += [(entry["ReceiptHandle"], entry["VisibilityTimeout"]) for entry in Entries]
        return {"Successful": [{"Id": entry["Id"]} for entry in Entries]}


class RecordingFunction:
    """Stands in for a FunctionRuntime: answers with `answer` (or raises it) and keeps the events."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.events: list[dict[str, Any]] = []

    def invoke(self, event: dict[str, Any]) -> Any:
        self.events.append(event)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def messages(count: int) -> list[dict[str, Any]]:
    return [
        {
            "MessageId": f"m-{number}",
            "ReceiptHandle": f"r-{number}",
            "MD5OfBody": "x",
            "Body": f"body {number}",
            "Attributes": {"ApproximateReceiveCount": "1"},
        }
        for number in range(1, count + 1)
    ]


def poller(answer: Any, *, count: int = 3, report: bool = True, batch_size: int = 10) -> tuple[SqsPoller, FakeSqs]:
    sqs = FakeSqs(messages(count))
    mapping = SqsEventSourceMapping(
        function_id="WorkFunction",
        event_name="Work",
        queue_arn=QUEUE_ARN,
        batch_size=batch_size,
        report_batch_item_failures=report,
    )
    return SqsPoller(mapping, RecordingFunction(answer), sqs=sqs, retry_seconds=2), sqs


def test_a_successful_batch_is_deleted():
    worker, sqs = poller({"batchItemFailures": []})

    assert worker.poll_once() == 3

    (event,) = worker.function.events  # type: ignore[attr-defined]
    assert [record["messageId"] for record in event["Records"]] == IDS
    assert event["Records"][0]["eventSourceARN"] == QUEUE_ARN
    assert (sqs.deleted, sqs.retried) == (["r-1", "r-2", "r-3"], [])


def test_only_the_reported_failures_come_back_soon():
    worker, sqs = poller({"batchItemFailures": [{"itemIdentifier": "m-2"}]})

    worker.poll_once()

    assert (sqs.deleted, sqs.retried) == (["r-1", "r-3"], [("r-2", 2)])


def test_an_exception_fails_the_whole_batch():
    worker, sqs = poller(RuntimeError("boom"))

    worker.poll_once()

    assert (sqs.deleted, sqs.retried) == ([], [("r-1", 2), ("r-2", 2), ("r-3", 2)])


def test_without_report_batch_item_failures_the_answer_is_ignored():
    worker, sqs = poller({"batchItemFailures": [{"itemIdentifier": "m-2"}]}, report=False)

    worker.poll_once()

    assert (sqs.deleted, sqs.retried) == (["r-1", "r-2", "r-3"], [])


def test_a_batch_holds_at_most_batch_size_messages():
    worker, sqs = poller(None, count=5, batch_size=2)

    assert [worker.poll_once() for _ in range(4)] == [2, 2, 1, 0]
    assert [len(event["Records"]) for event in worker.function.events] == [2, 2, 1]  # type: ignore[attr-defined]
    assert len(sqs.deleted) == 5
