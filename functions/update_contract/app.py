"""PATCH /houses/{house_id}/{electricity,gas}-contracts/{contract_id}: operators change a stored contract (end
an open-ended one when the customer changes retailer, correct a field). The changed contract is checked as a new
one and must overlap none of the house's other contracts of that energy; the version it replaces is kept."""

from aws_lambda_powertools.event_handler.api_gateway import Router

from shared.billing.kinds import ELECTRICITY_CONTRACTS, GAS_CONTRACTS
from shared.billing.routes.writes import register_change
from shared.core.http.resolver import build_resolver, lambda_handler_for
from shared.core.settings import FunctionSettings


class Settings(FunctionSettings):
    billing_documents_table: str
    billing_keys_table: str
    houses_table: str
    users_table: str


settings = Settings.load()
router = Router()
for kind in (ELECTRICITY_CONTRACTS, GAS_CONTRACTS):
    register_change(router, kind)

app = build_resolver(router)
lambda_handler = lambda_handler_for(app)
