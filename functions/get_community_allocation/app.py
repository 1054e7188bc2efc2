"""GET /energy-communities/{community_id}/allocation: per member, its computed share of the community's production,
the distributor's (B5D) and the difference (operators only)."""

from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.communities.models import CommunityAllocation
from shared.communities.services.allocation import allocation
from shared.core.http.docs import responses
from shared.core.http.resolver import build_resolver, current_caller, lambda_handler_for
from shared.core.settings import FunctionSettings


class Settings(FunctionSettings):
    energy_communities_table: str
    metering_table: str


settings = Settings.load()
router = Router()


@router.get(
    "/energy-communities/<community_id>/allocation",
    tags=["Energy communities"],
    responses=responses(CommunityAllocation, 403, 404),
)
def get_allocation(
    community_id: str,
    from_: Annotated[date, Query(alias="from", description="First local day (inclusive)")],
    to: Annotated[date, Query(description="Last local day (exclusive); at most 366 days after from")],
) -> CommunityAllocation:
    return allocation(current_caller(router), community_id, from_, to)


app = build_resolver(router)
lambda_handler = lambda_handler_for(app)
