"""Creating and changing houses under the duplicate-address rule."""

import uuid
from datetime import UTC, datetime

from shared.addresses import address_key
from shared.auth import Caller
from shared.dal import house_registry
from shared.dal.houses import HouseRecord
from shared.errors import ConflictError, FieldProblem, UniqueValueTakenError
from shared.models.houses import House, HouseCreate, HouseUpdate
from shared.services.access import require_visible_user
from shared.services.houses import visible_house_record


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
