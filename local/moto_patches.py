"""Where moto is weaker than the AWS service it emulates, in ways the project's guarantees depend on.

DynamoDB runs every write and transaction atomically, so two racing conditional writes can never both
succeed. moto checks conditions and writes in plain Python, and a thread switch between the check and the
write of two concurrent requests lets both through. One lock around moto's DynamoDB writes restores the
service's behaviour for the local stack and the tests (reads need no lock)."""

import functools
import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb.models import DynamoDBBackend

_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")
_write_lock = threading.RLock()


def serialise_dynamodb_writes() -> None:
    for name in _WRITES:
        method = getattr(DynamoDBBackend, name)
        if not getattr(method, "_serialised", False):
            setattr(DynamoDBBackend, name, _serialised(method))


def _serialised(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _write_lock:
            return method(*args, **kwargs)

    locked._serialised = True  # type: ignore[attr-defined]
    return locked
