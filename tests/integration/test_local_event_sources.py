"""The local event sources against moto's server in a process of its own, as `python -m local` runs them.

- The project's template: a put to raw/ reaches MeteringFileQueue as the event S3 sends to EventBridge.
- Small templates written by the tests, with throwaway handlers (the project's functions have their own
  tests): SQS batches, partial batch failures, redrive to the dead-letter queue, schedule triggers.
"""

import hashlib
import io
import json
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from textwrap import dedent
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.parser.models import S3EventNotificationEventBridgeModel

from local.aws_server import AwsServer
from local.deployment import Deployment, moto_account_id
from local.event_sources import RunningEventSource, StackContext, start_event_sources
from local.functions import FunctionRuntime
from local.provision import provision
from local.template import Template
from local.trigger import fire
from local.trigger import main as trigger_main

REGION = "eu-west-1"
RETRY_SECONDS = 1
WAIT_SECONDS = 20  # generous: two shared cores


@pytest.fixture(scope="module")
def aws_endpoint() -> Iterator[str]:
    server = AwsServer.start()
    endpoint = server.endpoint
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("AWS_ENDPOINT_URL", endpoint)
        environment.setenv("AWS_ACCESS_KEY_ID", "testing")
        environment.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        environment.setenv("AWS_DEFAULT_REGION", REGION)
        environment.delenv("AWS_PROFILE", raising=False)
        environment.delenv("AWS_SESSION_TOKEN", raising=False)
        yield endpoint
    server.stop()


def client(service: str, endpoint: str) -> Any:
    return boto3.client(service, endpoint_url=endpoint, region_name=REGION)  # type: ignore[call-overload]


def eventually(condition: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"not within {WAIT_SECONDS} s: {what}")


# ---------------------------------------------------------------- S3 -> EventBridge -> SQS (project template)


def test_a_file_put_to_raw_reaches_the_queue_as_the_eventbridge_event(aws_endpoint):
    deployment = provision(Template.load(), prefix=f"sources{uuid.uuid4().hex[:8]}", region=REGION)
    s3, sqs = client("s3", aws_endpoint), client("sqs", aws_endpoint)
    bucket, queue_url = deployment.ref("MeteringFilesBucket"), deployment.ref("MeteringFileQueue")
    key = "raw/i-DE/F5D_0021_2024 04+01 ñ.zip"  # S3's direct notifications would URL-encode this key

    stored = s3.put_object(Bucket=bucket, Key=key, Body=b"0123456789")
    etag, version_id = stored["ETag"].strip('"'), stored["VersionId"]  # the template's bucket is versioned
    s3.put_object(Bucket=bucket, Key="chunks/x/0001.csv", Body=b"not for the rule")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="raw/big.zip")
    part = s3.upload_part(Bucket=bucket, Key="raw/big.zip", UploadId=upload["UploadId"], PartNumber=1, Body=b"x" * 10)
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="raw/big.zip",
        UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]},
    )

    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)["Messages"]
    put, multipart = (json.loads(message["Body"]) for message in messages)  # one event per object, raw/ only
    assert put == {
        "version": "0",
        "id": put["id"],
        "detail-type": "Object Created",
        "source": "aws.s3",
        "account": moto_account_id(),
        "time": put["time"],
        "region": REGION,
        "resources": [f"arn:aws:s3:::{bucket}"],
        "detail": {
            "version": "0",
            "bucket": {"name": bucket},
            "object": {
                "key": key,
                "size": 10,
                "etag": etag,
                "version-id": version_id,
                "sequencer": put["detail"]["object"]["sequencer"],
            },
            "request-id": put["detail"]["request-id"],
            "requester": moto_account_id(),
            "source-ip-address": "127.0.0.1",
            "reason": "PutObject",
        },
    }
    assert time.strptime(put["time"], "%Y-%m-%dT%H:%M:%SZ")
    assert multipart["detail"]["object"]["key"] == "raw/big.zip"
    assert multipart["detail"]["reason"] == "CompleteMultipartUpload"
    assert multipart["detail"]["object"]["etag"].endswith("-1")
    assert multipart["id"] != put["id"]
    assert multipart["detail"]["object"]["sequencer"] > put["detail"]["object"]["sequencer"]
    assert S3EventNotificationEventBridgeModel.model_validate(put).detail.object.etag == etag


def test_the_server_serves_secrets_manager(aws_endpoint):
    secrets = client("secretsmanager", aws_endpoint)
    name = f"local/distributor-connections/{uuid.uuid4().hex}"

    secrets.create_secret(Name=name, SecretString='{"password": "p"}')

    assert json.loads(secrets.get_secret_value(SecretId=name)["SecretString"]) == {"password": "p"}


# ---------------------------------------------------------------- SQS and Schedule event sources

# Appends each invocation's event to events.jsonl next to it. A message body {"fail": n} is reported as a
# batch item failure for its first n receives; {"raise": n} makes the whole invocation raise for those.
WORK_HANDLER = """
import json
from pathlib import Path

LOG = Path(__file__).with_name("events.jsonl")


def lambda_handler(event, context):
    with LOG.open("a") as log:
        log.write(json.dumps(event) + "\\n")
    failures = []
    for record in event.get("Records", []):
        body = json.loads(record["body"])
        received = int(record["attributes"]["ApproximateReceiveCount"])
        if received <= body.get("raise", 0):
            raise RuntimeError("the handler failed")
        if received <= body.get("fail", 0):
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
"""

SQS_TEMPLATE = """
Resources:
  WorkQueue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 30
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt WorkDeadLetterQueue.Arn
        maxReceiveCount: 2
  WorkDeadLetterQueue:
    Type: AWS::SQS::Queue
  WorkFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: work/
      Handler: app.lambda_handler
      ReservedConcurrentExecutions: 1  # one poller: batches are predictable
      Events:
        Work:
          Type: SQS
          Properties:
            Queue: !GetAtt WorkQueue.Arn
            BatchSize: 3
            FunctionResponseTypes: [ReportBatchItemFailures]
"""

SCHEDULE_TEMPLATE = """
Resources:
  NightlyFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: nightly/
      Handler: app.lambda_handler
      Events:
        Nightly:
          Type: Schedule
          Properties: {Schedule: rate(1 day)}
"""


class LocalSources:
    """A template's resources in moto and its functions' event sources running, as in `python -m local`."""

    def __init__(self, tmp_path: Path, template_text: str, aws_endpoint: str) -> None:
        (tmp_path / "template.yaml").write_text(dedent(template_text))
        template = Template.load(tmp_path / "template.yaml")
        for function in template.functions():
            function.code_dir.mkdir(parents=True, exist_ok=True)
            function.handler_file.write_text(dedent(WORK_HANDLER))
        self.log = {function.logical_id: function.code_dir / "events.jsonl" for function in template.functions()}
        self.deployment: Deployment = provision(template, prefix=f"src{uuid.uuid4().hex[:8]}", region=REGION)
        self.aws_endpoint = aws_endpoint
        self.sqs = client("sqs", aws_endpoint)
        self.sources: list[RunningEventSource] = []

    def start(self) -> None:
        functions = {
            spec.logical_id: FunctionRuntime(
                spec, function_name=str(self.deployment.ref(spec.logical_id)), region=REGION, account_id="123456789012"
            )
            for spec in self.deployment.template.functions()
        }
        context = StackContext(
            deployment=self.deployment,
            aws_endpoint=self.aws_endpoint,
            functions=functions,
            sqs_retry_seconds=RETRY_SECONDS,
        )
        self.sources = start_event_sources(context)

    def stop(self) -> None:
        for source in self.sources:
            source.stop()

    @property
    def state(self) -> dict[str, Any]:
        state: dict[str, Any] = {}
        for source in self.sources:
            state.update(source.state)
        return state

    def send(self, queue_id: str, *bodies: dict[str, Any], **parameters: Any) -> list[str]:
        url = self.deployment.ref(queue_id)
        return [
            self.sqs.send_message(QueueUrl=url, MessageBody=json.dumps(body), **parameters)["MessageId"]
            for body in bodies
        ]

    def events(self, function_id: str) -> list[dict[str, Any]]:
        log = self.log[function_id]
        return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []

    def wait_for_events(self, function_id: str, count: int) -> list[dict[str, Any]]:
        return eventually(
            lambda: (events := self.events(function_id)) and len(events) >= count and events,
            f"{count} invocations of {function_id}",
        )

    def messages_left(self, queue_id: str) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self.deployment.ref(queue_id),
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


@pytest.fixture
def local_sources(tmp_path: Path, aws_endpoint: str) -> Iterator[Callable[[str], LocalSources]]:
    created: list[LocalSources] = []

    def create(template_text: str) -> LocalSources:
        sources = LocalSources(tmp_path, template_text, aws_endpoint)
        created.append(sources)
        return sources

    yield create
    for sources in created:
        sources.stop()


def received(event: dict[str, Any]) -> list[tuple[str, str]]:
    """(message id, receive count) of each record of an SQS event."""
    return [(record["messageId"], record["attributes"]["ApproximateReceiveCount"]) for record in event["Records"]]


def test_the_poller_delivers_batches_in_the_sqs_event_shape(local_sources):
    stack = local_sources(SQS_TEMPLATE)
    ids = stack.send("WorkQueue", {"n": 1}, {"n": 2}, {"n": 3}, {"n": 4})
    (with_attributes,) = stack.send(
        "WorkQueue",
        {"n": 5},
        MessageAttributes={"source": {"DataType": "String", "StringValue": "billing"}},
    )
    stack.start()

    first, second = stack.wait_for_events("WorkFunction", 2)

    assert received(first) == [(message_id, "1") for message_id in ids[:3]]
    assert received(second) == [(ids[3], "1"), (with_attributes, "1")]
    record = first["Records"][0]
    queue_arn = stack.deployment.get_att("WorkQueue", "Arn")
    assert record["body"] == '{"n": 1}'
    assert record["md5OfBody"] == hashlib.md5(b'{"n": 1}').hexdigest()
    assert (record["eventSource"], record["eventSourceARN"], record["awsRegion"]) == ("aws:sqs", queue_arn, REGION)
    assert {"ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} <= set(
        record["attributes"]
    )
    assert record["messageAttributes"] == {}
    assert second["Records"][1]["messageAttributes"] == {
        "source": {"stringValue": "billing", "stringListValues": [], "binaryListValues": [], "dataType": "String"}
    }
    eventually(lambda: stack.messages_left("WorkQueue") == 0, "the delivered messages are deleted")
    assert stack.state["sqs_event_sources"] == {"WorkFunction.Work": stack.deployment.ref("WorkQueue")}


def test_a_partial_batch_failure_retries_only_the_failed_message(local_sources):
    stack = local_sources(SQS_TEMPLATE)
    first_ok, failing, last_ok = stack.send("WorkQueue", {"n": 1}, {"fail": 1}, {"n": 3})
    stack.start()

    batch, retry = stack.wait_for_events("WorkFunction", 2)

    assert received(batch) == [(first_ok, "1"), (failing, "1"), (last_ok, "1")]
    assert received(retry) == [(failing, "2")]
    eventually(lambda: stack.messages_left("WorkQueue") == 0, "the retried message succeeds and is deleted")
    time.sleep(RETRY_SECONDS + 1)
    assert len(stack.events("WorkFunction")) == 2  # nothing else came back
    assert stack.messages_left("WorkDeadLetterQueue") == 0


def test_a_poison_message_ends_in_the_dead_letter_queue_after_max_receive_count(local_sources):
    stack = local_sources(SQS_TEMPLATE)
    (poison,) = stack.send("WorkQueue", {"fail": 99})
    stack.start()

    dead = eventually(
        lambda: stack.sqs.receive_message(QueueUrl=stack.deployment.ref("WorkDeadLetterQueue"), WaitTimeSeconds=1).get(
            "Messages"
        ),
        "the message moved to the dead-letter queue",
    )

    assert [message["MessageId"] for message in dead] == [poison]
    assert [received(event) for event in stack.events("WorkFunction")] == [[(poison, "1")], [(poison, "2")]]
    assert stack.messages_left("WorkQueue") == 0


def test_an_exception_retries_the_whole_batch(local_sources):
    stack = local_sources(SQS_TEMPLATE)
    calm, raising = stack.send("WorkQueue", {"n": 1}, {"raise": 1})
    stack.start()

    failed, retried = stack.wait_for_events("WorkFunction", 2)

    assert received(failed) == [(calm, "1"), (raising, "1")]
    assert received(retried) == [(calm, "2"), (raising, "2")]
    eventually(lambda: stack.messages_left("WorkQueue") == 0, "the retried batch succeeds and is deleted")


def test_the_trigger_fires_the_function_with_the_scheduled_event(local_sources, tmp_path):
    stack = local_sources(SCHEDULE_TEMPLATE)
    stack.start()
    rule = client("events", stack.aws_endpoint).describe_rule(Name=stack.deployment.ref("NightlyFunctionNightly"))

    status, answer = fire(stack.state["control_url"], "nightly")

    assert status == 200
    ((event,),) = [stack.events("NightlyFunction")]
    assert event == {
        "version": "0",
        "id": event["id"],
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": event["time"],
        "region": REGION,
        "resources": [rule["Arn"]],
        "detail": {},
    }
    assert answer == {
        "schedule": "NightlyFunction.Nightly",
        "rule_arn": rule["Arn"],
        "event": event,
        "result": {"batchItemFailures": []},
    }
    assert stack.state["schedules"] == {"nightly": "NightlyFunction.Nightly"}

    # `make trigger FN=nightly` does the same through the state file
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "stack.json").write_text(json.dumps(stack.state))
    assert trigger_main(["NightlyFunction"], {"LOCAL_STATE_DIR": str(tmp_path / "state")}, io.StringIO()) == 0
    assert len(stack.events("NightlyFunction")) == 2
    assert fire(stack.state["control_url"], "unknown")[0] == 404
