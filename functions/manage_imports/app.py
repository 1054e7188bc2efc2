"""POST /imports (operators and billing systems' machine clients queue up to 10,000 messages) and
GET /imports/{import_id} (how far the import got: stored, duplicates, unmatched, rejected with reasons)."""

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from shared.core.clients.message_queue import MessageQueue
from shared.core.http.docs import IdempotencyKey, responses
from shared.core.http.idempotency import create_once
from shared.core.http.resolver import build_resolver, current_event, lambda_handler_for
from shared.core.settings import FunctionSettings
from shared.imports.callers import ImportsCaller, imports_caller
from shared.imports.clients.billing_systems import BillingSystemClients
from shared.imports.models import ImportReceipt, ImportReport, ImportSubmission
from shared.imports.services import reports, submissions


class Settings(FunctionSettings):
    idempotency_table: str
    imports_table: str
    import_queue_url: str
    user_pool_id: str


settings = Settings.load()
billing_systems = BillingSystemClients(settings.user_pool_id)


router = Router()
queue = MessageQueue(settings.import_queue_url, parallel_calls=16)  # 10,000 messages well inside the API's 30 s


def _importers_only(model: Any, *error_statuses: int, status: int = 200) -> dict[int, OpenAPIResponse]:
    documented = responses(model, 403, *error_statuses, status=status)
    documented[403] = documented[403] | {
        "description": "Only operators, and billing systems' own machine clients (scope imports/write)"
    }
    return documented


@router.post(
    "/imports",
    status_code=202,
    tags=["Imports"],
    responses=_importers_only(ImportReceipt, 400, 409, 422, status=202),
)
def submit_import(messages: ImportSubmission, idempotency_key: IdempotencyKey = None) -> Response[str]:
    caller = _caller()
    receipt = create_once(
        router,
        idempotency_key,
        messages,
        lambda: submissions.submit_import(caller, messages, queue),
        ImportReceipt,
    )
    return Response(
        202, "application/json", receipt.model_dump_json(), headers={"Location": f"/imports/{receipt.import_id}"}
    )


@router.get("/imports/<import_id>", tags=["Imports"], responses=_importers_only(ImportReport, 404))
def get_import(import_id: str) -> ImportReport:
    return reports.import_report(_caller(), import_id)


def _caller() -> ImportsCaller:
    return imports_caller(current_event(router).request_context.authorizer.jwt_claim, billing_systems.source_of)


app = build_resolver(router)
lambda_handler = lambda_handler_for(app)
