import bz2
from typing import Any

import pytest
from botocore.exceptions import ClientError, ResponseStreamingError

from shared.core.clients.object_store import ObjectChangedError, ObjectReadError, ObjectStore
from shared.metering.decompression import open_text


class BrokenBody:
    """An S3 body whose connection drops after `good` bytes."""

    def __init__(self, data: bytes, good: int) -> None:
        self._data, self._good, self._offset = data, good, 0

    def read(self, size: int) -> bytes:
        if self._offset >= self._good:
            raise ResponseStreamingError(error="Connection broken: IncompleteRead")
        piece = self._data[self._offset : min(self._offset + size, self._good)]
        self._offset += len(piece)
        return piece

    def close(self) -> None:
        pass


class FakeS3:
    def __init__(self, body: Any = None, error_code: str | None = None) -> None:
        self.body, self.error_code = body, error_code
        self.requests: list[dict[str, Any]] = []

    def get_object(self, **request: Any) -> dict[str, Any]:
        self.requests.append(request)
        if self.error_code:
            raise ClientError({"Error": {"Code": self.error_code}}, "GetObject")
        return {"Body": self.body}


def store_with(client: FakeS3) -> ObjectStore:
    store = ObjectStore("bucket")
    store.__dict__["_client"] = client  # the cached client
    return store


def test_a_download_that_breaks_off_is_a_retryable_error_not_a_corrupt_file() -> None:
    data = bz2.compress(b"".join(b"row %d;\n" % n for n in range(200_000)))
    store = store_with(FakeS3(BrokenBody(data, good=len(data) // 2)))
    with pytest.raises(ObjectReadError) as raised, store.reading("raw/x") as body, open_text(body) as text:
        text.buffer.read()
    assert not isinstance(raised.value, OSError)  # what bz2, gzip and zip raise for corrupt data


@pytest.mark.parametrize("code", ["NoSuchKey", "PreconditionFailed"])
def test_a_gone_or_changed_object_is_told_apart(code: str) -> None:
    client = FakeS3(error_code=code)
    with pytest.raises(ObjectChangedError), store_with(client).reading("raw/x", etag="abc"):
        pass
    assert client.requests == [{"Bucket": "bucket", "Key": "raw/x", "IfMatch": "abc"}]


def test_other_storage_errors_propagate() -> None:
    with pytest.raises(ClientError), store_with(FakeS3(error_code="AccessDenied")).reading("raw/x"):
        pass
