"""A page asked for: its size, and the opaque cursor that continues a listing (the key of the last item
returned, as URL-safe base64 JSON)."""

import base64
import binascii
import json
from dataclasses import dataclass

from shared.core.errors import InvalidInputError

Key = dict[str, dict[str, str]]


@dataclass(frozen=True)
class PageRequest:
    limit: int = 50
    cursor: str | None = None

    def start_key(self) -> Key | None:
        return None if self.cursor is None else decode_cursor(self.cursor)


def encode_cursor(key: Key) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Key:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        raise InvalidInputError.on("cursor", "not a cursor returned by this API") from None
    if not isinstance(key, dict):
        raise InvalidInputError.on("cursor", "not a cursor returned by this API")
    return key
