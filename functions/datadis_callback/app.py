"""POST /houses/{house_id}/datadis/callback: the user is back in the app from Datadis; the consent is decided from
Datadis' own list of authorisations, never from the app's word."""

from datetime import UTC, datetime

from aws_lambda_powertools.event_handler.api_gateway import Router

from shared.core.http.docs import responses
from shared.core.http.resolver import build_resolver, current_caller, lambda_handler_for
from shared.datadis.clients.account import DatadisAccount
from shared.datadis.models import DatadisConnection
from shared.datadis.services import consents
from shared.datadis.services.settings import DatadisRouteSettings

settings = DatadisRouteSettings.load()
datadis = DatadisAccount(settings.datadis_base_url, settings.datadis_credentials_secret)
router = Router()


@router.post(
    "/houses/<house_id>/datadis/callback",
    tags=["Datadis"],
    responses=responses(DatadisConnection, 403, 404, 409, 503),
)
def check_consent(house_id: str) -> DatadisConnection:
    return consents.check_consent(current_caller(router), house_id, datadis.api, datetime.now(UTC))


app = build_resolver(router)
lambda_handler = lambda_handler_for(app)
