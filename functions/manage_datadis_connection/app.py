"""POST, GET and DELETE /houses/{house_id}/datadis: the house's user asks Datadis for consent or revokes it, from
the app; operators read the state for support."""

from datetime import UTC, datetime

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from shared.core.http.docs import responses
from shared.core.http.resolver import build_resolver, current_caller, lambda_handler_for
from shared.datadis.clients.account import DatadisAccount
from shared.datadis.models import ConsentRequestBody, DatadisConnection
from shared.datadis.services import consents
from shared.datadis.services.settings import DatadisRouteSettings

settings = DatadisRouteSettings.load()
datadis = DatadisAccount(settings.datadis_base_url, settings.datadis_credentials_secret)
router = Router()


@router.post(
    "/houses/<house_id>/datadis",
    status_code=202,
    tags=["Datadis"],
    responses=responses(DatadisConnection, 400, 403, 404, 409, 422, 503, status=202),
)
def request_consent(house_id: str, request: ConsentRequestBody) -> Response[str]:
    connection = consents.request_consent(current_caller(router), house_id, request, datadis.api, datetime.now(UTC))
    return Response(202, "application/json", connection.model_dump_json())


@router.get("/houses/<house_id>/datadis", tags=["Datadis"], responses=responses(DatadisConnection, 404))
def get_connection(house_id: str) -> DatadisConnection:
    return consents.get_connection(current_caller(router), house_id)


@router.delete("/houses/<house_id>/datadis", tags=["Datadis"], responses=responses(DatadisConnection, 403, 404, 409))
def revoke_consent(house_id: str) -> DatadisConnection:
    return consents.revoke_consent(current_caller(router), house_id, datetime.now(UTC))


app = build_resolver(router)
lambda_handler = lambda_handler_for(app)
