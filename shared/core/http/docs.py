"""OpenAPI fragments shared by the routes: the error responses and the common parameters."""

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Header, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from shared.core.http.problems import PROBLEM_JSON
from shared.core.models import GatewayError, Problem

_WHY = {
    400: "Malformed JSON",
    401: "Missing, invalid or expired bearer token (answered by API Gateway, not problem details)",
    403: "Authenticated, but only operators may do this",
    404: "Unknown, or not visible to the caller",
    409: "Conflicts with existing state",
    422: "Invalid input; `errors` names every offending field",
    503: "An outside system (Datadis) is unreachable or refusing us; nothing was recorded: retry after Retry-After",
}

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="idempotency-key",
        description="Retrying with the same key and body returns the first response and creates nothing new",
        max_length=200,
    ),
]
Limit = Annotated[int, Query(ge=1, le=200, description="Page size")]
Cursor = Annotated[str | None, Query(description="next_cursor of the previous page")]


def responses(model: Any, *error_statuses: int, status: int = 200) -> dict[int, OpenAPIResponse]:
    """The route's success response, its problem-details errors (422 always: path and query parameters are
    validated on every route), and API Gateway's 401."""
    documented: dict[int, OpenAPIResponse] = {
        status: {"description": HTTPStatus(status).phrase, "content": {"application/json": {"model": model}}},
        401: {"description": _WHY[401], "content": {"application/json": {"model": GatewayError}}},
    }
    for error_status in {422, *error_statuses}:
        documented[error_status] = {
            "description": _WHY.get(error_status, HTTPStatus(error_status).phrase),
            "content": {PROBLEM_JSON: {"model": Problem}},
        }
    return dict(sorted(documented.items()))
