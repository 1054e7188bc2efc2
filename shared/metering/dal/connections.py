"""The DistributorConnections table: how to reach each distributor's SFTP server, and its last poll.

The API writes the settings and the poller writes `last_poll`, each with an update of its own attributes
only, so neither overwrites the other's concurrent write."""

from datetime import datetime
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.exceptions import UpdateError

from shared.core.dal.pages import read_page
from shared.core.dal.tables import TableRecord
from shared.core.paging import PageRequest
from shared.metering.models import Authentication, ConnectionPut, LastPoll, StoredConnection


class LastPollAttribute(MapAttribute[str, Any]):
    at = UnicodeAttribute()
    files_copied = NumberAttribute()
    error = UnicodeAttribute(null=True)


class DistributorConnectionRecord(TableRecord):
    class Meta:
        table_setting = "distributor_connections_table"

    id = UnicodeAttribute(hash_key=True)
    distributor_code = UnicodeAttribute()
    host = UnicodeAttribute()
    port = NumberAttribute()
    username = UnicodeAttribute()
    authentication = UnicodeAttribute()
    secret_name = UnicodeAttribute()  # the Secrets Manager secret holding the private key or password
    host_key = UnicodeAttribute()
    remote_dirs = ListAttribute[str]()
    patterns = ListAttribute[str]()
    enabled = BooleanAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    revision = NumberAttribute(default=0)  # how many times the settings were written: 1 after the first PUT
    last_poll = LastPollAttribute(null=True)

    def to_connection(self) -> StoredConnection:
        return StoredConnection(
            id=self.id,
            distributor_code=self.distributor_code,
            host=self.host,
            port=int(self.port),
            username=self.username,
            authentication=Authentication(self.authentication),
            host_key=self.host_key,
            remote_dirs=list(self.remote_dirs),
            patterns=list(self.patterns),
            enabled=self.enabled,
            created_at=datetime.fromisoformat(self.created_at),
            updated_at=datetime.fromisoformat(self.updated_at),
            last_poll=self._last_poll(),
            secret_name=self.secret_name,
        )

    def _last_poll(self) -> LastPoll | None:
        if self.last_poll is None:
            return None
        return LastPoll(
            at=datetime.fromisoformat(self.last_poll.at),
            files_copied=int(self.last_poll.files_copied),
            error=self.last_poll.error,
        )


def save_settings(
    connection_id: str, settings: ConnectionPut, secret_name: str, now: datetime
) -> tuple[StoredConnection, bool]:
    """Create or replace the connection's settings (its last poll is kept); True when it was created."""
    record = DistributorConnectionRecord(connection_id)
    stamp = now.isoformat()
    fields = DistributorConnectionRecord
    record.update(
        actions=[
            fields.distributor_code.set(settings.distributor_code),
            fields.host.set(settings.host),
            fields.port.set(settings.port),
            fields.username.set(settings.username),
            fields.authentication.set(settings.authentication.value),
            fields.secret_name.set(secret_name),
            fields.host_key.set(settings.host_key),
            fields.remote_dirs.set(settings.remote_dirs),
            fields.patterns.set(settings.patterns),
            fields.enabled.set(settings.enabled),
            fields.created_at.set(fields.created_at | stamp),
            fields.updated_at.set(stamp),
            # One atomic counter says which of two racing first PUTs created the item.
            fields.revision.add(1),
        ]
    )
    return record.to_connection(), record.revision == 1


def get_connection(connection_id: str) -> StoredConnection | None:
    try:
        return DistributorConnectionRecord.get(connection_id, consistent_read=True).to_connection()
    except DistributorConnectionRecord.DoesNotExist:
        return None


def list_connections(page: PageRequest) -> tuple[list[StoredConnection], str | None]:
    records, cursor = read_page(
        lambda limit, start: DistributorConnectionRecord.scan(limit=limit, last_evaluated_key=start),
        page,
        lambda record: {"id": {"S": record.id}},
    )
    return [record.to_connection() for record in records], cursor


def enabled_connections() -> list[StoredConnection]:
    enabled = DistributorConnectionRecord.scan(DistributorConnectionRecord.enabled == True)  # noqa: E712
    return [record.to_connection() for record in enabled]


def record_poll(connection_id: str, poll: LastPoll) -> None:
    """Store the outcome of a poll, unless the connection no longer exists."""
    last_poll = LastPollAttribute(at=poll.at.isoformat(), files_copied=poll.files_copied, error=poll.error)
    try:
        DistributorConnectionRecord(connection_id).update(
            actions=[DistributorConnectionRecord.last_poll.set(last_poll)],
            condition=DistributorConnectionRecord.id.exists(),
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
