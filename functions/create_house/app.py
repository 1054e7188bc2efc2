"""POST /users/{user_id}/houses: an operator, or the user, adds a house (one per address)."""

from aws_lambda_powertools.event_handler.api_gateway import Router

from shared.core.http.docs import IdempotencyKey, responses
from shared.core.http.idempotency import create_once
from shared.core.http.resolver import build_resolver, current_caller, lambda_handler_for
from shared.core.settings import FunctionSettings
from shared.houses import service as houses
from shared.houses.models import House, HouseCreate


class Settings(FunctionSettings):
    houses_table: str
    idempotency_table: str
    unique_keys_table: str
    users_table: str


settings = Settings.load()


router = Router()


@router.post(
    "/users/<user_id>/houses",
    status_code=201,
    tags=["Houses"],
    responses=responses(House, 400, 404, 409, 422, status=201),
)
def create_house(user_id: str, house: HouseCreate, idempotency_key: IdempotencyKey = None) -> House:
    caller = current_caller(router)
    return create_once(router, idempotency_key, house, lambda: houses.create_house(caller, user_id, house), House)


app = build_resolver(router)
lambda_handler = lambda_handler_for(app)
