"""Reads the SAM template: the single source of truth for what the local stack creates and runs.

Values stay unresolved here (intrinsics such as {"Ref": "UsersTable"} are kept as written);
`local.deployment.Deployment` resolves them once the resources exist.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_TEMPLATE_PATH = Path(__file__).resolve().parent.parent / "template.yaml"

FUNCTION_TYPE = "AWS::Serverless::Function"
HTTP_API_TYPE = "AWS::Serverless::HttpApi"
TABLE_TYPE = "AWS::DynamoDB::Table"
USER_POOL_TYPE = "AWS::Cognito::UserPool"
USER_POOL_CLIENT_TYPE = "AWS::Cognito::UserPoolClient"
USER_POOL_GROUP_TYPE = "AWS::Cognito::UserPoolGroup"
BUCKET_TYPE = "AWS::S3::Bucket"
QUEUE_TYPE = "AWS::SQS::Queue"
QUEUE_POLICY_TYPE = "AWS::SQS::QueuePolicy"
RULE_TYPE = "AWS::Events::Rule"
SECRET_TYPE = "AWS::SecretsManager::Secret"
ALARM_TYPE = "AWS::CloudWatch::Alarm"

# Which Globals section SAM merges into which resource type.
_GLOBALS_SECTION_BY_TYPE = {
    FUNCTION_TYPE: "Function",
    HTTP_API_TYPE: "HttpApi",
    "AWS::Serverless::Api": "Api",
    "AWS::Serverless::SimpleTable": "SimpleTable",
    "AWS::Serverless::LayerVersion": "LayerVersion",
}

# SAM defaults (used when neither the function nor Globals.Function sets them).
_DEFAULT_TIMEOUT_SECONDS = 3
_DEFAULT_MEMORY_MB = 128


class TemplateError(ValueError):
    """The template cannot be understood by the local stack."""


# ---------------------------------------------------------------- YAML with CloudFormation short tags


class CloudFormationLoader(yaml.SafeLoader):
    """SafeLoader that turns short tags (!Ref, !GetAtt, !Sub ...) into their long JSON form.

    Timestamps are not resolved: CloudFormation keeps unquoted dates such as 2010-09-09 as strings.
    """

    yaml_implicit_resolvers = {
        first_char: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first_char, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _construct_short_tag(loader: CloudFormationLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    else:  # pragma: no cover - yaml has no other node kinds
        raise TemplateError(f"unsupported node for !{tag_suffix}")
    if tag_suffix in ("Ref", "Condition"):
        return {tag_suffix: value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        # "Resource.Attribute" (the attribute itself may contain dots, e.g. Endpoint.Address)
        resource, _, attribute = value.partition(".")
        value = [resource, attribute]
    return {f"Fn::{tag_suffix}": value}


CloudFormationLoader.add_multi_constructor("!", _construct_short_tag)


def load_yaml(text: str) -> Any:
    """Parse CloudFormation YAML (short tags become long-form dicts)."""
    return yaml.load(text, Loader=CloudFormationLoader)  # a SafeLoader subclass


# ---------------------------------------------------------------- typed views


@dataclass(frozen=True)
class Resource:
    logical_id: str
    type: str
    properties: dict[str, Any]  # with Globals merged in, intrinsics unresolved
    condition: str | None = None
    depends_on: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HttpRoute:
    """One HttpApi event of a function: what API Gateway matches a request against."""

    function_id: str
    event_name: str
    method: str  # upper case; "ANY" matches every method
    path: str | None  # "/users/{user_id}/houses"; None is the catch-all $default route
    api_id: str | None  # logical id of the AWS::Serverless::HttpApi (None: SAM's implicit API)
    authorizer: str | None  # None: the API's DefaultAuthorizer; "NONE": no authorizer

    @property
    def route_key(self) -> str:
        if self.path is None:
            return "$default"
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class FunctionEvent:
    name: str
    type: str  # HttpApi, SQS, Schedule, ...
    properties: dict[str, Any]


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    code_dir: Path
    handler_file: Path
    handler_attribute: str
    environment: dict[str, Any]  # Globals.Function merged with the function's; unresolved
    timeout_seconds: int
    memory_mb: int
    events: tuple[FunctionEvent, ...]
    reserved_concurrency: int | None = None  # ReservedConcurrentExecutions: most instances running at once

    @property
    def folder_name(self) -> str:
        """The function's folder (functions/<folder_name>/): how people name it, e.g. `make trigger FN=...`."""
        return self.code_dir.name

    def events_of_type(self, event_type: str) -> list[FunctionEvent]:
        return [event for event in self.events if event.type == event_type]

    @property
    def http_routes(self) -> list[HttpRoute]:
        routes = []
        for event in self.events:
            if event.type != "HttpApi":
                continue
            props = event.properties
            api = props.get("ApiId")
            api_id = api["Ref"] if isinstance(api, dict) and "Ref" in api else None
            auth = props.get("Auth") or {}
            if auth.get("AuthorizationScopes"):
                # API Gateway then checks the token's scopes and passes them in jwt.scopes; the local gateway
                # does neither, so that it never passes what API Gateway would not.
                raise TemplateError(f"{self.logical_id}.{event.name}: AuthorizationScopes are not run locally")
            routes.append(
                HttpRoute(
                    function_id=self.logical_id,
                    event_name=event.name,
                    method=str(props.get("Method", "ANY")).upper(),
                    path=props.get("Path"),
                    api_id=api_id,
                    authorizer=auth.get("Authorizer"),
                )
            )
        return routes


def is_intrinsic(value: Any) -> bool:
    """True for {"Ref": ...}, {"Fn::...": ...} and {"Condition": ...}."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = next(iter(value))
    return key in ("Ref", "Condition") or key.startswith("Fn::")


def merge_globals(global_value: Any, own_value: Any) -> Any:
    """SAM's Globals rule: maps merge (own keys win), lists concatenate, anything else is replaced."""
    if isinstance(global_value, dict) and isinstance(own_value, dict):
        if is_intrinsic(global_value) or is_intrinsic(own_value):
            return own_value
        merged = dict(global_value)
        for key, value in own_value.items():
            merged[key] = merge_globals(global_value[key], value) if key in global_value else value
        return merged
    if isinstance(global_value, list) and isinstance(own_value, list):
        return [*global_value, *own_value]
    return own_value


class Template:
    """A parsed template with Globals applied. `root` is the folder CodeUri paths are relative to."""

    def __init__(self, body: Mapping[str, Any], root: Path) -> None:
        if not isinstance(body.get("Resources"), dict):
            raise TemplateError("the template has no Resources")
        self.body = body
        self.root = root
        self.parameters: dict[str, Any] = dict(body.get("Parameters") or {})
        self.conditions: dict[str, Any] = dict(body.get("Conditions") or {})
        self.mappings: dict[str, Any] = dict(body.get("Mappings") or {})
        self.outputs: dict[str, Any] = dict(body.get("Outputs") or {})
        globals_ = body.get("Globals") or {}
        self.resources: dict[str, Resource] = {}
        for logical_id, raw in body["Resources"].items():
            properties = dict(raw.get("Properties") or {})
            section = _GLOBALS_SECTION_BY_TYPE.get(raw["Type"])
            if section and section in globals_:
                properties = merge_globals(globals_[section], properties)
            depends_on = raw.get("DependsOn") or ()
            self.resources[logical_id] = Resource(
                logical_id=logical_id,
                type=raw["Type"],
                properties=properties,
                condition=raw.get("Condition"),
                depends_on=(depends_on,) if isinstance(depends_on, str) else tuple(depends_on),
                metadata=dict(raw.get("Metadata") or {}),
            )

    @classmethod
    def load(cls, path: Path | str = DEFAULT_TEMPLATE_PATH) -> Template:
        path = Path(path).resolve()
        return cls(load_yaml(path.read_text()), root=path.parent)

    def resources_of_type(self, resource_type: str) -> list[Resource]:
        return [r for r in self.resources.values() if r.type == resource_type]

    def resource(self, logical_id: str) -> Resource:
        try:
            return self.resources[logical_id]
        except KeyError:
            raise TemplateError(f"no resource {logical_id!r} in the template") from None

    def tables(self) -> list[Resource]:
        return self.resources_of_type(TABLE_TYPE)

    def user_pools(self) -> list[Resource]:
        return self.resources_of_type(USER_POOL_TYPE)

    def user_pool(self) -> Resource:
        """The template's only user pool (the local stack signs people in against it)."""
        pools = self.user_pools()
        if len(pools) != 1:
            raise TemplateError(f"expected exactly one {USER_POOL_TYPE}, found {len(pools)}")
        return pools[0]

    def user_pool_clients(self) -> list[Resource]:
        return self.resources_of_type(USER_POOL_CLIENT_TYPE)

    def user_pool_groups(self) -> list[Resource]:
        return self.resources_of_type(USER_POOL_GROUP_TYPE)

    def http_apis(self) -> list[Resource]:
        return self.resources_of_type(HTTP_API_TYPE)

    def functions(self) -> list[FunctionSpec]:
        return [self._function_spec(r) for r in self.resources_of_type(FUNCTION_TYPE)]

    def function(self, logical_id: str) -> FunctionSpec:
        resource = self.resource(logical_id)
        if resource.type != FUNCTION_TYPE:
            raise TemplateError(f"{logical_id} is a {resource.type}, not a function")
        return self._function_spec(resource)

    def http_routes(self) -> list[HttpRoute]:
        return [route for function in self.functions() for route in function.http_routes]

    def iter_function_events(self) -> Iterator[tuple[FunctionSpec, FunctionEvent]]:
        for function in self.functions():
            for event in function.events:
                yield function, event

    def _function_spec(self, resource: Resource) -> FunctionSpec:
        props = resource.properties
        code_uri = props.get("CodeUri")
        if not isinstance(code_uri, str):
            raise TemplateError(f"{resource.logical_id}: only a local CodeUri folder can run locally")
        handler = props.get("Handler")
        if not isinstance(handler, str) or "." not in handler:
            raise TemplateError(f"{resource.logical_id}: Handler must look like 'module.function'")
        module_path, attribute = handler.rsplit(".", 1)
        code_dir = (self.root / code_uri).resolve()
        events = tuple(
            FunctionEvent(name=name, type=event["Type"], properties=dict(event.get("Properties") or {}))
            for name, event in (props.get("Events") or {}).items()
        )
        return FunctionSpec(
            logical_id=resource.logical_id,
            code_dir=code_dir,
            handler_file=code_dir / (module_path.replace(".", "/") + ".py"),
            handler_attribute=attribute,
            environment=dict((props.get("Environment") or {}).get("Variables") or {}),
            timeout_seconds=int(props.get("Timeout", _DEFAULT_TIMEOUT_SECONDS)),
            memory_mb=int(props.get("MemorySize", _DEFAULT_MEMORY_MB)),
            events=events,
            reserved_concurrency=_optional_int(props.get("ReservedConcurrentExecutions")),
        )


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)
