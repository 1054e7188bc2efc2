"""Buckets, queues and rules from a small template, in moto: created as declared, and Ref / Fn::GetAtt
resolve to what CloudFormation would return (a queue's Ref is its URL, a bucket's its name ...)."""

import json
import uuid
from pathlib import Path
from textwrap import dedent

import boto3
import pytest
from moto import mock_aws

from local.deployment import Deployment
from local.provision import _lifecycle_rule, bucket_name, provision
from local.template import Template, TemplateError

REGION = "eu-west-1"

TEMPLATE = """
Resources:
  Files:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration: {Status: Enabled}
      NotificationConfiguration:
        EventBridgeConfiguration: {EventBridgeEnabled: true}
      LifecycleConfiguration:
        Rules:
          - {Id: chunks, Status: Enabled, Prefix: chunks/, ExpirationInDays: 7,
             AbortIncompleteMultipartUpload: {DaysAfterInitiation: 1}}
  Named:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${AWS::StackName}-named"
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - {ServerSideEncryptionByDefault: {SSEAlgorithm: AES256}, BucketKeyEnabled: true}
      PublicAccessBlockConfiguration: {BlockPublicAcls: true, RestrictPublicBuckets: "true"}
      ObjectLockEnabled: true
      Tags: [{Key: team, Value: energy}]
  Work:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt WorkDeadLetters.Arn
        maxReceiveCount: 3
  WorkDeadLetters:
    Type: AWS::SQS::Queue
    Properties:
      MessageRetentionPeriod: 1209600
  Ordered:
    Type: AWS::SQS::Queue
    Properties: {FifoQueue: true, ContentBasedDeduplication: true}
  WorkPolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Work]
      PolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: events.amazonaws.com}, Action: sqs:SendMessage,
             Resource: !GetAtt Work.Arn}
  NewFiles:
    Type: AWS::Events::Rule
    Properties:
      EventPattern:
        source: [aws.s3]
        detail-type: [Object Created]
        detail: {bucket: {name: [!Ref Files]}, object: {key: [{prefix: raw/}]}}
      Targets:
        - {Id: work, Arn: !GetAtt Work.Arn}
  NightlyFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: nightly/
      Handler: app.lambda_handler
      Environment:
        Variables:
          QUEUE_URL: !Ref Work
          QUEUE_NAME: !GetAtt Work.QueueName
          QUEUE_ARN: !GetAtt Work.Arn
          BUCKET: !Ref Files
          BUCKET_ARN: !GetAtt Files.Arn
          RULE: !Ref NewFiles
          RULE_ARN: !GetAtt NewFiles.Arn
          SCHEDULE_RULE_ARN: !GetAtt NightlyFunctionNightly.Arn
      Events:
        Nightly:
          Type: Schedule
          Properties: {Schedule: rate(1 day), Input: '{"mode": "full"}', Description: Every night}
        Paused:
          Type: Schedule
          Properties: {Schedule: "cron(0 3 * * ? *)", Enabled: false}
"""


@pytest.fixture
def prefix() -> str:
    return f"unit{uuid.uuid4().hex[:8]}"


@pytest.fixture
def deployed(tmp_path: Path, prefix: str):
    (tmp_path / "template.yaml").write_text(dedent(TEMPLATE))
    with mock_aws():
        yield provision(Template.load(tmp_path / "template.yaml"), prefix=prefix, region=REGION)


def queue_attributes(queue_url: str) -> dict[str, str]:
    return boto3.client("sqs", region_name=REGION).get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])[
        "Attributes"
    ]


def test_refs_and_attributes_resolve_as_in_cloudformation(deployed: Deployment, prefix):
    sqs = boto3.client("sqs", region_name=REGION)
    work_url = sqs.get_queue_url(QueueName=f"{prefix}-Work")["QueueUrl"]

    environment = deployed.function_environment("NightlyFunction")

    assert environment == {
        "QUEUE_URL": work_url,
        "QUEUE_NAME": f"{prefix}-Work",
        "QUEUE_ARN": f"arn:aws:sqs:{REGION}:123456789012:{prefix}-Work",
        "BUCKET": f"{prefix}-files",
        "BUCKET_ARN": f"arn:aws:s3:::{prefix}-files",
        "RULE": f"{prefix}-NewFiles",
        "RULE_ARN": f"arn:aws:events:{REGION}:123456789012:rule/{prefix}-NewFiles",
        "SCHEDULE_RULE_ARN": f"arn:aws:events:{REGION}:123456789012:rule/{prefix}-NightlyFunctionNightly",
    }
    assert deployed.ref("Named") == f"{prefix}-named"
    assert deployed.get_att("Files", "RegionalDomainName") == f"{prefix}-files.s3.{REGION}.amazonaws.com"
    assert deployed.get_att("Work", "QueueUrl") == work_url
    with pytest.raises(TemplateError, match="available locally"):
        deployed.get_att("Work", "Nope")


def test_stack_resources_name_every_bucket_queue_and_rule(deployed: Deployment, prefix):
    names = deployed.physical_names()

    assert names["Files"] == f"{prefix}-files"
    assert names["WorkDeadLetters"].endswith(f"/123456789012/{prefix}-WorkDeadLetters")  # a URL
    assert names["Ordered"].endswith(f"/{prefix}-Ordered.fifo")
    assert names["NewFiles"] == f"{prefix}-NewFiles"
    assert names["NightlyFunctionNightly"] == f"{prefix}-NightlyFunctionNightly"  # SAM's generated rule


def test_a_queue_has_its_attributes_and_its_dead_letter_queue(deployed: Deployment):
    work = queue_attributes(deployed.ref("Work"))
    dead_letters = queue_attributes(deployed.ref("WorkDeadLetters"))
    ordered = queue_attributes(deployed.ref("Ordered"))

    assert work["VisibilityTimeout"] == "60"
    assert json.loads(work["RedrivePolicy"]) == {
        "deadLetterTargetArn": dead_letters["QueueArn"],
        "maxReceiveCount": 3,
    }
    assert dead_letters["MessageRetentionPeriod"] == "1209600"
    assert (ordered["FifoQueue"], ordered["ContentBasedDeduplication"]) == ("true", "true")
    policy = json.loads(work["Policy"])  # the QueuePolicy is stored (moto does not enforce it)
    assert policy["Statement"][0]["Resource"] == work["QueueArn"]


def test_a_bucket_has_its_configuration(deployed: Deployment):
    s3 = boto3.client("s3", region_name=REGION)
    name = deployed.ref("Files")

    assert s3.get_bucket_versioning(Bucket=name)["Status"] == "Enabled"
    (rule,) = s3.get_bucket_lifecycle_configuration(Bucket=name)["Rules"]
    assert rule == {
        "ID": "chunks",
        "Status": "Enabled",
        "Filter": {"Prefix": "chunks/"},
        "Expiration": {"Days": 7},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
    }
    assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] == REGION


def test_every_bucket_setting_the_template_may_set_is_applied(tmp_path: Path, prefix, caplog):
    (tmp_path / "template.yaml").write_text(dedent(TEMPLATE))
    with mock_aws():
        deployed = provision(Template.load(tmp_path / "template.yaml"), prefix=prefix, region=REGION)
        s3 = boto3.client("s3", region_name=REGION)
        name = deployed.ref("Named")

        (encryption,) = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
        public_access = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
        tags = s3.get_bucket_tagging(Bucket=name)["TagSet"]

    assert encryption == {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}
    assert (public_access["BlockPublicAcls"], public_access["RestrictPublicBuckets"]) == (True, True)
    assert tags == [{"Key": "team", "Value": "energy"}]
    assert "Named (AWS::S3::Bucket): ObjectLockEnabled is not emulated locally (ignored)" in caplog.messages


def test_new_objects_reach_the_rule_target_as_s3_eventbridge_events(deployed: Deployment, prefix):
    """moto's GetBucketNotificationConfiguration leaves EventBridge out; the delivery shows it is on."""
    s3 = boto3.client("s3", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    name = deployed.ref("Files")

    version = s3.put_object(Bucket=name, Key="raw/a b+c.txt", Body=b"12345")["VersionId"]
    s3.put_object(Bucket=name, Key="elsewhere/x.txt", Body=b"1")  # the rule wants raw/ only

    (message,) = sqs.receive_message(QueueUrl=deployed.ref("Work"), MaxNumberOfMessages=10)["Messages"]
    event = json.loads(message["Body"])
    assert event["detail"]["object"] == {
        "key": "raw/a b+c.txt",
        "size": 5,
        "etag": "827ccb0eea8a706c4c34a16891f84e7b",
        "version-id": version,  # the bucket is versioned
        "sequencer": event["detail"]["object"]["sequencer"],
    }
    assert (event["detail-type"], event["detail"]["reason"]) == ("Object Created", "PutObject")


def test_a_rule_has_its_pattern_and_targets(deployed: Deployment, prefix):
    events = boto3.client("events", region_name=REGION)

    rule = events.describe_rule(Name=deployed.ref("NewFiles"))
    (target,) = events.list_targets_by_rule(Rule=deployed.ref("NewFiles"))["Targets"]

    assert json.loads(rule["EventPattern"])["detail"]["bucket"] == {"name": [f"{prefix}-files"]}
    assert rule["State"] == "ENABLED"
    assert target == {"Id": "work", "Arn": deployed.get_att("Work", "Arn")}


def test_a_schedule_event_gets_the_rule_sam_generates(deployed: Deployment, prefix):
    events = boto3.client("events", region_name=REGION)

    nightly = events.describe_rule(Name=deployed.ref("NightlyFunctionNightly"))
    (target,) = events.list_targets_by_rule(Rule=nightly["Name"])["Targets"]
    paused = events.describe_rule(Name=deployed.ref("NightlyFunctionPaused"))

    assert (nightly["ScheduleExpression"], nightly["State"], nightly["Description"]) == (
        "rate(1 day)",
        "ENABLED",
        "Every night",
    )
    assert target == {
        "Id": "NightlyFunctionNightlyLambdaTarget",
        "Arn": f"arn:aws:lambda:{REGION}:123456789012:function:{prefix}-NightlyFunction",
        "Input": '{"mode": "full"}',
    }
    assert (paused["ScheduleExpression"], paused["State"]) == ("cron(0 3 * * ? *)", "DISABLED")


def test_bucket_names_are_valid_whatever_the_prefix():
    assert bucket_name("local", "MeteringFilesBucket") == "local-meteringfilesbucket"
    assert bucket_name("Dev_Stack", "Files") == "dev-stack-files"
    assert len(bucket_name("p" * 50, "VeryLongLogicalIdForABucket")) == 63
    with pytest.raises(TemplateError):
        bucket_name("", "")


def test_lifecycle_rules_are_translated_to_the_api():
    assert _lifecycle_rule(
        {
            "Id": "old",
            "Status": "Enabled",
            "Prefix": "logs/",
            "TagFilters": [{"Key": "kind", "Value": "log"}],
            "NoncurrentVersionExpirationInDays": 30,
            "Transitions": [{"StorageClass": "GLACIER", "TransitionInDays": 90}],
        }
    ) == {
        "ID": "old",
        "Status": "Enabled",
        "Filter": {"And": {"Prefix": "logs/", "Tags": [{"Key": "kind", "Value": "log"}]}},
        "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
        "Transitions": [{"StorageClass": "GLACIER", "Days": 90}],
    }
    assert _lifecycle_rule({"Status": "Enabled", "ExpirationInDays": 1})["Filter"] == {"Prefix": ""}
