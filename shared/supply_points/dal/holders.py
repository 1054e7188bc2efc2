"""Which house holds each of many supply points now, in two batch reads (the supply points' unique-key items,
then their houses) instead of two reads per supply point."""

from collections.abc import Iterable

from shared.core.dynamodb.unique_keys import UniqueKeyRecord
from shared.houses.dal import HouseRecord
from shared.supply_points.cups import Energy
from shared.supply_points.dal.cups_links import supply_point_key

SupplyPoint = tuple[Energy, str]


def holders(supply_points: Iterable[SupplyPoint]) -> dict[SupplyPoint, HouseRecord]:
    """The house holding each supply point; supply points no house holds are left out."""
    by_key = {supply_point_key(energy, point): (energy, point) for energy, point in supply_points}
    if not by_key:
        return {}
    owners = {item.key: item.owner_id for item in UniqueKeyRecord.batch_get(list(by_key), consistent_read=True)}
    if not owners:
        return {}
    houses = {house.id: house for house in HouseRecord.batch_get(set(owners.values()), consistent_read=True)}
    found: dict[SupplyPoint, HouseRecord] = {}
    for key, owner in owners.items():
        energy, point = by_key[key]
        house = houses.get(owner)
        # Both items change in one transaction; a link that moved between the two reads counts as no holder
        # (the caller holds the message and looks again).
        if house is not None and (link := house.current_link(energy)) is not None and link[0] == point:
            found[(energy, point)] = house
    return found
