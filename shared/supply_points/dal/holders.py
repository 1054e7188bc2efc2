"""Which house holds each of many supply points now, in two batch reads (the supply points' unique-key items,
then their houses) instead of two reads per supply point."""

from collections.abc import Iterable, Mapping
from datetime import date

from shared.core.dal.unique_keys import owners_of
from shared.houses.dal import get_houses
from shared.houses.models import StoredHouse
from shared.supply_points.cups import Energy
from shared.supply_points.dal.cups_links import supply_point_key, visible_from_of

SupplyPoint = tuple[Energy, str]


def holders(supply_points: Iterable[SupplyPoint]) -> dict[SupplyPoint, StoredHouse]:
    """The house holding each supply point; supply points no house holds are left out."""
    by_key = {supply_point_key(energy, point): (energy, point) for energy, point in supply_points}
    owners = owners_of(by_key)
    if not owners:
        return {}
    houses = get_houses(owners.values())
    found: dict[SupplyPoint, StoredHouse] = {}
    for key, owner in owners.items():
        energy, point = by_key[key]
        house = houses.get(owner)
        # Both items change in one transaction; a link that moved between the two reads counts as no holder
        # (the caller holds the message and looks again).
        if house is not None and (link := house.link(energy)) is not None and link.supply_point == point:
            found[(energy, point)] = house
    return found


def visible_from(held: Mapping[SupplyPoint, StoredHouse]) -> dict[SupplyPoint, date]:
    """The first day each supply point's documents belong to the house holding it (its link's `visible_from`:
    the previous holder's are not the house's), for those that have one."""
    links = {}
    for (energy, point), house in held.items():
        if (link := house.link(energy)) is not None:
            links[(link.supply_point, link.link_id)] = (energy, point)
    return {links[key]: day for key, day in visible_from_of(links).items()}
