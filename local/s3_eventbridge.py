"""S3 "Object Created" events reach EventBridge shaped exactly as AWS sends them.

moto (5.2) does the wiring itself, in server mode and under `mock_aws` alike: a bucket with EventBridge
notifications sends an event when an object is created, rules match it (prefix filters included) and SQS
targets receive it with the key as is (not URL-encoded). But moto's event is not AWS's where code relies on it:
- every event has the same `id`, so idempotency keyed on it would drop every file after the first;
- the ETag is under `eTag` (AWS: `etag`; Powertools' model then silently reads "");
- `reason` is "ObjectCreated" (AWS: the API, PutObject / CompleteMultipartUpload ...);
- `version-id` is "null" in unversioned buckets (AWS leaves it out); `sequencer` and `request-id` are constants;
- it offers the event to every rule of every bus, schedule-only and disabled rules included;
- a completed multipart upload is announced twice: PutObject (moto stores the object with put_object), then
  CompleteMultipartUpload. AWS sends the latter only, and a file would be processed twice.

`emit_aws_shaped_events()` swaps moto's sender (in this process, where moto runs) for one that builds the
documented event (`local.events.s3_object_created_event`) and offers it to the enabled pattern rules of the
default bus, the only bus S3 sends to; moto's rules still do the matching and the delivery. Other kinds of S3
events (deleted, restored, tagged ...) keep moto's sender. The sender is declared in PATCHES, which
tests/unit/local/test_local_moto_upgrade_guard.py checks against moto.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from moto.events.models import events_backends
from moto.s3 import notifications

from local.events import S3_CREATED_REASONS, s3_object_created_event
from local.moto_patches import MotoPatch

logger = logging.getLogger(__name__)

_PUT_EVENT = "s3:ObjectCreated:Put"
_sequencer_lock = threading.Lock()
_last_sequencer = 0

_Sender = Callable[[str, Any, str, Any], None]  # (account id, bucket, event name, key)


@functools.cache
def emit_aws_shaped_events() -> None:
    """Once per process however often it is called; affects every moto backend of this process (server and
    `mock_aws`)."""
    for patch in PATCHES:
        patch.apply()


def _aws_shaped(moto_send: _Sender) -> _Sender:
    def send(account_id: str, bucket: Any, event_name: str, key: Any) -> None:
        if event_name not in S3_CREATED_REASONS:
            moto_send(account_id, bucket, event_name, key)
            return
        if event_name == _PUT_EVENT and getattr(key, "multipart", None) is not None:
            return  # moto's inner put_object of a completed upload, announced next as CompleteMultipartUpload
        try:
            _send_object_created(account_id, bucket, event_name, key)
        except Exception:  # S3 notifications are asynchronous in AWS: the PutObject itself succeeds
            logger.exception("the EventBridge event of s3://%s/%s was not delivered", bucket.name, key.name)

    return send


PATCHES = (MotoPatch(notifications, "_send_event_bridge_message", _aws_shaped),)


def next_sequencer() -> str:
    """Increasing hex strings, as S3's `sequencer` (compare two events of one key: the greater is the later)."""
    global _last_sequencer  # noqa: PLW0603 - one counter per process, like the S3 partition it stands for
    with _sequencer_lock:
        _last_sequencer = max(_last_sequencer + 1, time.time_ns())
        return f"{_last_sequencer:018X}"


def _send_object_created(account_id: str, bucket: Any, event_name: str, key: Any) -> None:
    moment = datetime.now(UTC)
    event = s3_object_created_event(
        bucket=bucket.name,
        key=key.name,
        size=int(key.size),
        etag=str(key.etag).strip('"'),
        version_id=key.version_id if bucket.versioning_status else None,
        sequencer=next_sequencer(),
        reason=S3_CREATED_REASONS[event_name],
        region=bucket.region_name,
        account_id=account_id,
        time=moment,
    )
    # moto's rules keep `time` as epoch seconds until a target formats it (its SQS target writes the ISO form).
    internal: Any = {**event, "time": int(moment.timestamp())}
    default_bus = events_backends[account_id][bucket.region_name].event_buses.get("default")
    if default_bus is None:
        return
    for rule in list(default_bus.rules.values()):
        if rule.state != "ENABLED" or rule.scheduled_expression is not None:
            continue
        # Without an InputTransformer the target receives the event as is (moto's transform would drop fields).
        transform = any("InputTransformer" in target for target in rule.targets)
        rule.send_to_targets(internal, transform_input=transform)
