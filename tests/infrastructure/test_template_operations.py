"""What AWS must do when something fails or someone deletes the stack (issue 12, the template):

- every dead-letter queue (of a queue, an EventBridge target or a scheduled function) has an alarm that tells
  the AlarmTopicArn topic, and so do the poller's failures and the files stuck in `copied`;
- scheduled functions have an OnFailure destination, EventBridge targets a dead-letter queue;
- data tables and the files bucket are retained; the bucket is versioned and refuses plain HTTP;
- the API writes access logs; Cognito verifies a changed email, offers TOTP, and allows password sign-in only
  where the AllowUserPasswordAuth parameter says so.
"""

from pathlib import Path
from typing import Any

import pytest

from local.template import FUNCTION_TYPE, QUEUE_TYPE, RULE_TYPE, TABLE_TYPE, Template

TEMPLATE = Template.load(Path(__file__).resolve().parents[2] / "template.yaml")
ALARM_TYPE = "AWS::CloudWatch::Alarm"
EPHEMERAL_TABLES = {"IdempotencyTable"}  # records that expire within hours
ALARM_ACTIONS = {"Fn::If": ["HasAlarmTopic", [{"Ref": "AlarmTopicArn"}], {"Ref": "AWS::NoValue"}]}


def _arn_of(value: Any) -> str | None:
    """The logical id of `!GetAtt <Id>.Arn`."""
    get_att = value.get("Fn::GetAtt") if isinstance(value, dict) else None
    return get_att[0] if isinstance(get_att, list) and get_att[1] == "Arn" else None


def _scheduled_functions() -> list[Any]:
    return [function for function in TEMPLATE.functions() if function.events_of_type("Schedule")]


def _dead_letter_queues() -> set[str]:
    found: set[str] = set()
    for queue in TEMPLATE.resources_of_type(QUEUE_TYPE):
        found.add(_arn_of((queue.properties.get("RedrivePolicy") or {}).get("deadLetterTargetArn")) or "")
    for rule in TEMPLATE.resources_of_type(RULE_TYPE):
        found |= {
            _arn_of((target.get("DeadLetterConfig") or {}).get("Arn")) or "" for target in rule.properties["Targets"]
        }
    for function in TEMPLATE.resources_of_type(FUNCTION_TYPE):
        on_failure = (function.properties.get("EventInvokeConfig") or {}).get("DestinationConfig", {}).get("OnFailure")
        found.add(_arn_of((on_failure or {}).get("Destination")) or "")
    return found - {""}


def _alarms() -> list[dict[str, Any]]:
    return [alarm.properties for alarm in TEMPLATE.resources_of_type(ALARM_TYPE)]


def test_there_are_dead_letter_queues_for_rules_and_scheduled_functions() -> None:
    assert {"EventTargetDeadLetterQueue", "ScheduledRunFailureQueue"} <= _dead_letter_queues()


@pytest.mark.parametrize("queue", sorted(_dead_letter_queues()))
def test_every_dead_letter_queue_has_an_alarm_telling_the_topic(queue: str) -> None:
    watching = [
        alarm
        for alarm in _alarms()
        if alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
        and alarm["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}]
    ]
    assert len(watching) == 1, f"{queue}: add an AWS::CloudWatch::Alarm on its visible messages"
    assert watching[0]["AlarmActions"] == ALARM_ACTIONS and watching[0]["Threshold"] == 0


def test_poller_failures_and_stuck_files_have_alarms_telling_the_topic() -> None:
    by_metric = {(alarm["Namespace"], alarm["MetricName"]): alarm for alarm in _alarms()}
    assert by_metric["AWS/Lambda", "Errors"]["Dimensions"][0]["Value"] == {"Ref": "FtpPollerFunction"}
    for metric in (("HouseEnergy", "PollErrors"), ("HouseEnergy", "FilesStuckInCopied"), ("AWS/Lambda", "Errors")):
        assert by_metric[metric]["AlarmActions"] == ALARM_ACTIONS
    assert TEMPLATE.parameters["AlarmTopicArn"]["Type"] == "String"


@pytest.mark.parametrize("function", _scheduled_functions(), ids=lambda function: function.logical_id)
def test_scheduled_functions_have_a_failure_destination_and_their_events_a_dead_letter_queue(function: Any) -> None:
    config = TEMPLATE.resource(function.logical_id).properties.get("EventInvokeConfig") or {}
    on_failure = config.get("DestinationConfig", {}).get("OnFailure", {})
    assert on_failure.get("Type") == "SQS" and _arn_of(on_failure.get("Destination")) == "ScheduledRunFailureQueue"
    for event in function.events_of_type("Schedule"):
        assert _arn_of(event.properties.get("DeadLetterConfig", {}).get("Arn")) == "EventTargetDeadLetterQueue"


@pytest.mark.parametrize("rule", TEMPLATE.resources_of_type(RULE_TYPE), ids=lambda rule: rule.logical_id)
def test_every_eventbridge_target_has_a_dead_letter_queue(rule: Any) -> None:
    for target in rule.properties["Targets"]:
        assert _arn_of(target.get("DeadLetterConfig", {}).get("Arn")) == "EventTargetDeadLetterQueue"


def _retained(logical_id: str) -> bool:
    raw = TEMPLATE.body["Resources"][logical_id]
    return raw.get("DeletionPolicy") == "Retain" and raw.get("UpdateReplacePolicy") == "Retain"


@pytest.mark.parametrize(
    "logical_id",
    [table.logical_id for table in TEMPLATE.resources_of_type(TABLE_TYPE) if table.logical_id not in EPHEMERAL_TABLES]
    + ["MeteringFilesBucket"],
)
def test_data_tables_and_the_bucket_outlive_the_stack(logical_id: str) -> None:
    assert _retained(logical_id), f"{logical_id}: DeletionPolicy and UpdateReplacePolicy Retain"


def test_the_bucket_is_versioned_and_refuses_plain_http() -> None:
    bucket = TEMPLATE.resource("MeteringFilesBucket").properties
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    [policy] = [
        r.properties
        for r in TEMPLATE.resources_of_type("AWS::S3::BucketPolicy")
        if r.properties["Bucket"] == {"Ref": "MeteringFilesBucket"}
    ]
    [statement] = policy["PolicyDocument"]["Statement"]
    assert (statement["Effect"], statement["Principal"], statement["Action"]) == ("Deny", "*", "s3:*")
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert len(statement["Resource"]) == 2  # the bucket and its objects


def test_the_api_writes_access_logs() -> None:
    [api] = TEMPLATE.http_apis()
    settings = api.properties["AccessLogSettings"]
    assert _arn_of(settings["DestinationArn"]) == "ApiAccessLogGroup"
    assert "$context.requestId" in settings["Format"] and "$context.status" in settings["Format"]


def test_cognito_verifies_changed_emails_offers_totp_and_gates_password_sign_in() -> None:
    pool = TEMPLATE.user_pool().properties
    assert pool["UserAttributeUpdateSettings"] == {"AttributesRequireVerificationBeforeUpdate": ["email"]}
    assert (pool["MfaConfiguration"], pool["EnabledMfas"]) == ("OPTIONAL", ["SOFTWARE_TOKEN_MFA"])
    flows = TEMPLATE.resource("UserPoolClient").properties["ExplicitAuthFlows"]["Fn::If"]
    assert flows[0] == "UserPasswordAuthAllowed" and "ALLOW_USER_PASSWORD_AUTH" not in flows[2]
    assert TEMPLATE.parameters["AllowUserPasswordAuth"]["Default"] == "false"
