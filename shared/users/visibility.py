"""Who may see what: operators see everything; a user sees only their own user record and houses.
Anything not visible is reported as not found, so ids cannot be probed."""

from shared.core.auth import Caller
from shared.core.errors import NotFoundError
from shared.users.dal import users


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
