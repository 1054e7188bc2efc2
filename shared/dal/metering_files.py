"""The MeteringFiles table: every distributor file copied to the raw/ prefix and the outcome of parsing it.

The poller writes the item when it copies a file (status `copied`); the parse pipeline moves it to `parsed`,
`partially_parsed` (some rows rejected) or `failed`, with its counts and where the error report is."""

from enum import StrEnum

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from shared.config import env


class FileStatus(StrEnum):
    COPIED = "copied"
    PARSED = "parsed"
    PARTIALLY_PARSED = "partially_parsed"
    FAILED = "failed"


class FilesByConnectionIndex(GlobalSecondaryIndex["MeteringFileRecord"]):
    class Meta:
        index_name = "by_connection"
        projection = AllProjection()

    connection_id = UnicodeAttribute(hash_key=True)
    copied_at = UnicodeAttribute(range_key=True)


class MeteringFileRecord(Model):
    class Meta:
        table_name = env("METERING_FILES_TABLE")

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
    error = UnicodeAttribute(null=True)  # why the whole file failed (unreadable, unknown name...)
    error_report_key = UnicodeAttribute(null=True)  # reports/<...>: rejected rows with line and reason
    # The parse pipeline's own bookkeeping (shared/dal/metering_file_outcomes.py):
    file_id = UnicodeAttribute(null=True)  # the content being parsed (object key + ETag); other chunks don't count
    supply_points = NumberAttribute(null=True)  # distinct supply points stored, once parsed
    outcome_event_claimed_at = UnicodeAttribute(null=True)  # when a function set out to announce the outcome
    outcome_event_sent_at = UnicodeAttribute(null=True)
    by_connection = FilesByConnectionIndex()
