"""Cursor pagination over DynamoDB queries and scans.

A page asks for one item more than it returns, so `next_cursor` is null exactly on the last page; the
cursor is the key of the last item returned (shared.core.paging)."""

from collections.abc import Callable, Iterable

from pynamodb.exceptions import PynamoDBException

from shared.core.errors import InvalidInputError
from shared.core.paging import Key, PageRequest, encode_cursor


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
