"""The MeteringFiles table: every distributor file copied to the raw/ prefix and the outcome of parsing it.

The poller writes the item when it copies a file (status `copied`), only if its object key has none yet, so two
overlapping polls record a file once. The parse pipeline keeps its state on the item, right however often SQS
redelivers:
- The split points the item at one content of the object (its file id) and records how many chunks it cut.
- Each chunk is counted once: a marker item (conditional put) and the item's counters (ADD) in one transaction.
- When every chunk is counted, one conditional update settles the status (`parsed`, `partially_parsed` when
  some rows were rejected, or `failed`), whichever function gets there first. A file `failed` because a chunk
  failed on every delivery settles so too once that chunk, redriven from the dead-letter queue, is counted.
- The outcome is announced by the function that claims it; a claim older than a function's run time is
  abandoned (that function died) and can be taken over."""

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime, timedelta

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.transactions import TransactWrite

from shared.core.dal.pages import read_page
from shared.core.dal.tables import TableRecord
from shared.core.dal.transactions import ConditionFailedError, write_transaction
from shared.core.paging import PageRequest
from shared.metering.models import ChunkRows, ConnectionFile, FileStatus, MeteringFile


class FilesByConnectionIndex(GlobalSecondaryIndex["MeteringFileRecord"]):
    class Meta:
        index_name = "by_connection"
        projection = AllProjection()

    connection_id = UnicodeAttribute(hash_key=True)
    copied_at = UnicodeAttribute(range_key=True)


class FilesByStatusIndex(GlobalSecondaryIndex["MeteringFileRecord"]):
    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    copied_at = UnicodeAttribute(range_key=True)


class MeteringFileRecord(TableRecord):
    class Meta:
        table_setting = "metering_files_table"

    object_key = UnicodeAttribute(hash_key=True)  # raw/<connection id>/<remote path>@<size>-<mtime>
    connection_id = UnicodeAttribute()
    remote_path = UnicodeAttribute()
    name = UnicodeAttribute()  # the remote file name, which says its kind, distributor and version
    size = NumberAttribute()
    remote_mtime = NumberAttribute()
    copied_at = UnicodeAttribute()
    status = UnicodeAttribute(default=FileStatus.COPIED.value)
    chunks_total = NumberAttribute(null=True)
    chunks_done = NumberAttribute(default=0)
    rows_stored = NumberAttribute(default=0)
    rows_rejected = NumberAttribute(default=0)
    rows_wrong_season = NumberAttribute(default=0)  # stored rows whose season flag the calendar contradicts
    error = UnicodeAttribute(null=True)  # why the whole file failed (unreadable, unknown name...)
    error_report_key = UnicodeAttribute(null=True)  # reports/<...>: rejected rows with line and reason
    # The parse pipeline's own bookkeeping:
    file_id = UnicodeAttribute(null=True)  # the content being parsed (object key + ETag); other chunks don't count
    supply_points = NumberAttribute(null=True)  # distinct supply points stored, once parsed
    failed_by_chunk = BooleanAttribute(null=True)  # `failed` because a chunk gave up: its redrive can settle it
    outcome_event_claimed_at = UnicodeAttribute(null=True)  # when a function set out to announce the outcome
    outcome_event_sent_at = UnicodeAttribute(null=True)
    by_connection = FilesByConnectionIndex()
    by_status = FilesByStatusIndex()

    def to_file(self) -> MeteringFile:
        return MeteringFile(
            object_key=self.object_key,
            connection_id=self.connection_id,
            remote_path=self.remote_path,
            name=self.name,
            size=int(self.size),
            copied_at=datetime.fromisoformat(self.copied_at),
            status=FileStatus(self.status),
            file_id=self.file_id,
            chunks_total=None if self.chunks_total is None else int(self.chunks_total),
            chunks_done=int(self.chunks_done),
            rows_stored=int(self.rows_stored),
            rows_rejected=int(self.rows_rejected),
            rows_wrong_season=int(self.rows_wrong_season),
            supply_points=None if self.supply_points is None else int(self.supply_points),
            error=self.error,
            error_report_key=self.error_report_key,
            outcome_announced=self.outcome_event_sent_at is not None,
            failed_by_chunk=bool(self.failed_by_chunk),
        )


def recorded_keys(object_keys: Collection[str]) -> set[str]:
    """Those of `object_keys` that already have a record."""
    if not object_keys:
        return set()
    found = MeteringFileRecord.batch_get(
        object_keys, consistent_read=True, attributes_to_get=[MeteringFileRecord.object_key.attr_name]
    )
    return {record.object_key for record in found}


def record_copy(
    *,
    object_key: str,
    connection_id: str,
    remote_path: str,
    name: str,
    size: int,
    mtime: int,
    copied_at: datetime,
    quarantined_for: str | None = None,
) -> bool:
    """Record a copied file; False if it was already recorded (by an overlapping poll). A file the poller will
    not copy is recorded `failed` with the reason it is `quarantined_for` (and no object): it shows among the
    connection's files, and no later poll tries it again."""
    record = MeteringFileRecord(
        object_key,
        connection_id=connection_id,
        remote_path=remote_path,
        name=name,
        size=size,
        remote_mtime=mtime,
        copied_at=copied_at.isoformat(),
        status=FileStatus.COPIED.value if quarantined_for is None else FileStatus.FAILED.value,
        error=quarantined_for,
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
    return [record.to_file().to_connection_file() for record in records], cursor


def files_copied_before(cutoff: datetime) -> Iterator[MeteringFile]:
    """The files still `copied` (not settled) that were copied before `cutoff`, oldest first."""
    records = MeteringFileRecord.by_status.query(
        FileStatus.COPIED.value, FilesByStatusIndex.copied_at < cutoff.isoformat()
    )
    return (record.to_file() for record in records)


_CONDITION_FAILED = "ConditionalCheckFailedException"
_MARKER_PREFIX = "counted-chunk#"  # object keys start with raw/: markers never meet a file's item
_FAILED_POLLS_PREFIX = "failed-polls#"


class FailedPolls(TableRecord):
    """How many polls failed to copy one remote file (object key), and the last error; its own key, like
    CountedChunk, and no connection_id: it never shows among a connection's files."""

    class Meta:
        table_setting = "metering_files_table"

    object_key = UnicodeAttribute(hash_key=True)  # failed-polls#<object key>
    attempts = NumberAttribute()
    error = UnicodeAttribute()


def count_failed_poll(object_key: str, error: str) -> int:
    """One more poll failed to copy the file: how many have now."""
    record = FailedPolls(f"{_FAILED_POLLS_PREFIX}{object_key}")
    record.update(actions=[FailedPolls.attempts.add(1), FailedPolls.error.set(error)])
    return int(record.attempts)


class FileRecordMissingError(LookupError):
    """The object has no MeteringFiles item (the poller writes it when it copies the file)."""


class FileReplacedError(Exception):
    """The item follows another content of the object now: what was asked is stale."""


class CountedChunk(TableRecord):
    """Marks one chunk of one content as counted; lives in the files table under a key of its own."""

    class Meta:
        table_setting = "metering_files_table"

    object_key = UnicodeAttribute(hash_key=True)  # counted-chunk#<file id>#<chunk>
    rows_stored = NumberAttribute()
    rows_rejected = NumberAttribute()
    rows_wrong_season = NumberAttribute(default=0)


def get_file(object_key: str) -> MeteringFile:
    try:
        return MeteringFileRecord.get(object_key, consistent_read=True).to_file()
    except DoesNotExist:
        raise FileRecordMissingError(f"no MeteringFiles item for {object_key}") from None


def follow_content(file: MeteringFile, file_id: str) -> None:
    """Point the item at this content with its counts started afresh; nothing if it already follows it."""
    if file.file_id == file_id:
        return
    item = MeteringFileRecord
    unchanged = item.file_id.does_not_exist() if file.file_id is None else item.file_id == file.file_id
    MeteringFileRecord(file.object_key).update(
        actions=[
            item.file_id.set(file_id),
            item.status.set(FileStatus.COPIED.value),
            item.chunks_done.set(0),
            item.rows_stored.set(0),
            item.rows_rejected.set(0),
            item.rows_wrong_season.set(0),
            item.chunks_total.remove(),
            item.error.remove(),
            item.error_report_key.remove(),
            item.supply_points.remove(),
            item.outcome_event_claimed_at.remove(),
            item.outcome_event_sent_at.remove(),
        ],
        condition=unchanged,
    )


def record_chunks_total(object_key: str, file_id: str, chunks_total: int) -> None:
    _update_content(object_key, file_id, [MeteringFileRecord.chunks_total.set(chunks_total)])


def fail(object_key: str, file_id: str, error: str) -> None:
    item = MeteringFileRecord
    _update_content(object_key, file_id, [item.status.set(FileStatus.FAILED.value), item.error.set(error)])


def give_up(object_key: str, file_id: str | None, error: str) -> bool:
    """Mark a file that is still to settle `failed` (its message failed on its last delivery); False if it settled
    meanwhile, follows another content than `file_id` or has no record. With no `file_id` (the split gave up) the
    item follows no content any more, so that the event, redriven from the dead-letter queue once the cause is
    fixed, splits the file afresh; with one (a chunk gave up), the chunk, redriven, completes the file."""
    item = MeteringFileRecord
    unsettled = item.status == FileStatus.COPIED.value
    actions: list[Action] = [item.status.set(FileStatus.FAILED.value), item.error.set(error)]
    if file_id is None:
        actions.append(item.file_id.remove())
    else:
        unsettled &= item.file_id == file_id
        actions.append(item.failed_by_chunk.set(True))
    return _update_if(MeteringFileRecord(object_key), actions, unsettled)


def chunk_counted(file_id: str, chunk: int) -> bool:
    try:
        CountedChunk.get(_marker_key(file_id, chunk))
    except DoesNotExist:
        return False
    return True


def count_chunk(object_key: str, file_id: str, chunk: int, rows: ChunkRows) -> bool:
    """Add the chunk's rows to the file's counts unless it was counted already (then False)."""
    item = MeteringFileRecord
    marker = CountedChunk(
        _marker_key(file_id, chunk),
        rows_stored=rows.stored,
        rows_rejected=rows.rejected,
        rows_wrong_season=rows.wrong_season,
    )

    def count(transaction: TransactWrite) -> None:
        transaction.save(marker, condition=CountedChunk.object_key.does_not_exist())
        transaction.update(
            MeteringFileRecord(object_key),
            actions=[
                item.chunks_done.add(1),
                item.rows_stored.add(rows.stored),
                item.rows_rejected.add(rows.rejected),
                item.rows_wrong_season.add(rows.wrong_season),
            ],
            condition=item.file_id == file_id,
        )

    try:
        write_transaction(count)
    except ConditionFailedError as failed:
        if failed.index == 0:  # the marker's put: conditions are reported puts first, then updates
            return False
        raise FileReplacedError(f"{object_key} no longer follows content {file_id}") from failed
    return True


def settle_if_complete(file: MeteringFile, supply_points: int, report_prefix: str) -> MeteringFile | None:
    """Set the final status of a file whose chunks are all counted (`file` read after that): the file as settled,
    or None when another function settled it first. A file a chunk failed settles the same once that chunk is
    counted after all, its failure and the announcement of it forgotten, so that the new outcome is announced."""
    item = MeteringFileRecord
    actions: list[Action] = [
        item.status.set(file.final_status.value),
        item.supply_points.set(supply_points),
        item.failed_by_chunk.remove(),
        item.outcome_event_claimed_at.remove(),
        item.outcome_event_sent_at.remove(),
    ]
    if file.rows_rejected:
        actions.append(item.error_report_key.set(report_prefix))
    if not file.rows_stored and file.rows_rejected:
        actions.append(item.error.set("every row was rejected (see the error report)"))
    else:
        actions.append(item.error.remove())
    complete = (
        ((item.status == FileStatus.COPIED.value) | (item.failed_by_chunk == True))  # noqa: E712 - a condition
        & (item.file_id == file.file_id)
        & (item.chunks_done == file.chunks_total)
    )
    record = MeteringFileRecord(file.object_key)
    return record.to_file() if _update_if(record, actions, complete) else None


def claim_outcome_event(file: MeteringFile, now: datetime, abandoned_after: timedelta) -> bool:
    """True for the one function that is to announce the settled outcome now."""
    item = MeteringFileRecord
    unclaimed = item.outcome_event_claimed_at.does_not_exist() | (
        item.outcome_event_claimed_at < (now - abandoned_after).isoformat()
    )
    condition = item.outcome_event_sent_at.does_not_exist() & (item.file_id == file.file_id) & unclaimed
    return _update_if(
        MeteringFileRecord(file.object_key), [item.outcome_event_claimed_at.set(now.isoformat())], condition
    )


def mark_outcome_event_sent(file: MeteringFile, now: datetime) -> None:
    MeteringFileRecord(file.object_key).update(actions=[MeteringFileRecord.outcome_event_sent_at.set(now.isoformat())])


def _marker_key(file_id: str, chunk: int) -> str:
    return f"{_MARKER_PREFIX}{file_id}#{chunk:06d}"


def _update_content(object_key: str, file_id: str, actions: Sequence[Action]) -> None:
    """Update the item while it follows `file_id`; FileReplacedError otherwise."""
    if not _update_if(MeteringFileRecord(object_key), actions, MeteringFileRecord.file_id == file_id):
        raise FileReplacedError(f"{object_key} no longer follows content {file_id}")


def _update_if(record: MeteringFileRecord, actions: Sequence[Action], condition: Condition) -> bool:
    try:
        record.update(actions=list(actions), condition=condition)
    except UpdateError as error:
        if error.cause_response_code == _CONDITION_FAILED:
            return False
        raise
    return True
