"""The import queue as POST /imports fills it: each message tagged with its import id and position (SQS
message attributes), ten per SendMessageBatch call and the calls made in parallel, so that 10,000 messages are
queued in a few seconds, well inside the API's 30-second limit."""

from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from typing import TYPE_CHECKING

from shared.imports.deliveries import IMPORT_ID_ATTRIBUTE, POSITION_ATTRIBUTE

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef as Entry

MAX_MESSAGE_BYTES = 256 * 1024  # SQS's limit for one message, and for one SendMessageBatch call
_ENTRIES_PER_CALL = 10
_PARALLEL_CALLS = 16
_ATTEMPTS = 3  # entries SQS failed on its side (not the sender's fault) are sent again


class MessagesTooLargeError(ValueError):
    def __init__(self, positions: Sequence[int]) -> None:
        super().__init__(f"messages over {MAX_MESSAGE_BYTES} bytes: {list(positions)}")
        self.positions = positions


class MessagesNotQueuedError(RuntimeError):
    pass


class ImportQueue:
    def __init__(self, queue_url: str) -> None:
        self._queue_url = queue_url

    @cached_property
    def _client(self) -> "SQSClient":
        import boto3  # noqa: PLC0415 - created on first use, inside whatever AWS endpoint is current
        from botocore.config import Config  # noqa: PLC0415

        return boto3.client("sqs", config=Config(max_pool_connections=_PARALLEL_CALLS))

    def send(self, import_id: str, bodies: Sequence[str]) -> None:
        """Queue every message or raise: MessagesTooLargeError (before sending any), MessagesNotQueuedError."""
        entries = [_entry(import_id, position, body) for position, body in enumerate(bodies)]
        too_large = [position for position, entry in enumerate(entries) if _size(entry) > MAX_MESSAGE_BYTES]
        if too_large:
            raise MessagesTooLargeError(too_large)
        client = self._client  # created once, before the threads share it
        with ThreadPoolExecutor(_PARALLEL_CALLS) as pool:
            for _ in pool.map(lambda call: self._send_call(client, call), _calls(entries)):
                pass

    def _send_call(self, client: "SQSClient", entries: list["Entry"]) -> None:
        for _ in range(_ATTEMPTS):
            failed = client.send_message_batch(QueueUrl=self._queue_url, Entries=entries).get("Failed") or []
            if not failed:
                return
            if any(failure["SenderFault"] for failure in failed):
                break
            retried = {failure["Id"] for failure in failed}
            entries = [entry for entry in entries if entry["Id"] in retried]
        reasons = ", ".join(f"message {f['Id']}: {f.get('Message', f['Code'])}" for f in failed)
        raise MessagesNotQueuedError(reasons)


def _entry(import_id: str, position: int, body: str) -> "Entry":
    return {
        "Id": str(position),
        "MessageBody": body,
        "MessageAttributes": {
            IMPORT_ID_ATTRIBUTE: {"DataType": "String", "StringValue": import_id},
            POSITION_ATTRIBUTE: {"DataType": "Number", "StringValue": str(position)},
        },
    }


def _size(entry: "Entry") -> int:
    """What SQS counts against its limit: the body, and each attribute's name, type and value."""
    attributes = entry["MessageAttributes"].items()
    return len(entry["MessageBody"].encode()) + sum(
        len(name) + len(value["DataType"]) + len(value["StringValue"].encode()) for name, value in attributes
    )


def _calls(entries: list["Entry"]) -> Iterator[list["Entry"]]:
    call: list[Entry] = []
    size = 0
    for entry in entries:
        if call and (len(call) == _ENTRIES_PER_CALL or size + _size(entry) > MAX_MESSAGE_BYTES):
            yield call
            call, size = [], 0
        call.append(entry)
        size += _size(entry)
    if call:
        yield call
