"""Messages go ten per SendMessageBatch call (and within SQS's 256 KiB per call), with their attributes; entries
SQS failed on its side are sent again. POST /imports tags each with its import and position."""

from typing import Any

import pytest

from shared.core.clients.message_queue import (
    MAX_MESSAGE_BYTES,
    MessageQueue,
    MessagesNotQueuedError,
    MessagesTooLargeError,
    OutgoingMessage,
)
from shared.imports.services.submissions import posted_message


class FakeSqs:
    def __init__(self, fail_first: set[str] | None = None, sender_fault: bool = False) -> None:
        self.calls: list[list[dict[str, Any]]] = []
        self._fail = set(fail_first or ())
        self._sender_fault = sender_fault

    def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803
        self.calls.append(Entries)
        failed = [entry["Id"] for entry in Entries if entry["Id"] in self._fail]
        if not self._sender_fault:
            self._fail -= set(failed)
        return {"Failed": [{"Id": i, "SenderFault": self._sender_fault, "Code": "InternalError"} for i in failed]}


class PostedImport:
    """What POST /imports sends: each body tagged with the import and its position."""

    def __init__(self, sqs: FakeSqs, parallel_calls: int = 4) -> None:
        self.queue = MessageQueue("https://sqs.example/imports", parallel_calls=parallel_calls)
        self.queue.__dict__["_client"] = sqs  # what the cached boto3 client would be

    def send(self, import_id: str, bodies: list[str]) -> None:
        self.queue.send([posted_message(import_id, position, body, None) for position, body in enumerate(bodies)])


def queue_with(sqs: FakeSqs, parallel_calls: int = 4) -> PostedImport:
    return PostedImport(sqs, parallel_calls)


def test_messages_go_ten_per_call_tagged_with_the_import_and_their_position() -> None:
    sqs = FakeSqs()
    queue_with(sqs).send("imp-1", [f'{{"n": {n}}}' for n in range(25)])
    assert sorted(len(call) for call in sqs.calls) == [5, 10, 10]
    entries = sorted((entry for call in sqs.calls for entry in call), key=lambda entry: int(entry["Id"]))
    assert entries[24]["MessageBody"] == '{"n": 24}'
    assert entries[24]["MessageAttributes"] == {
        "import_id": {"DataType": "String", "StringValue": "imp-1"},
        "position": {"DataType": "Number", "StringValue": "24"},
    }


def test_a_call_carries_at_most_256_kib() -> None:
    sqs = FakeSqs()
    queue_with(sqs).send("imp-1", ["x" * 100_000] * 5)
    assert sorted(len(call) for call in sqs.calls) == [1, 2, 2]


def test_too_large_messages_are_refused_before_any_is_sent() -> None:
    sqs = FakeSqs()
    with pytest.raises(MessagesTooLargeError) as refused:
        queue_with(sqs).send("imp-1", ["{}", "x" * MAX_MESSAGE_BYTES, "{}"])
    assert refused.value.positions == [1]
    assert sqs.calls == []


def test_entries_sqs_failed_are_sent_again_and_a_sender_fault_is_raised() -> None:
    retried = FakeSqs(fail_first={"3"})
    queue_with(retried).send("imp-1", ["{}"] * 5)
    assert [[entry["Id"] for entry in call] for call in retried.calls] == [["0", "1", "2", "3", "4"], ["3"]]
    with pytest.raises(MessagesNotQueuedError, match="message 3"):
        queue_with(FakeSqs(fail_first={"3"}, sender_fault=True)).send("imp-1", ["{}"] * 5)


def test_one_call_at_a_time_sends_untagged_messages_in_order() -> None:
    sqs = FakeSqs()
    queue = MessageQueue("https://sqs.example/chunks")
    queue.__dict__["_client"] = sqs
    queue.send([OutgoingMessage(f"chunk {n}") for n in range(12)])
    assert [[entry["Id"] for entry in call] for call in sqs.calls] == [[str(n) for n in range(10)], ["10", "11"]]
    assert all("MessageAttributes" not in entry for call in sqs.calls for entry in call)
