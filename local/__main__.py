"""`python -m local` (`make run`): the whole backend on this machine, no Docker. Ctrl-C stops it.

Settings (environment): LOCAL_AWS_PORT (5000), LOCAL_API_PORT (3000), LOCAL_CONTROL_PORT (0: a free port),
LOCAL_STATE_DIR (.local), AWS_DEFAULT_REGION (eu-west-1), LOCAL_OPERATOR_EMAIL, LOCAL_OPERATOR_PASSWORD,
LOCAL_SQS_RETRY_SECONDS (2), LOCAL_TOKEN_PORT (0). Port 0 picks a free port; the ports in use are in
<LOCAL_STATE_DIR>/stack.json.
"""

from __future__ import annotations

import logging
import shlex
import signal
import sys
import threading
from types import FrameType
from typing import Any

from local.stack import LocalStack, Settings, StackStartError


def banner(state: dict[str, Any], settings: Settings) -> str:
    return (
        _banner_top(state, settings)
        + _event_sources_section(state)
        + _sample_distributor_section(state)
        + _datadis_section(state)
        + _solaredge_section(state)
        + _sign_in_section(state)
        + _machine_clients_section(state)
    )


def _machine_clients_section(state: dict[str, Any]) -> str:
    clients = state.get("machine_clients") or {}
    if not clients:
        return ""
    lines = [
        "\nMachine clients (billing systems: POST /imports) get client-credentials tokens from a local stand-in",
        f"for Cognito's /oauth2/token (moto has none): {state['token_url']}",
    ]
    for source, client in clients.items():
        credentials = shlex.quote(f"{client['client_id']}:{client['client_secret']}")
        lines += [
            f"  billing system {source}: client id {client['client_id']}, secret {client['client_secret']}",
            f"  curl -s -u {credentials} -d grant_type=client_credentials -d scope=imports/write {state['token_url']}",
        ]
        if sender := client.get("sqs_sender_id"):  # moto's one SQS sender, registered for this source
            lines.append(f"  messages sent straight to the import queue are {source}'s (their SQS sender: {sender})")
    return "\n".join(lines) + "\n"


def _sample_distributor_section(state: dict[str, Any]) -> str:
    sample = state.get("sample_distributor")
    if not sample:
        return ""
    return f"""
Sample distributor: SFTP {sample["sftp"]}, registered as connection {sample["connection_id"]}
  files: {", ".join(sample["files"])}
  their CUPS: {", ".join(sample["cups"])}
  set one on a house (PUT /houses/<id>/cups/electricity), then: make trigger FN=ftp_poller
"""


def _datadis_section(state: dict[str, Any]) -> str:
    url = state.get("datadis_url")
    if not url:
        return ""
    return f"""
Datadis: {url} (the stand-in unless LOCAL_DATADIS_URL names another); as the holder of a pending request:
  curl -s {url}/_admin/authorizations
  curl -s -X POST {url}/_admin/authorizations/<requestId>/accept    (or /reject)
"""


def _solaredge_section(state: dict[str, Any]) -> str:
    site_id = state.get("solaredge_site_id")
    if not site_id:
        return ""
    return f"""
SolarEdge monitoring: {state["solaredge_url"]} (the stand-in unless LOCAL_SOLAREDGE_URL names another)
  sample site {site_id}, key {state["solaredge_api_key"]}: PUT /houses/<id>/pv-installation with
  {{"peak_power_kwp": 3.6, "monitoring": {{"provider": "solaredge", "site_id": "{site_id}", "api_key": "..."}}}},
  then: make trigger FN=pv_poller
"""


def _banner_top(state: dict[str, Any], settings: Settings) -> str:
    endpoint, region = state["aws_endpoint"], state["region"]
    email, password = state["operator_email"], state["operator_password"]
    client_id = state["user_pool_client_id"]
    return f"""
Local stack is running (Ctrl-C stops it)
  API            {state.get("api_url", "(no HttpApi routes)")}
  AWS endpoint   {endpoint}  (region {region}, any credentials)
  User pool      {state["user_pool_id"]}  app client {client_id}
  Operator       {email} / {password}
  State          {settings.state_file}
"""


def _event_sources_section(state: dict[str, Any]) -> str:
    lines = []
    queues = state.get("sqs_event_sources") or {}
    if queues:
        lines.append("\nQueues polled as Lambda does (failed messages come back after a few seconds):")
        lines += [f"  {source:<40} <- {queue_url}" for source, queue_url in queues.items()]
    schedules = state.get("schedules") or {}
    if schedules:
        lines.append("\nSchedules never fire on their own locally; fire one now with:")
        lines += [f"  make trigger FN={folder:<26} ({name})" for folder, name in schedules.items()]
        lines.append(f"  (or curl -X POST {state['control_url']}/schedules/<function>)")
    return "\n".join(lines) + "\n" if lines else ""


def _sign_in_section(state: dict[str, Any]) -> str:
    endpoint, region = state["aws_endpoint"], state["region"]
    email, password = state["operator_email"], state["operator_password"]
    client_id = state["user_pool_client_id"]
    auth_parameters = shlex.quote(f"USERNAME={email},PASSWORD={password}")
    return f"""
Sign in as the operator (the ID token is the bearer token):
  TOKEN=$(aws cognito-idp initiate-auth --auth-flow USER_PASSWORD_AUTH --client-id {client_id} \\
    --auth-parameters {auth_parameters} \\
    --endpoint-url {endpoint} --region {region} --query AuthenticationResult.IdToken --output text)
  curl -H "Authorization: Bearer $TOKEN" {state.get("api_url", "")}/users

or in Python:
  import boto3
  cognito = boto3.client("cognito-idp", endpoint_url="{endpoint}", region_name="{region}")
  token = cognito.initiate_auth(ClientId="{client_id}", AuthFlow="USER_PASSWORD_AUTH",
      AuthParameters={{"USERNAME": "{email}", "PASSWORD": "{password}"}})["AuthenticationResult"]["IdToken"]
"""


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # moto's server logs every AWS call, botocore and PynamoDB where they found their settings: noise here.
    for chatty in ("werkzeug", "botocore", "pynamodb"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    stop_requested = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        logging.getLogger("local").info("%s received: stopping", signal.Signals(signum).name)
        stop_requested.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    settings = Settings.from_environ()
    stack = LocalStack(settings)
    try:
        state = stack.start()
    except StackStartError as error:
        logging.getLogger("local").error("the local stack could not start: %s", error)
        return 1
    except Exception:
        logging.getLogger("local").exception("the local stack could not start")
        return 1
    print(banner(state, settings), flush=True)
    try:
        while not stop_requested.wait(timeout=1):
            pass
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
