"""GET /users/{user_id}/houses and GET /houses/{house_id}: operators, and the owner."""

from aws_lambda_powertools.event_handler.api_gateway import Router

from shared.core.http.docs import Cursor, Limit, responses
from shared.core.http.resolver import build_resolver, current_caller, lambda_handler_for
from shared.core.models import Page
from shared.core.paging import PageRequest
from shared.core.settings import FunctionSettings
from shared.houses import service as houses
from shared.houses.models import House


class Settings(FunctionSettings):
    houses_table: str
    users_table: str


settings = Settings.load()


router = Router()


@router.get("/users/<user_id>/houses", tags=["Houses"], responses=responses(Page[House], 404, 422))
def list_houses(user_id: str, limit: Limit = 50, cursor: Cursor = None) -> Page[House]:
    return houses.list_houses(current_caller(router), user_id, PageRequest(limit, cursor))


@router.get("/houses/<house_id>", tags=["Houses"], responses=responses(House, 404))
def get_house(house_id: str) -> House:
    return houses.get_house(current_caller(router), house_id)


app = build_resolver(router)
lambda_handler = lambda_handler_for(app)
