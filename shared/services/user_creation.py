"""Creating a user: the person's record and their sign-in account, or neither."""

import uuid
from datetime import UTC, datetime

from shared.auth import Caller
from shared.dal.user_registration import email_key, register_user
from shared.errors import ConflictError, FieldProblem, UniqueValueTakenError
from shared.integrations.sign_in_accounts import AccountExistsError, SignInAccounts
from shared.models.users import User, UserCreate
from shared.user_search import search_terms


def create_user(caller: Caller, body: UserCreate, accounts: SignInAccounts) -> User:
    """The sign-in account is created first (Cognito refuses a second account for an email); if the user
    record then cannot be written, the account is removed again so nothing is left half-created."""
    caller.require_operator()
    user = User(
        id=str(uuid.uuid4()),
        name=body.name,
        email=body.email,
        nif=body.nif,
        phone=body.phone,
        created_at=datetime.now(UTC),
    )
    try:
        sub = accounts.create(user.email, user.name)
    except AccountExistsError:
        raise _already_used("email", user.email) from None
    try:
        register_user(user, sub, search_terms(user.name, user.email, user.nif))
    except BaseException as error:
        accounts.delete(user.email)
        if isinstance(error, UniqueValueTakenError):
            field = "email" if error.key == email_key(user.email) else "nif"
            raise _already_used(field, getattr(user, field)) from None
        raise
    return user


def _already_used(field: str, value: str | None) -> ConflictError:
    message = f"{field} {value} is already used by another user"
    return ConflictError(message, problems=[FieldProblem(field, message)])
