"""Houses as the caller may see them, created and changed under the duplicate-address rule."""

import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime

from shared.core.auth import Caller
from shared.core.errors import ConflictError, FieldProblem, NotFoundError, UniqueValueTakenError
from shared.core.models import Page
from shared.core.paging import PageRequest
from shared.houses import dal
from shared.houses.addresses import address_key
from shared.houses.models import House, HouseCreate, HouseUpdate, StoredHouse
from shared.users.service import may_see_owner, require_visible_user


def get_house(caller: Caller, house_id: str) -> House:
    return visible_house(caller, house_id).to_house()


def list_houses(caller: Caller, user_id: str, page: PageRequest) -> Page[House]:
    require_visible_user(caller, user_id)
    items, cursor = dal.list_houses(user_id, page)
    return Page[House](items=items, next_cursor=cursor)


def visible_house(caller: Caller, house_id: str) -> StoredHouse:
    """The house, if the caller may see it (operators, its owner); NotFoundError otherwise."""
    house = dal.get_house(house_id)
    if house is None or not may_see_owner(caller, house.user_id):
        raise NotFoundError(f"house {house_id} not found")
    return house


def stored_houses(house_ids: Iterable[str]) -> dict[str, StoredHouse]:
    """The houses of those ids that exist, by id (one batch read), for a feature whose caller checks were made
    (an operator's route)."""
    return dal.get_houses(house_ids)


def create_house(caller: Caller, user_id: str, body: HouseCreate) -> House:
    require_visible_user(caller, user_id)
    now = datetime.now(UTC)
    house = StoredHouse(
        id=str(uuid.uuid4()),
        user_id=user_id,
        name=body.name,
        kind=body.kind,
        address=body.address,
        postal_code=body.postal_code,
        city=body.city,
        address_key=address_key(user_id, body.postal_code, body.address),
        created_at=now,
        updated_at=now,
    )
    try:
        return dal.create_house(house).to_house()
    except UniqueValueTakenError as taken:
        raise _duplicate_address(taken) from None


def update_house(caller: Caller, house_id: str, body: HouseUpdate) -> House:
    house = visible_house(caller, house_id)
    changed = replace(house, **body.changes(), updated_at=datetime.now(UTC))
    changed = replace(changed, address_key=address_key(changed.user_id, changed.postal_code, changed.address))
    try:
        return dal.save_changes(changed, previous_address_key=house.address_key).to_house()
    except UniqueValueTakenError as taken:
        raise _duplicate_address(taken) from None


def _duplicate_address(taken: UniqueValueTakenError) -> ConflictError:
    message = "the user already has a house at this address and postal code"
    return ConflictError(
        message,
        problems=[FieldProblem("address", message)],
        existing_house_id=taken.owner_id or "",
    )
