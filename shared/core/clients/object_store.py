"""Objects of one S3 bucket, streamed: a body is read as it downloads, never loaded whole."""

import io
from collections.abc import Buffer, Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import IO, TYPE_CHECKING, BinaryIO

from botocore.exceptions import BotoCoreError, ClientError

if TYPE_CHECKING:
    from botocore.response import StreamingBody
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import GetObjectRequestTypeDef

_READ_BUFFER = 1 << 20  # decompressors ask for a few KB at a time; S3 is read in larger pieces
_GONE = {"NoSuchKey", "PreconditionFailed"}


class ObjectChangedError(Exception):
    """The object is gone, or no longer has the content (ETag) asked for."""


class ObjectReadError(RuntimeError):
    """The download broke off midway: worth a retry (unlike a corrupt file, which is an OSError of the
    decompressor; this deliberately is not one)."""


class ObjectStore:
    def __init__(self, bucket: str) -> None:
        self.bucket = bucket

    @cached_property
    def _client(self) -> "S3Client":
        import boto3  # noqa: PLC0415 - created on first use, inside whatever AWS endpoint is current

        return boto3.client("s3")

    @contextmanager
    def reading(self, key: str, *, etag: str | None = None) -> Iterator[BinaryIO]:
        """The object's bytes as a stream; with `etag`, only that content (ObjectChangedError otherwise)."""
        request: GetObjectRequestTypeDef = {"Bucket": self.bucket, "Key": key}
        if etag is not None:
            request["IfMatch"] = etag
        try:
            body = self._client.get_object(**request)["Body"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _GONE:
                raise ObjectChangedError(f"s3://{self.bucket}/{key} is gone or changed") from error
            raise
        try:
            yield io.BufferedReader(_Download(body, f"s3://{self.bucket}/{key}"), _READ_BUFFER)
        finally:
            body.close()

    def put(self, key: str, body: bytes | IO[bytes], *, content_type: str) -> None:
        self._client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=content_type)


class _Download(io.RawIOBase):
    def __init__(self, body: "StreamingBody", location: str) -> None:
        self._body = body
        self._location = location

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Buffer) -> int:
        view = memoryview(buffer).cast("B")
        try:
            data = self._body.read(len(view))
        except (BotoCoreError, OSError) as error:
            raise ObjectReadError(f"reading {self._location} broke off: {error}") from error
        view[: len(data)] = data
        return len(data)
