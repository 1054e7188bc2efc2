"""PUT, GET and DELETE /houses/{house_id}/pv-installation: operators and the house's owner keep its PV installation
(the monitoring key goes to Secrets Manager, never into an answer); the provider is never called here."""

from datetime import UTC, datetime

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from shared.core.clients.secrets import Secrets
from shared.core.http.docs import responses
from shared.core.http.resolver import build_resolver, current_caller, lambda_handler_for
from shared.core.settings import FunctionSettings
from shared.pv.models import PvInstallation, PvInstallationPut
from shared.pv.services import installations


class Settings(FunctionSettings):
    users_table: str
    houses_table: str
    pv_installations_table: str
    pv_monitoring_secrets_prefix: str


settings = Settings.load()
secrets = Secrets(settings.pv_monitoring_secrets_prefix, "API key of a PV installation's monitoring platform")
router = Router()
_put_responses = responses(PvInstallation, 400, 404, 409, 422) | {
    201: {"description": "Created", "content": {"application/json": {"model": PvInstallation}}}
}


@router.put("/houses/<house_id>/pv-installation", tags=["PV installation"], responses=_put_responses)
def put_installation(house_id: str, installation: PvInstallationPut) -> Response[str]:
    saved, created = installations.put_installation(
        current_caller(router), house_id, installation, secrets, datetime.now(UTC)
    )
    return Response(201 if created else 200, "application/json", saved.model_dump_json())


@router.get("/houses/<house_id>/pv-installation", tags=["PV installation"], responses=responses(PvInstallation, 404))
def get_installation(house_id: str) -> PvInstallation:
    return installations.get_installation(current_caller(router), house_id)


@router.delete(
    "/houses/<house_id>/pv-installation",
    status_code=204,
    tags=["PV installation"],
    responses=responses(None, 404, 409, status=204),
)
def delete_installation(house_id: str) -> Response[None]:
    installations.delete_installation(current_caller(router), house_id, datetime.now(UTC))
    return Response(status_code=204)


app = build_resolver(router)
lambda_handler = lambda_handler_for(app)
