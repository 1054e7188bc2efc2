"""A function's `Type: SQS` events, run the way Lambda's event source mapping runs them.

Per event: a couple of poller threads long-poll the queue, gather up to BatchSize messages (waiting up to
MaximumBatchingWindowInSeconds for more), and invoke the function with Lambda's SQS event. Then, as Lambda:
- the function returns: every message is deleted, except, with `FunctionResponseTypes: [ReportBatchItemFailures]`,
  those named in its `batchItemFailures` (an invalid answer fails the whole batch);
- the function raises (or cannot load): no message is deleted.
Failed messages are received again later and the queue's RedrivePolicy moves a message to its dead-letter
queue once it has been received maxReceiveCount times: moto enforces that on receive, as SQS does.

One local difference, on purpose: Lambda leaves a failed message invisible for the rest of the queue's
VisibilityTimeout (90 minutes for MeteringFileQueue), while the local poller makes it visible again after
`retry_seconds` (LOCAL_SQS_RETRY_SECONDS, 2 s) so that retries and redrive can be watched as they happen.
Not emulated: FilterCriteria (warned about), FIFO ordering guarantees across a failure.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self

import boto3

from local.deployment import Deployment
from local.events import sqs_event, sqs_record
from local.functions import FunctionRuntime
from local.template import FunctionEvent, FunctionSpec, TemplateError

logger = logging.getLogger(__name__)

POLLERS_PER_QUEUE = 2  # Lambda starts five and scales; two show concurrency without crowding two cores
LONG_POLL_SECONDS = 1  # Lambda waits 20 s; 1 s lets the stack stop promptly
_SQS_RECEIVE_LIMIT = 10
_DEFAULT_BATCH_SIZE = 10
_STOP_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class SqsEventSourceMapping:
    """What Lambda reads from a function's `Type: SQS` event (Properties resolved)."""

    function_id: str
    event_name: str
    queue_arn: str
    batch_size: int = _DEFAULT_BATCH_SIZE
    batching_window_seconds: int = 0
    report_batch_item_failures: bool = False
    enabled: bool = True
    max_concurrency: int | None = None  # ScalingConfig.MaximumConcurrency

    @classmethod
    def from_event(cls, function: FunctionSpec, event: FunctionEvent, properties: Mapping[str, Any]) -> Self:
        queue_arn = properties.get("Queue")
        if not isinstance(queue_arn, str) or not queue_arn.startswith("arn:"):
            raise TemplateError(f"{function.logical_id}.{event.name}: Queue must be a queue ARN, got {queue_arn!r}")
        if properties.get("FilterCriteria"):
            logger.warning(
                "%s.%s: FilterCriteria is not emulated locally: every message is delivered",
                function.logical_id,
                event.name,
            )
        scaling = properties.get("ScalingConfig") or {}
        return cls(
            function_id=function.logical_id,
            event_name=event.name,
            queue_arn=queue_arn,
            batch_size=int(properties.get("BatchSize", _DEFAULT_BATCH_SIZE)),
            batching_window_seconds=int(properties.get("MaximumBatchingWindowInSeconds", 0)),
            report_batch_item_failures="ReportBatchItemFailures" in (properties.get("FunctionResponseTypes") or []),
            enabled=properties.get("Enabled", True) not in (False, "false", "False"),
            max_concurrency=int(scaling["MaximumConcurrency"]) if "MaximumConcurrency" in scaling else None,
        )

    @property
    def name(self) -> str:
        return f"{self.function_id}.{self.event_name}"

    @property
    def region(self) -> str:
        return self.queue_arn.split(":")[3]

    @property
    def queue_name(self) -> str:
        return self.queue_arn.rsplit(":", 1)[-1]

    @property
    def account_id(self) -> str:
        return self.queue_arn.split(":")[4]


def failed_message_ids(result: Any, message_ids: Sequence[str]) -> set[str]:
    """The messages Lambda retries after a function with ReportBatchItemFailures returned `result`.

    As documented for Lambda: None, {} or an empty / null `batchItemFailures` is a complete success; an item
    whose `itemIdentifier` is missing, empty or not a message of the batch (or a response that is not a JSON
    object) fails the whole batch.
    """
    if result is None:
        return set()
    if not isinstance(result, Mapping):
        logger.warning("a response that is not an object fails the whole batch: %r", result)
        return set(message_ids)
    failures = result.get("batchItemFailures")
    if failures is None:
        return set()
    if not isinstance(failures, list):
        logger.warning("batchItemFailures is not a list: the whole batch failed: %r", failures)
        return set(message_ids)
    failed: set[str] = set()
    for item in failures:
        identifier = item.get("itemIdentifier") if isinstance(item, Mapping) else None
        if not isinstance(identifier, str) or identifier not in message_ids:
            logger.warning("batchItemFailures names %r, not a message of the batch: the whole batch failed", item)
            return set(message_ids)
        failed.add(identifier)
    return failed


class SqsPoller:
    """Lambda's event source mapping for one function event: pollers that receive, invoke, delete."""

    def __init__(
        self,
        mapping: SqsEventSourceMapping,
        function: FunctionRuntime,
        *,
        sqs: Any,
        pollers: int = POLLERS_PER_QUEUE,
        retry_seconds: int = 2,
        long_poll_seconds: int = LONG_POLL_SECONDS,
    ) -> None:
        self.mapping = mapping
        self.function = function
        self.retry_seconds = retry_seconds
        self.long_poll_seconds = long_poll_seconds
        self._sqs = sqs
        self.queue_url: str = sqs.get_queue_url(
            QueueName=mapping.queue_name, QueueOwnerAWSAccountId=mapping.account_id
        )["QueueUrl"]
        self._pollers = pollers
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for number in range(1, self._pollers + 1):
            thread = threading.Thread(target=self._poll, name=f"sqs-{self.mapping.name}-{number}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def request_stop(self) -> None:
        """Poll no more (returns at once; `stop` waits for the pollers)."""
        self._stopping.set()

    def stop(self, timeout: float = _STOP_TIMEOUT_SECONDS) -> None:
        """Stop polling; waits (up to `timeout`) for invocations in progress, whose messages are then kept."""
        self._stopping.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                logger.warning("%s: an invocation is still running; left behind", thread.name)
        self._threads = []

    def poll_once(self) -> int:
        """Receive one batch and process it; the number of messages it had (0: the queue stayed empty)."""
        messages = self._receive_batch()
        if messages:
            self._process(messages)
        return len(messages)

    def _poll(self) -> None:
        while not self._stopping.is_set():
            try:
                self.poll_once()
            except Exception:
                if self._stopping.is_set():
                    break  # moto may already be gone
                logger.exception("%s: polling %s failed; retrying", self.mapping.name, self.queue_url)
                self._stopping.wait(1)

    def _receive(self, count: int, wait_seconds: int) -> list[dict[str, Any]]:
        answer = self._sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=min(count, _SQS_RECEIVE_LIMIT),
            WaitTimeSeconds=wait_seconds,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return list(answer.get("Messages") or [])

    def _receive_batch(self) -> list[dict[str, Any]]:
        batch_size = self.mapping.batch_size
        batch = self._receive(batch_size, self.long_poll_seconds)
        if not batch:
            return batch
        deadline = time.monotonic() + self.mapping.batching_window_seconds
        while len(batch) < batch_size and not self._stopping.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            batch += self._receive(batch_size - len(batch), min(self.long_poll_seconds, math.ceil(remaining)))
        return batch

    def _process(self, messages: Sequence[Mapping[str, Any]]) -> None:
        mapping = self.mapping
        records = [sqs_record(message, queue_arn=mapping.queue_arn, region=mapping.region) for message in messages]
        ids = [record["messageId"] for record in records]
        try:
            result = self.function.invoke(sqs_event(records))
        except Exception:
            logger.exception("%s failed on a batch of %d: every message will be retried", mapping.name, len(ids))
            failed = set(ids)
        else:
            failed = failed_message_ids(result, ids) if mapping.report_batch_item_failures else set()
            if failed:
                logger.info("%s: %d of %d messages failed and will be retried", mapping.name, len(failed), len(ids))
        self._delete([m for m in messages if m["MessageId"] not in failed])
        self._retry_soon([m for m in messages if m["MessageId"] in failed])

    def _delete(self, messages: Iterable[Mapping[str, Any]]) -> None:
        for chunk in _chunks(messages):
            answer = self._sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=chunk)
            for failure in answer.get("Failed") or []:
                logger.warning("%s: a processed message was not deleted: %s", self.mapping.name, failure)

    def _retry_soon(self, messages: Iterable[Mapping[str, Any]]) -> None:
        for chunk in _chunks(messages, VisibilityTimeout=self.retry_seconds):
            self._sqs.change_message_visibility_batch(QueueUrl=self.queue_url, Entries=chunk)


def _chunks(messages: Iterable[Mapping[str, Any]], **extra: Any) -> Iterable[list[dict[str, Any]]]:
    entries = [
        {"Id": str(number), "ReceiptHandle": message["ReceiptHandle"], **extra}
        for number, message in enumerate(messages)
    ]
    for start in range(0, len(entries), _SQS_RECEIVE_LIMIT):
        yield entries[start : start + _SQS_RECEIVE_LIMIT]


class SqsEventSources:
    """Every SQS event of the template's functions, polling; what `python -m local` runs."""

    def __init__(self, pollers: Sequence[SqsPoller]) -> None:
        self.pollers = list(pollers)

    @property
    def state(self) -> dict[str, Any]:
        return {"sqs_event_sources": {poller.mapping.name: poller.queue_url for poller in self.pollers}}

    def start(self) -> None:
        for poller in self.pollers:
            poller.start()

    def stop(self) -> None:
        for poller in self.pollers:
            poller.request_stop()  # all at once, then one deadline for the invocations still running
        deadline = time.monotonic() + _STOP_TIMEOUT_SECONDS
        for poller in self.pollers:
            poller.stop(timeout=max(0.0, deadline - time.monotonic()))


def sqs_event_sources(
    deployment: Deployment,
    events: Iterable[tuple[FunctionSpec, FunctionEvent]],
    functions: Mapping[str, FunctionRuntime],
    *,
    aws_endpoint: str,
    retry_seconds: int = 2,
) -> SqsEventSources:
    sqs = boto3.client("sqs", region_name=deployment.region, endpoint_url=aws_endpoint)
    pollers = []
    for function, event in events:
        mapping = SqsEventSourceMapping.from_event(function, event, deployment.resolve(event.properties) or {})
        if not mapping.enabled:
            logger.info("%s is disabled (Enabled: false): not polled", mapping.name)
            continue
        limits = [POLLERS_PER_QUEUE, mapping.max_concurrency, function.reserved_concurrency]
        count = min(limit for limit in limits if limit is not None)
        if count < 1:
            logger.warning("%s: concurrency 0, the function is throttled: not polled", mapping.name)
            continue
        pollers.append(
            SqsPoller(mapping, functions[function.logical_id], sqs=sqs, pollers=count, retry_seconds=retry_seconds)
        )
    return SqsEventSources(pollers)
