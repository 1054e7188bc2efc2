"""Users: finding and listing them, creating one (the person's record and their sign-in account, or neither), and
who may see what: operators see everything; a user sees only their own user record and houses. Anything not
visible is reported as not found, so ids cannot be probed."""

import uuid
from datetime import UTC, datetime

from shared.core.auth import Caller
from shared.core.dal import unique_keys
from shared.core.errors import ConflictError, FieldProblem, InvalidInputError, NotFoundError, UniqueValueTakenError
from shared.core.models import Page
from shared.core.paging import PageRequest
from shared.users.clients.sign_in_accounts import AccountExistsError, EmailRefusedError, SignInAccounts
from shared.users.dal import search_index, users
from shared.users.dal.users import email_key, register_user
from shared.users.models import User, UserCreate
from shared.users.search_terms import search_key, search_terms


def user_not_found(user_id: str) -> NotFoundError:
    return NotFoundError(f"user {user_id} not found")


def own_user_id(caller: Caller) -> str | None:
    return users.user_id_of_sub(caller.sub)


def require_visible_user(caller: Caller, user_id: str) -> None:
    """The user exists and the caller may see it."""
    if caller.is_operator:
        if users.get_user(user_id) is None:
            raise user_not_found(user_id)
    elif own_user_id(caller) != user_id:
        raise user_not_found(user_id)


def may_see_owner(caller: Caller, owner_id: str) -> bool:
    return caller.is_operator or own_user_id(caller) == owner_id


def get_user(caller: Caller, user_id: str) -> User:
    user = users.get_user(user_id) if caller.is_operator or own_user_id(caller) == user_id else None
    if user is None:
        raise user_not_found(user_id)
    return user


def get_me(caller: Caller) -> User:
    user_id = own_user_id(caller)
    user = users.get_user(user_id) if user_id else None
    if user is None:
        raise NotFoundError("no user is linked to this sign-in account")
    return user


def list_users(caller: Caller, search: str | None, page: PageRequest) -> Page[User]:
    caller.require_operator()
    prefix = search_key(search or "")
    if not prefix:
        items, cursor = users.list_users(page)
        return Page[User](items=items, next_cursor=cursor)
    user_ids, cursor = search_index.find_user_ids(prefix, page)
    found = users.get_users(user_ids)
    return Page[User](items=[found[user_id] for user_id in user_ids if user_id in found], next_cursor=cursor)


def create_user(caller: Caller, body: UserCreate, accounts: SignInAccounts) -> User:
    """The sign-in account is created first (Cognito refuses a second account for an email); if the user
    record then cannot be written, the account is removed again so nothing is left half-created. An attempt cut
    short in between (a timeout) leaves an account that no user claims: a retry takes it over."""
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
        sub, created = accounts.create(user.email, user.name), True
    except AccountExistsError:
        sub, created = _unclaimed_account(user, accounts), False
    except EmailRefusedError:
        raise InvalidInputError.on("email", "the sign-in service does not accept this email address") from None
    try:
        register_user(user, sub, search_terms(user.name, user.email, user.nif))
    except BaseException as error:
        if created:  # an account taken over stays: it was there before this request, and may be resumed again
            accounts.delete(user.email)
        if isinstance(error, UniqueValueTakenError):
            field = "email" if error.key == email_key(user.email) else "nif"
            raise _already_used(field, getattr(user, field)) from None
        raise
    return user


def _unclaimed_account(user: User, accounts: SignInAccounts) -> str:
    """The sub of the email's account when a create was cut short after making it: no user claims the email
    (read consistently) and the account is in no group (an operator's account is never a user's)."""
    account = accounts.existing(user.email)
    if account.groups or unique_keys.owner_of(email_key(user.email)) is not None:
        raise _already_used("email", user.email)
    accounts.set_name(user.email, user.name)  # the retry's name wins, as it would have on a first attempt
    return account.sub


def _already_used(field: str, value: str | None) -> ConflictError:
    message = f"{field} {value} is already used by another user"
    return ConflictError(message, problems=[FieldProblem(field, message)])
