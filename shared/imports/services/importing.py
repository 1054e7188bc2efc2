"""Importing messages a batch at a time: the houses of the batch's supply points, and the key items their
stores read first (invoice numbers, contract timelines), are read together; each message is stored (or held,
or rejected) on its own; the outcomes are written together. About two DynamoDB requests per invoice: the
contract-tariff lookup and the store's transaction.

Held (unmatched) messages are taken up again when their supply point gets a house: on the SupplyPointLinked
event, when a later batch finds a house for a supply point that has messages waiting (in case that event was
lost), and when the house appeared while a message was being held (the link raced the hold). The last two ask for
the release on the release queue rather than doing it inside their batch; a release takes up one page of held
messages and asks for the next page the same way, so that no invocation has an unbounded amount of work."""

from collections import Counter
from collections.abc import Iterable, Sequence

from aws_lambda_powertools.metrics import MetricUnit

from shared.billing.dal.keys import KeyItems
from shared.billing.models.invoices import InvoiceBody
from shared.core.clients.message_queue import MessageQueue, OutgoingMessage
from shared.core.observability import logger, metrics
from shared.core.settings import FunctionSettings
from shared.imports.dal import imports, unmatched_imports
from shared.imports.messages import ImportMessage, Rejection, parse_message
from shared.imports.models import (
    HeldMessagesRelease,
    MessageRef,
    Outcome,
    OutcomeKind,
    ReceivedMessage,
    ReleaseRequest,
)
from shared.imports.services.message_storing import AwaitingCorrectedInvoiceError, store_message
from shared.supply_points.dal.holders import SupplyPoint, holders, visible_from

_REASON_LIMIT = 500
RELEASE_PAGE = 100  # held messages taken up per release: one batch's worth
NOT_THE_HOLDERS = (
    "it starts before the current holder of the CUPS took it over: not the holder's, kept unmatched for operators"
)


class ImportingSettings(FunctionSettings):
    """The tables every function that imports messages reads or writes."""

    billing_documents_table: str
    billing_keys_table: str
    cups_links_table: str
    houses_table: str
    imports_table: str
    unique_keys_table: str
    unmatched_imports_table: str
    users_table: str
    release_queue_url: str  # where releases of held messages are asked for (SupplyPointLinkedQueue)


class ImportBatch:
    def __init__(
        self,
        messages: Sequence[ReceivedMessage],
        *,
        max_receives: int | None = None,
        held_for: SupplyPoint | None = None,
    ) -> None:
        """`max_receives`: the queue's maxReceiveCount, so that a message failing on its last delivery is
        counted (rejected, with the error) before SQS moves it to the dead-letter queue. `held_for`: the
        messages are those held for this supply point, taken up again."""
        self._max_receives = max_receives
        self._held_for = held_for
        self._parsed: dict[MessageRef, ImportMessage | Rejection] = {}
        for message in messages:
            try:
                self._parsed[message.ref] = _parse(message)
            except Exception:  # judged again, on its own, by import_message: the others go ahead
                logger.exception("import message not parsed", extra={"import_message": message.ref.key})
        supply_points = {_supply_point(m) for m in self._parsed.values() if isinstance(m, ImportMessage)}
        self._holders = holders(supply_points)
        self._visible_from = visible_from(self._holders)
        self._keys = self._read_key_items()
        # The safety net for a lost SupplyPointLinked event: messages waiting for a supply point that has a house.
        self._waiting = set() if held_for else unmatched_imports.waiting(self._holders)
        self._outcomes: list[tuple[MessageRef, Outcome]] = []
        self._taken_up: list[MessageRef] = []  # held messages that have an outcome now
        self._held_now: set[SupplyPoint] = set()

    def import_message(self, received: ReceivedMessage) -> None:
        """Raises when the message is worth delivering again (the caller reports it as a batch failure)."""
        try:
            self._import(received)
        except AwaitingCorrectedInvoiceError as awaiting:
            logger.info("waiting for the invoice it corrects: %s", awaiting, extra={"import_message": received.ref.key})
            raise
        except Exception as error:
            logger.exception("import message failed", extra={"import_message": received.ref.key})
            if self._is_last_delivery(received):
                outcome = self._dead_lettered(received, error)
                imports.save_outcome(received.ref, outcome)
                _count([outcome])
            raise

    def has_house(self, supply_point: SupplyPoint) -> bool:
        return supply_point in self._holders

    def finish(self) -> list[SupplyPoint]:
        """Write the outcomes; returns the supply points whose held messages can be taken up now."""
        imports.save_outcomes(self._outcomes)
        _count(outcome for _, outcome in self._outcomes)
        if self._held_for is not None:
            unmatched_imports.forget(self._held_for, self._taken_up)
        self._outcomes, self._taken_up = [], []
        appeared = set(holders(self._held_now)) if self._held_now else set()
        return sorted(self._waiting | appeared)

    def _import(self, received: ReceivedMessage) -> None:
        message = self._parsed.get(received.ref) or _parse(received)
        if isinstance(message, Rejection):
            self._settle(received, _rejected(message))
            return
        house = self._holders.get(_supply_point(message))
        if house is None:
            self._hold(received, message)
            return
        if self._before_holder(message):
            self._hold_for_operators(received, message)
            return
        try:
            outcome = store_message(house, message, received.ref, self._keys)
        except AwaitingCorrectedInvoiceError as awaiting:
            if not (self._held_for or self._is_last_delivery(received)):
                raise  # delivered again later, perhaps after the invoice it corrects
            outcome = awaiting.outcome
        self._settle(received, outcome)

    def _settle(self, received: ReceivedMessage, outcome: Outcome) -> None:
        self._outcomes.append((received.ref, outcome))
        if self._held_for is not None:
            self._taken_up.append(received.ref)

    def _hold(self, received: ReceivedMessage, message: ImportMessage) -> None:
        if self._held_for is not None:
            return  # taken up, and still no house: it stays held as it is
        supply_point = _supply_point(message)
        outcome = Outcome(OutcomeKind.UNMATCHED, message.source, message.external_id)
        if unmatched_imports.hold(supply_point, received, outcome):
            self._held_now.add(supply_point)
        _count([outcome])

    def _before_holder(self, message: ImportMessage) -> bool:
        """The rule consumption follows: a house sees nothing from before its link's `visible_from`."""
        first_day = self._visible_from.get(_supply_point(message))
        return first_day is not None and message.body.days[0] < first_day

    def _hold_for_operators(self, received: ReceivedMessage, message: ImportMessage) -> None:
        outcome = Outcome(OutcomeKind.UNMATCHED, message.source, message.external_id, reason=NOT_THE_HOLDERS)
        unmatched_imports.hold(_supply_point(message), received, outcome, for_operators=True)
        _count([outcome])
        if self._held_for is not None:
            self._taken_up.append(received.ref)  # kept apart now

    def _read_key_items(self) -> KeyItems:
        """The key items the batch's stores will read first, in one go (numbers read when corrections name them)."""
        timelines, numbers = [], []
        for message in self._parsed.values():
            if not isinstance(message, ImportMessage) or (house := self._holders.get(_supply_point(message))) is None:
                continue
            if self._before_holder(message):
                continue
            body = message.body
            if isinstance(body, InvoiceBody):
                read = (body.invoice_number, body.corrects_invoice_number)
                numbers += [(message.energy, message.supply_point, number) for number in read if number]
            else:
                timelines.append((house.id, message.energy))
        return KeyItems(timelines, numbers)

    def _is_last_delivery(self, received: ReceivedMessage) -> bool:
        return self._max_receives is not None and received.is_last_delivery(self._max_receives)

    def _dead_lettered(self, received: ReceivedMessage, error: Exception) -> Outcome:
        message = self._parsed.get(received.ref)
        failure = f"{type(error).__name__}: {error}"[:_REASON_LIMIT]
        return Outcome(
            OutcomeKind.REJECTED,
            message.source if message else None,
            message.external_id if message else None,
            reason=f"failed on each of its {received.deliveries} deliveries, the last with {failure}; "
            "the message is in the import dead-letter queue",
        )


def take_up_held(supply_point: SupplyPoint, release_queue: MessageQueue) -> None:
    """Import again a page of the messages held for the supply point (those still without a house stay held),
    and ask for the next page when there is one. Raises after trying the page if any failed, so that the
    release is retried."""
    held, more = unmatched_imports.held_messages(supply_point, limit=RELEASE_PAGE)
    if not held:
        unmatched_imports.stop_waiting(supply_point)
        return
    batch = ImportBatch(held, held_for=supply_point)
    failures = 0
    for message in held:
        try:
            batch.import_message(message)
        except Exception:  # logged by import_message; the others still go ahead
            failures += 1
    batch.finish()
    if failures:
        raise HeldMessagesFailedError(f"{failures} of {len(held)} held messages of {supply_point} failed")
    if not batch.has_house(supply_point):
        return
    if more:  # this page has its outcomes: the next one in an invocation of its own
        request_release(release_queue, [supply_point])
    else:
        unmatched_imports.stop_waiting(supply_point)


class HeldMessagesFailedError(RuntimeError):
    pass


def request_release(release_queue: MessageQueue, supply_points: Iterable[SupplyPoint]) -> None:
    """Ask the release function to take up the messages held for each supply point."""
    requests = [
        ReleaseRequest(detail=HeldMessagesRelease(energy=energy, supply_point=key)) for energy, key in supply_points
    ]
    release_queue.send([OutgoingMessage(request.model_dump_json()) for request in requests])


def request_release_where_possible(release_queue: MessageQueue, supply_points: Sequence[SupplyPoint]) -> None:
    """request_release as a side task: a failure is logged and left to the next trigger (a later batch)."""
    if not supply_points:
        return
    try:
        request_release(release_queue, supply_points)
    except Exception:
        logger.exception("release of held messages not requested", extra={"supply_points": len(supply_points)})


def _parse(received: ReceivedMessage) -> ImportMessage | Rejection:
    return parse_message(received.body, received.bound_source, unregistered_sender=received.unregistered_sender)


def _supply_point(message: ImportMessage) -> SupplyPoint:
    return message.energy, message.supply_point


def _count(outcomes: Iterable[Outcome]) -> None:
    """ImportsStored, ImportsDuplicate, ImportsUnmatched and ImportsRejected: the messages of each outcome."""
    for kind, count in Counter(outcome.kind for outcome in outcomes).items():
        metrics.add_metric(name=f"Imports{kind.value.capitalize()}", unit=MetricUnit.Count, value=count)


def _rejected(rejection: Rejection) -> Outcome:
    return Outcome(
        OutcomeKind.REJECTED,
        rejection.source,
        rejection.external_id,
        reason=rejection.reason,
        problems=rejection.problems,
    )
