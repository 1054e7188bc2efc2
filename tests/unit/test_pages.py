import pytest

from shared.core.errors import InvalidInputError
from shared.core.paging import decode_cursor, encode_cursor


def test_cursor_round_trips_a_dynamodb_key() -> None:
    key = {"id": {"S": "h1"}, "user_id": {"S": "u1"}, "created_at": {"S": "2026-01-01T00:00:00+00:00"}}
    assert decode_cursor(encode_cursor(key)) == key


@pytest.mark.parametrize("cursor", ["%%%", "bm90IGpzb24", "WzFd"])  # not base64, not JSON, not an object
def test_foreign_cursors_are_a_field_error(cursor: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        decode_cursor(cursor)
    assert raised.value.problems[0].field == "cursor"
