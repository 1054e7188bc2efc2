"""Creates and changes houses while keeping 'one house per user, address and postal code' atomic."""

from pynamodb.exceptions import PutError, UpdateError
from pynamodb.transactions import TransactWrite

from shared.dal import unique_keys
from shared.dal.houses import HouseRecord, house_changed_concurrently
from shared.dal.transactions import ConditionFailedError, write_transaction
from shared.errors import UniqueValueTakenError


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
