"""The whole local system: moto, the template's resources, a seeded operator, the functions and what
invokes them. `python -m local` runs it; its state file tells tests and tools where everything is."""

from __future__ import annotations

import errno
import json
import logging
import os
import socket
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from local.aws_server import AwsServer, AwsServerError
from local.billing_systems import (
    LOCAL_SOURCES,
    QUEUE_SENDER_ID,
    QUEUE_SENDER_SOURCE,
    create_billing_system_client,
    queue_sender,
)
from local.datadis import DatadisStandIn
from local.deployment import Deployment, export_function_environments
from local.event_sources import StackContext, start_event_sources
from local.functions import FunctionLoadError, FunctionRuntime
from local.provision import provision
from local.sample_distributor import start_sample_distributor
from local.seed import seed_user
from local.settings import STATE_FILE_NAME, Settings
from local.sftp_server import sshd_available
from local.solaredge import SolarEdgeStandIn
from local.template import Template, TemplateError
from local.token_endpoint import start_token_endpoint

__all__ = ["LOCAL_PARAMETERS", "STATE_FILE_NAME", "LocalStack", "Settings", "StackStartError", "point_this_process_at"]

logger = logging.getLogger(__name__)

STACK_NAME = "local"
OPERATORS_GROUP = "operators"
DATADIS_URL_PARAMETER = "DatadisBaseUrl"
DATADIS_ACCOUNT_SECRET = "DatadisCredentialsSecret"
SOLAREDGE_URL_PARAMETER = "SolarEdgeBaseUrl"
BILLING_SYSTEM_CLIENTS_PARAMETER = "BillingSystemClientIds"
BILLING_SYSTEM_SENDERS_PARAMETER = "BillingSystemSenders"
# The stack parameters the local stack deploys with, whatever their defaults: people and scripts sign in with
# USER_PASSWORD_AUTH here (SRP needs a client library), and send straight to the import queue as one billing system.
LOCAL_PARAMETERS = {
    "AllowUserPasswordAuth": "true",
    BILLING_SYSTEM_SENDERS_PARAMETER: queue_sender(QUEUE_SENDER_SOURCE),
}


class StackStartError(RuntimeError):
    """The local stack cannot start; the message says why and what to change."""


def point_this_process_at(aws_endpoint: str, region: str) -> None:
    """boto3 and PynamoDB clients created from now on talk to moto, never to a real account."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    os.environ.update(
        AWS_ENDPOINT_URL=aws_endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",  # moto accepts any credentials
        AWS_DEFAULT_REGION=region,
        AWS_REGION=region,
        POWERTOOLS_TRACE_DISABLED="true",  # there is no X-Ray daemon locally
    )


class LocalStack:
    def __init__(self, settings: Settings, template: Template | None = None) -> None:
        self.settings = settings
        self.template = template or Template.load()
        self.state: dict[str, Any] = {}
        # What runs (moto, then what needs it: event sources ...), stopped in the reverse order.
        self._running = ExitStack()

    def start(self) -> dict[str, Any]:
        """Start everything and write the state file; returns its content. Stops what started on failure."""
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        self._running.close()
        if self.state:
            self.settings.state_file.unlink(missing_ok=True)

    def _start(self) -> dict[str, Any]:
        settings = self.settings
        settings.state_file.unlink(missing_ok=True)  # a stale file must not be mistaken for this run
        aws_endpoint = self._start_moto()
        point_this_process_at(aws_endpoint, settings.region)
        datadis, solaredge = self._datadis(), self._solaredge()
        deployment = provision(
            self.template,
            prefix=STACK_NAME,
            region=settings.region,
            parameters=LOCAL_PARAMETERS
            | {DATADIS_URL_PARAMETER: datadis.url, SOLAREDGE_URL_PARAMETER: solaredge["solaredge_url"]},
        )
        store_datadis_account(deployment, datadis.username, datadis.password)
        user_pool_id, client_id = self._seed_operator(deployment)
        billing_systems = self._create_billing_systems(deployment, user_pool_id)
        export_function_environments(deployment)
        functions = self._load_functions(deployment)
        context = StackContext(
            deployment=deployment,
            aws_endpoint=aws_endpoint,
            functions=functions,
            api_port=settings.api_port,
            control_port=settings.control_port,
            sqs_retry_seconds=settings.sqs_retry_seconds,
        )
        try:
            sources = start_event_sources(context)
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
            raise StackStartError(
                f"port {settings.api_port} or {settings.control_port} is in use: "
                "set LOCAL_API_PORT or LOCAL_CONTROL_PORT to a free port"
            ) from error
        for source in sources:
            self._running.callback(source.stop)
        # moto has no /oauth2/token
        token_endpoint = start_token_endpoint(deployment, billing_systems, port=settings.token_port)
        self._running.callback(token_endpoint.stop)
        self.state = {
            "aws_endpoint": aws_endpoint,
            "region": settings.region,
            "user_pool_id": user_pool_id,
            "user_pool_client_id": client_id,
            "operator_email": settings.operator_email,
            "operator_password": settings.operator_password,
            "resources": deployment.physical_names(),
            "datadis_url": datadis.url,
            **solaredge,
        }
        for source in [*sources, token_endpoint]:
            self.state.update(source.state)
        self._start_sample_distributor(client_id)
        _write_atomically(settings.state_file, json.dumps(self.state, indent=2) + "\n")
        return self.state

    def _datadis(self) -> DatadisAccount:
        """Datadis as LOCAL_DATADIS_URL names it, or the stand-in (started here) with its demo accounts."""
        settings = self.settings
        if settings.datadis_url:
            if not (settings.datadis_username and settings.datadis_password):
                raise StackStartError("LOCAL_DATADIS_URL needs LOCAL_DATADIS_USERNAME and LOCAL_DATADIS_PASSWORD")
            return DatadisAccount(settings.datadis_url, settings.datadis_username, settings.datadis_password)
        stand_in = DatadisStandIn()
        stand_in.start()
        self._running.callback(stand_in.stop)
        return DatadisAccount(stand_in.url, stand_in.username, stand_in.password)

    def _solaredge(self) -> dict[str, Any]:
        """SolarEdge as LOCAL_SOLAREDGE_URL names it, or the stand-in (started here) with its sample site."""
        if self.settings.solaredge_url:
            return {"solaredge_url": self.settings.solaredge_url}
        stand_in = SolarEdgeStandIn()
        stand_in.start()
        self._running.callback(stand_in.stop)
        return stand_in.state

    def _start_sample_distributor(self, client_id: str) -> None:
        if not sshd_available():
            logger.warning("no OpenSSH server (apt-get install openssh-server): no sample distributor is started")
            return
        cognito = boto3.client("cognito-idp", region_name=self.settings.region)
        token = cognito.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": self.settings.operator_email, "PASSWORD": self.settings.operator_password},
        )["AuthenticationResult"]["IdToken"]
        server, state = start_sample_distributor(self.state["api_url"], token)
        self._running.callback(server.stop)
        self.state["sample_distributor"] = state

    def _start_moto(self) -> str:
        port = self.settings.aws_port
        if port:  # say which setting to change, rather than moto's bind error
            with socket.socket() as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    probe.bind(("127.0.0.1", port))
                except OSError as error:
                    raise StackStartError(f"port {port} is in use: set LOCAL_AWS_PORT to a free port") from error
        try:
            moto = AwsServer.start(port)
        except AwsServerError as error:
            raise StackStartError(str(error)) from error
        self._running.callback(moto.stop)
        return moto.endpoint

    def _seed_operator(self, deployment: Deployment) -> tuple[str, str]:
        template = deployment.template
        user_pool_id = str(deployment.ref(template.user_pool().logical_id))
        clients = [
            client
            for client in template.user_pool_clients()
            if "ALLOW_USER_PASSWORD_AUTH" in (deployment.resolve(client.properties).get("ExplicitAuthFlows") or [])
        ]
        if not clients:
            raise TemplateError("no user pool client allows USER_PASSWORD_AUTH: nobody could sign in locally")
        groups = {deployment.ref(group.logical_id) for group in template.user_pool_groups()}
        if OPERATORS_GROUP not in groups:
            raise TemplateError(f"the template has no {OPERATORS_GROUP!r} user pool group")
        cognito = boto3.client("cognito-idp", region_name=deployment.region)
        try:
            seed_user(
                cognito,
                user_pool_id=user_pool_id,
                email=self.settings.operator_email,
                password=self.settings.operator_password,
                groups=[OPERATORS_GROUP],
            )
        except cognito.exceptions.InvalidPasswordException as error:
            raise StackStartError(f"LOCAL_OPERATOR_PASSWORD does not satisfy the user pool: {error}") from error
        return user_pool_id, str(deployment.ref(clients[0].logical_id))

    def _create_billing_systems(self, deployment: Deployment, user_pool_id: str) -> dict[str, dict[str, str]]:
        """A machine client for each of two billing systems, by source, accepted by the API's authorizer as
        BillingSystemClientIds makes it accept them in AWS (set before the gateway reads it); the one whose
        messages sent straight to the import queue are accepted (LOCAL_PARAMETERS) lists its sender id."""
        cognito = boto3.client("cognito-idp", region_name=deployment.region)
        clients = {source: create_billing_system_client(cognito, user_pool_id, source) for source in LOCAL_SOURCES}
        deployment.set_parameter(BILLING_SYSTEM_CLIENTS_PARAMETER, [c["client_id"] for c in clients.values()])
        clients[QUEUE_SENDER_SOURCE]["sqs_sender_id"] = QUEUE_SENDER_ID
        return clients

    def _load_functions(self, deployment: Deployment) -> dict[str, FunctionRuntime]:
        functions = {}
        for spec in deployment.template.functions():
            if not deployment.is_created(deployment.template.resource(spec.logical_id)):
                continue
            runtime = FunctionRuntime(
                spec,
                function_name=str(deployment.ref(spec.logical_id)),
                region=deployment.region,
                account_id=deployment.account_id,
            )
            # Loading now shows import errors at start-up; a function that fails keeps being retried on
            # each invocation (answered 500 meanwhile), so the stack still starts while code is in progress.
            try:
                runtime.warm()
            except FunctionLoadError as error:
                logger.warning("%s", error)
            except Exception:
                logger.exception("%s failed to load", spec.logical_id)
            functions[spec.logical_id] = runtime
        return functions


@dataclass(frozen=True)
class DatadisAccount:
    url: str
    username: str
    password: str


def store_datadis_account(deployment: Deployment, username: str, password: str) -> None:
    """Our account on the local Datadis, where the functions read it (the template's secret)."""
    secrets = boto3.client("secretsmanager", region_name=deployment.region)
    account = json.dumps({"username": username, "password": password})
    secrets.put_secret_value(SecretId=str(deployment.ref(DATADIS_ACCOUNT_SECRET)), SecretString=account)


def _write_atomically(path: Path, text: str) -> None:
    # Readers polling for the file never see it half written.
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    partial.replace(path)
