"""POST /houses/{house_id}/{electricity,gas}-{contracts,invoices}: operators store a house's contracts and
invoices. A new invoice is 201; the same invoice stored again (same number and content) is 200 with the
stored one."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from shared.billing.kinds import ELECTRICITY_CONTRACTS, ELECTRICITY_INVOICES, GAS_CONTRACTS, GAS_INVOICES, BillingKind
from shared.billing.models.contracts import (
    ContractBody,
    ElectricityContract,
    ElectricityContractBody,
    GasContract,
    GasContractBody,
)
from shared.billing.models.documents import StoredDocument
from shared.billing.models.invoices import (
    ElectricityInvoice,
    ElectricityInvoiceBody,
    GasInvoice,
    GasInvoiceBody,
    InvoiceBody,
    StoredInvoice,
)
from shared.billing.services import contracts, invoices
from shared.core.http.docs import IdempotencyKey, responses
from shared.core.http.idempotency import create_once
from shared.core.http.resolver import build_resolver, current_caller, lambda_handler_for
from shared.core.settings import FunctionSettings


class Settings(FunctionSettings):
    billing_documents_table: str
    billing_keys_table: str
    houses_table: str
    idempotency_table: str
    users_table: str


settings = Settings.load()


router = Router()
_ERRORS = (400, 403, 404, 409, 422)


def _invoice_responses(model: type[StoredDocument]) -> dict[int, OpenAPIResponse]:
    documented = responses(model, *_ERRORS, status=201)
    documented[200] = {
        "description": "This invoice was already stored (same number and content): the stored one, nothing created",
        "content": {"application/json": {"model": model}},
    }
    return dict(sorted(documented.items()))


@router.post(
    "/houses/<house_id>/electricity-contracts",
    status_code=201,
    tags=["Contracts"],
    responses=responses(ElectricityContract, *_ERRORS, status=201),
)
def create_electricity_contract(
    house_id: str, contract: ElectricityContractBody, idempotency_key: IdempotencyKey = None
) -> ElectricityContract:
    return _create_contract(house_id, ELECTRICITY_CONTRACTS, contract, idempotency_key)


@router.post(
    "/houses/<house_id>/gas-contracts",
    status_code=201,
    tags=["Contracts"],
    responses=responses(GasContract, *_ERRORS, status=201),
)
def create_gas_contract(
    house_id: str, contract: GasContractBody, idempotency_key: IdempotencyKey = None
) -> GasContract:
    return _create_contract(house_id, GAS_CONTRACTS, contract, idempotency_key)


@router.post(
    "/houses/<house_id>/electricity-invoices",
    status_code=201,
    tags=["Invoices"],
    responses=_invoice_responses(ElectricityInvoice),
)
def create_electricity_invoice(
    house_id: str, invoice: ElectricityInvoiceBody, idempotency_key: IdempotencyKey = None
) -> Response[str]:
    return _create_invoice(house_id, ELECTRICITY_INVOICES, invoice, idempotency_key, StoredInvoice[ElectricityInvoice])


@router.post(
    "/houses/<house_id>/gas-invoices",
    status_code=201,
    tags=["Invoices"],
    responses=_invoice_responses(GasInvoice),
)
def create_gas_invoice(house_id: str, invoice: GasInvoiceBody, idempotency_key: IdempotencyKey = None) -> Response[str]:
    return _create_invoice(house_id, GAS_INVOICES, invoice, idempotency_key, StoredInvoice[GasInvoice])


def _create_contract[BodyT: ContractBody, DocumentT: StoredDocument](
    house_id: str, kind: BillingKind[BodyT, DocumentT], body: BodyT, idempotency_key: str | None
) -> DocumentT:
    caller = current_caller(router)
    return create_once(
        router,
        idempotency_key,
        body,
        lambda: contracts.create_contract(caller, house_id, kind, body),
        kind.document,
    )


def _create_invoice[BodyT: InvoiceBody, DocumentT: StoredDocument](
    house_id: str,
    kind: BillingKind[BodyT, DocumentT],
    body: BodyT,
    idempotency_key: str | None,
    outcome: type[StoredInvoice[DocumentT]],
) -> Response[str]:
    caller = current_caller(router)
    stored = create_once(
        router, idempotency_key, body, lambda: invoices.create_invoice(caller, house_id, kind, body), outcome
    )
    return Response(201 if stored.created else 200, "application/json", stored.invoice.model_dump_json())


app = build_resolver(router)
lambda_handler = lambda_handler_for(app)
