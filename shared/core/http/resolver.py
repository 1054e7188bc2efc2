"""Builds each function's Powertools resolver the same way: validation on, errors as problem details."""

import binascii
from collections.abc import Callable, Mapping
from typing import Any, cast

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.core.auth import Caller, caller_from_claims
from shared.core.errors import DomainError, FieldProblem
from shared.core.http.problems import domain_problem, problem_response, validation_problem
from shared.core.observability import logger


class _InvocationResolver(APIGatewayHttpResolver):
    """Powertools keeps the event being resolved (and its context) on a class attribute, which every resolver of
    the process shares. A Lambda process runs one invocation at a time; the local stack runs concurrent ones in
    one process, each in a module instance of its own, and one request would read another's event, and so its
    caller. Kept on the resolver itself, each invocation sees its own."""

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        self.current_event = cast(APIGatewayProxyEventV2, self._to_proxy_event(cast(dict[str, Any], event)))
        self.lambda_context = context
        problem = _unreadable_body(self.current_event)
        if problem is not None:
            builder = self._response_builder_class(response=problem, serializer=self._serializer, route=None)
            return builder.build(self.current_event, self._cors)
        return super().resolve(event, context)


def _unreadable_body(event: APIGatewayProxyEventV2) -> Response[str] | None:
    """Bodies are JSON text only. Powertools would try a form or multipart body, and decode a binary one (API
    Gateway passes a body that is not UTF-8 in base64), and fail on some of them with a 500."""
    if not event.body:
        return None
    media_type = (event.headers.get("content-type") or "").split(";")[0].strip().lower()
    if media_type not in ("", "application/json"):  # none is read as JSON, as Powertools does
        return problem_response(
            400, "the request body must be JSON", [FieldProblem("content-type", "must be application/json")]
        )
    try:
        _ = event.decoded_body
    except (ValueError, binascii.Error):
        return problem_response(400, "the request body is not valid JSON", [FieldProblem("body", "not UTF-8 text")])
    return None


def build_resolver(*routers: Router) -> APIGatewayHttpResolver:
    app = _InvocationResolver(enable_validation=True)
    for router in routers:
        app.include_router(router)

    @app.exception_handler(RequestValidationError)  # type: ignore[untyped-decorator]
    def _invalid_request(error: RequestValidationError) -> Response[str]:
        return validation_problem(error.errors())

    @app.exception_handler(RecursionError)  # type: ignore[untyped-decorator]
    def _nested_too_deeply(_: RecursionError) -> Response[str]:
        # json.loads raises RecursionError, not ValueError, on a body nested deeper than Python recurses.
        return problem_response(
            400, "the request body is nested too deeply", [FieldProblem("body", "nested too deeply")]
        )

    @app.exception_handler(DomainError)  # type: ignore[untyped-decorator]
    def _domain_error(error: DomainError) -> Response[str]:
        return domain_problem(error)

    @app.not_found
    def _no_route(_: Exception) -> Response[str]:
        return problem_response(404, "no such route")

    return app


def lambda_handler_for(
    app: APIGatewayHttpResolver,
) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return app.resolve(event, context)

    return lambda_handler


def current_event(router: Router) -> APIGatewayProxyEventV2:
    return cast(APIGatewayProxyEventV2, router.current_event)


def current_caller(router: Router) -> Caller:
    return caller_from_claims(current_event(router).request_context.authorizer.jwt_claim)
