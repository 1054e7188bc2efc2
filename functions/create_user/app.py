"""POST /users: an operator registers a person and their sign-in account (invitation email)."""

from aws_lambda_powertools.event_handler.api_gateway import Router

from shared.api.docs import IdempotencyKey, responses
from shared.api.idempotency import create_once
from shared.api.resolver import build_resolver, current_caller, lambda_handler_for
from shared.integrations.sign_in_accounts import SignInAccounts
from shared.models.users import User, UserCreate
from shared.services import user_creation

router = Router()
accounts = SignInAccounts.from_environment()


@router.post("/users", status_code=201, tags=["Users"], responses=responses(User, 400, 403, 409, 422, status=201))
def create_user(user: UserCreate, idempotency_key: IdempotencyKey = None) -> User:
    caller = current_caller(router)
    return create_once(router, idempotency_key, user, lambda: user_creation.create_user(caller, user, accounts), User)


app = build_resolver(router)
lambda_handler = lambda_handler_for(app)
