"""Moto-backed integration tests: the template's resources are created under `mock_aws`, and each
function's real handler is invoked with the HTTP API events API Gateway would send it.

One deployment serves the whole session (handlers bind table names and the user pool at import), so
tests create their own uniquely named data rather than relying on empty tables."""

import json
import os
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from moto import mock_aws

from local.billing_systems import queue_sender
from local.datadis import DatadisStandIn
from local.deployment import Deployment, export_function_environments, moto_account_id
from local.events import http_api_event
from local.functions import FunctionRuntime
from local.moto_patches import apply_moto_fixes
from local.provision import provision
from local.routes import RouteTable
from local.solaredge import SolarEdgeStandIn
from local.stack import (
    BILLING_SYSTEM_SENDERS_PARAMETER,
    DATADIS_URL_PARAMETER,
    SOLAREDGE_URL_PARAMETER,
    store_datadis_account,
)
from local.template import Template

REGION = "eu-west-1"
QUEUE_SENDER_SOURCE = "erp-test"  # the billing system whose messages sent straight to the import queue are accepted


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: Any
    function_id: str

    def __getitem__(self, key: str) -> Any:
        return self.body[key]


@dataclass(frozen=True)
class Caller:
    sub: str
    groups: tuple[str, ...] = ()

    def claims(self) -> dict[str, Any]:
        claims: dict[str, Any] = {"sub": self.sub, "token_use": "id"}
        if self.groups:
            claims["cognito:groups"] = list(self.groups)
        return claims


@dataclass
class FunctionsApi:
    """Routes a request like API Gateway and invokes the matching function in this process."""

    routes: RouteTable
    runtimes: dict[str, FunctionRuntime]
    invoked: list[str] = field(default_factory=list)

    def request(
        self,
        method: str,
        path: str,
        caller: Caller,
        *,
        json_body: Any = None,
        raw_body: str | None = None,
        query: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        match = self.routes.match(method, path)
        assert match is not None, f"no route in template.yaml for {method} {path}"
        body = raw_body if raw_body is not None else (None if json_body is None else json.dumps(json_body))
        event = http_api_event(
            method,
            path,
            route_key=match.route.route_key,
            path_parameters=match.path_parameters,
            query=query,
            headers={"content-type": "application/json", **(headers or {})},
            body=body,
            jwt_claims=caller.claims(),
        )
        function_id = match.route.function_id
        self.invoked.append(function_id)
        response = self.runtimes[function_id].invoke(event)
        text = response.get("body") or ""
        headers = {name.lower(): value for name, value in response.get("headers", {}).items()}
        is_json = "json" in headers.get("content-type", "")
        return Reply(
            status=response["statusCode"],
            headers=headers,
            body=json.loads(text) if text and is_json else text or None,
            function_id=function_id,
        )


@pytest.fixture(scope="session")
def datadis() -> Iterator[DatadisStandIn]:
    """The Datadis stand-in the functions reach (Datadis itself cannot be reached here)."""
    stand_in = DatadisStandIn()
    stand_in.start()
    yield stand_in
    stand_in.stop()


@pytest.fixture(scope="session")
def solaredge() -> Iterator[SolarEdgeStandIn]:
    """The SolarEdge stand-in the PV reader reaches."""
    stand_in = SolarEdgeStandIn()
    stand_in.start()
    yield stand_in
    stand_in.stop()


@pytest.fixture(scope="session")
def deployment(datadis: DatadisStandIn, solaredge: SolarEdgeStandIn) -> Iterator[Deployment]:
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.update(
        AWS_DEFAULT_REGION=REGION, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_SESSION_TOKEN=""
    )
    apply_moto_fixes()
    with mock_aws():
        deployed = provision(
            Template.load(),
            prefix="it",
            region=REGION,
            parameters={
                DATADIS_URL_PARAMETER: datadis.url,
                SOLAREDGE_URL_PARAMETER: solaredge.url,
                BILLING_SYSTEM_SENDERS_PARAMETER: queue_sender(QUEUE_SENDER_SOURCE),
            },
        )
        store_datadis_account(deployed, datadis.username, datadis.password)
        export_function_environments(deployed)
        yield deployed


@pytest.fixture(scope="session")
def api(deployment: Deployment) -> FunctionsApi:
    template = deployment.template
    runtimes = {
        spec.logical_id: FunctionRuntime(
            spec, function_name=spec.logical_id, region=REGION, account_id=moto_account_id()
        )
        for spec in template.functions()
    }
    return FunctionsApi(RouteTable(template.http_routes()), runtimes)


@pytest.fixture(scope="session")
def operator() -> Caller:
    return Caller(sub=str(uuid.uuid4()), groups=("operators",))


@pytest.fixture
def stranger() -> Caller:
    """Signed in, but no User record is linked to this sub."""
    return Caller(sub=str(uuid.uuid4()))


@pytest.fixture(scope="session")
def cognito(deployment: Deployment) -> Any:
    return boto3.client("cognito-idp", region_name=REGION)


@pytest.fixture(scope="session")
def user_pool_id(deployment: Deployment) -> str:
    return str(deployment.ref("UserPool"))


def unique_email(name: str = "person") -> str:
    return f"{name}.{uuid.uuid4().hex[:10]}@example.com"


@dataclass(frozen=True)
class CreatedUser:
    id: str
    email: str
    caller: Caller


@pytest.fixture
def create_user(api: FunctionsApi, operator: Caller, cognito: Any, user_pool_id: str) -> Any:
    """Create a user through POST /users; returns its id, email and a Caller signed in as that user."""

    def create(name: str = "Ana García", **fields: str) -> CreatedUser:
        body = {"name": name, "email": unique_email()} | fields
        reply = api.request("POST", "/users", operator, json_body=body)
        assert reply.status == 201, reply.body
        account = cognito.admin_get_user(UserPoolId=user_pool_id, Username=body["email"])
        sub = next(item["Value"] for item in account["UserAttributes"] if item["Name"] == "sub")
        return CreatedUser(reply["id"], body["email"], Caller(sub=sub))

    return create
