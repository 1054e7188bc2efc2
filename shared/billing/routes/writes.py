"""The routes that store a kind's documents: POST a new one (contracts and invoices), PATCH a contract."""

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from shared.billing.kinds import BillingKind
from shared.billing.models.contracts import ContractChanges
from shared.billing.models.invoices import StoredInvoice
from shared.billing.routes.signatures import HOUSE, document_path, named_handler, tag
from shared.billing.services import contracts, invoices
from shared.core.http.docs import IdempotencyKey, responses
from shared.core.http.idempotency import create_once
from shared.core.http.resolver import current_caller

_WRITE_ERRORS = (400, 403, 404, 409, 422)


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
        route = named_handler(create_contract, f"create_{kind.name}", kind.document, HOUSE, body, key)
    else:
        outcome = StoredInvoice[kind.document]  # type: ignore[name-defined]

        def create_invoice(house_id: str, invoice: Any, idempotency_key: str | None) -> Response[str]:
            caller = current_caller(router)
            create = lambda: invoices.create_invoice(caller, house_id, kind, invoice)  # noqa: E731
            stored = create_once(router, idempotency_key, invoice, create, outcome)
            return Response(201 if stored.created else 200, "application/json", stored.invoice.model_dump_json())

        documented = _invoice_responses(kind)
        route = named_handler(create_invoice, f"create_{kind.name}", Response[str], HOUSE, body, key)
    router.post(f"/houses/<house_id>/{kind.segment}", status_code=201, tags=[tag(kind)], responses=documented)(route)


def register_change(router: Router, kind: BillingKind[Any, Any]) -> None:
    """PATCH a stored contract (operators)."""

    def update_contract(house_id: str, contract_id: str, changes: ContractChanges) -> Any:
        return contracts.update_contract(current_caller(router), house_id, kind, contract_id, changes.root)

    parameters = (HOUSE, ("contract_id", str), ("changes", ContractChanges))
    route = named_handler(update_contract, f"update_{kind.name}", kind.document, *parameters)
    router.patch(document_path(kind), tags=[tag(kind)], responses=responses(kind.document, *_WRITE_ERRORS))(route)


def _invoice_responses(kind: BillingKind[Any, Any]) -> dict[int, OpenAPIResponse]:
    documented = responses(kind.document, *_WRITE_ERRORS, status=201)
    documented[200] = {
        "description": "This invoice was already stored (same number and content): the stored one, nothing created",
        "content": {"application/json": {"model": kind.document}},
    }
    return dict(sorted(documented.items()))
