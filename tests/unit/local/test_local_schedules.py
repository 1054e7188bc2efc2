"""Which schedule a name fires, what `make trigger` says, and what the banner tells about event sources."""

import io
import json
from pathlib import Path

import pytest

from local.__main__ import banner
from local.schedules import Schedule, ScheduleNotFoundError, ScheduleTrigger
from local.settings import Settings
from local.template import FunctionSpec
from local.trigger import main as trigger_main

RULE_ARN = "arn:aws:events:eu-west-1:123456789012:rule/local-FtpPollerFunctionPoll"


def function(logical_id: str, folder: str) -> FunctionSpec:
    code_dir = Path("/functions") / folder
    return FunctionSpec(
        logical_id=logical_id,
        code_dir=code_dir,
        handler_file=code_dir / "app.py",
        handler_attribute="lambda_handler",
        environment={},
        timeout_seconds=3,
        memory_mb=128,
        events=(),
    )


def schedule(logical_id: str, folder: str, event_name: str, **fields) -> Schedule:
    return Schedule(
        function=function(logical_id, folder),
        event_name=event_name,
        rule_arn=RULE_ARN,
        expression="rate(15 minutes)",
        enabled=True,
        **fields,
    )


@pytest.fixture
def trigger():
    poller = schedule("FtpPollerFunction", "ftp_poller", "Poll")
    nightly = schedule("ReportFunction", "report", "Nightly")
    weekly = schedule("ReportFunction", "report", "Weekly")
    trigger = ScheduleTrigger([poller, nightly, weekly], {}, region="eu-west-1", account_id="123456789012")
    yield trigger
    trigger.stop()


@pytest.mark.parametrize("name", ["ftp_poller", "FtpPollerFunction", "FtpPollerFunction.Poll", "ftp_poller.Poll"])
def test_a_schedule_answers_to_its_folder_its_function_and_its_event(trigger, name):
    assert trigger.find(name).name == "FtpPollerFunction.Poll"


def test_a_function_with_several_schedules_needs_the_event_name(trigger):
    assert trigger.find("report.Weekly").name == "ReportFunction.Weekly"
    with pytest.raises(ScheduleNotFoundError, match=r"several schedules.*ReportFunction.Nightly"):
        trigger.find("report")
    with pytest.raises(ScheduleNotFoundError, match="no schedule 'nope'"):
        trigger.find("nope")


def test_the_event_is_the_scheduled_event_unless_the_schedule_has_an_input():
    event = schedule("F", "f", "E").event(region="eu-west-1", account_id="123456789012")
    with_input = schedule("F", "f", "E", input='{"mode": "full"}').event(region="eu-west-1", account_id="1")

    assert (event["detail-type"], event["source"], event["resources"]) == ("Scheduled Event", "aws.events", [RULE_ARN])
    assert with_input == {"mode": "full"}


def test_trigger_without_a_running_stack_says_so(tmp_path):
    out = io.StringIO()

    assert trigger_main(["ftp_poller"], {"LOCAL_STATE_DIR": str(tmp_path)}, out) == 2
    assert "make run" in out.getvalue()


def test_trigger_without_a_name_lists_the_schedules(tmp_path):
    (tmp_path / "stack.json").write_text(
        json.dumps({"control_url": "http://127.0.0.1:9", "schedules": {"ftp_poller": "FtpPollerFunction.Poll"}})
    )
    out = io.StringIO()

    assert trigger_main([], {"LOCAL_STATE_DIR": str(tmp_path)}, out) == 2
    assert "ftp_poller" in out.getvalue()
    assert "FtpPollerFunction.Poll" in out.getvalue()


def test_the_banner_prints_the_trigger_command_and_the_polled_queues():
    state = {
        "aws_endpoint": "http://127.0.0.1:5000",
        "region": "eu-west-1",
        "user_pool_id": "pool",
        "user_pool_client_id": "client",
        "operator_email": "operator@example.com",
        "operator_password": "Operator-Local-2024",
        "api_url": "http://127.0.0.1:3000",
        "control_url": "http://127.0.0.1:4000",
        "schedules": {"ftp_poller": "FtpPollerFunction.Poll"},
        "sqs_event_sources": {"SplitMeteringFileFunction.NewFile": "http://127.0.0.1:5000/123456789012/q"},
    }

    text = banner(state, Settings())

    assert "make trigger FN=ftp_poller" in text
    assert "curl -X POST http://127.0.0.1:4000/schedules/<function>" in text
    assert "SplitMeteringFileFunction.NewFile" in text
    assert "initiate-auth" in text
