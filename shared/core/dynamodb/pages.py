"""Cursor pagination over DynamoDB queries and scans.

A page asks for one item more than it returns, so `next_cursor` is null exactly on the last page; the
cursor is the key of the last item returned, opaque to clients (URL-safe base64 JSON)."""

import base64
import binascii
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pynamodb.exceptions import PynamoDBException

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


def read_page[T](
    query: Callable[[int, Key | None], Iterable[T]], page: PageRequest, key_of: Callable[[T], Key]
) -> tuple[list[T], str | None]:
    """Run `query(limit, start_key)` for one item more than the page holds; return the page's items and
    the cursor that continues after them."""
    items: list[T] = []
    try:
        for item in query(page.limit + 1, page.start_key()):
            if len(items) == page.limit:
                return items, encode_cursor(key_of(items[-1]))
            items.append(item)
    except PynamoDBException as error:
        # A well-formed cursor from another listing is refused by DynamoDB as an invalid start key.
        if error.cause_response_code == "ValidationException":
            raise InvalidInputError.on("cursor", "not a cursor returned by this listing") from None
        raise
    return items, None
