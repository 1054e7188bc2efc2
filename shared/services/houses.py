"""Reading and listing houses, as the caller may see them."""

from shared.auth import Caller
from shared.dal import houses
from shared.dal.houses import HouseRecord
from shared.dal.pages import PageRequest
from shared.errors import NotFoundError
from shared.models.common import Page
from shared.models.houses import House
from shared.services.access import may_see_owner, require_visible_user


def get_house(caller: Caller, house_id: str) -> House:
    return visible_house_record(caller, house_id).to_house()


def list_houses(caller: Caller, user_id: str, page: PageRequest) -> Page[House]:
    require_visible_user(caller, user_id)
    items, cursor = houses.list_houses(user_id, page)
    return Page[House](items=items, next_cursor=cursor)


def visible_house_record(caller: Caller, house_id: str) -> HouseRecord:
    """The house, if the caller may see it (operators, its owner); NotFoundError otherwise."""
    record = houses.get_house_record(house_id)
    if record is None or not may_see_owner(caller, record.user_id):
        raise NotFoundError(f"house {house_id} not found")
    return record
