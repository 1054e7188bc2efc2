"""Where moto is weaker than the AWS services it emulates, in ways the project's guarantees depend on.

- DynamoDB runs every write and transaction atomically, so two racing conditional writes can never both
  succeed. moto checks conditions and writes in plain Python, and a thread switch between the check and the
  write of two concurrent requests lets both through: one lock around moto's DynamoDB writes restores the
  service's behaviour (reads need no lock).
- EventBridge never matches events against a scheduled rule (it has no pattern). moto offers every PutEvents
  event to such rules, and then fails on their Lambda targets, so publishing any event would break.
- A DynamoDB transaction costs the same whatever the table's size. moto deep-copies every table a transaction
  writes (to roll back on failure), so each transaction takes time in proportion to those tables: a
  10,000-invoice import would take hours. Backing up only the items the transaction writes restores the
  service's behaviour.
- A query of a table or of its local secondary index reads one partition, however big the table. moto reads
  every item of the table for it (and sorts them all for an index), so each contract-tariff lookup of an invoice
  would cost time in proportion to all the stored documents, and each chart's read of a supply point's hours in
  proportion to every reading stored. Reading only the queried partition (a local index shares the table's
  partition key) restores the service's behaviour.
- An SQS call costs about the same however many messages the queue holds. moto counts every message of the
  queue three times (its approximate counts) whenever it reads the queue's attributes, which it does for each
  message sent and three times for each message received, with a slow clock; and a delete looks through the
  whole queue twice. Draining 10,000 messages took tens of minutes. The fixes: the approximate counts are at
  most a second old (SQS documents them as approximate and eventually consistent), message visibility reads
  the system clock, and a delete stops at the message it deletes (received messages are near the front).
- moto's server lists its own package folder on every request to route it (a millisecond each): it is listed
  once.
- moto answers a DynamoDB item operation by walking its result against the operation's output shape, which
  takes longer than the operation itself (a fifth of the CPU of a local import). The result is already
  DynamoDB's JSON but for binary values, which the shape says to send in base64: it is written as JSON
  straight away, binary values in base64.

Each fix replaces attributes of moto's, all declared in PATCHES (with local.s3_eventbridge's), so that
tests/unit/local/test_local_moto_upgrade_guard.py fails when a moto upgrade renames or drops one of them.
"""

import base64
import copy
import functools
import inspect
import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from moto import backends
from moto.core.responses import ActionContext, ActionResult
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table
from moto.events.models import Rule
from moto.sqs.exceptions import ReceiptHandleIsInvalid
from moto.sqs.models import Message, Queue

_DYNAMODB_WRITES = ("put_item", "update_item", "delete_item", "batch_write_item")  # transact_write_items: PATCHES
_write_lock = threading.RLock()
_queried_partition = threading.local()  # the partition key of the query this thread is running
_APPROXIMATE_COUNTS = (
    "approximate_number_of_messages",
    "approximate_number_of_messages_not_visible",
    "approximate_number_of_messages_delayed",
)
_COUNTS_MAX_AGE_SECONDS = 1.0
_ITEM_OPERATIONS = frozenset(
    {
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "BatchWriteItem",
        "TransactGetItems",
        "TransactWriteItems",
    }
)
_BINARY_TYPES = ("B", "BS")


@dataclass(frozen=True)
class MotoPatch:
    """An attribute of moto's that a fix replaces: `replacement` makes the new one from moto's own."""

    owner: Any  # a class or a module of moto's
    attribute: str
    replacement: Callable[[Any], Any]

    def apply(self) -> None:
        setattr(self.owner, self.attribute, self.replacement(getattr(self.owner, self.attribute)))


@functools.cache
def apply_moto_fixes() -> None:
    """Once per process however often it is called: the local stack and the test fixtures both call it."""
    Table.__deepcopy__ = _table_kept  # type: ignore[attr-defined]  # moto copies tables only to roll back
    for patch in PATCHES:
        patch.apply()


def _backing_up_written_items(transact_write_items: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(transact_write_items)
    def transact(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        with _item_backups(backend, transact_items):
            transact_write_items(backend, transact_items)

    return transact


@contextmanager
def _item_backups(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> Iterator[None]:
    """Puts back the items the transaction writes, as they were, if it fails."""
    backups = []
    for operation in transact_items:
        _, details = next(iter(operation.items()))
        table = backend.tables.get(details.get("TableName"))
        keys = _item_keys(table, details.get("Key") or details.get("Item") or {}) if table else None
        if table is not None and keys is not None:  # else moto refuses the transaction before writing
            backups.append((table, keys, copy.deepcopy(table.get_item(*keys))))
    try:
        yield
    except Exception:
        for table, keys, item in reversed(backups):
            table.delete_item(*keys)
            if item is not None:
                table.put_item(item.to_json()["Attributes"])
        raise


def _item_keys(table: Table, attributes: Mapping[str, Any]) -> tuple[DynamoType, DynamoType | None] | None:
    hash_key = attributes.get(table.hash_key_attr)
    range_key = attributes.get(table.range_key_attr) if table.range_key_attr else None
    if hash_key is None or (table.range_key_attr and range_key is None):
        return None
    return DynamoType(hash_key), None if range_key is None else DynamoType(range_key)


def _table_kept(table: Table, memo: dict[int, Any]) -> Table:
    return table


def _query_reads_one_partition(query: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(query)

    @functools.wraps(query)
    def partition_query(table: Table, *args: Any, **kwargs: Any) -> Any:
        arguments = signature.bind(table, *args, **kwargs).arguments
        of_the_partition = {None, *(index.name for index in table.indexes or [])}  # the table, its local indexes
        if (
            arguments.get("hash_key") is None
            or arguments.get("index_name") not in of_the_partition
            or not table.range_key_attr  # a partition is one item: moto keeps no partitions to read
        ):
            return query(table, *args, **kwargs)
        _queried_partition.key = arguments["hash_key"]
        try:
            return query(table, *args, **kwargs)
        finally:
            _queried_partition.key = None

    return partition_query


def _queried_partition_only(all_items: Callable[[Table], list[Item]]) -> Callable[[Table], list[Item]]:
    @functools.wraps(all_items)
    def items(table: Table) -> list[Item]:
        key = getattr(_queried_partition, "key", None)
        if key is None:
            return all_items(table)
        return sorted((table.items.get(key) or {}).values(), key=lambda item: item.range_key)

    return items


def _at_most_a_second_old(count: property) -> property:
    def recent_count(queue: Queue) -> int:
        cache: dict[property, tuple[float, int]] = queue.__dict__.setdefault("_recent_counts", {})
        counted_at, value = cache.get(count, (0.0, 0))
        if time.monotonic() - counted_at > _COUNTS_MAX_AGE_SECONDS:
            value = count.__get__(queue)
            cache[count] = (time.monotonic(), value)
        return value

    return property(recent_count)


def _delete_received_message(queue: Queue, receipt_handle: str) -> None:
    if receipt_handle in queue.deleted_messages:
        return  # already deleted: SQS accepts deleting it again
    for index, message in enumerate(queue._messages):
        if message.had_receipt_handle(receipt_handle):
            del queue._messages[index]
            queue.pending_messages.discard(message)
            queue.deleted_messages.update(handle for handle in message.all_receipt_handles if handle)
            return
    raise ReceiptHandleIsInvalid()


def _listed_once(list_of_moto_modules: Callable[[], Iterable[str]]) -> Callable[[], Iterable[str]]:
    modules = tuple(list_of_moto_modules())
    return lambda: modules


def _serialised(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _write_lock:
            return method(*args, **kwargs)

    return locked


def _item_results_as_json(
    execute_result: Callable[[ActionResult, ActionContext], Any],
) -> Callable[[ActionResult, ActionContext], Any]:
    @functools.wraps(execute_result)
    def execute(result: ActionResult, context: ActionContext) -> Any:
        shape = context.operation_model.output_shape
        if (
            context.service_model.service_name != "dynamodb"
            or context.operation_model.name not in _ITEM_OPERATIONS
            or shape is None
            or not isinstance(result.result, dict)
        ):
            return execute_result(result, context)
        members = shape.members  # moto adds a few fields AWS does not answer
        answer = {name: value for name, value in result.result.items() if name in members}
        body = json.dumps(_binary_in_base64(answer), separators=(",", ":"))
        return 200, {"Content-Type": "application/x-amz-json-1.0"}, body

    return execute


def _binary_in_base64(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1:
            [(name, inner)] = value.items()
            if name in _BINARY_TYPES and not isinstance(inner, dict):
                return {name: _base64(inner) if name == "B" else [_base64(member) for member in inner]}
        return {key: _binary_in_base64(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_binary_in_base64(inner) for inner in value]
    return value


def _base64(value: str | bytes) -> str:
    return base64.b64encode(value.encode() if isinstance(value, str) else value).decode()


def _only_pattern_rules(send_to_targets: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(send_to_targets)
    def send(rule: Rule, *args: Any, **kwargs: Any) -> None:
        if rule.event_pattern.get_pattern():
            send_to_targets(rule, *args, **kwargs)

    return send


def _instead(replacement: Any) -> Callable[[Any], Any]:
    """For a fix that does without moto's attribute."""
    return lambda _original: replacement


# Every attribute of moto's that apply_moto_fixes replaces (it also gives Table a __deepcopy__, which moto lacks).
PATCHES: tuple[MotoPatch, ...] = (
    # The backups are taken under the lock.
    MotoPatch(
        DynamoDBBackend, "transact_write_items", lambda original: _serialised(_backing_up_written_items(original))
    ),
    *(MotoPatch(DynamoDBBackend, name, _serialised) for name in _DYNAMODB_WRITES),
    MotoPatch(Table, "query", _query_reads_one_partition),
    MotoPatch(Table, "all_items", _queried_partition_only),
    *(MotoPatch(Queue, name, _at_most_a_second_old) for name in _APPROXIMATE_COUNTS),
    MotoPatch(Message, "visible", _instead(property(lambda message: time.time() * 1000 > message.visible_at))),
    MotoPatch(Message, "delayed", _instead(property(lambda message: time.time() * 1000 < message.delayed_until))),
    MotoPatch(Queue, "delete_message", _instead(_delete_received_message)),
    MotoPatch(backends, "list_of_moto_modules", _listed_once),
    MotoPatch(ActionResult, "execute_result", _item_results_as_json),
    MotoPatch(Rule, "send_to_targets", _only_pattern_rules),
)
