"""Finding and listing users."""

from shared.auth import Caller
from shared.dal import user_search, users
from shared.dal.pages import PageRequest
from shared.errors import NotFoundError
from shared.models.common import Page
from shared.models.users import User
from shared.services.access import own_user_id, user_not_found
from shared.user_search import search_key


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
    user_ids, cursor = user_search.find_user_ids(prefix, page)
    found = users.get_users(user_ids)
    return Page[User](items=[found[user_id] for user_id in user_ids if user_id in found], next_cursor=cursor)
