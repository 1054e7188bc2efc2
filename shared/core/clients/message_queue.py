"""An SQS queue sent to in batches: ten messages to a SendMessageBatch call (fewer where the call would pass SQS's
256 KiB), the calls made in parallel where asked, and the entries SQS failed on its own side sent again. The one
place that sends to SQS: POST /imports queues 10,000 messages in a few seconds with it, the split its chunks."""

from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef as Entry

MAX_MESSAGE_BYTES = 256 * 1024  # SQS's limit for one message, and for one SendMessageBatch call
_ENTRIES_PER_CALL = 10
_ATTEMPTS = 3


@dataclass(frozen=True)
class OutgoingMessage:
    body: str
    attributes: Mapping[str, str | int] = field(default_factory=dict)  # SQS String or Number attributes

    @property
    def size(self) -> int:
        """What SQS counts against its limit: the body, and each attribute's name, type and value."""
        return len(self.body.encode()) + sum(
            len(name) + len(_data_type(value)) + len(str(value).encode()) for name, value in self.attributes.items()
        )


class MessagesTooLargeError(ValueError):
    def __init__(self, positions: Sequence[int]) -> None:
        super().__init__(f"messages over {MAX_MESSAGE_BYTES} bytes: {list(positions)}")
        self.positions = positions


class MessagesNotQueuedError(RuntimeError):
    pass


class MessageQueue:
    def __init__(self, queue_url: str, *, parallel_calls: int = 1) -> None:
        self._queue_url = queue_url
        self._parallel_calls = parallel_calls

    @cached_property
    def _client(self) -> "SQSClient":
        import boto3  # noqa: PLC0415 - created on first use, inside whatever AWS endpoint is current
        from botocore.config import Config  # noqa: PLC0415

        return boto3.client("sqs", config=Config(max_pool_connections=max(self._parallel_calls, 10)))

    def send(self, messages: Sequence[OutgoingMessage]) -> None:
        """Queue every message or raise: MessagesTooLargeError (before sending any), MessagesNotQueuedError naming
        the messages by their position in `messages`."""
        too_large = [position for position, message in enumerate(messages) if message.size > MAX_MESSAGE_BYTES]
        if too_large:
            raise MessagesTooLargeError(too_large)
        calls = _calls(messages)
        client = self._client  # created once, before the threads share it
        if self._parallel_calls == 1:
            for call in calls:
                self._send_call(client, call)
            return
        with ThreadPoolExecutor(self._parallel_calls) as pool:
            for _ in pool.map(lambda call: self._send_call(client, call), calls):
                pass

    def _send_call(self, client: "SQSClient", entries: list["Entry"]) -> None:
        for _ in range(_ATTEMPTS):
            failed = client.send_message_batch(QueueUrl=self._queue_url, Entries=entries).get("Failed") or []
            if not failed:  # the call succeeds even when some entries were refused
                return
            if any(failure["SenderFault"] for failure in failed):
                break
            retried = {failure["Id"] for failure in failed}
            entries = [entry for entry in entries if entry["Id"] in retried]
        reasons = ", ".join(f"message {f['Id']}: {f.get('Message', f['Code'])}" for f in failed)
        raise MessagesNotQueuedError(reasons)


def _calls(messages: Sequence[OutgoingMessage]) -> Iterator[list["Entry"]]:
    call: list[Entry] = []
    size = 0
    for position, message in enumerate(messages):
        if call and (len(call) == _ENTRIES_PER_CALL or size + message.size > MAX_MESSAGE_BYTES):
            yield call
            call, size = [], 0
        call.append(_entry(position, message))
        size += message.size
    if call:
        yield call


def _entry(position: int, message: OutgoingMessage) -> "Entry":
    entry: Entry = {"Id": str(position), "MessageBody": message.body}
    if message.attributes:
        entry["MessageAttributes"] = {
            name: {"DataType": _data_type(value), "StringValue": str(value)}
            for name, value in message.attributes.items()
        }
    return entry


def _data_type(value: str | int) -> str:
    return "Number" if isinstance(value, int) else "String"
