"""Where moto is weaker than the AWS services it emulates, in ways the project's guarantees depend on.

- DynamoDB runs every write and transaction atomically, so two racing conditional writes can never both
  succeed. moto checks conditions and writes in plain Python, and a thread switch between the check and the
  write of two concurrent requests lets both through: one lock around moto's DynamoDB writes restores the
  service's behaviour (reads need no lock).
- EventBridge never matches events against a scheduled rule (it has no pattern). moto offers every PutEvents
  event to such rules, and then fails on their Lambda targets, so publishing any event would break.
"""

import functools
import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb.models import DynamoDBBackend
from moto.events.models import Rule

_DYNAMODB_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")
_write_lock = threading.RLock()


def apply_moto_fixes() -> None:
    """Idempotent: the local stack and the test fixtures both call it."""
    for name in _DYNAMODB_WRITES:
        method = getattr(DynamoDBBackend, name)
        if not getattr(method, "_patched", False):
            setattr(DynamoDBBackend, name, _patched(_serialised(method)))
    if not getattr(Rule.send_to_targets, "_patched", False):
        Rule.send_to_targets = _patched(_only_pattern_rules(Rule.send_to_targets))  # type: ignore[method-assign]


def _serialised(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _write_lock:
            return method(*args, **kwargs)

    return locked


def _only_pattern_rules(send_to_targets: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(send_to_targets)
    def send(rule: Rule, *args: Any, **kwargs: Any) -> None:
        if rule.event_pattern.get_pattern():
            send_to_targets(rule, *args, **kwargs)

    return send


def _patched[F: Callable[..., Any]](function: F) -> F:
    function._patched = True  # type: ignore[attr-defined]
    return function
