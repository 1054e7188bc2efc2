"""PUT and DELETE /houses/{house_id}/cups/{energy}: operators link a house to its supply point, or unlink it."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from shared.core.clients.domain_events import DomainEvents
from shared.core.http.docs import responses
from shared.core.http.resolver import build_resolver, current_caller, lambda_handler_for
from shared.core.settings import FunctionSettings
from shared.houses.models import House
from shared.supply_points import service as supply_points
from shared.supply_points.cups import Energy
from shared.supply_points.models import HOUSES_EVENT_SOURCE, CupsLink


class Settings(FunctionSettings):
    cups_links_table: str
    houses_table: str
    unique_keys_table: str
    users_table: str
    event_bus_name: str


settings = Settings.load()


router = Router()
events = DomainEvents(settings.event_bus_name, HOUSES_EVENT_SOURCE)


@router.put("/houses/<house_id>/cups/<energy>", tags=["Houses"], responses=responses(House, 400, 403, 404, 409, 422))
def set_cups(house_id: str, energy: Energy, link: CupsLink) -> House:
    return supply_points.set_cups(current_caller(router), house_id, energy, link, events)


@router.delete(
    "/houses/<house_id>/cups/<energy>",
    status_code=204,
    tags=["Houses"],
    responses=responses(None, 403, 404, 422, status=204),
)
def remove_cups(house_id: str, energy: Energy) -> Response[None]:
    supply_points.remove_cups(current_caller(router), house_id, energy)
    return Response(status_code=204)


app = build_resolver(router)
lambda_handler = lambda_handler_for(app)
