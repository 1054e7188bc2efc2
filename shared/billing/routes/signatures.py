"""What every route of a kind shares: its path, its tag, and a handler with the signature Powertools reads (it
validates a route's parameters and documents it from its handler's signature, so each handler gets the signature,
and the name, which makes its operationId, of its kind)."""

import inspect
from collections.abc import Callable
from typing import Any

from shared.billing.kinds import BillingKind

HOUSE = ("house_id", str)


def named_handler(
    function: Callable[..., Any], name: str, returns: Any, *parameters: tuple[Any, ...]
) -> Callable[..., Any]:
    """`function` under `name`, with the signature Powertools reads: (name, annotation[, default]) per parameter."""

    def handler(**arguments: Any) -> Any:
        return function(**arguments)

    handler.__name__ = handler.__qualname__ = name
    handler.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(parameter[0], inspect.Parameter.KEYWORD_ONLY, annotation=parameter[1])
            if len(parameter) == 2
            else inspect.Parameter(
                parameter[0], inspect.Parameter.KEYWORD_ONLY, annotation=parameter[1], default=parameter[2]
            )
            for parameter in parameters
        ],
        return_annotation=returns,
    )
    return handler


def tag(kind: BillingKind[Any, Any]) -> str:
    return f"{kind.noun.capitalize()}s"


def id_of(kind: BillingKind[Any, Any]) -> str:
    return f"{kind.noun}_id"


def document_path(kind: BillingKind[Any, Any]) -> str:
    return f"/houses/<house_id>/{kind.segment}/<{id_of(kind)}>"
