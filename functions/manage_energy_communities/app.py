"""Operators' energy communities: POST/GET /energy-communities, GET /energy-communities/{community_id}, its
coefficient sets (POST/GET .../coefficient-sets) and the distributor's file of the set in force on a day
(GET .../distributor-file). The monitoring key goes to Secrets Manager, never into an answer."""

from datetime import UTC, date, datetime
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.communities.distributor_file import CONTENT_TYPE
from shared.communities.models import CoefficientSet, CoefficientSetCreate, EnergyCommunity, EnergyCommunityCreate
from shared.communities.services import communities
from shared.core.clients.secrets import Secrets
from shared.core.http.docs import Cursor, IdempotencyKey, Limit, responses
from shared.core.http.idempotency import create_once
from shared.core.http.resolver import build_resolver, current_caller, lambda_handler_for
from shared.core.models import Page
from shared.core.paging import PageRequest
from shared.core.settings import FunctionSettings


class Settings(FunctionSettings):
    energy_communities_table: str
    houses_table: str
    idempotency_table: str
    unique_keys_table: str
    pv_monitoring_secrets_prefix: str


settings = Settings.load()
secrets = Secrets(settings.pv_monitoring_secrets_prefix, "API key of an energy community's monitoring platform")
router = Router()
_TAGS = ["Energy communities"]
_file_responses = responses(None, 403, 404)
_file_responses[200]["content"] = {CONTENT_TYPE: {"schema": {"type": "string"}}}


@router.post(
    "/energy-communities",
    status_code=201,
    tags=_TAGS,
    responses=responses(EnergyCommunity, 400, 403, 409, 422, status=201),
)
def create_community(community: EnergyCommunityCreate, idempotency_key: IdempotencyKey = None) -> EnergyCommunity:
    caller = current_caller(router)
    return create_once(
        router,
        idempotency_key,
        community,
        lambda: communities.create_community(caller, community, secrets, datetime.now(UTC)),
        EnergyCommunity,
    )


@router.get("/energy-communities", tags=_TAGS, responses=responses(Page[EnergyCommunity], 403))
def list_communities(limit: Limit = 50, cursor: Cursor = None) -> Page[EnergyCommunity]:
    return communities.list_communities(current_caller(router), PageRequest(limit, cursor), datetime.now(UTC))


@router.get("/energy-communities/<community_id>", tags=_TAGS, responses=responses(EnergyCommunity, 403, 404))
def get_community(community_id: str) -> EnergyCommunity:
    return communities.get_community(current_caller(router), community_id, datetime.now(UTC))


@router.post(
    "/energy-communities/<community_id>/coefficient-sets",
    status_code=201,
    tags=_TAGS,
    responses=responses(CoefficientSet, 400, 403, 404, 409, 422, status=201),
)
def create_set(
    community_id: str, coefficient_set: CoefficientSetCreate, idempotency_key: IdempotencyKey = None
) -> CoefficientSet:
    caller = current_caller(router)
    return create_once(
        router,
        idempotency_key,
        coefficient_set,
        lambda: communities.create_set(caller, community_id, coefficient_set, datetime.now(UTC)),
        CoefficientSet,
    )


@router.get(
    "/energy-communities/<community_id>/coefficient-sets",
    tags=_TAGS,
    responses=responses(Page[CoefficientSet], 403, 404),
)
def list_sets(community_id: str) -> Page[CoefficientSet]:
    return communities.list_sets(current_caller(router), community_id)


@router.get("/energy-communities/<community_id>/distributor-file", tags=_TAGS, responses=_file_responses)
def get_distributor_file(
    community_id: str,
    day: Annotated[date | None, Query(description="The day whose set in force is written (default today)")] = None,
) -> Response[bytes]:
    name, content = communities.distributor_file_of(current_caller(router), community_id, day, datetime.now(UTC))
    return Response(200, CONTENT_TYPE, content, headers={"Content-Disposition": f'attachment; filename="{name}"'})


app = build_resolver(router)
lambda_handler = lambda_handler_for(app)
