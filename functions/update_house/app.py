"""PATCH /houses/{house_id}: operators and the owner change a house (the duplicate-address rule holds)."""

from aws_lambda_powertools.event_handler.api_gateway import Router

from shared.core.http.docs import responses
from shared.core.http.resolver import build_resolver, current_caller, lambda_handler_for
from shared.core.settings import FunctionSettings
from shared.houses import service as houses
from shared.houses.models import House, HouseUpdate


class Settings(FunctionSettings):
    houses_table: str
    unique_keys_table: str
    users_table: str


settings = Settings.load()


router = Router()


@router.patch("/houses/<house_id>", tags=["Houses"], responses=responses(House, 400, 404, 409, 422))
def update_house(house_id: str, changes: HouseUpdate) -> House:
    return houses.update_house(current_caller(router), house_id, changes)


app = build_resolver(router)
lambda_handler = lambda_handler_for(app)
