"""A new distributor file -> gzip chunks of LINES_PER_CHUNK lines beside it, and one queue message per chunk.

Streaming from the S3 body to the chunk uploads: memory holds one compressed chunk, whatever the file's size.
Everything written is named after the file id (object key + ETag), so a redelivered event or a re-run after
a timeout writes the same chunks and messages again, and the ingestion counts each chunk once.

A file that can never be read (not a metering file name, not decompressible, quarter-hour rows in an hourly kind)
ends `failed` and is not retried; anything else that goes wrong (S3, DynamoDB, SQS) raises, and SQS retries the
whole split. On the event's last delivery the file is marked `failed` with that error before the event goes to the
dead-letter queue: nothing else would ever settle it.
"""

import gzip
import io
import time
import zipfile
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from aws_lambda_powertools.metrics import MetricUnit

from shared.core.clients.message_queue import MessageQueue, OutgoingMessage
from shared.core.clients.object_store import ObjectChangedError, ObjectStore
from shared.core.observability import logger, metrics
from shared.metering import layout
from shared.metering.dal import files
from shared.metering.decompression import open_text
from shared.metering.errors import MeteringFileError
from shared.metering.file_names import parse_file_name
from shared.metering.line_chunks import LineChunk, Read, split_lines
from shared.metering.models import MeteringFile
from shared.metering.quarter_hours import refusing_quarter_hours
from shared.metering.queue_messages import ChunkMessage

LINES_PER_CHUNK = 200_000  # ~15 MB of text, ~2 MB gzipped: parsed and stored in seconds by one function
RECORD_WAITS = (0.25, 0.5, 1, 2, 4, 8)  # seconds between looks for the file's record
_CHUNK_COMPRESSION = 1  # fastest: chunks live a few days, speed matters more than size
# What bz2, gzip and zip raise on corrupt or truncated data (a read from S3 that breaks off is ObjectReadError).
_CORRUPT_DATA = (OSError, EOFError, zlib.error, zipfile.BadZipFile)


class MeteringFileSplitter:
    def __init__(self, objects: ObjectStore, chunk_queue: MessageQueue) -> None:
        self._objects = objects
        self._chunk_queue = chunk_queue

    def split(self, bucket: str, object_key: str, etag: str, *, last_delivery: bool = False) -> None:
        try:
            self._split(bucket, object_key, etag)
        except Exception as error:
            if last_delivery and files.give_up(object_key, None, f"the split failed on every delivery: {_said(error)}"):
                metrics.add_metric(name="FilesFailed", unit=MetricUnit.Count, value=1)
            raise

    def _split(self, bucket: str, object_key: str, etag: str) -> None:
        if bucket != self._objects.bucket or not object_key.startswith(layout.RAW_PREFIX):
            logger.warning(
                "not a raw metering file of this bucket, ignored", extra={"bucket": bucket, "key": object_key}
            )
            return
        file_id = layout.file_id(object_key, etag)
        log = {"object_key": object_key, "file_id": file_id}
        file = _recorded_copy(object_key)
        if file.is_settled(file_id):
            logger.info("already split and settled: a redelivered event", extra=log | {"status": file.status})
            return
        try:
            with self._objects.reading(object_key, etag=etag) as body:
                files.follow_content(file, file_id)
                chunks = self._split_readable(body, file.name, file_id)
        except ObjectChangedError:
            logger.info("the object changed since this event: its newer content has an event of its own", extra=log)
            return
        except MeteringFileError as error:
            logger.warning("the file cannot be read", extra=log | {"error": str(error)})
            files.fail(object_key, file_id, str(error))
            metrics.add_metric(name="FilesFailed", unit=MetricUnit.Count, value=1)
            return
        files.record_chunks_total(object_key, file_id, len(chunks))
        self._chunk_queue.send(
            [
                OutgoingMessage(
                    ChunkMessage(
                        object_key=object_key,
                        file_id=file_id,
                        file_name=file.name,
                        chunk=chunk.number,
                        chunks_total=len(chunks),
                        first_line=chunk.first_line,
                    ).model_dump_json()
                )
                for chunk in chunks
            ]
        )
        logger.info("split", extra=log | {"chunks": len(chunks)})

    def _split_readable(self, body: BinaryIO, name: str, file_id: str) -> list[LineChunk]:
        """The file's chunks; MeteringFileError when its name or its data cannot be read."""
        kind = parse_file_name(name).kind

        def write_chunk(chunk: LineChunk, blocks: Iterator[bytes]) -> None:
            compressed = io.BytesIO()
            # mtime=0: the same lines give the same bytes, whichever run writes them
            with gzip.GzipFile(fileobj=compressed, mode="wb", compresslevel=_CHUNK_COMPRESSION, mtime=0) as out:
                for block in blocks:
                    out.write(block)
            self._objects.put(
                layout.chunk_key(file_id, chunk.number), compressed.getvalue(), content_type="application/gzip"
            )

        with open_text(body) as text:
            read = refusing_quarter_hours(_reporting_corrupt_data(text.buffer.read), kind.value)
            return split_lines(read, LINES_PER_CHUNK, write_chunk)


def _said(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"


def _recorded_copy(object_key: str) -> MeteringFile:
    """The file's record, which the poller writes right after the upload whose event this is: give it a moment
    before leaving the retry to SQS, which comes back only after the queue's visibility timeout."""
    for pause in RECORD_WAITS:
        try:
            return files.get_file(object_key)
        except files.FileRecordMissingError:
            time.sleep(pause)
    return files.get_file(object_key)


def _reporting_corrupt_data(read: Read) -> Read:
    """`read`, with the decompressor's errors turned into MeteringFileError: the file itself is broken."""

    def checked_read(size: int) -> bytes:
        try:
            return read(size)
        except _CORRUPT_DATA as error:
            raise MeteringFileError(f"the data cannot be decompressed: {error or type(error).__name__}") from error

    return checked_read
