"""Write-once copies: one PUT for a small file, a multipart upload in bounded memory for a large one, and
nothing left behind when the source fails or the key is taken."""

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from shared.metering.clients.raw_files import RawFileStore

PART = 1000


def precondition_failed(operation: str) -> ClientError:
    return ClientError(
        {"Error": {"Code": "PreconditionFailed", "Message": "At least one of the pre-conditions"}}, operation
    )


class RecordingS3:
    """Answers like S3 and records the calls; `existing` keys refuse a conditional write."""

    def __init__(self, existing: set[str] | None = None) -> None:
        self.existing = existing or set()
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.produced = 0  # bytes the source had produced when a part was uploaded (set by the test)
        self.produced_at_upload: list[int] = []

    def _record(self, operation: str, request: dict[str, Any]) -> None:
        # a part's buffer is reused once its upload returns, as S3 has the bytes by then
        if "Body" in request:
            request = request | {"Body": bytes(request["Body"])}
        self.calls.append((operation, request))

    def put_object(self, **request: Any) -> dict[str, Any]:
        self._record("put_object", request)
        if request["Key"] in self.existing:
            raise precondition_failed("PutObject")
        return {}

    def create_multipart_upload(self, **request: Any) -> dict[str, Any]:
        self._record("create_multipart_upload", request)
        return {"UploadId": "upload-1"}

    def upload_part(self, **request: Any) -> dict[str, Any]:
        self._record("upload_part", request)
        self.produced_at_upload.append(self.produced)
        return {"ETag": f'"etag-{request["PartNumber"]}"', "ChecksumCRC32": f"crc-{request['PartNumber']}"}

    def complete_multipart_upload(self, **request: Any) -> dict[str, Any]:
        self._record("complete_multipart_upload", request)
        if request["Key"] in self.existing:
            raise precondition_failed("CompleteMultipartUpload")
        return {}

    def abort_multipart_upload(self, **request: Any) -> dict[str, Any]:
        self._record("abort_multipart_upload", request)
        return {}

    def operations(self) -> list[str]:
        return [operation for operation, _ in self.calls]


def blocks(size: int, block: int = 64, s3: RecordingS3 | None = None) -> Iterator[bytes]:
    for start in range(0, size, block):
        piece = bytes((start + i) % 251 for i in range(min(block, size - start)))
        if s3 is not None:
            s3.produced = start + len(piece)
        yield piece


def store(s3: RecordingS3) -> RawFileStore:
    return RawFileStore("bucket", part_size=PART, client=s3)  # type: ignore[arg-type]


def test_a_file_smaller_than_a_part_is_one_conditional_put() -> None:
    s3 = RecordingS3()
    assert store(s3).write_once("raw/a", blocks(PART - 1))
    assert s3.operations() == ["put_object"]
    request = s3.calls[0][1]
    assert (request["Key"], request["IfNoneMatch"], request["Body"]) == ("raw/a", "*", b"".join(blocks(PART - 1)))


def test_an_empty_file_is_stored_too() -> None:
    s3 = RecordingS3()
    assert store(s3).write_once("raw/empty", iter([]))
    assert s3.calls[0][1]["Body"] == b""


def test_a_large_file_is_uploaded_in_parts_and_completed_conditionally() -> None:
    s3 = RecordingS3()
    size = 3 * PART + 10
    assert store(s3).write_once("raw/big", blocks(size, s3=s3))

    assert s3.operations() == ["create_multipart_upload"] + ["upload_part"] * 4 + ["complete_multipart_upload"]
    parts = [request for operation, request in s3.calls if operation == "upload_part"]
    assert [part["PartNumber"] for part in parts] == [1, 2, 3, 4]
    assert [len(part["Body"]) for part in parts] == [PART, PART, PART, 10]
    assert b"".join(part["Body"] for part in parts) == b"".join(blocks(size))
    complete = s3.calls[-1][1]
    assert complete["IfNoneMatch"] == "*"
    assert complete["MultipartUpload"]["Parts"] == [
        {"PartNumber": n, "ETag": f'"etag-{n}"', "ChecksumCRC32": f"crc-{n}"} for n in (1, 2, 3, 4)
    ]
    # memory stays bounded: while a part uploads, the source is read one part further at most (plus the
    # block that completes it)
    for number, produced in enumerate(s3.produced_at_upload, start=1):
        assert produced <= (number + 1) * PART + 64


def test_a_taken_key_is_not_overwritten() -> None:
    small, large = RecordingS3(existing={"raw/a"}), RecordingS3(existing={"raw/a"})
    assert not store(small).write_once("raw/a", blocks(10))
    assert not store(large).write_once("raw/a", blocks(2 * PART))
    assert large.operations()[-2:] == ["complete_multipart_upload", "abort_multipart_upload"]


def test_a_failing_source_aborts_the_upload_and_the_error_propagates() -> None:
    s3 = RecordingS3()

    def dropped() -> Iterator[bytes]:
        yield from blocks(PART + PART // 2)
        raise ConnectionResetError("connection lost")

    with pytest.raises(ConnectionResetError):
        store(s3).write_once("raw/a", dropped())
    assert "complete_multipart_upload" not in s3.operations()
    assert s3.operations()[-1] == "abort_multipart_upload"


def test_a_failed_abort_does_not_hide_why_the_upload_stopped() -> None:
    class AbortRefused(RecordingS3):
        def abort_multipart_upload(self, **request: Any) -> dict[str, Any]:
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "AbortMultipartUpload")

    def dropped() -> Iterator[bytes]:
        yield from blocks(PART + 1)
        raise ConnectionResetError("connection lost")

    with pytest.raises(ConnectionResetError):
        store(AbortRefused()).write_once("raw/a", dropped())
