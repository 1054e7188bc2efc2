"""PATCH /houses/{house_id}/{electricity,gas}-contracts/{contract_id}: operators change a stored contract (end
an open-ended one when the customer changes retailer, correct a field). The changed contract is checked as a new
one and must overlap none of the house's other contracts of that energy; the version it replaces is kept."""

from aws_lambda_powertools.event_handler.api_gateway import Router

from shared.billing.kinds import ELECTRICITY_CONTRACTS, GAS_CONTRACTS
from shared.billing.models.contracts import ContractChanges, ElectricityContract, GasContract
from shared.billing.services import contracts
from shared.core.http.docs import responses
from shared.core.http.resolver import build_resolver, current_caller, lambda_handler_for
from shared.core.settings import FunctionSettings


class Settings(FunctionSettings):
    billing_documents_table: str
    billing_keys_table: str
    houses_table: str
    users_table: str


settings = Settings.load()


router = Router()
_ERRORS = (400, 403, 404, 409, 422)


@router.patch(
    "/houses/<house_id>/electricity-contracts/<contract_id>",
    tags=["Contracts"],
    responses=responses(ElectricityContract, *_ERRORS),
)
def update_electricity_contract(house_id: str, contract_id: str, changes: ContractChanges) -> ElectricityContract:
    return contracts.update_contract(current_caller(router), house_id, ELECTRICITY_CONTRACTS, contract_id, changes.root)


@router.patch(
    "/houses/<house_id>/gas-contracts/<contract_id>",
    tags=["Contracts"],
    responses=responses(GasContract, *_ERRORS),
)
def update_gas_contract(house_id: str, contract_id: str, changes: ContractChanges) -> GasContract:
    return contracts.update_contract(current_caller(router), house_id, GAS_CONTRACTS, contract_id, changes.root)


app = build_resolver(router)
lambda_handler = lambda_handler_for(app)
