"""The house use cases against an in-memory store: the dal speaks StoredHouse, so the rules need no DynamoDB."""

from dataclasses import replace
from typing import Any

import pytest

from shared.core.auth import Caller
from shared.core.errors import ConflictError, UniqueValueTakenError
from shared.houses import service
from shared.houses.models import HouseCreate, HouseUpdate, StoredHouse

OPERATOR = Caller(sub="operator-sub", groups=frozenset({"operators"}))


class InMemoryHouses:
    """What shared.houses.dal does, in a dict: address keys unique, every save moves the version on."""

    def __init__(self) -> None:
        self.houses: dict[str, StoredHouse] = {}

    def _holder(self, key: str, other_than: str) -> str | None:
        return next((h.id for h in self.houses.values() if h.address_key == key and h.id != other_than), None)

    def get_house(self, house_id: str) -> StoredHouse | None:
        return self.houses.get(house_id)

    def create_house(self, house: StoredHouse) -> StoredHouse:
        if holder := self._holder(house.address_key, house.id):
            raise UniqueValueTakenError(house.address_key, owner_id=holder)
        self.houses[house.id] = replace(house, version=1)
        return self.houses[house.id]

    def save_changes(self, house: StoredHouse, previous_address_key: str) -> StoredHouse:
        assert self.houses[house.id].version == house.version, "a save carries the version it read"
        if holder := self._holder(house.address_key, house.id):
            raise UniqueValueTakenError(house.address_key, owner_id=holder)
        self.houses[house.id] = replace(house, version=(house.version or 0) + 1)
        return self.houses[house.id]


@pytest.fixture
def houses(monkeypatch: pytest.MonkeyPatch) -> InMemoryHouses:
    store = InMemoryHouses()
    monkeypatch.setattr(service, "dal", store)
    monkeypatch.setattr(service, "require_visible_user", lambda caller, user_id: None)
    monkeypatch.setattr(service, "may_see_owner", lambda caller, owner_id: True)
    return store


def create(address: str, postal_code: str = "28013", user_id: str = "user-1") -> Any:
    return service.create_house(OPERATOR, user_id, HouseCreate(address=address, postal_code=postal_code))


def test_an_address_written_another_way_is_the_same_house(houses: InMemoryHouses) -> None:
    first = create("C/ Mayor, 5")

    with pytest.raises(ConflictError) as duplicate:
        create("calle mayor 5")

    assert duplicate.value.extensions == {"existing_house_id": first.id}
    assert [problem.field for problem in duplicate.value.problems] == ["address"]
    assert create("calle mayor 5", user_id="user-2").id != first.id  # another user's house may share it


def test_a_change_moves_the_address_key_and_the_version(houses: InMemoryHouses) -> None:
    house = create("C/ Mayor, 5")

    changed = service.update_house(OPERATOR, house.id, HouseUpdate(address="Avda. de la Paz 3", name="Casa"))

    stored = houses.houses[house.id]
    assert (changed.address, changed.name, stored.version) == ("Avda. de la Paz 3", "Casa", 2)
    assert stored.address_key == "house-address#user-1#28013#avenida paz 3"
    assert changed.updated_at > house.updated_at


def test_a_change_to_another_house_s_address_is_refused_naming_it(houses: InMemoryHouses) -> None:
    first, second = create("C/ Mayor, 5"), create("Plaza Mayor 1")

    with pytest.raises(ConflictError) as duplicate:
        service.update_house(OPERATOR, second.id, HouseUpdate(address="Calle Mayor 5"))

    assert duplicate.value.extensions == {"existing_house_id": first.id}
    assert houses.houses[second.id].address == "Plaza Mayor 1"
