"""One chunk of a split file -> its hourly readings stored, its rejected rows reported, counted once; the
chunk that completes the file settles its status and announces it.

A chunk that fails on its last delivery marks its file `failed` with the error (the other chunks can no longer
settle it) before it goes to the dead-letter queue; redriven from there once the cause is fixed and counted, it
settles the file as if it had never failed, and the new outcome is announced.

Every step may run again (SQS delivers at least once, and retries what raised): the items, report and
supply-point list are written under the same keys with the same content, the counts move once per chunk
(metering_file_outcomes), and the outcome event goes out once unless the function announcing it dies.
"""

import shutil
import tempfile
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import BinaryIO

from aws_lambda_powertools.metrics import MetricUnit

from shared.core.clients.domain_events import DomainEvents
from shared.core.clients.object_store import ObjectStore
from shared.core.observability import logger, metrics
from shared.metering import layout, supply_point_counts
from shared.metering.dal import files, metering
from shared.metering.error_reports import ErrorReport
from shared.metering.file_names import parse_file_name
from shared.metering.hour_groups import SupplyPointMonths
from shared.metering.models import ChunkRows, FileStatus, MeteringFile
from shared.metering.parser import read_metering_file
from shared.metering.queue_messages import ChunkMessage

EVENT_SOURCE = "house-energy.metering"
FILE_INGESTED = "MeteringFileIngested"
# A claim to announce the outcome older than the ingest function's Timeout belongs to a function that died.
_ANNOUNCER_ABANDONED_AFTER = timedelta(seconds=300)
_LINES_LOGGED = 20  # of the rows whose season flag is wrong, the first lines named in the log


class ChunkIngestion:
    def __init__(self, objects: ObjectStore, events: DomainEvents) -> None:
        self._objects = objects
        self._events = events

    def ingest(self, chunk: ChunkMessage, *, last_delivery: bool = False) -> None:
        try:
            self._ingest(chunk)
        except Exception as error:
            reason = f"chunk {chunk.chunk} failed on every delivery: {type(error).__name__}: {error}"
            if last_delivery and files.give_up(chunk.object_key, chunk.file_id, reason):
                metrics.add_metric(name="FilesFailed", unit=MetricUnit.Count, value=1)
            raise

    def _ingest(self, chunk: ChunkMessage) -> None:
        try:
            self._store_once(chunk)
        except files.FileReplacedError:
            logger.info("the file was copied again with another content: stale chunk dropped", extra=_log(chunk))
            return
        self._settle(chunk)

    def _store_once(self, chunk: ChunkMessage) -> None:
        file = files.get_file(chunk.object_key)
        if file.file_id != chunk.file_id:
            raise files.FileReplacedError(f"{chunk.object_key} no longer follows content {chunk.file_id}")
        if files.chunk_counted(chunk.file_id, chunk.chunk):
            return
        rows, wrong_season_lines = self._store(chunk, file.copied_at.isoformat())
        counted = files.count_chunk(chunk.object_key, chunk.file_id, chunk.chunk, rows)
        if counted:
            metrics.add_metric(name="RowsStored", unit=MetricUnit.Count, value=rows.stored)
            metrics.add_metric(name="RowsRejected", unit=MetricUnit.Count, value=rows.rejected)
        logger.info(
            "chunk stored" if counted else "chunk stored again: a duplicate delivery counted it first",
            extra=_log(chunk) | {"rows_stored": rows.stored, "rows_rejected": rows.rejected},
        )
        if wrong_season_lines:
            logger.warning(
                "season flags that disagree with the calendar: stored at their label's hour",
                extra=_log(chunk)
                | {"rows_wrong_season": rows.wrong_season, "first_lines": wrong_season_lines[:_LINES_LOGGED]},
            )

    def _store(self, chunk: ChunkMessage, delivered_at: str) -> tuple[ChunkRows, list[int]]:
        """Store the chunk's readings, its error report and its supply points; what it did with its rows, and the
        line numbers of the rows whose season flag disagrees with the calendar."""
        name = parse_file_name(chunk.file_name)
        version = metering.MeteringFileVersion(
            source=name.kind,
            generated_on=name.generated_on.strftime("%Y%m%d"),
            version=name.version or 0,  # the zipped P5D names carry no version
            file_id=chunk.file_id,
            delivered_at=delivered_at,
        )
        months = SupplyPointMonths(metering.month_of)
        wrong_season: list[int] = []
        with ErrorReport(chunk.first_line) as report:
            with self._objects.reading(layout.chunk_key(chunk.file_id, chunk.chunk)) as lines:
                readings = read_metering_file(
                    chunk.file_name, lines, on_reject=report.add, on_wrong_season=wrong_season.append
                )
                for reading in readings:
                    months.add(reading)
            metering.save_hours(version, chunk.chunk, months.groups())
            if report.rows:
                self._objects.put(
                    layout.report_key(chunk.file_id, chunk.chunk), report.contents(), content_type="text/csv"
                )
        self._objects.put(
            layout.supply_points_key(chunk.file_id, chunk.chunk),
            supply_point_counts.sorted_list(months.supply_points()),
            content_type="text/plain",
        )
        first = chunk.first_line - 1  # the parser counts the chunk's lines from 1
        return ChunkRows(months.readings, report.rows, len(wrong_season)), [first + line for line in wrong_season]

    def _settle(self, chunk: ChunkMessage) -> None:
        file = files.get_file(chunk.object_key)
        if file.is_complete:
            count = self._count_supply_points(chunk.file_id, chunk.chunks_total)
            settled = files.settle_if_complete(file, count, layout.report_prefix(chunk.file_id))
            if settled is not None:
                logger.info("file settled", extra=_log(chunk) | {"status": settled.status})
                failed = settled.status is FileStatus.FAILED
                metrics.add_metric(name="FilesFailed" if failed else "FilesParsed", unit=MetricUnit.Count, value=1)
            file = settled or files.get_file(chunk.object_key)
        if file.status is not FileStatus.COPIED and not file.outcome_announced:
            self._announce(file)

    def _count_supply_points(self, file_id: str, chunks_total: int) -> int:
        """Distinct supply points over every chunk's list, the lists downloaded to disk (constant memory) and
        merged in rounds of at most MERGED_AT_ONCE open files."""
        with ExitStack() as files_on_disk:
            lists: list[BinaryIO] = []
            for number in range(1, chunks_total + 1):
                local = files_on_disk.enter_context(tempfile.TemporaryFile())
                with self._objects.reading(layout.supply_points_key(file_id, number)) as body:
                    shutil.copyfileobj(body, local)
                if len(lists) == supply_point_counts.MERGED_AT_ONCE - 1:  # the merged list is one more file
                    lists = [_merged(files_on_disk, lists)]
                local.seek(0)
                lists.append(local)
            return supply_point_counts.count_distinct(lists)

    def _announce(self, file: MeteringFile) -> None:
        if not files.claim_outcome_event(file, datetime.now(UTC), _ANNOUNCER_ABANDONED_AFTER):
            return
        self._events.publish(
            FILE_INGESTED,
            {
                "object_key": file.object_key,
                "file_id": file.file_id,
                "file_name": file.name,
                "kind": parse_file_name(file.name).kind.value,
                "status": file.status.value,
                "rows_stored": file.rows_stored,
                "rows_rejected": file.rows_rejected,
                "supply_points": file.supply_points or 0,
            },
        )
        files.mark_outcome_event_sent(file, datetime.now(UTC))


def _merged(files_on_disk: ExitStack, lists: list[BinaryIO]) -> BinaryIO:
    """One sorted list of the distinct lines of `lists`, which are closed."""
    merged = files_on_disk.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 - closed by the ExitStack
    supply_point_counts.merge_distinct(lists, merged)
    for done in lists:
        done.close()
    merged.seek(0)
    return merged


def _log(chunk: ChunkMessage) -> dict[str, object]:
    return {"object_key": chunk.object_key, "file_id": chunk.file_id, "chunk": chunk.chunk}
