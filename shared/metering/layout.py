"""Where a metering file's pieces live in the files bucket, and the id that ties them to one delivered content.

raw/<connection id>/<remote path>@<size>-<mtime>     the file as copied (the poller)
chunks/<file id>/<chunk>.gz                          its lines, cut for parallel parsing (expire in 7 days)
chunks/<file id>/<chunk>.supply-points               the supply points a chunk stored (to count them once)
reports/<file id>/<chunk>.csv                        the rows a chunk rejected, with line number and reason
"""

import hashlib

RAW_PREFIX = "raw/"
_FILE_ID_LENGTH = 32  # hex digits: 128 bits


def file_id(object_key: str, etag: str) -> str:
    """The same object with the same content (ETag) always gets the same id, so a redelivered event or a re-run
    writes the same chunks, items and reports again instead of new ones."""
    unquoted = etag.strip('"')  # S3 quotes the ETag in responses, not in events
    return hashlib.sha256(f"{object_key}\n{unquoted}".encode()).hexdigest()[:_FILE_ID_LENGTH]


def chunk_key(file_id: str, chunk: int) -> str:
    return f"chunks/{file_id}/{chunk:06d}.gz"


def supply_points_key(file_id: str, chunk: int) -> str:
    return f"chunks/{file_id}/{chunk:06d}.supply-points"


def report_prefix(file_id: str) -> str:
    return f"reports/{file_id}/"


def report_key(file_id: str, chunk: int) -> str:
    return f"{report_prefix(file_id)}{chunk:06d}.csv"
