"""moto's server process (local.aws_server): it answers at the endpoint it announces, and it never outlives
the process that started it, however that process ends."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError

from local.aws_server import AwsServer

REPO_ROOT = Path(__file__).resolve().parents[2]
EXIT_WAIT_SECONDS = 20


def dynamodb(endpoint: str) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def gone(pid: int) -> bool:
    deadline = time.monotonic() + EXIT_WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_the_server_answers_at_its_endpoint_until_stopped() -> None:
    server = AwsServer.start()
    client = dynamodb(server.endpoint)
    client.create_table(
        TableName="t",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
    )
    assert client.list_tables()["TableNames"] == ["t"]

    server.stop()

    with pytest.raises(EndpointConnectionError):
        client.list_tables()


def test_the_server_stops_when_the_process_that_started_it_is_killed() -> None:
    starter = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent("""
                import time
                from local.aws_server import AwsServer
                server = AwsServer.start()
                print(server.pid, server.endpoint, flush=True)
                time.sleep(600)
            """),
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert starter.stdout is not None
    pid, endpoint = starter.stdout.readline().split()
    assert dynamodb(endpoint).list_tables()["TableNames"] == []

    starter.send_signal(signal.SIGKILL)  # no chance to stop its server
    starter.wait()

    assert gone(int(pid))
