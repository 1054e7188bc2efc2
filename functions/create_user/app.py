"""POST /users: an operator registers a person and their sign-in account (invitation email)."""

from aws_lambda_powertools.event_handler.api_gateway import Router

from shared.core.http.docs import IdempotencyKey, responses
from shared.core.http.idempotency import create_once
from shared.core.http.resolver import build_resolver, current_caller, lambda_handler_for
from shared.core.settings import FunctionSettings
from shared.users import service as users
from shared.users.clients.sign_in_accounts import SignInAccounts
from shared.users.models import User, UserCreate


class Settings(FunctionSettings):
    idempotency_table: str
    unique_keys_table: str
    users_table: str
    user_search_table: str
    user_pool_id: str


settings = Settings.load()


router = Router()
accounts = SignInAccounts(settings.user_pool_id)


@router.post("/users", status_code=201, tags=["Users"], responses=responses(User, 400, 403, 409, 422, status=201))
def create_user(user: UserCreate, idempotency_key: IdempotencyKey = None) -> User:
    caller = current_caller(router)
    return create_once(router, idempotency_key, user, lambda: users.create_user(caller, user, accounts), User)


app = build_resolver(router)
lambda_handler = lambda_handler_for(app)
