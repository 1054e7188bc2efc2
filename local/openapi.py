"""openapi.json, generated from the routes the functions serve: `python -m local.openapi > openapi.json`.

Every function's module keeps its routes on a Powertools `router`; one resolver including all of them
describes the whole HTTP API, with the Cognito bearer token and the problem-details errors."""

import importlib.util
import json
import os
import sys
from types import ModuleType

from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

from local.template import FunctionSpec, Template, is_intrinsic

TITLE = "House energy API"
VERSION = "1.0.0"
DESCRIPTION = (
    "Users, houses and their energy data, for the portal (operators), the app (users) and billing systems. "
    "Every route needs `Authorization: Bearer <JWT>` from the stack's Cognito user pool; errors are RFC 9457 "
    "problem details (`application/problem+json`) whose `errors` name each offending field."
)


def _load_module(spec: FunctionSpec) -> ModuleType:
    name = f"openapi_{spec.logical_id}"
    module_spec = importlib.util.spec_from_file_location(name, spec.handler_file)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module
    module_spec.loader.exec_module(module)
    return module


def openapi_document(template: Template) -> str:
    # Handlers read their settings at import; nothing is called, so a resource's name can be anything.
    for spec in template.functions():
        for name, value in spec.environment.items():
            os.environ.setdefault(name, "openapi" if is_intrinsic(value) else str(value))
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")
    from shared.core.http.resolver import build_resolver  # noqa: PLC0415 - after the environment is set

    routers = [_load_module(spec).router for spec in template.functions() if spec.http_routes]
    document = build_resolver(*routers).get_openapi_json_schema(
        title=TITLE,
        version=VERSION,
        description=DESCRIPTION,
        security_schemes={"cognito": HTTPBearer(bearerFormat="JWT", description="Cognito ID or access token")},
        security=[{"cognito": []}],
    )
    return json.dumps(json.loads(document), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(openapi_document(Template.load()))
