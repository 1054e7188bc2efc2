"""Linking a house to its electricity or gas supply point (CUPS), and what of its metering the house sees.

Every successful link is announced (SupplyPointLinked) after it is committed: imported contracts and invoices
held for that CUPS are then stored. A request that fails after the commit (5xx) and is retried announces the
link again, which is harmless: taking up held messages is idempotent."""

from datetime import UTC, date, datetime

from shared.core.auth import Caller
from shared.core.clients.domain_events import DomainEvents
from shared.core.errors import ConflictError, FieldProblem, InvalidInputError, NotFoundError, UniqueValueTakenError
from shared.houses.dal import HouseRecord
from shared.houses.models import House
from shared.houses.service import visible_house_record
from shared.metering.hour_labels import MADRID
from shared.supply_points.cups import Energy, InvalidCups, normalise_cups, supply_point_key
from shared.supply_points.dal import cups_links
from shared.supply_points.dal import cups_links as supply_point_links
from shared.supply_points.dal.cups_links import CupsLinkRecord
from shared.supply_points.models import SUPPLY_POINT_LINKED, CupsLink, SupplyPointLinked


def set_cups(caller: Caller, house_id: str, energy: Energy, body: CupsLink, events: DomainEvents) -> House:
    caller.require_operator()
    house = visible_house_record(caller, house_id)
    try:
        cups = normalise_cups(body.cups, energy)
    except InvalidCups as invalid:
        raise InvalidInputError.on("cups", str(invalid)) from None
    supply_point = supply_point_key(cups)
    now = datetime.now(UTC).isoformat()
    current = house.current_link(energy)
    if current and current[0] == supply_point:
        _update_current_link(house, energy, current[1], cups=cups, since=body.since, now=now)
    else:
        _link(house, energy, cups, body.since, now)
    linked = SupplyPointLinked(supply_point=supply_point, energy=energy, house_id=house.id)
    events.publish(SUPPLY_POINT_LINKED, linked.model_dump(mode="json"))
    return house.to_house()


def _link(house: HouseRecord, energy: Energy, cups: str, since: date | None, now: str) -> None:
    supply_point = supply_point_key(cups)
    link = CupsLinkRecord(
        supply_point,
        f"{now}#{house.id}",
        house_id=house.id,
        energy=energy.value,
        cups=cups,
        since=since.isoformat() if since else None,
        visible_from=_visible_from(supply_point, house.id, since),
        linked_at=now,
    )
    try:
        supply_point_links.link(house, energy, link, now)
    except UniqueValueTakenError:
        message = f"{cups} is linked to another house now; unlink it there first"
        raise ConflictError(message, problems=[FieldProblem("cups", message)]) from None


def remove_cups(caller: Caller, house_id: str, energy: Energy) -> None:
    caller.require_operator()
    house = visible_house_record(caller, house_id)
    if not supply_point_links.unlink(house, energy, datetime.now(UTC).isoformat()):
        raise NotFoundError(f"house {house_id} has no {energy.value} CUPS")


def _update_current_link(
    house: HouseRecord, energy: Energy, link_id: str, *, cups: str, since: date | None, now: str
) -> None:
    link = cups_links.get_link(cups[:20], link_id)
    if link is None:  # the house points at a link that must exist: a broken invariant, not bad input
        raise RuntimeError(f"house {house.id} refers to a missing CUPS link {link_id}")
    wanted_since = since.isoformat() if since else None
    if link.cups == cups and link.since == wanted_since:
        return  # the same request again: nothing changes
    link.cups, link.since = cups, wanted_since
    link.visible_from = _visible_from(link.supply_point, house.id, since)
    supply_point_links.update_link(house, energy, link, now)


def _visible_from(supply_point: str, house_id: str, since: date | None) -> str | None:
    """The later of `since` and the local day the previous holder's link ended: a new holder never sees the
    previous holder's consumption, whatever `since` says."""
    ended = cups_links.last_unlinked_at(supply_point, other_than_house=house_id)
    ended_on = datetime.fromisoformat(ended).astimezone(MADRID).date() if ended else None
    days = [day for day in (since, ended_on) if day is not None]
    return max(days).isoformat() if days else None
