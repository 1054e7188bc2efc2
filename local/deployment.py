"""What the template became locally: physical ids, and the template's values resolved against them."""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from local.template import Resource, Template, TemplateError, is_intrinsic
from shared.core.dal.tables import bind_table

# moto's default account; MOTO_ACCOUNT_ID changes it in moto and here alike.
MOTO_DEFAULT_ACCOUNT_ID = "123456789012"


def moto_account_id() -> str:
    return os.environ.get("MOTO_ACCOUNT_ID", MOTO_DEFAULT_ACCOUNT_ID)


class _NoValue:
    """AWS::NoValue: the property or list item that holds it disappears."""


NO_VALUE = _NoValue()

_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


class EnvironmentConflictError(ValueError):
    """Two functions need different values for one variable, impossible while they share a process."""


@dataclass(frozen=True)
class ProvisionedResource:
    """A created resource: what Ref returns and what Fn::GetAtt can read."""

    ref: str
    attributes: Mapping[str, str] = field(default_factory=dict)


class Deployment:
    """Resolves Ref / Fn::GetAtt / Fn::Sub / conditions ... of `template` to this deployment's values.

    Resources that were provisioned resolve to their real local ids; any other resource's Ref resolves to
    `default_physical_name` (e.g. a function's name), and its Fn::GetAtt is an error.
    """

    def __init__(
        self,
        template: Template,
        *,
        prefix: str,
        region: str,
        account_id: str | None = None,
        parameters: Mapping[str, Any] | None = None,
    ) -> None:
        self.template = template
        self.prefix = prefix
        self.region = region
        self.account_id = account_id or moto_account_id()
        self._parameter_overrides = dict(parameters or {})
        self._provisioned: dict[str, ProvisionedResource] = {}
        self._intrinsics: dict[str, Callable[[Any], Any]] = {
            "Ref": self.ref,
            "Condition": self.condition,
            "Fn::GetAtt": self._fn_get_att,
            "Fn::Sub": self._fn_sub,
            "Fn::Join": self._fn_join,
            "Fn::Select": self._fn_select,
            "Fn::Split": self._fn_split,
            "Fn::If": self._fn_if,
            "Fn::Equals": self._fn_equals,
            "Fn::Not": self._fn_not,
            "Fn::And": lambda args: all(self._condition_value(a) for a in args),
            "Fn::Or": lambda args: any(self._condition_value(a) for a in args),
            "Fn::FindInMap": self._fn_find_in_map,
            "Fn::Base64": lambda arg: base64.b64encode(str(self.resolve(arg)).encode()).decode(),
            "Fn::GetAZs": lambda _arg: [f"{self.region}{zone}" for zone in "abc"],
        }

    # ---------------------------------------------------------------- recording what was created

    def record(self, logical_id: str, resource: ProvisionedResource) -> None:
        self._provisioned[logical_id] = resource

    @property
    def provisioned(self) -> Mapping[str, ProvisionedResource]:
        return dict(self._provisioned)

    def physical_names(self) -> dict[str, str]:
        """Logical id -> physical id (what Ref returns) of every provisioned resource."""
        return {logical_id: r.ref for logical_id, r in self._provisioned.items()}

    def default_physical_name(self, logical_id: str) -> str:
        return f"{self.prefix}-{logical_id}"

    def is_created(self, resource: Resource) -> bool:
        """False when the resource's Condition is false (CloudFormation would not create it)."""
        return resource.condition is None or self.condition(resource.condition)

    def set_parameter(self, name: str, value: Any) -> None:
        """A parameter whose value exists only once resources do (e.g. the ids of clients created in the user
        pool); what was provisioned before keeps the value it saw."""
        if name not in self.template.parameters:
            raise TemplateError(f"no parameter {name!r} in the template")
        self._parameter_overrides[name] = value

    # ---------------------------------------------------------------- intrinsic functions

    def resolve(self, value: Any) -> Any:
        """`value` with every intrinsic function replaced by its local value (AWS::NoValue removed)."""
        resolved = self._resolve(value)
        return None if resolved is NO_VALUE else resolved

    def _resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [r for r in (self._resolve(item) for item in value) if r is not NO_VALUE]
        if isinstance(value, dict):
            if is_intrinsic(value):
                name, argument = next(iter(value.items()))
                if name not in self._intrinsics:
                    raise TemplateError(f"{name} is not supported by the local stack")
                return self._intrinsics[name](argument)
            resolved = {key: self._resolve(item) for key, item in value.items()}
            return {key: item for key, item in resolved.items() if item is not NO_VALUE}
        return value

    def ref(self, name: Any) -> Any:
        name = self.resolve(name)
        pseudo = self._pseudo_parameter(name)
        if pseudo is not None:
            return pseudo
        if name in self.template.parameters:
            return self._parameter(name)
        if name in self._provisioned:
            return self._provisioned[name].ref
        if name in self.template.resources:
            if not self.is_created(self.template.resources[name]):
                raise TemplateError(f"Ref {name}: the resource is not created (its condition is false)")
            return self.default_physical_name(name)
        raise TemplateError(f"Ref {name}: no such parameter or resource")

    def get_att(self, logical_id: str, attribute: str) -> str:
        resource = self._provisioned.get(logical_id)
        if resource is None and attribute == "Arn" and self._is_implicit_function_role(logical_id):
            # The role SAM creates for a function without `Role`; locally every function runs with the same
            # credentials, so it only needs a name (e.g. in a queue policy, which moto does not enforce).
            return f"arn:aws:iam::{self.account_id}:role/{self.default_physical_name(logical_id)}"
        if resource is None:
            raise TemplateError(f"Fn::GetAtt {logical_id}.{attribute}: {logical_id} is not provisioned locally")
        try:
            return resource.attributes[attribute]
        except KeyError:
            raise TemplateError(
                f"Fn::GetAtt {logical_id}.{attribute}: available locally: {sorted(resource.attributes)}"
            ) from None

    def _is_implicit_function_role(self, logical_id: str) -> bool:
        function = self.template.resources.get(logical_id.removesuffix("Role"))
        return (
            logical_id.endswith("Role")
            and function is not None
            and function.type == "AWS::Serverless::Function"
            and "Role" not in function.properties
        )

    def condition(self, name: Any) -> bool:
        if name not in self.template.conditions:
            raise TemplateError(f"no condition {name!r} in the template")
        return self._condition_value(self.template.conditions[name])

    def _condition_value(self, value: Any) -> bool:
        resolved = self.resolve(value)
        if not isinstance(resolved, bool):
            raise TemplateError(f"a condition must be a boolean, got {resolved!r}")
        return resolved

    def _pseudo_parameter(self, name: str) -> Any:
        return {
            "AWS::AccountId": self.account_id,
            "AWS::Region": self.region,
            "AWS::StackName": self.prefix,
            "AWS::StackId": f"arn:aws:cloudformation:{self.region}:{self.account_id}:stack/{self.prefix}/local",
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NotificationARNs": [],
            "AWS::NoValue": NO_VALUE,
        }.get(name)

    def _parameter(self, name: str) -> Any:
        declaration = self.template.parameters[name]
        if name in self._parameter_overrides:
            value = self._parameter_overrides[name]
        elif "Default" in declaration:
            value = declaration["Default"]
        else:
            raise TemplateError(f"parameter {name} has no Default: pass it in `parameters`")
        parameter_type = str(declaration.get("Type", "String"))
        if isinstance(value, str) and (parameter_type == "CommaDelimitedList" or parameter_type.startswith("List<")):
            return [item.strip() for item in value.split(",")]
        return value

    def _fn_get_att(self, argument: Any) -> str:
        logical_id, attribute = self.resolve(argument)
        return self.get_att(logical_id, attribute)

    def _fn_sub(self, argument: Any) -> str:
        if isinstance(argument, list):
            text, variables = argument[0], self.resolve(argument[1])
        else:
            text, variables = argument, {}

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):  # ${!Literal} is written as ${Literal}
                return "${" + name[1:] + "}"
            if name in variables:
                return str(variables[name])
            if "." in name and "::" not in name:
                logical_id, attribute = name.split(".", 1)
                return self.get_att(logical_id, attribute)
            return str(self.ref(name))

        return _SUB_VARIABLE.sub(substitute, text)

    def _fn_join(self, argument: Any) -> str:
        delimiter, items = argument
        return str(delimiter).join(str(item) for item in self.resolve(items))

    def _fn_select(self, argument: Any) -> Any:
        index, items = argument
        return self.resolve(items)[int(self.resolve(index))]

    def _fn_split(self, argument: Any) -> list[str]:
        delimiter, text = argument
        return str(self.resolve(text)).split(delimiter)

    def _fn_if(self, argument: Any) -> Any:
        condition_name, if_true, if_false = argument
        return self._resolve(if_true if self.condition(condition_name) else if_false)

    def _fn_equals(self, argument: Any) -> bool:
        left, right = self.resolve(argument)
        return bool(str(left) == str(right))

    def _fn_not(self, argument: Any) -> bool:
        (inner,) = argument
        return not self._condition_value(inner)

    def _fn_find_in_map(self, argument: Any) -> Any:
        map_name, top_key, second_key = self.resolve(argument)
        try:
            return self.template.mappings[map_name][top_key][second_key]
        except KeyError:
            raise TemplateError(f"Fn::FindInMap {map_name}/{top_key}/{second_key}: not in Mappings") from None

    # ---------------------------------------------------------------- function environments

    def function_environment(self, function_id: str) -> dict[str, str]:
        """The function's Environment.Variables (Globals merged), resolved to local values."""
        variables = self.resolve(self.template.function(function_id).environment) or {}
        return {name: _environment_string(function_id, name, value) for name, value in variables.items()}

    def function_environments(self) -> dict[str, dict[str, str]]:
        """Function logical id -> its resolved environment, for every function the template creates."""
        return {
            function.logical_id: self.function_environment(function.logical_id)
            for function in self.template.functions()
            if self.is_created(self.template.resource(function.logical_id))
        }

    def combined_function_environment(self) -> dict[str, str]:
        """The union of all functions' environments; they share one process locally, so values must agree."""
        combined: dict[str, str] = {}
        owner: dict[str, str] = {}
        for function_id, environment in self.function_environments().items():
            for name, value in environment.items():
                if name in combined and combined[name] != value:
                    raise EnvironmentConflictError(
                        f"environment variable {name} is {combined[name]!r} in {owner[name]} but {value!r} "
                        f"in {function_id}; functions share one process locally, so use one value per name"
                    )
                combined[name] = value
                owner.setdefault(name, function_id)
        return combined


def export_function_environments(
    deployment: Deployment, environ: MutableMapping[str, str] | None = None
) -> dict[str, str]:
    """Put every function's environment into `environ` (default os.environ, where the tables are also bound for
    code that uses the dal without a handler: tests, benches); returns what was set.

    Call it before a handler module is imported: handlers load their settings at import time.
    Values already in `environ` are overwritten (e.g. by a later deployment with another prefix).
    """
    combined = deployment.combined_function_environment()
    if environ is None:
        os.environ.update(combined)
        for name, value in combined.items():
            if name.endswith("_TABLE"):
                bind_table(name.lower(), value)
    else:
        environ.update(combined)
    return combined


def _environment_string(function_id: str, name: str, value: Any) -> str:
    if isinstance(value, bool):  # CloudFormation writes booleans as true/false
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise TemplateError(f"{function_id}: environment variable {name} must be a scalar, got {value!r}")
