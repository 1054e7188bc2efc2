"""The queue of chunks waiting to be parsed (each message is one chunk; consumers run in parallel)."""

from collections.abc import Sequence
from functools import cached_property
from itertools import batched
from typing import TYPE_CHECKING

from shared.metering.models import ChunkMessage

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

_BATCH = 10  # SendMessageBatch's limit


class ChunkNotQueuedError(RuntimeError):
    pass


class ChunkQueue:
    def __init__(self, queue_url: str) -> None:
        self._queue_url = queue_url

    @cached_property
    def _client(self) -> "SQSClient":
        import boto3  # noqa: PLC0415 - created on first use, inside whatever AWS endpoint is current

        return boto3.client("sqs")

    def send(self, messages: Sequence[ChunkMessage]) -> None:
        for batch in batched(messages, _BATCH):
            response = self._client.send_message_batch(
                QueueUrl=self._queue_url,
                Entries=[{"Id": str(message.chunk), "MessageBody": message.model_dump_json()} for message in batch],
            )
            if failed := response.get("Failed"):  # the call succeeds even when some entries were refused
                reasons = ", ".join(f"chunk {entry['Id']}: {entry.get('Message', entry['Code'])}" for entry in failed)
                raise ChunkNotQueuedError(reasons)
