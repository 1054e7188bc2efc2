"""Operators register the distributors' SFTP connections and see what the poller copied from them."""

from datetime import UTC, datetime

from shared.core.auth import Caller
from shared.core.errors import NotFoundError
from shared.core.models import Page
from shared.core.paging import PageRequest
from shared.metering.clients.connection_secrets import ConnectionSecrets, Credential
from shared.metering.dal import connections, files
from shared.metering.models import ConnectionFile, ConnectionPut, DistributorConnection, StoredConnection


def put_connection(
    caller: Caller, connection_id: str, settings: ConnectionPut, secrets: ConnectionSecrets
) -> tuple[DistributorConnection, bool]:
    """Create or replace the connection; True when it was created. The secret is stored first, so a
    connection never points at a secret that does not exist."""
    caller.require_operator()
    credential = Credential(
        private_key=settings.private_key.get_secret_value() if settings.private_key else None,
        password=settings.password.get_secret_value() if settings.password else None,
    )
    secret_name = secrets.store(connection_id, credential)
    return connections.save_settings(connection_id, settings, secret_name, datetime.now(UTC))


def get_connection(caller: Caller, connection_id: str) -> DistributorConnection:
    caller.require_operator()
    return _existing(connection_id)


def list_connections(caller: Caller, page: PageRequest) -> Page[DistributorConnection]:
    caller.require_operator()
    found, cursor = connections.list_connections(page)
    return Page[DistributorConnection](items=list(found), next_cursor=cursor)


def list_files(caller: Caller, connection_id: str, page: PageRequest) -> Page[ConnectionFile]:
    caller.require_operator()
    _existing(connection_id)
    copied, cursor = files.connection_files(connection_id, page)
    return Page[ConnectionFile](items=copied, next_cursor=cursor)


def _existing(connection_id: str) -> StoredConnection:
    connection = connections.get_connection(connection_id)
    if connection is None:
        raise NotFoundError(f"distributor connection {connection_id} not found")
    return connection
