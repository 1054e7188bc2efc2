"""Writes a new user, its unique email and NIF, and its search terms in one transaction."""

from pynamodb.transactions import TransactWrite

from shared.dal import unique_keys, user_search
from shared.dal.transactions import ConditionFailedError, write_transaction
from shared.dal.users import UserRecord
from shared.errors import UniqueValueTakenError
from shared.models.users import User


def email_key(email: str) -> str:
    return f"user-email#{email.lower()}"


def nif_key(nif: str) -> str:
    return f"user-nif#{nif}"


def register_user(user: User, sub: str, terms: frozenset[str]) -> None:
    """Raises UniqueValueTakenError with the key already taken (the email's or the NIF's)."""
    keys = [email_key(user.email)] + ([nif_key(user.nif)] if user.nif else [])

    def write(transaction: TransactWrite) -> None:
        for key in keys:  # puts first: their position is the failed condition's index
            unique_keys.claim(transaction, key, user.id)
        transaction.save(UserRecord.of(user, sub), condition=UserRecord.id.does_not_exist())
        user_search.index_user(transaction, user.id, terms)

    try:
        write_transaction(write)
    except ConditionFailedError as failure:
        if failure.index < len(keys):
            raise UniqueValueTakenError(keys[failure.index]) from None
        raise
