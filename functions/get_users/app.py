"""GET /users (operators, ?search= by name, email or NIF prefix), GET /users/{user_id} and GET /me."""

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.api.docs import Cursor, Limit, responses
from shared.api.resolver import build_resolver, current_caller, lambda_handler_for
from shared.dal.pages import PageRequest
from shared.models.common import Page
from shared.models.users import User
from shared.services import users

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
