"""The rules template.yaml and the code must keep between them.

- Every function's Handler imports and resolves to a callable with ONLY its declared Environment (in a
  subprocess), so a setting the code reads but the template does not declare fails here, not in AWS.
- The HTTP routes in the template and the routes each function's resolver serves are the same set.
- Operations rules: log groups with retention, memory/timeout/tracing, PITR (or TTL for idempotency),
  stack outputs.
- Only shared/core/settings.py reads the process environment.
- openapi.json is what the code generates, and documents the bearer token and problem-details errors.
"""

import ast
import json
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from local.deployment import Deployment
from local.provision import referenced_logical_ids
from local.template import FunctionSpec, Resource, Template, is_intrinsic

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = Template.load(REPO_ROOT / "template.yaml")
FUNCTIONS = TEMPLATE.functions()
FUNCTION_IDS = [spec.logical_id for spec in FUNCTIONS]
REGION = "eu-west-1"
DEFAULT_PARAMETERS = Deployment(TEMPLATE, prefix="contract", region=REGION, account_id="123456789012")
# What Powertools' DynamoDBPersistenceLayer expects as the TTL attribute unless told otherwise.
POWERTOOLS_IDEMPOTENCY_EXPIRY_ATTRIBUTE = "expiration"
PROBLEM_SCHEMA_REF = "#/components/schemas/Problem"
PROBLEM_MEDIA_TYPE = "application/problem+json"
# API Gateway's JWT authorizer answers 401 itself (not problem details).
GATEWAY_ANSWERED_STATUSES = {"401"}

# Imports the handler by file path under a unique module name (every function has an app.py) while
# recording which environment variables are read, then reports what the resolver serves. It reads
# Powertools' private route tables: the public API has no way to list routes.
HANDLER_PROBE = r"""
import importlib.util, json, os, sys

handler_file, attribute, module_name = sys.argv[1:4]
read = set()


class RecordingEnviron(type(os.environ)):
    def __getitem__(self, key):
        read.add(key)
        return super().__getitem__(key)


old = os.environ
os.environ = RecordingEnviron(old._data, old.encodekey, old.decodekey, old.encodevalue, old.decodevalue)

spec = importlib.util.spec_from_file_location(module_name, handler_file)
module = importlib.util.module_from_spec(spec)
sys.modules[module_name] = module
spec.loader.exec_module(module)
handler = getattr(module, attribute, None)


def router_routes(router):
    return sorted({(method.upper(), key[0]) for key in router._routes for method in key[1]})


def app_routes(app):
    return sorted({(route.method.upper(), route.path) for route in app._static_routes + app._dynamic_routes})


router = getattr(module, "router", None)
app = getattr(module, "app", None)
print(json.dumps({
    "handler": None if handler is None else type(handler).__name__,
    "callable": callable(handler),
    "router": None if router is None else router_routes(router),
    "app": None if app is None else app_routes(app),
    "read": sorted(read),
}))
"""


def _absent_when_deployed(value: Any) -> bool:
    """!If [Condition, value, !Ref AWS::NoValue]: unset with the default parameters (e.g. AWS_ENDPOINT_URL)."""
    branches = value.get("Fn::If") if isinstance(value, dict) else None
    return isinstance(branches, list) and {"Ref": "AWS::NoValue"} in branches[1:]


def dummy_environment(spec: FunctionSpec) -> dict[str, str]:
    """The function's declared variables; intrinsics of parameters only take the parameters' defaults (settings
    checked at cold start must accept those), other intrinsics (!Ref Table ...) become a placeholder value."""
    values = {}
    for name, value in spec.environment.items():
        if _absent_when_deployed(value):
            continue
        if is_intrinsic(value) and referenced_logical_ids(value) <= TEMPLATE.parameters.keys():
            values[name] = str(DEFAULT_PARAMETERS.resolve(value))
        elif is_intrinsic(value):
            values[name] = f"dummy-{name.lower().replace('_', '-')}"
        elif isinstance(value, bool):
            values[name] = str(value).lower()
        else:
            values[name] = str(value)
    return values


@cache
def _run_probe(logical_id: str) -> tuple[int, str, str, tuple[str, ...]]:
    spec = TEMPLATE.function(logical_id)
    declared = dummy_environment(spec)
    env = {
        **declared,
        "AWS_DEFAULT_REGION": REGION,
        "PATH": os.environ.get("PATH", ""),
        # Lambda's sys.path: the function's code, then the layer (here: the repository's `shared`).
        "PYTHONPATH": os.pathsep.join([str(spec.code_dir), str(REPO_ROOT)]),
    }
    result = subprocess.run(
        [sys.executable, "-c", HANDLER_PROBE, str(spec.handler_file), spec.handler_attribute, f"handler_{logical_id}"],
        env=env,
        cwd=spec.code_dir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result.returncode, result.stdout, result.stderr, tuple(sorted(declared))


def probe(logical_id: str) -> dict[str, Any]:
    """What importing the function's handler file with only its declared environment reads and serves."""
    spec = TEMPLATE.function(logical_id)
    handler_file = spec.handler_file.relative_to(REPO_ROOT)
    assert spec.handler_file.is_file(), f"{logical_id}: its Handler's file {handler_file} does not exist"
    returncode, stdout, stderr, declared = _run_probe(logical_id)
    assert returncode == 0, (
        f"{logical_id}: importing {handler_file} with only its declared environment {list(declared)} failed "
        f"(a setting read but not declared in template.yaml?):\n{stderr[-3000:]}"
    )
    report: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    return report


def template_path_as_powertools(path: str | None) -> str | None:
    """/users/{user_id} -> /users/<user_id> (the rule syntax Powertools routes use)."""
    return None if path is None else re.sub(r"\{([^}]+)\}", r"<\1>", path)


# ---------------------------------------------------------------- handlers and routes


def test_template_has_functions() -> None:
    assert FUNCTIONS, "no AWS::Serverless::Function in template.yaml"


@pytest.mark.parametrize("logical_id", FUNCTION_IDS)
def test_handler_imports_with_only_declared_environment_and_is_callable(logical_id: str) -> None:
    spec = TEMPLATE.function(logical_id)
    report = probe(logical_id)
    assert report["callable"], (
        f"{logical_id}: Handler attribute {spec.handler_attribute!r} of {spec.handler_file.name} "
        f"is {report['handler']}, not a callable"
    )


@pytest.mark.parametrize("logical_id", FUNCTION_IDS)
def test_every_declared_setting_is_read_at_import(logical_id: str) -> None:
    """A declared variable nobody reads is stale configuration (and usually an IAM grant too many)."""
    spec = TEMPLATE.function(logical_id)
    global_names = set(
        (TEMPLATE.body.get("Globals", {}).get("Function", {}).get("Environment") or {}).get("Variables") or {}
    )
    own_names = set(spec.environment) - global_names
    unread = own_names - set(probe(logical_id)["read"])
    assert not unread, f"{logical_id} declares {sorted(unread)} but its code never reads them at import"


@pytest.mark.parametrize("logical_id", [spec.logical_id for spec in FUNCTIONS if spec.http_routes])
def test_template_routes_and_served_routes_match(logical_id: str) -> None:
    spec = TEMPLATE.function(logical_id)
    report = probe(logical_id)
    assert report["app"] is not None, f"{logical_id}: {spec.handler_file.name} defines no `app` resolver"
    assert report["router"] is not None, f"{logical_id}: {spec.handler_file.name} defines no `router`"
    declared = {(route.method, template_path_as_powertools(route.path)) for route in spec.http_routes}
    served = {(method, path) for method, path in report["app"]}
    on_router = {(method, path) for method, path in report["router"]}

    assert not declared - served, f"{logical_id}: template routes its code does not serve: {sorted(declared - served)}"
    assert not served - declared, (
        f"{logical_id}: served routes missing from its HttpApi events in template.yaml: {sorted(served - declared)}"
    )
    # openapi.json is generated from the routers: a route only on the app would go undocumented.
    assert on_router == served, f"{logical_id}: `router` and `app` disagree: {sorted(on_router ^ served)}"


def test_no_route_is_claimed_by_two_functions() -> None:
    owners: dict[str, list[str]] = {}
    for route in TEMPLATE.http_routes():
        owners.setdefault(f"{route.api_id} {route.route_key}", []).append(route.function_id)
    assert not {key: ids for key, ids in owners.items() if len(ids) > 1}


# ---------------------------------------------------------------- operations rules


def _log_group_target(name: Any) -> str | None:
    """The function logical id a LogGroupName of the form /aws/lambda/<function> refers to."""
    if isinstance(name, dict) and "Fn::Sub" in name:
        body = name["Fn::Sub"]
        text, variables = (body, {}) if isinstance(body, str) else (body[0], body[1])
        match = re.fullmatch(r"/aws/lambda/\$\{([A-Za-z0-9]+)\}", text)
        if not match:
            return None
        target = variables.get(match.group(1), {"Ref": match.group(1)})
        return target.get("Ref") if isinstance(target, dict) else None
    if isinstance(name, dict) and "Fn::Join" in name:
        separator, parts = name["Fn::Join"]
        if separator == "" and parts[:-1] == ["/aws/lambda/"] and isinstance(parts[-1], dict):
            ref = parts[-1].get("Ref")
            return ref if isinstance(ref, str) else None
    if isinstance(name, str) and name.startswith("/aws/lambda/"):
        function_name = name.removeprefix("/aws/lambda/")
        for spec in FUNCTIONS:
            if TEMPLATE.resource(spec.logical_id).properties.get("FunctionName") == function_name:
                return spec.logical_id
    return None


@pytest.mark.parametrize("logical_id", FUNCTION_IDS)
def test_function_has_log_group_with_retention(logical_id: str) -> None:
    groups = [
        group
        for group in TEMPLATE.resources_of_type("AWS::Logs::LogGroup")
        if _log_group_target(group.properties.get("LogGroupName")) == logical_id
    ]
    assert len(groups) == 1, (
        f'{logical_id}: expected one AWS::Logs::LogGroup named !Sub "/aws/lambda/${{{logical_id}}}", '
        f"found {[group.logical_id for group in groups]}"
    )
    assert groups[0].properties.get("RetentionInDays") is not None, f"{groups[0].logical_id}: no RetentionInDays"


@pytest.mark.parametrize("logical_id", FUNCTION_IDS)
def test_function_sets_memory_timeout_and_tracing(logical_id: str) -> None:
    properties = TEMPLATE.resource(logical_id).properties  # Globals.Function merged in
    missing = [key for key in ("MemorySize", "Timeout", "Tracing") if properties.get(key) is None]
    assert not missing, (
        f"{logical_id}: set {missing} in Globals.Function or on the function (SAM defaults are 128 MB/3 s)"
    )


def _idempotency_table_ids() -> set[str]:
    return {
        value["Ref"]
        for spec in FUNCTIONS
        for name, value in spec.environment.items()
        if name == "IDEMPOTENCY_TABLE" and isinstance(value, dict) and "Ref" in value
    }


def _tables() -> list[Resource]:
    return TEMPLATE.resources_of_type("AWS::DynamoDB::Table") + TEMPLATE.resources_of_type(
        "AWS::Serverless::SimpleTable"
    )


def _ttl(table: Resource) -> dict[str, Any]:
    spec = table.properties.get("TimeToLiveSpecification") or {}
    return spec if spec.get("Enabled") is True else {}


@pytest.mark.parametrize("table", _tables(), ids=lambda table: table.logical_id)
def test_table_has_point_in_time_recovery_or_is_the_idempotency_table_with_ttl(table: Resource) -> None:
    pitr = (table.properties.get("PointInTimeRecoverySpecification") or {}).get("PointInTimeRecoveryEnabled") is True
    idempotency_with_ttl = table.logical_id in _idempotency_table_ids() and bool(_ttl(table))
    assert pitr or idempotency_with_ttl, f"{table.logical_id}: enable PointInTimeRecoverySpecification"


def test_idempotency_tables_expire_records_on_the_powertools_attribute() -> None:
    for logical_id in _idempotency_table_ids():
        ttl = _ttl(TEMPLATE.resource(logical_id))
        assert ttl.get("AttributeName") == POWERTOOLS_IDEMPOTENCY_EXPIRY_ATTRIBUTE, (
            f"{logical_id}: TimeToLiveSpecification must be enabled on {POWERTOOLS_IDEMPOTENCY_EXPIRY_ATTRIBUTE!r}"
        )


def _output_values() -> list[Any]:
    return [output.get("Value") for output in TEMPLATE.outputs.values()]


def _mentions(value: Any, logical_id: str) -> bool:
    if isinstance(value, dict):
        if value.get("Ref") == logical_id:
            return True
        get_att = value.get("Fn::GetAtt")
        if isinstance(get_att, list) and get_att and get_att[0] == logical_id:
            return True
        sub = value.get("Fn::Sub")
        text = sub if isinstance(sub, str) else sub[0] if isinstance(sub, list) and sub else None
        if isinstance(text, str) and re.search(r"\$\{" + re.escape(logical_id) + r"(\.[^}]*)?\}", text):
            return True
        return any(_mentions(item, logical_id) for item in value.values())
    if isinstance(value, list):
        return any(_mentions(item, logical_id) for item in value)
    return False


def test_outputs_name_the_api_url_user_pool_client_and_every_table() -> None:
    values = _output_values()
    missing = []
    for api in TEMPLATE.http_apis():
        if not any(_mentions(value, api.logical_id) and "execute-api" in json.dumps(value) for value in values) and (
            {"Fn::GetAtt": [api.logical_id, "ApiEndpoint"]} not in values
        ):
            missing.append(f"URL of {api.logical_id}")
    for resource in [*TEMPLATE.user_pools(), *TEMPLATE.user_pool_clients(), *_tables()]:
        if {"Ref": resource.logical_id} not in values:
            missing.append(f"!Ref {resource.logical_id}")
    assert TEMPLATE.http_apis() and TEMPLATE.user_pools() and TEMPLATE.user_pool_clients()
    assert not missing, f"template.yaml Outputs lack: {missing}"


# ---------------------------------------------------------------- configuration is read in one place

ENVIRONMENT_READERS = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}


def _environment_reads(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    os_names = {"os"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            os_names |= {alias.asname or alias.name for alias in node.names if alias.name == "os"}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            found += [
                f"line {node.lineno}: from os import {a.name}" for a in node.names if a.name in ENVIRONMENT_READERS
            ]
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in ENVIRONMENT_READERS
            and isinstance(node.value, ast.Name)
            and node.value.id in os_names
        ):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
    return found


def test_only_the_settings_module_reads_the_environment() -> None:
    allowed = REPO_ROOT / "shared" / "core" / "settings.py"
    files = sorted((REPO_ROOT / "shared").rglob("*.py")) + sorted((REPO_ROOT / "functions").rglob("*.py"))
    assert allowed in files and _environment_reads(allowed), (
        "shared/core/settings.py should be the one environment reader"
    )
    offenders = {
        str(path.relative_to(REPO_ROOT)): reads
        for path in files
        if path != allowed and (reads := _environment_reads(path))
    }
    assert not offenders, f"declare settings as fields of the function's FunctionSettings, not os.environ: {offenders}"


# ---------------------------------------------------------------- openapi.json

COMMITTED_OPENAPI = REPO_ROOT / "openapi.json"
GENERATE_OPENAPI = (
    "import sys; from local.openapi import openapi_document; from local.template import Template; "
    "sys.stdout.write(openapi_document(Template.load()))"
)


def test_committed_openapi_matches_the_code() -> None:
    # In a subprocess: openapi_document() sets environment variables and imports every handler.
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO_ROOT), "AWS_DEFAULT_REGION": REGION}
    result = subprocess.run(
        [sys.executable, "-c", GENERATE_OPENAPI],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"generating the OpenAPI document failed:\n{result.stderr[-3000:]}"
    assert result.stdout == COMMITTED_OPENAPI.read_text(), (
        "openapi.json is out of date with the routes: run `make openapi` "
        "(`.venv/bin/python -m local.openapi > openapi.json`) and commit the result"
    )


def _operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    return [
        (f"{method.upper()} {path}", operation)
        for path, item in document.get("paths", {}).items()
        for method, operation in item.items()
        if method in methods
    ]


def test_openapi_declares_the_bearer_scheme_for_every_operation() -> None:
    document = json.loads(COMMITTED_OPENAPI.read_text())
    schemes = document.get("components", {}).get("securitySchemes", {})
    bearer = {
        name
        for name, scheme in schemes.items()
        if scheme.get("type") == "http" and scheme.get("scheme", "").lower() == "bearer"
    }
    assert bearer, f"no HTTP bearer security scheme in components.securitySchemes: {schemes}"
    default = {name for requirement in document.get("security", []) for name in requirement}
    unsecured = [
        key
        for key, operation in _operations(document)
        if not bearer & ({name for requirement in operation.get("security", []) for name in requirement} or default)
    ]
    assert not unsecured, f"operations without the bearer scheme: {unsecured}"


def test_openapi_documents_401_and_problem_details_errors() -> None:
    document = json.loads(COMMITTED_OPENAPI.read_text())
    assert "Problem" in document.get("components", {}).get("schemas", {})
    operations = _operations(document)
    assert operations
    without_401 = [key for key, operation in operations if "401" not in operation.get("responses", {})]
    not_problems = [
        f"{key} {status}"
        for key, operation in operations
        for status, response in operation.get("responses", {}).items()
        if status[0] in "45"
        and status not in GATEWAY_ANSWERED_STATUSES
        and response.get("content", {}).get(PROBLEM_MEDIA_TYPE, {}).get("schema", {}).get("$ref") != PROBLEM_SCHEMA_REF
    ]
    assert not without_401, f"operations not documenting API Gateway's 401: {without_401}"
    assert not not_problems, f"error responses not documented as {PROBLEM_MEDIA_TYPE} Problem: {not_problems}"


def test_openapi_operations_are_the_template_routes() -> None:
    document = json.loads(COMMITTED_OPENAPI.read_text())
    documented = {key for key, _ in _operations(document)}
    routed = {route.route_key for route in TEMPLATE.http_routes()}
    assert documented == routed, (
        f"only documented: {sorted(documented - routed)}; only routed: {sorted(routed - documented)}"
    )
