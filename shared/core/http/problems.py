"""Errors as RFC 9457 problem details (application/problem+json). Bad input is a 4xx naming each field."""

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response

from shared.core.errors import DomainError, FieldProblem
from shared.core.models import FieldError, Problem

PROBLEM_JSON = "application/problem+json"
# Where a parameter came from is not part of its name for clients: ('query', 'limit') is 'limit'.
_LOCATIONS = {"body", "query", "path", "header"}


def problem_response(
    status: int,
    detail: str,
    problems: Sequence[FieldProblem] = (),
    headers: Mapping[str, str] | None = None,
    **extensions: str,
) -> Response[str]:
    problem = Problem(
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        errors=[FieldError(field=p.field, message=p.message) for p in problems],
        **extensions,
    )
    return Response(status, PROBLEM_JSON, problem.model_dump_json(exclude_none=True), headers=dict(headers or {}))


def domain_problem(error: DomainError) -> Response[str]:
    return problem_response(error.status, error.detail, error.problems, error.headers, **error.extensions)


def validation_problem(errors: Sequence[Any]) -> Response[str]:
    if any(error.get("type") == "json_invalid" for error in errors):
        return problem_response(400, "the request body is not valid JSON", [FieldProblem("body", "invalid JSON")])
    problems = [FieldProblem(_field_name(error["loc"]), _message(error["msg"])) for error in errors]
    fields = ", ".join(dict.fromkeys(problem.field for problem in problems))
    return problem_response(422, f"invalid input: {fields}", problems)


def _message(pydantic_message: str) -> str:
    return pydantic_message.removeprefix("Value error, ")


def _field_name(location: Sequence[str | int]) -> str:
    parts = [str(part) for part in location]
    if len(parts) > 1 and parts[0] in _LOCATIONS:
        parts = parts[1:]
    return ".".join(parts) or "body"
