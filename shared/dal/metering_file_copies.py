"""What the poller reads and writes in the MeteringFiles table: which copies exist, and a new copy's record.

A record is written only if its object key has none yet, so two overlapping polls record a file once."""

from collections.abc import Collection
from datetime import datetime

from pynamodb.exceptions import PutError

from shared.dal.metering_files import FileStatus, MeteringFileRecord
from shared.dal.pages import PageRequest, read_page
from shared.models.distributor_connections import ConnectionFile


def recorded_keys(object_keys: Collection[str]) -> set[str]:
    """Those of `object_keys` that already have a record."""
    if not object_keys:
        return set()
    found = MeteringFileRecord.batch_get(
        object_keys, consistent_read=True, attributes_to_get=[MeteringFileRecord.object_key.attr_name]
    )
    return {record.object_key for record in found}


def record_copy(
    *, object_key: str, connection_id: str, remote_path: str, name: str, size: int, mtime: int, copied_at: datetime
) -> bool:
    """Record a copied file; False if it was already recorded (by an overlapping poll)."""
    record = MeteringFileRecord(
        object_key,
        connection_id=connection_id,
        remote_path=remote_path,
        name=name,
        size=size,
        remote_mtime=mtime,
        copied_at=copied_at.isoformat(),
        status=FileStatus.COPIED.value,
    )
    try:
        record.save(condition=MeteringFileRecord.object_key.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def connection_files(connection_id: str, page: PageRequest) -> tuple[list[ConnectionFile], str | None]:
    """The files copied from a connection, newest first."""
    records, cursor = read_page(
        lambda limit, start: MeteringFileRecord.by_connection.query(
            connection_id, scan_index_forward=False, limit=limit, last_evaluated_key=start
        ),
        page,
        lambda record: {
            "object_key": {"S": record.object_key},
            "connection_id": {"S": record.connection_id},
            "copied_at": {"S": record.copied_at},
        },
    )
    return [_connection_file(record) for record in records], cursor


def _connection_file(record: MeteringFileRecord) -> ConnectionFile:
    return ConnectionFile(
        name=record.name,
        remote_path=record.remote_path,
        size=int(record.size),
        copied_at=datetime.fromisoformat(record.copied_at),
        object_key=record.object_key,
        status=record.status,
        rows_stored=int(record.rows_stored),
        rows_rejected=int(record.rows_rejected),
        error=record.error,
        error_report=record.error_report_key,
    )
