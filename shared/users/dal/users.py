"""The Users table: one item per person, linked to their sign-in account by the Cognito `sub`.

Writes a new user, its unique email and NIF, and its search terms in one transaction."""

from datetime import datetime

from pynamodb.attributes import UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.transactions import TransactWrite

from shared.core.dal import unique_keys
from shared.core.dal.pages import read_page
from shared.core.dal.tables import TableRecord
from shared.core.dal.transactions import ConditionFailedError, write_transaction
from shared.core.errors import UniqueValueTakenError
from shared.core.paging import PageRequest
from shared.users.dal import search_index
from shared.users.models import User


class UserBySubIndex(GlobalSecondaryIndex["UserRecord"]):
    class Meta:
        index_name = "by_sub"
        projection = AllProjection()

    sub = UnicodeAttribute(hash_key=True)


class UserRecord(TableRecord):
    class Meta:
        table_setting = "users_table"

    id = UnicodeAttribute(hash_key=True)
    sub = UnicodeAttribute()
    name = UnicodeAttribute()
    email = UnicodeAttribute()
    nif = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    by_sub = UserBySubIndex()

    @classmethod
    def of(cls, user: User, sub: str) -> "UserRecord":
        return cls(
            user.id,
            sub=sub,
            name=user.name,
            email=user.email,
            nif=user.nif,
            phone=user.phone,
            created_at=user.created_at.isoformat(),
        )

    def to_user(self) -> User:
        return User(
            id=self.id,
            name=self.name,
            email=self.email,
            nif=self.nif,
            phone=self.phone,
            created_at=datetime.fromisoformat(self.created_at),
        )


def get_user(user_id: str) -> User | None:
    try:
        return UserRecord.get(user_id).to_user()
    except UserRecord.DoesNotExist:
        return None


def get_users(user_ids: list[str]) -> dict[str, User]:
    return {record.id: record.to_user() for record in UserRecord.batch_get(user_ids)}


def user_id_of_sub(sub: str) -> str | None:
    for record in UserRecord.by_sub.query(sub, limit=1):
        return str(record.id)
    return None


def list_users(page: PageRequest) -> tuple[list[User], str | None]:
    """Every user, in storage order (operators narrow the list with ?search=)."""
    records, cursor = read_page(
        lambda limit, start: UserRecord.scan(limit=limit, last_evaluated_key=start),
        page,
        lambda record: {"id": {"S": record.id}},
    )
    return [record.to_user() for record in records], cursor


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
        search_index.index_user(transaction, user.id, terms)

    try:
        write_transaction(write)
    except ConditionFailedError as failure:
        if failure.index < len(keys):
            raise UniqueValueTakenError(keys[failure.index]) from None
        raise
