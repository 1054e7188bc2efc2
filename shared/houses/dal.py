"""The Houses table, with a by_user index listing a user's houses oldest first.

Creates and changes houses while keeping 'one house per user, address and postal code' atomic."""

from collections.abc import Iterable
from datetime import date, datetime

from pynamodb.attributes import UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import PutError, UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.transactions import TransactWrite

from shared.communities.models import periods_from_json, periods_json
from shared.core.dal import unique_keys
from shared.core.dal.pages import read_page
from shared.core.dal.tables import TableRecord
from shared.core.dal.transactions import ConditionFailedError, write_transaction
from shared.core.errors import ConflictError, UniqueValueTakenError
from shared.core.paging import PageRequest
from shared.houses.models import House, HouseKind, StoredHouse, SupplyLink
from shared.pv.models import PvSettings
from shared.supply_points.cups import Energy


class HousesByUserIndex(GlobalSecondaryIndex["HouseRecord"]):
    class Meta:
        index_name = "by_user"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class HouseRecord(TableRecord):
    class Meta:
        table_setting = "houses_table"

    id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    name = UnicodeAttribute(null=True)
    kind = UnicodeAttribute()
    address = UnicodeAttribute()
    postal_code = UnicodeAttribute()
    city = UnicodeAttribute(null=True)
    address_key = UnicodeAttribute()  # the unique key this house holds (released when the address changes)
    electricity_cups = UnicodeAttribute(null=True)
    electricity_link_id = UnicodeAttribute(null=True)  # its current item in CupsLinksTable
    gas_cups = UnicodeAttribute(null=True)
    gas_link_id = UnicodeAttribute(null=True)
    # The current link's first visible day (ISO date), or _SEES_ALL; absent on houses stored before it was kept.
    electricity_visible_from = UnicodeAttribute(null=True)
    gas_visible_from = UnicodeAttribute(null=True)
    pv_installation = UnicodeAttribute(null=True)  # the PV installation's settings (JSON), as the House shows them
    energy_community = UnicodeAttribute(null=True)  # its periods in energy communities' sets (JSON), see communities
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()
    by_user = HousesByUserIndex()

    @classmethod
    def of(cls, house: StoredHouse) -> "HouseRecord":
        links = {energy: house.link(energy) for energy in Energy}
        record = cls(
            house.id,
            user_id=house.user_id,
            name=house.name,
            kind=house.kind.value,
            address=house.address,
            postal_code=house.postal_code,
            city=house.city,
            address_key=house.address_key,
            created_at=house.created_at.isoformat(),
            updated_at=house.updated_at.isoformat(),
            pv_installation=house.pv_installation.model_dump_json() if house.pv_installation else None,
            energy_community=periods_json(house.community_periods) if house.community_periods else None,
        )
        for energy, link in links.items():
            setattr(record, f"{energy.value}_cups", link.cups if link else None)
            setattr(record, f"{energy.value}_link_id", link.link_id if link else None)
            setattr(record, f"{energy.value}_visible_from", _visible_from_text(link))
        if house.version is not None:
            record.version = house.version  # what the write's condition expects to find
        return record

    def to_stored(self) -> StoredHouse:
        links = {
            energy: _link(cups, link_id, getattr(self, f"{energy.value}_visible_from"))
            for energy in Energy
            if (cups := getattr(self, f"{energy.value}_cups")) and (link_id := getattr(self, f"{energy.value}_link_id"))
        }
        return StoredHouse(
            id=self.id,
            user_id=self.user_id,
            name=self.name,
            kind=HouseKind(self.kind),
            address=self.address,
            postal_code=self.postal_code,
            city=self.city,
            address_key=self.address_key,
            created_at=datetime.fromisoformat(self.created_at),
            updated_at=datetime.fromisoformat(self.updated_at),
            links=links,
            pv_installation=PvSettings.model_validate_json(self.pv_installation) if self.pv_installation else None,
            community_periods=periods_from_json(self.energy_community) if self.energy_community else (),
            version=self.version,
        )


_SEES_ALL = "all"  # a link whose house sees everything stored for the supply point


def _visible_from_text(link: SupplyLink | None) -> str | None:
    if link is None or not link.visible_from_recorded:
        return None
    return link.visible_from.isoformat() if link.visible_from else _SEES_ALL


def _link(cups: str, link_id: str, visible_from: str | None) -> SupplyLink:
    if visible_from is None:
        return SupplyLink(cups, link_id, visible_from_recorded=False)
    return SupplyLink(cups, link_id, None if visible_from == _SEES_ALL else date.fromisoformat(visible_from))


def house_changed_concurrently() -> ConflictError:
    return ConflictError("the house was changed by another request meanwhile; read it again and retry")


def get_house(house_id: str) -> StoredHouse | None:
    try:
        return HouseRecord.get(house_id, consistent_read=True).to_stored()
    except HouseRecord.DoesNotExist:
        return None


def get_houses(house_ids: Iterable[str]) -> dict[str, StoredHouse]:
    return {record.id: record.to_stored() for record in HouseRecord.batch_get(set(house_ids), consistent_read=True)}


def list_houses(user_id: str, page: PageRequest) -> tuple[list[House], str | None]:
    records, cursor = read_page(
        lambda limit, start: HouseRecord.by_user.query(user_id, limit=limit, last_evaluated_key=start),
        page,
        lambda record: {
            "id": {"S": record.id},
            "user_id": {"S": record.user_id},
            "created_at": {"S": record.created_at},
        },
    )
    return [record.to_stored().to_house() for record in records], cursor


def create_house(house: StoredHouse) -> StoredHouse:
    """Store a new house claiming its address key; UniqueValueTakenError naming the house that holds it."""
    record = HouseRecord.of(house)

    def write(transaction: TransactWrite) -> None:
        unique_keys.claim(transaction, record.address_key, record.id)
        transaction.save(record, condition=HouseRecord.id.does_not_exist())

    try:
        write_transaction(write)
    except ConditionFailedError as failure:
        if failure.index == 0:
            raise _address_taken(record.address_key) from None
        raise
    return record.to_stored()


def save_changes(house: StoredHouse, previous_address_key: str) -> StoredHouse:
    """Save a changed house read earlier, moving its address key if it changed; a ConflictError when another
    request changed the house meanwhile (its version), UniqueValueTakenError when the new address is taken."""
    record = HouseRecord.of(house)
    if record.address_key == previous_address_key:
        try:
            record.save()
        except (PutError, UpdateError) as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise house_changed_concurrently() from None
            raise
        return record.to_stored()

    def write(transaction: TransactWrite) -> None:
        unique_keys.release(transaction, previous_address_key, record.id)
        unique_keys.claim(transaction, record.address_key, record.id)
        transaction.save(record)

    try:
        write_transaction(write)
    except ConditionFailedError as failure:
        # Order: the delete (release) comes first, then the puts (claim, house).
        if failure.index == 1:
            raise _address_taken(record.address_key) from None
        raise house_changed_concurrently() from None
    return record.to_stored()


def _address_taken(key: str) -> UniqueValueTakenError:
    return UniqueValueTakenError(key, owner_id=unique_keys.owner_of(key))
