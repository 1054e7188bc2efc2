"""Linking a house to its electricity or gas supply point (CUPS), and what of its metering the house sees.

Every successful link is announced (SupplyPointLinked) after it is committed: imported contracts and invoices
held for that CUPS are then stored. A request that fails after the commit (5xx) and is retried announces the
link again, which is harmless: taking up held messages is idempotent."""

from dataclasses import replace
from datetime import UTC, date, datetime

from shared.core.auth import Caller
from shared.core.clients.domain_events import DomainEvents
from shared.core.errors import ConflictError, FieldProblem, InvalidInputError, NotFoundError, UniqueValueTakenError
from shared.houses.models import House, StoredHouse, SupplyLink
from shared.houses.service import visible_house
from shared.supply_points.cups import Energy, InvalidCups, normalise_cups, supply_point_key
from shared.supply_points.dal import cups_links
from shared.supply_points.models import SUPPLY_POINT_LINKED, CupsLink, CupsLinkEntry, SupplyPointLinked
from shared.supply_points.zones import electric_zone


def set_cups(caller: Caller, house_id: str, energy: Energy, body: CupsLink, events: DomainEvents) -> House:
    caller.require_operator()
    house = visible_house(caller, house_id)
    try:
        cups = normalise_cups(body.cups, energy)
    except InvalidCups as invalid:
        raise InvalidInputError.on("cups", str(invalid)) from None
    supply_point = supply_point_key(cups)
    now = datetime.now(UTC)
    current = house.link(energy)
    if current and current.supply_point == supply_point:
        house = _update_current_link(house, energy, current, cups=cups, since=body.since, now=now)
    else:
        house = _link(house, energy, cups, body.since, now)
    linked = SupplyPointLinked(supply_point=supply_point, energy=energy, house_id=house.id)
    events.publish(SUPPLY_POINT_LINKED, linked.model_dump(mode="json"))
    return house.to_house()


def remove_cups(caller: Caller, house_id: str, energy: Energy) -> None:
    caller.require_operator()
    house = visible_house(caller, house_id)
    current = house.link(energy)
    if current is None:
        raise NotFoundError(f"house {house_id} has no {energy.value} CUPS")
    links = {other: link for other, link in house.links.items() if other is not energy}
    cups_links.unlink(replace(house, links=links, updated_at=datetime.now(UTC)), energy, current)


def _link(house: StoredHouse, energy: Energy, cups: str, since: date | None, now: datetime) -> StoredHouse:
    supply_point = supply_point_key(cups)
    entry = CupsLinkEntry(
        supply_point=supply_point,
        link_id=f"{now.isoformat()}#{house.id}",
        house_id=house.id,
        energy=energy,
        cups=cups,
        since=since,
        visible_from=_visible_from(supply_point, house, since),
        linked_at=now,
    )
    link = SupplyLink(cups, entry.link_id, entry.visible_from)
    linked = replace(house, links={**house.links, energy: link}, updated_at=now)
    try:
        return cups_links.link(linked, energy, entry, previous=house.link(energy))
    except UniqueValueTakenError:
        message = f"{cups} is linked to another house now; unlink it there first"
        raise ConflictError(message, problems=[FieldProblem("cups", message)]) from None


def _update_current_link(
    house: StoredHouse, energy: Energy, current: SupplyLink, *, cups: str, since: date | None, now: datetime
) -> StoredHouse:
    entry = cups_links.get_link(current.supply_point, current.link_id)
    if entry is None:  # the house points at a link that must exist: a broken invariant, not bad input
        raise RuntimeError(f"house {house.id} refers to a missing CUPS link {current.link_id}")
    if entry.cups == cups and entry.since == since:
        return house  # the same request again: nothing changes
    changed = replace(entry, cups=cups, since=since, visible_from=_visible_from(entry.supply_point, house, since))
    link = SupplyLink(cups, current.link_id, changed.visible_from)
    relinked = replace(house, links={**house.links, energy: link}, updated_at=now)
    return cups_links.update_link(relinked, changed)


def _visible_from(supply_point: str, house: StoredHouse, since: date | None) -> date | None:
    """The later of `since` and the local day the previous holder's link ended: a new holder never sees the
    previous holder's consumption, whatever `since` says."""
    ended = cups_links.last_unlinked_at(supply_point, other_than_house=house.id)
    local = electric_zone(house.postal_code).time_zone  # the house's days, as its consumption shows them
    days = [day for day in (since, ended.astimezone(local).date() if ended else None) if day is not None]
    return max(days) if days else None
