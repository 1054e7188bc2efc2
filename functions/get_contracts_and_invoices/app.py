"""GET a house's contracts and invoices (newest period first), or one of them: operators, and the owner."""

from aws_lambda_powertools.event_handler.api_gateway import Router

from shared.billing.kinds import BILLING_KINDS
from shared.billing.routes.reads import register_reads
from shared.core.http.resolver import build_resolver, lambda_handler_for
from shared.core.settings import FunctionSettings


class Settings(FunctionSettings):
    billing_documents_table: str
    houses_table: str
    users_table: str


settings = Settings.load()
router = Router()
for kind in BILLING_KINDS:
    register_reads(router, kind)

app = build_resolver(router)
lambda_handler = lambda_handler_for(app)
