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
- A query on a local secondary index reads one partition, however big the table. moto reads (and sorts) every
  item of the table for it, so each contract-tariff lookup of an invoice would cost time in proportion to all
  the stored documents. Reading only the queried partition (a local index shares the table's partition key)
  restores the service's behaviour.
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
from typing import Any

from moto import backends
from moto.core.responses import ActionContext, ActionResult
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table
from moto.events.models import Rule
from moto.sqs.exceptions import ReceiptHandleIsInvalid
from moto.sqs.models import Message, Queue

_DYNAMODB_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")
_write_lock = threading.RLock()
_queried_partition = threading.local()  # the partition key of the local-index query this thread is running
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


def apply_moto_fixes() -> None:
    """Idempotent: the local stack and the test fixtures both call it."""
    transact = DynamoDBBackend.transact_write_items
    if not getattr(transact, "_backs_up_items", False):  # before the lock below wraps it: backups under the lock
        DynamoDBBackend.transact_write_items = _backing_up_written_items(transact)  # type: ignore[method-assign]
        Table.__deepcopy__ = _table_kept  # type: ignore[attr-defined]  # moto copies tables only to roll back
    if not getattr(Table.query, "_patched", False):
        Table.query = _patched(_local_index_reads_one_partition(Table.query))  # type: ignore[method-assign]
        Table.all_items = _patched(_queried_partition_only(Table.all_items))  # type: ignore[method-assign,assignment]
    for name in _DYNAMODB_WRITES:
        method = getattr(DynamoDBBackend, name)
        if not getattr(method, "_patched", False):
            setattr(DynamoDBBackend, name, _patched(_serialised(method)))
    if not getattr(Queue.delete_message, "_patched", False):
        _make_sqs_calls_cost_the_same_however_long_the_queue()
    if not getattr(backends.list_of_moto_modules, "_patched", False):
        backends.list_of_moto_modules = _patched(_listed_once(backends.list_of_moto_modules))
    if not getattr(ActionResult.execute_result, "_patched", False):
        ActionResult.execute_result = _patched(_item_results_as_json(ActionResult.execute_result))  # type: ignore[method-assign,assignment]
    if not getattr(Rule.send_to_targets, "_patched", False):
        Rule.send_to_targets = _patched(_only_pattern_rules(Rule.send_to_targets))  # type: ignore[method-assign]


def _backing_up_written_items(transact_write_items: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(transact_write_items)
    def transact(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        with _item_backups(backend, transact_items):
            transact_write_items(backend, transact_items)

    transact._backs_up_items = True  # type: ignore[attr-defined]
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


def _local_index_reads_one_partition(query: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(query)

    @functools.wraps(query)
    def partition_query(table: Table, *args: Any, **kwargs: Any) -> Any:
        arguments = signature.bind(table, *args, **kwargs).arguments
        local_indexes = {index.name for index in table.indexes or []}
        if arguments.get("hash_key") is None or arguments.get("index_name") not in local_indexes:
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


def _make_sqs_calls_cost_the_same_however_long_the_queue() -> None:
    for name in _APPROXIMATE_COUNTS:
        setattr(Queue, name, property(_at_most_a_second_old(name, getattr(Queue, name).fget)))
    Message.visible = property(lambda message: time.time() * 1000 > message.visible_at)  # type: ignore[assignment]
    Message.delayed = property(lambda message: time.time() * 1000 < message.delayed_until)  # type: ignore[assignment]
    Queue.delete_message = _patched(_delete_received_message)  # type: ignore[method-assign,assignment]


def _at_most_a_second_old(name: str, count: Callable[[Queue], int]) -> Callable[[Queue], int]:
    def recent_count(queue: Queue) -> int:
        cache: dict[str, tuple[float, int]] = queue.__dict__.setdefault("_recent_counts", {})
        counted_at, value = cache.get(name, (0.0, 0))
        if time.monotonic() - counted_at > _COUNTS_MAX_AGE_SECONDS:
            value = count(queue)
            cache[name] = (time.monotonic(), value)
        return value

    return recent_count


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


def _patched[F: Callable[..., Any]](function: F) -> F:
    function._patched = True  # type: ignore[attr-defined]
    return function
