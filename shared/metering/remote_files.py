"""Which remote files the poller may copy, decided from what the listing says, before anything is read.

A refused file is quarantined at once (recorded `failed` with the reason, never copied): its name cannot be
an S3 key, it is larger than a distributor file can be, or its name forges another distributor's code or a
generation date still to come (a future date would outrank every real file of the same hours for ever).
"""

import hashlib
import re
from datetime import date, timedelta

from shared.metering.errors import InvalidFileNameError
from shared.metering.file_names import parse_file_name

# Letters, digits and the few punctuation marks distributors use: safe in S3 keys, URLs and shells alike.
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,254}")
MAX_KEY_BYTES = 1024  # S3's longest key
MAX_FILE_BYTES = 20 * 1024**3  # a year of hourly curves for a million supply points is some 10 GB uncompressed
_RECORD_KEY_CHARACTERS = 1800  # DynamoDB takes 2,048 bytes of hash key: room for the marker prefixes


def object_key(connection_id: str, path: str, size: int, mtime: int) -> str:
    """`raw/<connection id>/<remote path>@<size>-<mtime>`. A path that no S3 key could hold (non-ASCII or control
    characters, undecodable bytes) is written escaped, so that even a refused file has a key to be recorded under."""
    relative = path.lstrip("/")
    if not (relative.isascii() and relative.isprintable()):
        relative = ascii(relative)[1:-1]
    key = f"raw/{connection_id}/{relative}@{size}-{mtime}"
    if len(key) > _RECORD_KEY_CHARACTERS:
        key = f"{key[: _RECORD_KEY_CHARACTERS - 33]}~{hashlib.sha256(key.encode()).hexdigest()[:32]}"
    return key


def readable(text: str) -> str:
    """A remote name or path as it can be stored and shown: bytes that were not UTF-8 written as \\xNN."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def refusal(name: str, path: str, key: str, size: int, *, distributor_code: str, today: date) -> str | None:
    """Why the file must not be copied, or None."""
    return _unstorable(name, path, key, size) or _forged(name, distributor_code, today)


def _unstorable(name: str, path: str, key: str, size: int) -> str | None:
    if not _SAFE_NAME.fullmatch(name):
        return f"the name {name!a} is not letters, digits, '.', '_', '+' and '-', starting with a letter or digit"
    if not (path.isascii() and path.isprintable()) or len(key) > MAX_KEY_BYTES:
        return f"the path {path!a} cannot be an S3 key (printable ASCII, {MAX_KEY_BYTES} bytes at most)"
    if size > MAX_FILE_BYTES:
        return f"{size} bytes: larger than the {MAX_FILE_BYTES} a distributor file can be"
    return None


def _forged(name: str, distributor_code: str, today: date) -> str | None:
    """A name that is no metering file name is no reason: the connection's patterns chose it, and the split
    reports why it cannot be read."""
    try:
        parsed = parse_file_name(name)
    except InvalidFileNameError:
        return None
    if parsed.distributor_code != distributor_code:
        return f"the name says distributor {parsed.distributor_code}, this connection is distributor {distributor_code}"
    tomorrow = today + timedelta(days=1)
    if parsed.generated_on > tomorrow:
        return f"generated on {parsed.generated_on} by its name: later than tomorrow ({tomorrow})"
    return None
