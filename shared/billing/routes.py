"""The HTTP routes of the four billing kinds, registered from their BillingKind: every kind has the same routes
(list, get and create; change for contracts) and differs only in its path, models and names.

Powertools validates a route's parameters and documents it from its handler's signature, so each handler gets
the signature (and the name, which makes its operationId) of its kind."""

import inspect
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from shared.billing.kinds import BillingKind
from shared.billing.models.contracts import ContractChanges
from shared.billing.models.invoices import StoredInvoice
from shared.billing.services import contracts, documents, invoices
from shared.core.http.docs import Cursor, IdempotencyKey, Limit, responses
from shared.core.http.idempotency import create_once
from shared.core.http.resolver import current_caller
from shared.core.models import Page
from shared.core.paging import PageRequest

_WRITE_ERRORS = (400, 403, 404, 409, 422)


def register_reads(router: Router, kind: BillingKind[Any, Any]) -> None:
    """GET the kind's page (newest period first) and one document: operators, and the owner."""
    tags, page = [_tag(kind)], Page[kind.document]  # type: ignore[name-defined]

    def list_documents(house_id: str, limit: int, cursor: str | None) -> Any:
        return documents.list_documents(current_caller(router), house_id, kind, PageRequest(limit, cursor))

    def get_document(house_id: str, **document_id: str) -> Any:
        return documents.get_document(current_caller(router), house_id, kind, document_id[_id_of(kind)])

    router.get(f"/houses/<house_id>/{kind.segment}", tags=tags, responses=responses(page, 404, 422))(
        _handler(list_documents, f"list_{kind.name}s", page, _HOUSE, ("limit", Limit, 50), ("cursor", Cursor, None))
    )
    router.get(_document_path(kind), tags=tags, responses=responses(kind.document, 404))(
        _handler(get_document, f"get_{kind.name}", kind.document, _HOUSE, (_id_of(kind), str))
    )


def register_create(router: Router, kind: BillingKind[Any, Any]) -> None:
    """POST a new document (operators). A contract is 201; an invoice stored again (same number and content) is
    200 with the stored one."""
    body = (kind.noun, kind.body)
    key = ("idempotency_key", IdempotencyKey, None)
    if kind.noun == "contract":

        def create_contract(house_id: str, contract: Any, idempotency_key: str | None) -> Any:
            caller = current_caller(router)
            create = lambda: contracts.create_contract(caller, house_id, kind, contract)  # noqa: E731
            return create_once(router, idempotency_key, contract, create, kind.document)

        documented = responses(kind.document, *_WRITE_ERRORS, status=201)
        handler = _handler(create_contract, f"create_{kind.name}", kind.document, _HOUSE, body, key)
    else:
        outcome = StoredInvoice[kind.document]  # type: ignore[name-defined]

        def create_invoice(house_id: str, invoice: Any, idempotency_key: str | None) -> Response[str]:
            caller = current_caller(router)
            create = lambda: invoices.create_invoice(caller, house_id, kind, invoice)  # noqa: E731
            stored = create_once(router, idempotency_key, invoice, create, outcome)
            return Response(201 if stored.created else 200, "application/json", stored.invoice.model_dump_json())

        documented = _invoice_responses(kind)
        handler = _handler(create_invoice, f"create_{kind.name}", Response[str], _HOUSE, body, key)
    router.post(f"/houses/<house_id>/{kind.segment}", status_code=201, tags=[_tag(kind)], responses=documented)(handler)


def register_change(router: Router, kind: BillingKind[Any, Any]) -> None:
    """PATCH a stored contract (operators)."""

    def update_contract(house_id: str, contract_id: str, changes: ContractChanges) -> Any:
        return contracts.update_contract(current_caller(router), house_id, kind, contract_id, changes.root)

    parameters = (_HOUSE, ("contract_id", str), ("changes", ContractChanges))
    handler = _handler(update_contract, f"update_{kind.name}", kind.document, *parameters)
    router.patch(_document_path(kind), tags=[_tag(kind)], responses=responses(kind.document, *_WRITE_ERRORS))(handler)


_HOUSE = ("house_id", str)


def _handler(function: Callable[..., Any], name: str, returns: Any, *parameters: tuple[Any, ...]) -> Callable[..., Any]:
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


def _invoice_responses(kind: BillingKind[Any, Any]) -> dict[int, OpenAPIResponse]:
    documented = responses(kind.document, *_WRITE_ERRORS, status=201)
    documented[200] = {
        "description": "This invoice was already stored (same number and content): the stored one, nothing created",
        "content": {"application/json": {"model": kind.document}},
    }
    return dict(sorted(documented.items()))


def _tag(kind: BillingKind[Any, Any]) -> str:
    return f"{kind.noun.capitalize()}s"


def _id_of(kind: BillingKind[Any, Any]) -> str:
    return f"{kind.noun}_id"


def _document_path(kind: BillingKind[Any, Any]) -> str:
    return f"/houses/<house_id>/{kind.segment}/<{_id_of(kind)}>"
