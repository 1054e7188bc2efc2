"""Write-once objects in the metering files bucket, streamed from any source in bounded memory.

An object is written only if its key does not exist yet (S3 conditional write, `If-None-Match: *`), so two
writers racing for one key store it once. Small files are one PUT; larger ones a multipart upload whose
parts are uploaded one at a time in the background while the next part is read, so two part buffers are all
the memory it takes, whatever the file's size. A failing source aborts the upload: no partial object is
ever visible.
"""

from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cached_property
from typing import TYPE_CHECKING, cast

from botocore.exceptions import ClientError

from shared.core.observability import logger

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import CompletedPartTypeDef

PART_SIZE = 8 * 1024 * 1024  # S3 needs at least 5 MiB for every part but the last
_KEY_EXISTS = "PreconditionFailed"


class RawFileStore:
    def __init__(self, bucket: str, *, part_size: int = PART_SIZE, client: "S3Client | None" = None) -> None:
        self.bucket = bucket
        self._part_size = part_size
        self._given_client = client

    @cached_property
    def _client(self) -> "S3Client":
        if self._given_client is not None:
            return self._given_client
        import boto3  # noqa: PLC0415 - created on first use, like the other AWS clients

        return boto3.client("s3")

    def write_once(self, key: str, chunks: Iterable[bytes]) -> bool:
        """Store the concatenated `chunks` under `key` unless the key exists. True if this call stored it,
        False if the key was already there. If `chunks` raises, nothing is stored and the error propagates."""
        parts = _parts(chunks, self._part_size)
        first = next(parts, bytearray())
        if len(first) < self._part_size:  # the only part
            return self._put_once(key, first)
        return self._upload_once(key, first, parts)

    def _put_once(self, key: str, body: bytearray) -> bool:
        try:
            self._client.put_object(Bucket=self.bucket, Key=key, Body=bytes(body), IfNoneMatch="*")
        except ClientError as error:
            if _code(error) == _KEY_EXISTS:
                return False
            raise
        return True

    def _upload_once(self, key: str, first: bytearray, rest: Iterator[bytearray]) -> bool:
        upload_id = self._client.create_multipart_upload(Bucket=self.bucket, Key=key, ChecksumAlgorithm="CRC32")[
            "UploadId"
        ]
        try:
            parts = self._upload_parts(key, upload_id, first, rest)
            self._client.complete_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}, IfNoneMatch="*"
            )
        except BaseException as error:
            self._abort(key, upload_id)
            if isinstance(error, ClientError) and _code(error) == _KEY_EXISTS:
                return False
            raise
        return True

    def _abort(self, key: str, upload_id: str) -> None:
        """Drop the parts uploaded so far. If that fails too, the error that stopped the upload is the one
        worth reporting; the bucket's lifecycle rule removes the parts later."""
        try:
            self._client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
        except ClientError:
            logger.warning("could not abort a multipart upload", extra={"key": key}, exc_info=True)

    def _upload_parts(
        self, key: str, upload_id: str, first: bytearray, rest: Iterator[bytearray]
    ) -> list["CompletedPartTypeDef"]:
        # A part is handed to the uploader only after the previous upload has finished, which is what lets
        # _parts refill that previous part's buffer.
        uploaded: list[CompletedPartTypeDef] = []
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="s3-part") as uploader:
            pending: Future[CompletedPartTypeDef] = uploader.submit(self._upload_part, key, upload_id, 1, first)
            for number, part in enumerate(rest, start=2):
                uploaded.append(pending.result())
                pending = uploader.submit(self._upload_part, key, upload_id, number, part)
            uploaded.append(pending.result())
        return uploaded

    def _upload_part(self, key: str, upload_id: str, number: int, body: bytearray) -> "CompletedPartTypeDef":
        response = self._client.upload_part(
            Bucket=self.bucket,
            Key=key,
            UploadId=upload_id,
            PartNumber=number,
            Body=cast(bytes, body),  # botocore sends any bytes-like body; its stubs only say bytes
            ChecksumAlgorithm="CRC32",
        )
        return {"PartNumber": number, "ETag": response["ETag"], "ChecksumCRC32": response["ChecksumCRC32"]}


def _parts(chunks: Iterable[bytes], size: int) -> Iterator[bytearray]:
    """The chunks regrouped into parts of `size` bytes, the last one shorter. Two buffers take turns, so a
    file costs no new memory per part (fresh 8 MiB blocks fragment the heap and the process grows with the
    file); a buffer is refilled only once the part before it has been uploaded, see _upload_parts."""
    buffers: list[bytearray] = []
    turn, filled = 0, 0
    for chunk in chunks:
        view = memoryview(chunk)
        while view:
            if turn == len(buffers):
                buffers.append(bytearray(size))
            taken = min(len(view), size - filled)
            buffers[turn][filled : filled + taken] = view[:taken]
            filled, view = filled + taken, view[taken:]
            if filled == size:
                yield buffers[turn]
                turn, filled = 1 - turn, 0
    if filled:
        yield buffers[turn][:filled]


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
