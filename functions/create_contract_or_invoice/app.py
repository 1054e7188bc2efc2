"""POST /houses/{house_id}/{electricity,gas}-{contracts,invoices}: operators store a house's contracts and
invoices. A new invoice is 201; the same invoice stored again (same number and content) is 200 with the
stored one."""

from aws_lambda_powertools.event_handler.api_gateway import Router

from shared.billing.kinds import BILLING_KINDS
from shared.billing.routes.writes import register_create
from shared.core.http.resolver import build_resolver, lambda_handler_for
from shared.core.settings import FunctionSettings


class Settings(FunctionSettings):
    billing_documents_table: str
    billing_keys_table: str
    houses_table: str
    idempotency_table: str
    users_table: str


settings = Settings.load()
router = Router()
for kind in BILLING_KINDS:
    register_create(router, kind)

app = build_resolver(router)
lambda_handler = lambda_handler_for(app)
