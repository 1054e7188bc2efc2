"""Creates the template's resources in the AWS endpoint boto3 targets (moto server, or moto.mock_aws).

One provisioner per resource Type, registered in PROVISIONERS: supporting a new kind of resource is one
decorated function that creates it from its (resolved) Properties and says what Ref / Fn::GetAtt return,
as CloudFormation does (Ref of a queue is its URL, of a bucket or a rule its name ...).
Resource types without a provisioner are not created (functions run in-process, the gateway serves the
HttpApi, log groups and layers have no local meaning, and the bucket's TLS-only policy would refuse the local
endpoint, which is plain HTTP: moto enforces bucket policies).

SAM also generates resources from function events; those with a local meaning are created too, under SAM's
logical id `<FunctionId><EventName>`: the EventBridge rule of a `Type: Schedule` event (EVENT_PROVISIONERS).
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore import xform_name
from botocore.model import Shape, StructureShape

from local.deployment import Deployment, ProvisionedResource, moto_account_id
from local.s3_eventbridge import emit_aws_shaped_events
from local.template import (
    ALARM_TYPE,
    BUCKET_TYPE,
    QUEUE_POLICY_TYPE,
    QUEUE_TYPE,
    RULE_TYPE,
    SECRET_TYPE,
    TABLE_TYPE,
    USER_POOL_CLIENT_TYPE,
    USER_POOL_GROUP_TYPE,
    USER_POOL_TYPE,
    FunctionSpec,
    Template,
    TemplateError,
)

__all__ = [
    "EVENT_PROVISIONERS",
    "PROVISIONERS",
    "Deployment",
    "ProvisioningContext",
    "bucket_name",
    "function_arn",
    "provision",
    "provisioner",
]

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


# A function event that makes SAM generate a resource: (context, function, event name, resolved Properties).
EventProvisioner = Callable[[ProvisioningContext, FunctionSpec, str, dict[str, Any]], ProvisionedResource]
EVENT_PROVISIONERS: dict[str, EventProvisioner] = {}


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
    for function, event in template.iter_function_events():
        create_for_event = EVENT_PROVISIONERS.get(event.type)
        if create_for_event is None or not deployment.is_created(template.resource(function.logical_id)):
            continue
        properties = deployment.resolve(event.properties) or {}
        deployment.record(
            sam_event_resource_id(function, event.name), create_for_event(context, function, event.name, properties)
        )
    return deployment


def sam_event_resource_id(function: FunctionSpec, event_name: str) -> str:
    """The logical id SAM gives the resource it generates for a function's event (a rule, a mapping ...)."""
    return f"{function.logical_id}{event_name}"


def function_arn(deployment: Deployment, function_id: str) -> str:
    """The ARN Lambda would give the function (functions run in-process: nothing is created in moto)."""
    name = deployment.ref(function_id)
    return f"arn:aws:lambda:{deployment.region}:{deployment.account_id}:function:{name}"


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


# ---------------------------------------------------------------- S3

_BUCKET_NAME_INVALID = re.compile(r"[^a-z0-9.-]+")


def bucket_name(prefix: str, logical_id: str) -> str:
    """A valid bucket name for a bucket the template leaves unnamed: `<prefix>-<logicalid>`, lower case.

    CloudFormation adds a random suffix; locally the name is stable so that people can type it.
    """
    name = _BUCKET_NAME_INVALID.sub("-", f"{prefix}-{logical_id}".lower())[:63].strip(".-")
    if len(name) < 3:
        raise TemplateError(f"{logical_id}: cannot make a bucket name from prefix {prefix!r}")
    return name


# (s3 client, bucket name, the property's resolved value, what): applies the property to the created bucket.
_BucketSetting = Callable[[Any, str, Any, str], None]


def _put(operation: str, parameter: str, translate: Callable[[Any], Any] = lambda value: value) -> _BucketSetting:
    """The S3 call `operation`, given the property (translated from CloudFormation's shape) as `parameter`."""

    def apply(s3: Any, name: str, value: Any, what: str) -> None:
        call = getattr(s3, xform_name(operation))
        call(**api_parameters(s3, operation, {"Bucket": name, parameter: translate(value)}, what=what))

    return apply


def _configure_bucket_notifications(s3: Any, name: str, notifications: Mapping[str, Any], what: str) -> None:
    for kind in notifications:
        if kind != "EventBridgeConfiguration":
            # moto's direct S3 -> SQS/SNS/Lambda messages lack fields and URL-encode keys; use EventBridge.
            logger.warning("%s: NotificationConfiguration.%s is not emulated locally (ignored)", what, kind)
    if _is_true((notifications.get("EventBridgeConfiguration") or {}).get("EventBridgeEnabled")):
        emit_aws_shaped_events()
        s3.put_bucket_notification_configuration(
            Bucket=name, NotificationConfiguration={"EventBridgeConfiguration": {}}
        )


def _encryption_configuration(encryption: Mapping[str, Any]) -> dict[str, Any]:
    """CloudFormation's ServerSideEncryptionByDefault is the API's ApplyServerSideEncryptionByDefault."""
    rules = [
        {
            "ApplyServerSideEncryptionByDefault": rule.get("ServerSideEncryptionByDefault", {}),
            **({"BucketKeyEnabled": rule["BucketKeyEnabled"]} if "BucketKeyEnabled" in rule else {}),
        }
        for rule in encryption.get("ServerSideEncryptionConfiguration") or []
    ]
    return {"Rules": rules}


def _lifecycle_configuration(lifecycle: Mapping[str, Any]) -> dict[str, Any]:
    return {"Rules": [_lifecycle_rule(rule) for rule in lifecycle.get("Rules") or []]}


def _tag_set(tags: list[Mapping[str, Any]]) -> dict[str, Any]:
    return {"TagSet": [{"Key": tag["Key"], "Value": tag["Value"]} for tag in tags]}


# The bucket properties the template may set besides BucketName, each with what applies it once the bucket
# exists, in this order; any other property is ignored with a warning.
_BUCKET_SETTINGS: dict[str, _BucketSetting] = {
    "BucketEncryption": _put("PutBucketEncryption", "ServerSideEncryptionConfiguration", _encryption_configuration),
    "PublicAccessBlockConfiguration": _put("PutPublicAccessBlock", "PublicAccessBlockConfiguration"),
    "VersioningConfiguration": _put("PutBucketVersioning", "VersioningConfiguration"),
    # Stored (describe shows it); moto never expires objects.
    "LifecycleConfiguration": _put(
        "PutBucketLifecycleConfiguration", "LifecycleConfiguration", _lifecycle_configuration
    ),
    "NotificationConfiguration": _configure_bucket_notifications,
    "Tags": _put("PutBucketTagging", "Tagging", _tag_set),
}


@provisioner(BUCKET_TYPE)
def provision_bucket(context: ProvisioningContext, logical_id: str, properties: dict[str, Any]) -> ProvisionedResource:
    s3 = context.client("s3")
    region = context.deployment.region
    what = f"{logical_id} ({BUCKET_TYPE})"
    name = properties.get("BucketName") or bucket_name(context.deployment.prefix, logical_id)
    for ignored in [key for key in properties if key != "BucketName" and key not in _BUCKET_SETTINGS]:
        logger.warning("%s: %s is not emulated locally (ignored)", what, ignored)

    create: dict[str, Any] = {"Bucket": name}
    if region != "us-east-1":  # S3 refuses the constraint for its home region
        create["CreateBucketConfiguration"] = {"LocationConstraint": region}
    s3.create_bucket(**create)
    for setting, apply in _BUCKET_SETTINGS.items():
        if properties.get(setting) is not None:
            apply(s3, name, properties[setting], what)
    return ProvisionedResource(
        ref=name,
        attributes={
            "Arn": f"arn:aws:s3:::{name}",
            "DomainName": f"{name}.s3.amazonaws.com",
            "DualStackDomainName": f"{name}.s3.dualstack.{region}.amazonaws.com",
            "RegionalDomainName": f"{name}.s3.{region}.amazonaws.com",
            "WebsiteURL": f"http://{name}.s3-website-{region}.amazonaws.com",
        },
    )


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A CloudFormation lifecycle rule (Id, Prefix, ExpirationInDays ...) as the S3 API writes it."""
    rule = dict(rule)
    api_rule: dict[str, Any] = {"ID": rule.pop("Id", None), "Status": rule.pop("Status", "Enabled")}
    conditions: dict[str, Any] = {}
    if "Prefix" in rule:
        conditions["Prefix"] = rule.pop("Prefix")
    tags = [{"Key": tag["Key"], "Value": tag["Value"]} for tag in rule.pop("TagFilters", None) or []]
    for size in ("ObjectSizeGreaterThan", "ObjectSizeLessThan"):
        if size in rule:
            conditions[size] = rule.pop(size)
    if len(conditions) + len(tags) > 1:
        api_rule["Filter"] = {"And": {**conditions, **({"Tags": tags} if tags else {})}}
    elif tags:
        api_rule["Filter"] = {"Tag": tags[0]}
    else:
        api_rule["Filter"] = conditions or {"Prefix": ""}
    expiration = {
        api_name: rule.pop(cfn_name)
        for cfn_name, api_name in (
            ("ExpirationInDays", "Days"),
            ("ExpirationDate", "Date"),
            ("ExpiredObjectDeleteMarker", "ExpiredObjectDeleteMarker"),
        )
        if cfn_name in rule
    }
    if expiration:
        api_rule["Expiration"] = expiration
    if "NoncurrentVersionExpirationInDays" in rule:
        api_rule["NoncurrentVersionExpiration"] = {"NoncurrentDays": rule.pop("NoncurrentVersionExpirationInDays")}
    transitions = list(rule.pop("Transitions", None) or []) + ([rule.pop("Transition")] if "Transition" in rule else [])
    if transitions:
        api_rule["Transitions"] = [_renamed(t, TransitionInDays="Days", TransitionDate="Date") for t in transitions]
    noncurrent = list(rule.pop("NoncurrentVersionTransitions", None) or [])
    if "NoncurrentVersionTransition" in rule:
        noncurrent.append(rule.pop("NoncurrentVersionTransition"))
    if noncurrent:
        api_rule["NoncurrentVersionTransitions"] = [_renamed(t, TransitionInDays="NoncurrentDays") for t in noncurrent]
    # The rest (AbortIncompleteMultipartUpload, NoncurrentVersionExpiration) is named as in the API; anything
    # else is dropped with a warning by api_parameters.
    api_rule.update(rule)
    return {key: value for key, value in api_rule.items() if value is not None}


def _renamed(value: dict[str, Any], **names: str) -> dict[str, Any]:
    return {names.get(key, key): item for key, item in value.items()}


def _is_true(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


# ---------------------------------------------------------------- SQS

# CloudFormation's queue properties that are SQS queue attributes of the same name.
_QUEUE_ATTRIBUTES = (
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "DelaySeconds",
    "FifoQueue",
    "FifoThroughputLimit",
    "KmsDataKeyReusePeriodSeconds",
    "KmsMasterKeyId",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "RedriveAllowPolicy",
    "RedrivePolicy",
    "SqsManagedSseEnabled",
    "VisibilityTimeout",
)


@provisioner(QUEUE_TYPE)
def provision_queue(context: ProvisioningContext, logical_id: str, properties: dict[str, Any]) -> ProvisionedResource:
    sqs = context.client("sqs")
    what = f"{logical_id} ({QUEUE_TYPE})"
    properties = dict(properties)
    tags = properties.pop("Tags", None)
    fifo = _is_true(properties.get("FifoQueue"))
    name = properties.pop("QueueName", None) or (
        context.deployment.default_physical_name(logical_id)[: 80 - 5 * fifo] + (".fifo" if fifo else "")
    )
    if "RedrivePolicy" in properties:
        redrive = dict(properties["RedrivePolicy"])
        redrive["maxReceiveCount"] = int(redrive["maxReceiveCount"])
        properties["RedrivePolicy"] = redrive
    attributes = {}
    for key, value in properties.items():
        if key in _QUEUE_ATTRIBUTES:
            attributes[key] = _queue_attribute(value)
        else:
            logger.warning("%s: %s is not emulated locally (ignored)", what, key)
    create: dict[str, Any] = {"QueueName": name, "Attributes": attributes}
    if tags:
        create["tags"] = {tag["Key"]: tag["Value"] for tag in tags}
    url = sqs.create_queue(**create)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return ProvisionedResource(ref=url, attributes={"Arn": arn, "QueueName": name, "QueueUrl": url})


def _queue_attribute(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@provisioner(QUEUE_POLICY_TYPE)
def provision_queue_policy(
    context: ProvisioningContext, logical_id: str, properties: dict[str, Any]
) -> ProvisionedResource:
    # Stored on the queues for anyone who looks; moto does not enforce queue policies.
    sqs = context.client("sqs")
    policy = json.dumps(properties.get("PolicyDocument") or {})
    for queue_url in properties.get("Queues") or []:
        sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": policy})
    return ProvisionedResource(ref=context.deployment.default_physical_name(logical_id))


# ---------------------------------------------------------------- CloudWatch


@provisioner(ALARM_TYPE)
def provision_alarm(context: ProvisioningContext, logical_id: str, properties: dict[str, Any]) -> ProvisionedResource:
    """An alarm as declared (moto keeps it; nothing evaluates it locally). Ref is its name."""
    cloudwatch = context.client("cloudwatch")
    what = f"{logical_id} ({ALARM_TYPE})"
    name = properties.get("AlarmName") or context.deployment.default_physical_name(logical_id)
    cloudwatch.put_metric_alarm(
        **api_parameters(cloudwatch, "PutMetricAlarm", {**properties, "AlarmName": name}, what=what)
    )
    arn = f"arn:aws:cloudwatch:{context.deployment.region}:{context.deployment.account_id}:alarm:{name}"
    return ProvisionedResource(ref=name, attributes={"Arn": arn})


# ---------------------------------------------------------------- Secrets Manager


@provisioner(SECRET_TYPE)
def provision_secret(context: ProvisioningContext, logical_id: str, properties: dict[str, Any]) -> ProvisionedResource:
    """A secret, empty unless the template gives its SecretString (as CloudFormation does); Ref is its ARN."""
    secrets = context.client("secretsmanager")
    name = properties.get("Name") or context.deployment.default_physical_name(logical_id)
    create = {"Name": name, "Description": properties.get("Description", "")}
    if "SecretString" in properties:
        create["SecretString"] = properties["SecretString"]
    arn = secrets.create_secret(**create)["ARN"]
    return ProvisionedResource(ref=arn, attributes={"Id": arn})


# ---------------------------------------------------------------- EventBridge

# Target services moto's rules deliver to (SQS, CloudWatch Logs, event buses); others are only recorded.
_DELIVERED_TARGET_SERVICES = ("sqs", "logs", "events")


@provisioner(RULE_TYPE)
def provision_rule(context: ProvisioningContext, logical_id: str, properties: dict[str, Any]) -> ProvisionedResource:
    """A rule and its targets. Ref is the rule's name (`<bus>|<name>` on a custom bus), GetAtt Arn its ARN.

    moto matches event patterns and delivers to SQS targets; it never fires schedule expressions (see
    local.schedules for how a function's schedule is fired locally).
    """
    events = context.client("events")
    what = f"{logical_id} ({RULE_TYPE})"
    properties = dict(properties)
    targets = [dict(target) for target in properties.pop("Targets", None) or []]
    name = properties.pop("Name", None) or context.deployment.default_physical_name(logical_id)[:64]
    if isinstance(properties.get("EventPattern"), dict):
        properties["EventPattern"] = json.dumps(properties["EventPattern"])
    rule_arn = events.put_rule(**api_parameters(events, "PutRule", {"Name": name, **properties}, what=what))["RuleArn"]
    bus = str(properties.get("EventBusName") or "default").rsplit("/", 1)[-1]
    if targets:
        for target in targets:
            if isinstance(target.get("Input"), dict):
                target["Input"] = json.dumps(target["Input"])
            arn = str(target.get("Arn", ""))
            if "EventPattern" in properties and _arn_service(arn) not in _DELIVERED_TARGET_SERVICES:
                logger.warning("%s: moto does not deliver events to target %s (recorded only)", what, arn)
        answer = events.put_targets(
            **api_parameters(events, "PutTargets", {"Rule": name, "EventBusName": bus, "Targets": targets}, what=what)
        )
        if answer.get("FailedEntryCount"):
            raise TemplateError(f"{what}: targets refused: {answer['FailedEntries']}")
    return ProvisionedResource(ref=name if bus == "default" else f"{bus}|{name}", attributes={"Arn": rule_arn})


def _arn_service(arn: str) -> str:
    parts = arn.split(":")
    return parts[2] if len(parts) > 2 else ""


def schedule_rule_state(properties: Mapping[str, Any]) -> str:
    """The State of a Schedule event's rule: its State, else ENABLED unless `Enabled: false` (older SAM)."""
    if "State" in properties:
        return str(properties["State"])
    return "DISABLED" if properties.get("Enabled") in (False, "false", "False") else "ENABLED"


def provision_schedule_event(
    context: ProvisioningContext, function: FunctionSpec, event_name: str, properties: dict[str, Any]
) -> ProvisionedResource:
    """The rule SAM generates for a function's `Type: Schedule` event, targeting the function."""
    logical_id = sam_event_resource_id(function, event_name)
    target: dict[str, Any] = {
        "Id": (properties.get("Target") or {}).get("Id") or f"{logical_id}LambdaTarget",
        "Arn": function_arn(context.deployment, function.logical_id),
    }
    if "Input" in properties:
        target["Input"] = properties["Input"]
    rule: dict[str, Any] = {
        "ScheduleExpression": properties["Schedule"],
        "State": schedule_rule_state(properties),
        "Targets": [target],
    }
    for optional in ("Name", "Description", "RoleArn"):
        if optional in properties:
            rule[optional] = properties[optional]
    return provision_rule(context, logical_id, rule)


EVENT_PROVISIONERS["Schedule"] = provision_schedule_event
