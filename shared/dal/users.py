"""The Users table: one item per person, linked to their sign-in account by the Cognito `sub`."""

from datetime import datetime

from pynamodb.attributes import UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from shared.config import env
from shared.dal.pages import PageRequest, read_page
from shared.models.users import User


class UserBySubIndex(GlobalSecondaryIndex["UserRecord"]):
    class Meta:
        index_name = "by_sub"
        projection = AllProjection()

    sub = UnicodeAttribute(hash_key=True)


class UserRecord(Model):
    class Meta:
        table_name = env("USERS_TABLE")

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
