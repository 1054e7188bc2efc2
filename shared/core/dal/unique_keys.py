"""Unique values (a user's email or NIF, a house's address) as items claimed inside the transaction that
writes their owner, so two racing requests can never both succeed."""

from collections.abc import Collection

from pynamodb.attributes import UnicodeAttribute
from pynamodb.transactions import TransactWrite

from shared.core.dal.tables import TableRecord


class UniqueKeyRecord(TableRecord):
    class Meta:
        table_setting = "unique_keys_table"

    key = UnicodeAttribute(hash_key=True)
    owner_id = UnicodeAttribute()


def claim(transaction: TransactWrite, key: str, owner_id: str) -> None:
    transaction.save(UniqueKeyRecord(key, owner_id=owner_id), condition=UniqueKeyRecord.key.does_not_exist())


def release(transaction: TransactWrite, key: str, owner_id: str) -> None:
    transaction.delete(UniqueKeyRecord(key), condition=UniqueKeyRecord.owner_id == owner_id)


def owner_of(key: str) -> str | None:
    try:
        return str(UniqueKeyRecord.get(key, consistent_read=True).owner_id)
    except UniqueKeyRecord.DoesNotExist:
        return None


def owners_of(keys: Collection[str]) -> dict[str, str]:
    """The owner of each of the keys that is claimed, in one batch read."""
    if not keys:
        return {}
    return {item.key: item.owner_id for item in UniqueKeyRecord.batch_get(list(keys), consistent_read=True)}
