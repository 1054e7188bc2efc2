"""Creates the template's resources in the AWS endpoint boto3 targets (moto server, or moto.mock_aws).

One provisioner per resource Type, registered in PROVISIONERS: supporting a new kind of resource is one
decorated function that creates it from its (resolved) Properties and says what Ref / Fn::GetAtt return.
Resource types without a provisioner are not created (functions run in-process, the gateway serves the
HttpApi, log groups and layers have no local meaning).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.model import Shape, StructureShape

from local.deployment import Deployment, ProvisionedResource, moto_account_id
from local.template import (
    TABLE_TYPE,
    USER_POOL_CLIENT_TYPE,
    USER_POOL_GROUP_TYPE,
    USER_POOL_TYPE,
    Template,
    TemplateError,
)

__all__ = ["PROVISIONERS", "Deployment", "ProvisioningContext", "provision", "provisioner"]

logger = logging.getLogger(__name__)


class RealAwsRefusedError(RuntimeError):
    """boto3 would reach a real AWS account: the local stack only ever creates resources in moto."""


@dataclass
class ProvisioningContext:
    session: boto3.Session
    deployment: Deployment
    _clients: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.session.client(service, region_name=self.deployment.region)  # type: ignore[call-overload]
        return self._clients[service]


Provisioner = Callable[[ProvisioningContext, str, dict[str, Any]], ProvisionedResource]
PROVISIONERS: dict[str, Provisioner] = {}


def provisioner(resource_type: str) -> Callable[[Provisioner], Provisioner]:
    """Register the function that creates resources of `resource_type` (logical id, resolved Properties)."""

    def register(function: Provisioner) -> Provisioner:
        PROVISIONERS[resource_type] = function
        return function

    return register


def provision(
    template: Template | Path | str | None = None,
    *,
    prefix: str = "local",
    region: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    session: boto3.Session | None = None,
) -> Deployment:
    """Create every resource of `template` that has a provisioner; returns the resolved Deployment.

    Tables are named `<prefix>-<LogicalId>` (unless the template names them), AWS::StackName is `prefix`.
    Use inside `moto.mock_aws()` in tests, or with AWS_ENDPOINT_URL pointing at a moto server.
    """
    if not isinstance(template, Template):
        template = Template.load() if template is None else Template.load(template)
    session = session or boto3.Session()
    region = region or session.region_name or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1"
    _refuse_real_aws(session, region)
    deployment = Deployment(template, prefix=prefix, region=region, parameters=parameters)
    context = ProvisioningContext(session=session, deployment=deployment)
    for logical_id in creation_order(template):
        resource = template.resources[logical_id]
        create = PROVISIONERS.get(resource.type)
        if create is None or not deployment.is_created(resource):
            continue
        properties = deployment.resolve(resource.properties) or {}
        deployment.record(logical_id, create(context, logical_id, properties))
        logger.debug("provisioned %s (%s)", logical_id, resource.type)
    return deployment


def _refuse_real_aws(session: boto3.Session, region: str) -> None:
    # mock_aws and the moto server both answer with moto's account; anything else is a real account.
    account = session.client("sts", region_name=region).get_caller_identity()["Account"]
    if account != moto_account_id():
        raise RealAwsRefusedError(
            f"boto3 reaches AWS account {account}, not moto: set AWS_ENDPOINT_URL or use moto.mock_aws()"
        )


# ---------------------------------------------------------------- order: a resource after what it references

_SUB_NAME = re.compile(r"\$\{([^}!][^}]*)\}")


def referenced_logical_ids(value: Any) -> set[str]:
    """Names used by Ref, Fn::GetAtt and Fn::Sub anywhere in `value` (parameters included)."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= referenced_logical_ids(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "Ref" and isinstance(item, str):
                found.add(item)
            elif key == "Fn::GetAtt" and isinstance(item, list) and item and isinstance(item[0], str):
                found.add(item[0])
            elif key == "Fn::Sub":
                text = item[0] if isinstance(item, list) else item
                if isinstance(text, str):
                    found |= {name.split(".", 1)[0] for name in _SUB_NAME.findall(text)}
                if isinstance(item, list):
                    found |= referenced_logical_ids(item[1:])
            else:
                found |= referenced_logical_ids(item)
    return found


def creation_order(template: Template) -> list[str]:
    """Logical ids ordered so that every resource comes after the resources it references."""
    ordered: list[str] = []
    state: dict[str, str] = {}  # visiting / done

    def visit(logical_id: str, chain: tuple[str, ...]) -> None:
        if state.get(logical_id) == "done":
            return
        if state.get(logical_id) == "visiting":
            raise TemplateError(f"circular reference: {' -> '.join((*chain, logical_id))}")
        state[logical_id] = "visiting"
        resource = template.resources[logical_id]
        dependencies = referenced_logical_ids(resource.properties) | set(resource.depends_on)
        for dependency in sorted(dependencies & template.resources.keys()):
            visit(dependency, (*chain, logical_id))
        state[logical_id] = "done"
        ordered.append(logical_id)

    for logical_id in template.resources:
        visit(logical_id, ())
    return ordered


# ---------------------------------------------------------------- CloudFormation Properties -> API parameters


def api_parameters(client: Any, operation: str, parameters: Mapping[str, Any], *, what: str) -> dict[str, Any]:
    """`parameters` shaped for `operation`: CloudFormation strings become the API's ints and booleans, and
    properties the API does not know are dropped with a warning (they are not emulated locally)."""
    shape = client.meta.service_model.operation_model(operation).input_shape
    ignored: list[str] = []
    coerced = _coerce(dict(parameters), shape, what, ignored)
    for path in ignored:
        logger.warning("%s: %s is not emulated locally (ignored)", what, path)
    return dict(coerced)


_SCALAR_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "integer": int,
    "long": int,
    "double": float,
    "float": float,
    "boolean": lambda value: value if isinstance(value, bool) else str(value).lower() == "true",
    "string": lambda value: str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value,
}


def _coerce(value: Any, shape: Shape, path: str, ignored: list[str]) -> Any:
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict) and isinstance(shape, StructureShape):
        result = {}
        for key, item in value.items():
            if key in shape.members:
                result[key] = _coerce(item, shape.members[key], f"{path}.{key}", ignored)
            else:
                ignored.append(f"{path}.{key}")
        return result
    if kind == "list" and isinstance(value, list):
        return [_coerce(item, shape.member, f"{path}[]", ignored) for item in value]  # type: ignore[attr-defined]
    if kind == "map" and isinstance(value, dict):
        return {key: _coerce(item, shape.value, f"{path}.{key}", ignored) for key, item in value.items()}  # type: ignore[attr-defined]
    converter = _SCALAR_CONVERTERS.get(kind)
    return converter(value) if converter else value


def _pop_not_emulated(properties: dict[str, Any], names: tuple[str, ...], what: str) -> None:
    for name in names:
        if properties.pop(name, None) is not None:
            logger.warning("%s: %s is not emulated locally (ignored)", what, name)


# ---------------------------------------------------------------- DynamoDB


@provisioner(TABLE_TYPE)
def provision_table(context: ProvisioningContext, logical_id: str, properties: dict[str, Any]) -> ProvisionedResource:
    dynamodb = context.client("dynamodb")
    what = f"{logical_id} ({TABLE_TYPE})"
    properties = dict(properties)
    ttl = properties.pop("TimeToLiveSpecification", None)
    point_in_time = properties.pop("PointInTimeRecoverySpecification", None)
    _pop_not_emulated(
        properties,
        ("KinesisStreamSpecification", "ContributorInsightsSpecification", "ImportSourceSpecification"),
        what,
    )
    name = properties.pop("TableName", None) or context.deployment.default_physical_name(logical_id)
    if "SSESpecification" in properties:  # CloudFormation says SSEEnabled where the API says Enabled
        sse = dict(properties["SSESpecification"])
        sse["Enabled"] = sse.pop("SSEEnabled", False)
        properties["SSESpecification"] = sse
    if "StreamSpecification" in properties:  # CloudFormation implies StreamEnabled
        properties["StreamSpecification"] = {"StreamEnabled": True, **properties["StreamSpecification"]}

    description = dynamodb.create_table(
        **api_parameters(dynamodb, "CreateTable", {"TableName": name, **properties}, what=what)
    )["TableDescription"]
    if ttl is not None:
        dynamodb.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification=api_parameters(
                dynamodb, "UpdateTimeToLive", {"TimeToLiveSpecification": ttl}, what=what
            )["TimeToLiveSpecification"],
        )
    if point_in_time is not None:
        dynamodb.update_continuous_backups(
            TableName=name,
            PointInTimeRecoverySpecification=api_parameters(
                dynamodb,
                "UpdateContinuousBackups",
                {"PointInTimeRecoverySpecification": point_in_time},
                what=what,
            )["PointInTimeRecoverySpecification"],
        )
    attributes = {"Arn": description["TableArn"]}
    if "LatestStreamArn" in description:
        attributes["StreamArn"] = description["LatestStreamArn"]
    return ProvisionedResource(ref=name, attributes=attributes)


# ---------------------------------------------------------------- Cognito


@provisioner(USER_POOL_TYPE)
def provision_user_pool(
    context: ProvisioningContext, logical_id: str, properties: dict[str, Any]
) -> ProvisionedResource:
    cognito = context.client("cognito-idp")
    what = f"{logical_id} ({USER_POOL_TYPE})"
    properties = dict(properties)
    _pop_not_emulated(properties, ("EnabledMfas",), what)
    properties["PoolName"] = properties.pop("UserPoolName", None) or context.deployment.default_physical_name(
        logical_id
    )
    pool = cognito.create_user_pool(**api_parameters(cognito, "CreateUserPool", properties, what=what))["UserPool"]
    pool_id = pool["Id"]
    provider_name = f"cognito-idp.{context.deployment.region}.amazonaws.com/{pool_id}"
    return ProvisionedResource(
        ref=pool_id,
        attributes={
            "Arn": pool["Arn"],
            "ProviderName": provider_name,
            "ProviderURL": f"https://{provider_name}",
            "UserPoolId": pool_id,
        },
    )


@provisioner(USER_POOL_CLIENT_TYPE)
def provision_user_pool_client(
    context: ProvisioningContext, logical_id: str, properties: dict[str, Any]
) -> ProvisionedResource:
    cognito = context.client("cognito-idp")
    what = f"{logical_id} ({USER_POOL_CLIENT_TYPE})"
    properties = {"ClientName": context.deployment.default_physical_name(logical_id), **properties}
    client = cognito.create_user_pool_client(**api_parameters(cognito, "CreateUserPoolClient", properties, what=what))[
        "UserPoolClient"
    ]
    attributes = {"ClientId": client["ClientId"], "Name": client["ClientName"]}
    if client.get("ClientSecret"):
        attributes["ClientSecret"] = client["ClientSecret"]
    return ProvisionedResource(ref=client["ClientId"], attributes=attributes)


@provisioner(USER_POOL_GROUP_TYPE)
def provision_user_pool_group(
    context: ProvisioningContext, logical_id: str, properties: dict[str, Any]
) -> ProvisionedResource:
    cognito = context.client("cognito-idp")
    what = f"{logical_id} ({USER_POOL_GROUP_TYPE})"
    properties = {"GroupName": context.deployment.default_physical_name(logical_id), **properties}
    group = cognito.create_group(**api_parameters(cognito, "CreateGroup", properties, what=what))["Group"]
    return ProvisionedResource(ref=group["GroupName"])
