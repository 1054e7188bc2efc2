"""GET /users (operators, ?search= by name, email or NIF prefix), GET /users/{user_id} and GET /me."""

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.core.http.docs import Cursor, Limit, responses
from shared.core.http.resolver import build_resolver, current_caller, lambda_handler_for
from shared.core.models import Page
from shared.core.paging import PageRequest
from shared.core.settings import FunctionSettings
from shared.users import service as users
from shared.users.models import User


class Settings(FunctionSettings):
    users_table: str
    user_search_table: str


settings = Settings.load()


router = Router()

Search = Annotated[
    str | None,
    Query(max_length=200, description="Prefix of a name word, the full name, the email or the NIF"),
]


@router.get("/users", tags=["Users"], responses=responses(Page[User], 403, 422))
def list_users(search: Search = None, limit: Limit = 50, cursor: Cursor = None) -> Page[User]:
    return users.list_users(current_caller(router), search, PageRequest(limit, cursor))


@router.get("/users/<user_id>", tags=["Users"], responses=responses(User, 404))
def get_user(user_id: str) -> User:
    return users.get_user(current_caller(router), user_id)


@router.get("/me", tags=["Users"], responses=responses(User, 404))
def get_me() -> User:
    return users.get_me(current_caller(router))


app = build_resolver(router)
lambda_handler = lambda_handler_for(app)
