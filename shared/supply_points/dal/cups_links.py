"""The CupsLinks table: every link of a supply point (20-character CUPS) to a house, current and past.

Links and unlinks a supply point and a house in one transaction: the house's CUPS, the unique claim that
keeps one house per CUPS, and the link history."""

from datetime import date

from pynamodb.attributes import UnicodeAttribute
from pynamodb.transactions import TransactWrite

from shared.core.dynamodb import unique_keys
from shared.core.dynamodb.tables import TableRecord
from shared.core.dynamodb.transactions import ConditionFailedError, write_transaction
from shared.core.errors import UniqueValueTakenError
from shared.houses.dal import HouseRecord, house_changed_concurrently
from shared.supply_points.cups import Energy


class CupsLinkRecord(TableRecord):
    class Meta:
        table_setting = "cups_links_table"

    supply_point = UnicodeAttribute(hash_key=True)
    link_id = UnicodeAttribute(range_key=True)  # "<linked_at>#<house id>": the history in time order
    house_id = UnicodeAttribute()
    energy = UnicodeAttribute()
    cups = UnicodeAttribute()  # as stored on the house (20 or 22 characters)
    since = UnicodeAttribute(null=True)  # the operator's `since`, as given
    visible_from = UnicodeAttribute(null=True)  # first local day the house sees; None: everything stored
    linked_at = UnicodeAttribute()
    unlinked_at = UnicodeAttribute(null=True)

    @property
    def visible_from_date(self) -> date | None:
        return date.fromisoformat(self.visible_from) if self.visible_from else None


def get_link(supply_point: str, link_id: str) -> CupsLinkRecord | None:
    try:
        return CupsLinkRecord.get(supply_point, link_id, consistent_read=True)
    except CupsLinkRecord.DoesNotExist:
        return None


def last_unlinked_at(supply_point: str, other_than_house: str) -> str | None:
    """When the most recent link of this supply point to another house ended."""
    ends = [
        link.unlinked_at
        for link in CupsLinkRecord.query(supply_point, consistent_read=True)
        if link.house_id != other_than_house and link.unlinked_at
    ]
    return max(ends, default=None)


def supply_point_key(energy: Energy, supply_point: str) -> str:
    return f"cups#{energy.value}#{supply_point}"


def link(house: HouseRecord, energy: Energy, new_link: CupsLinkRecord, now: str) -> None:
    """Point the house at `new_link`, ending its current link of that energy if it has another one."""
    previous = house.current_link(energy)
    setattr(house, f"{energy.value}_cups", new_link.cups)
    setattr(house, f"{energy.value}_link_id", new_link.link_id)
    house.updated_at = now

    def write(transaction: TransactWrite) -> None:
        if previous:
            unique_keys.release(transaction, supply_point_key(energy, previous[0]), house.id)
        unique_keys.claim(transaction, supply_point_key(energy, new_link.supply_point), house.id)
        transaction.save(new_link, condition=CupsLinkRecord.link_id.does_not_exist())
        transaction.save(house)
        if previous:
            _end(transaction, *previous, now)

    claim_index = 1 if previous else 0  # deletes come before puts in DynamoDB's order
    try:
        write_transaction(write)
    except ConditionFailedError as failure:
        if failure.index == claim_index:
            key = supply_point_key(energy, new_link.supply_point)
            raise UniqueValueTakenError(key, owner_id=unique_keys.owner_of(key)) from None
        raise house_changed_concurrently() from None


def update_link(house: HouseRecord, energy: Energy, changed: CupsLinkRecord, now: str) -> None:
    """Same supply point, new written form or `since`."""
    setattr(house, f"{energy.value}_cups", changed.cups)
    house.updated_at = now

    def write(transaction: TransactWrite) -> None:
        transaction.save(changed, condition=CupsLinkRecord.unlinked_at.does_not_exist())
        transaction.save(house)

    try:
        write_transaction(write)
    except ConditionFailedError:
        raise house_changed_concurrently() from None


def unlink(house: HouseRecord, energy: Energy, now: str) -> bool:
    """End the house's link of that energy; False if it had none."""
    previous = house.current_link(energy)
    if previous is None:
        return False
    setattr(house, f"{energy.value}_cups", None)
    setattr(house, f"{energy.value}_link_id", None)
    house.updated_at = now

    def write(transaction: TransactWrite) -> None:
        unique_keys.release(transaction, supply_point_key(energy, previous[0]), house.id)
        transaction.save(house)
        _end(transaction, *previous, now)

    try:
        write_transaction(write)
    except ConditionFailedError:
        raise house_changed_concurrently() from None
    return True


def _end(transaction: TransactWrite, supply_point: str, link_id: str, now: str) -> None:
    transaction.update(
        CupsLinkRecord(supply_point, link_id),
        actions=[CupsLinkRecord.unlinked_at.set(now)],
        condition=CupsLinkRecord.unlinked_at.does_not_exist(),
    )
