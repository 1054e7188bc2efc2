"""`Idempotency-Key` on creates: a retry with the same key and body returns the first response and creates
nothing; the same key with another body is a 409. Keys are scoped to the caller and the route, and
remembered for 24 hours (Powertools idempotency, DynamoDB persistence).

Powertools' idempotency imports boto3 and creates its client up front; both wait for the first request
that carries a key, so a function's cold start does not pay for them."""

from collections.abc import Callable
from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel

from shared.core.dal.tables import table_name
from shared.core.errors import ConflictError
from shared.core.http.resolver import current_caller, current_event


def _first_result(request: dict[str, Any], create: Callable[[], BaseModel]) -> dict[str, Any]:
    return create().model_dump(mode="json")


@cache
def _idempotency() -> tuple[Callable[..., dict[str, Any]], Any]:
    from aws_lambda_powertools.utilities.idempotency import (  # noqa: PLC0415 - deferred, see module doc
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )

    config = IdempotencyConfig(
        event_key_jmespath="key", payload_validation_jmespath="body", expires_after_seconds=86400
    )
    persistence = DynamoDBPersistenceLayer(table_name=table_name("idempotency_table"))
    decorate = idempotent_function(data_keyword_argument="request", persistence_store=persistence, config=config)
    return decorate(_first_result), config


def create_once[ModelT: BaseModel](
    router: Router, key: str | None, body: BaseModel, create: Callable[[], ModelT], model: type[ModelT]
) -> ModelT:
    """Run `create` once per Idempotency-Key (or every time without one) and return its result."""
    if key is None:
        return create()
    from aws_lambda_powertools.utilities.idempotency.exceptions import (  # noqa: PLC0415
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    first_result, config = _idempotency()
    config.register_lambda_context(router.lambda_context)  # a crashed attempt's lock expires with it
    event = current_event(router)
    scope = f"{current_caller(router).sub} {event.request_context.http.method} {event.raw_path}"
    request = {"key": f"{scope} {key}", "body": body.model_dump(mode="json")}
    try:
        return model.model_validate(first_result(request=request, create=create))
    except IdempotencyValidationError:
        raise ConflictError("this Idempotency-Key was already used with a different request body") from None
    except IdempotencyAlreadyInProgressError:
        raise ConflictError("a request with this Idempotency-Key is still being processed") from None
