"""Operators' routes for the distributors' SFTP connections:
PUT /distributor-connections/{connection_id} (create or replace), GET /distributor-connections,
GET /distributor-connections/{connection_id} and GET /distributor-connections/{connection_id}/files."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.core.http.docs import Cursor, Limit, responses
from shared.core.http.resolver import build_resolver, current_caller, lambda_handler_for
from shared.core.models import Page
from shared.core.paging import PageRequest
from shared.core.settings import FunctionSettings
from shared.metering.clients.connection_secrets import ConnectionSecrets
from shared.metering.models import ConnectionFile, ConnectionId, ConnectionPut, DistributorConnection
from shared.metering.services import connections as distributor_connections


class Settings(FunctionSettings):
    distributor_connections_table: str
    metering_files_table: str
    connection_secrets_prefix: str


settings = Settings.load()


router = Router()
secrets = ConnectionSecrets(settings.connection_secrets_prefix)

_put_responses = responses(DistributorConnection, 400, 403, 422) | {
    201: {"description": "Created", "content": {"application/json": {"model": DistributorConnection}}}
}


@router.put("/distributor-connections/<connection_id>", tags=["Distributor connections"], responses=_put_responses)
def put_connection(
    connection_id: Annotated[ConnectionId, Path(description="Chosen by the operator, e.g. ide-0021")],
    connection: ConnectionPut,
) -> Response[str]:
    saved, created = distributor_connections.put_connection(current_caller(router), connection_id, connection, secrets)
    return Response(201 if created else 200, "application/json", saved.model_dump_json())


@router.get(
    "/distributor-connections",
    tags=["Distributor connections"],
    responses=responses(Page[DistributorConnection], 403, 422),
)
def list_connections(limit: Limit = 50, cursor: Cursor = None) -> Page[DistributorConnection]:
    return distributor_connections.list_connections(current_caller(router), PageRequest(limit, cursor))


@router.get(
    "/distributor-connections/<connection_id>",
    tags=["Distributor connections"],
    responses=responses(DistributorConnection, 403, 404),
)
def get_connection(connection_id: str) -> DistributorConnection:
    return distributor_connections.get_connection(current_caller(router), connection_id)


@router.get(
    "/distributor-connections/<connection_id>/files",
    tags=["Distributor connections"],
    responses=responses(Page[ConnectionFile], 403, 404, 422),
)
def list_files(connection_id: str, limit: Limit = 50, cursor: Cursor = None) -> Page[ConnectionFile]:
    return distributor_connections.list_files(current_caller(router), connection_id, PageRequest(limit, cursor))


app = build_resolver(router)
lambda_handler = lambda_handler_for(app)
