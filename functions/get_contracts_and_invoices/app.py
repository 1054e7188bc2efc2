"""GET a house's contracts and invoices (newest period first), or one of them: operators, and the owner."""

from aws_lambda_powertools.event_handler.api_gateway import Router

from shared.billing.kinds import ELECTRICITY_CONTRACTS, ELECTRICITY_INVOICES, GAS_CONTRACTS, GAS_INVOICES
from shared.billing.models.contracts import ElectricityContract, GasContract
from shared.billing.models.invoices import ElectricityInvoice, GasInvoice
from shared.billing.services import documents as reading
from shared.core.dynamodb.pages import PageRequest
from shared.core.http.docs import Cursor, Limit, responses
from shared.core.http.resolver import build_resolver, current_caller, lambda_handler_for
from shared.core.models import Page
from shared.core.settings import FunctionSettings


class Settings(FunctionSettings):
    billing_documents_table: str
    houses_table: str
    users_table: str


settings = Settings.load()


router = Router()


@router.get(
    "/houses/<house_id>/electricity-contracts",
    tags=["Contracts"],
    responses=responses(Page[ElectricityContract], 404, 422),
)
def list_electricity_contracts(house_id: str, limit: Limit = 50, cursor: Cursor = None) -> Page[ElectricityContract]:
    return reading.list_documents(current_caller(router), house_id, ELECTRICITY_CONTRACTS, PageRequest(limit, cursor))


@router.get(
    "/houses/<house_id>/electricity-contracts/<contract_id>",
    tags=["Contracts"],
    responses=responses(ElectricityContract, 404),
)
def get_electricity_contract(house_id: str, contract_id: str) -> ElectricityContract:
    return reading.get_document(current_caller(router), house_id, ELECTRICITY_CONTRACTS, contract_id)


@router.get("/houses/<house_id>/gas-contracts", tags=["Contracts"], responses=responses(Page[GasContract], 404, 422))
def list_gas_contracts(house_id: str, limit: Limit = 50, cursor: Cursor = None) -> Page[GasContract]:
    return reading.list_documents(current_caller(router), house_id, GAS_CONTRACTS, PageRequest(limit, cursor))


@router.get("/houses/<house_id>/gas-contracts/<contract_id>", tags=["Contracts"], responses=responses(GasContract, 404))
def get_gas_contract(house_id: str, contract_id: str) -> GasContract:
    return reading.get_document(current_caller(router), house_id, GAS_CONTRACTS, contract_id)


@router.get(
    "/houses/<house_id>/electricity-invoices",
    tags=["Invoices"],
    responses=responses(Page[ElectricityInvoice], 404, 422),
)
def list_electricity_invoices(house_id: str, limit: Limit = 50, cursor: Cursor = None) -> Page[ElectricityInvoice]:
    return reading.list_documents(current_caller(router), house_id, ELECTRICITY_INVOICES, PageRequest(limit, cursor))


@router.get(
    "/houses/<house_id>/electricity-invoices/<invoice_id>",
    tags=["Invoices"],
    responses=responses(ElectricityInvoice, 404),
)
def get_electricity_invoice(house_id: str, invoice_id: str) -> ElectricityInvoice:
    return reading.get_document(current_caller(router), house_id, ELECTRICITY_INVOICES, invoice_id)


@router.get("/houses/<house_id>/gas-invoices", tags=["Invoices"], responses=responses(Page[GasInvoice], 404, 422))
def list_gas_invoices(house_id: str, limit: Limit = 50, cursor: Cursor = None) -> Page[GasInvoice]:
    return reading.list_documents(current_caller(router), house_id, GAS_INVOICES, PageRequest(limit, cursor))


@router.get("/houses/<house_id>/gas-invoices/<invoice_id>", tags=["Invoices"], responses=responses(GasInvoice, 404))
def get_gas_invoice(house_id: str, invoice_id: str) -> GasInvoice:
    return reading.get_document(current_caller(router), house_id, GAS_INVOICES, invoice_id)


app = build_resolver(router)
lambda_handler = lambda_handler_for(app)
