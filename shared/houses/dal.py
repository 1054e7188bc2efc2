"""The Houses table, with a by_user index listing a user's houses oldest first.

Creates and changes houses while keeping 'one house per user, address and postal code' atomic."""

from datetime import datetime

from pynamodb.attributes import UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import PutError, UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.transactions import TransactWrite

from shared.core.dynamodb import unique_keys
from shared.core.dynamodb.pages import PageRequest, read_page
from shared.core.dynamodb.tables import TableRecord
from shared.core.dynamodb.transactions import ConditionFailedError, write_transaction
from shared.core.errors import ConflictError, UniqueValueTakenError
from shared.houses.models import House, HouseKind
from shared.supply_points.cups import Energy, supply_point_key


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
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()
    by_user = HousesByUserIndex()

    def current_link(self, energy: Energy) -> tuple[str, str] | None:
        """(supply point, link id in CupsLinksTable) of the house's current CUPS of that energy."""
        cups, link_id = getattr(self, f"{energy.value}_cups"), getattr(self, f"{energy.value}_link_id")
        return (supply_point_key(cups), link_id) if cups and link_id else None

    def to_house(self) -> House:
        return House(
            id=self.id,
            user_id=self.user_id,
            name=self.name,
            kind=HouseKind(self.kind),
            address=self.address,
            postal_code=self.postal_code,
            city=self.city,
            electricity_cups=self.electricity_cups,
            gas_cups=self.gas_cups,
            created_at=datetime.fromisoformat(self.created_at),
            updated_at=datetime.fromisoformat(self.updated_at),
        )


def house_changed_concurrently() -> ConflictError:
    return ConflictError("the house was changed by another request meanwhile; read it again and retry")


def get_house_record(house_id: str) -> HouseRecord | None:
    try:
        return HouseRecord.get(house_id, consistent_read=True)
    except HouseRecord.DoesNotExist:
        return None


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
    return [record.to_house() for record in records], cursor


def create_house(record: HouseRecord) -> None:
    def write(transaction: TransactWrite) -> None:
        unique_keys.claim(transaction, record.address_key, record.id)
        transaction.save(record, condition=HouseRecord.id.does_not_exist())

    try:
        write_transaction(write)
    except ConditionFailedError as failure:
        if failure.index == 0:
            raise _address_taken(record.address_key) from None
        raise


def save_changes(record: HouseRecord, previous_address_key: str) -> None:
    """Save a changed house read earlier; its version attribute refuses a concurrent change (ConflictError)."""
    if record.address_key == previous_address_key:
        try:
            record.save()
        except (PutError, UpdateError) as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                raise house_changed_concurrently() from None
            raise
        return

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


def _address_taken(key: str) -> UniqueValueTakenError:
    return UniqueValueTakenError(key, owner_id=unique_keys.owner_of(key))
