"""Reading and listing houses, as the caller may see them.

Creating and changing houses under the duplicate-address rule."""

import uuid
from datetime import UTC, datetime

from shared.core.auth import Caller
from shared.core.dynamodb.pages import PageRequest
from shared.core.errors import ConflictError, FieldProblem, NotFoundError, UniqueValueTakenError
from shared.core.models import Page
from shared.houses import dal as house_registry
from shared.houses import dal as houses
from shared.houses.addresses import address_key
from shared.houses.dal import HouseRecord
from shared.houses.models import House, HouseCreate, HouseUpdate
from shared.users.visibility import may_see_owner, require_visible_user


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


def create_house(caller: Caller, user_id: str, body: HouseCreate) -> House:
    require_visible_user(caller, user_id)
    now = datetime.now(UTC).isoformat()
    record = HouseRecord(
        str(uuid.uuid4()),
        user_id=user_id,
        name=body.name,
        kind=body.kind.value,
        address=body.address,
        postal_code=body.postal_code,
        city=body.city,
        address_key=address_key(user_id, body.postal_code, body.address),
        created_at=now,
        updated_at=now,
    )
    try:
        house_registry.create_house(record)
    except UniqueValueTakenError as taken:
        raise _duplicate_address(taken) from None
    return record.to_house()


def update_house(caller: Caller, house_id: str, body: HouseUpdate) -> House:
    record = visible_house_record(caller, house_id)
    previous_key = record.address_key
    for name, value in body.changes().items():
        setattr(record, name, value.value if name == "kind" else value)
    record.address_key = address_key(record.user_id, record.postal_code, record.address)
    record.updated_at = datetime.now(UTC).isoformat()
    try:
        house_registry.save_changes(record, previous_key)
    except UniqueValueTakenError as taken:
        raise _duplicate_address(taken) from None
    return record.to_house()


def _duplicate_address(taken: UniqueValueTakenError) -> ConflictError:
    message = "the user already has a house at this address and postal code"
    return ConflictError(
        message,
        problems=[FieldProblem("address", message)],
        existing_house_id=taken.owner_id or "",
    )
