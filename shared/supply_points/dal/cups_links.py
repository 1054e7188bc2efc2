"""The CupsLinks table: every link of a supply point (20-character CUPS) to a house, current and past.

Links and unlinks a supply point and a house in one transaction: the house's CUPS, the unique claim that
keeps one house per CUPS, and the link history."""

from collections.abc import Collection
from datetime import date, datetime

from pynamodb.attributes import UnicodeAttribute
from pynamodb.transactions import TransactWrite

from shared.core.dal import unique_keys
from shared.core.dal.tables import TableRecord
from shared.core.dal.transactions import ConditionFailedError, write_transaction
from shared.core.errors import UniqueValueTakenError
from shared.houses.dal import HouseRecord, house_changed_concurrently
from shared.houses.models import StoredHouse, SupplyLink
from shared.supply_points.cups import Energy
from shared.supply_points.models import CupsLinkEntry


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

    @classmethod
    def of(cls, entry: CupsLinkEntry) -> "CupsLinkRecord":
        return cls(
            entry.supply_point,
            entry.link_id,
            house_id=entry.house_id,
            energy=entry.energy.value,
            cups=entry.cups,
            since=_iso(entry.since),
            visible_from=_iso(entry.visible_from),
            linked_at=entry.linked_at.isoformat(),
            unlinked_at=_iso(entry.unlinked_at),
        )

    def to_entry(self) -> CupsLinkEntry:
        return CupsLinkEntry(
            supply_point=self.supply_point,
            link_id=self.link_id,
            house_id=self.house_id,
            energy=Energy(self.energy),
            cups=self.cups,
            since=date.fromisoformat(self.since) if self.since else None,
            visible_from=date.fromisoformat(self.visible_from) if self.visible_from else None,
            linked_at=datetime.fromisoformat(self.linked_at),
            unlinked_at=datetime.fromisoformat(self.unlinked_at) if self.unlinked_at else None,
        )


def get_link(supply_point: str, link_id: str) -> CupsLinkEntry | None:
    try:
        return CupsLinkRecord.get(supply_point, link_id, consistent_read=True).to_entry()
    except CupsLinkRecord.DoesNotExist:
        return None


def visible_from_of(links: Collection[tuple[str, str]]) -> dict[tuple[str, str], date]:
    """The first day each (supply point, link id) shows its house, in one batch read; links with none are left
    out."""
    if not links:
        return {}
    records = CupsLinkRecord.batch_get(list(links), consistent_read=True)
    return {(r.supply_point, r.link_id): date.fromisoformat(r.visible_from) for r in records if r.visible_from}


def last_unlinked_at(supply_point: str, other_than_house: str) -> datetime | None:
    """When the most recent link of this supply point to another house ended."""
    ends = [
        link.unlinked_at
        for link in CupsLinkRecord.query(supply_point, consistent_read=True)
        if link.house_id != other_than_house and link.unlinked_at
    ]
    return datetime.fromisoformat(max(ends)) if ends else None


def supply_point_key(energy: Energy, supply_point: str) -> str:
    return f"cups#{energy.value}#{supply_point}"


def link(house: StoredHouse, energy: Energy, entry: CupsLinkEntry, previous: SupplyLink | None) -> StoredHouse:
    """Save `house`, now linked by `entry`, claiming the entry's supply point and ending its `previous` link of
    that energy; UniqueValueTakenError when another house holds the supply point."""
    record = HouseRecord.of(house)

    def write(transaction: TransactWrite) -> None:
        if previous:
            unique_keys.release(transaction, supply_point_key(energy, previous.supply_point), house.id)
        unique_keys.claim(transaction, supply_point_key(energy, entry.supply_point), house.id)
        transaction.save(CupsLinkRecord.of(entry), condition=CupsLinkRecord.link_id.does_not_exist())
        transaction.save(record)
        if previous:
            _end(transaction, previous, house.updated_at)

    claim_index = 1 if previous else 0  # deletes come before puts in DynamoDB's order
    try:
        write_transaction(write)
    except ConditionFailedError as failure:
        if failure.index == claim_index:
            key = supply_point_key(energy, entry.supply_point)
            raise UniqueValueTakenError(key, owner_id=unique_keys.owner_of(key)) from None
        raise house_changed_concurrently() from None
    return record.to_stored()


def update_link(house: StoredHouse, entry: CupsLinkEntry) -> StoredHouse:
    """Save the current link's new written form or `since`, and `house` showing it."""
    record = HouseRecord.of(house)

    def write(transaction: TransactWrite) -> None:
        transaction.save(CupsLinkRecord.of(entry), condition=CupsLinkRecord.unlinked_at.does_not_exist())
        transaction.save(record)

    try:
        write_transaction(write)
    except ConditionFailedError:
        raise house_changed_concurrently() from None
    return record.to_stored()


def unlink(house: StoredHouse, energy: Energy, previous: SupplyLink) -> StoredHouse:
    """Save `house` without its link of that energy, releasing the supply point and ending `previous`."""
    record = HouseRecord.of(house)

    def write(transaction: TransactWrite) -> None:
        unique_keys.release(transaction, supply_point_key(energy, previous.supply_point), house.id)
        transaction.save(record)
        _end(transaction, previous, house.updated_at)

    try:
        write_transaction(write)
    except ConditionFailedError:
        raise house_changed_concurrently() from None
    return record.to_stored()


def _end(transaction: TransactWrite, link: SupplyLink, at: datetime) -> None:
    transaction.update(
        CupsLinkRecord(link.supply_point, link.link_id),
        actions=[CupsLinkRecord.unlinked_at.set(at.isoformat())],
        condition=CupsLinkRecord.unlinked_at.does_not_exist(),
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
