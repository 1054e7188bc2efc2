"""Importing messages a batch at a time: the houses of the batch's supply points, and the key items their
stores read first (invoice numbers, contract timelines), are read together; each message is stored (or held,
or rejected) on its own; the outcomes are written together. About two DynamoDB requests per invoice: the
contract-tariff lookup and the store's transaction.

Held (unmatched) messages are taken up again when their supply point gets a house: on the SupplyPointLinked
event, when a later batch finds a house for a supply point that has messages waiting (in case that event was
lost), and when the house appeared while a message was being held (the link raced the hold)."""

from collections import Counter
from collections.abc import Iterable, Sequence

from aws_lambda_powertools.metrics import MetricUnit

from shared.billing.dal.keys import KeyItems
from shared.billing.models.invoices import InvoiceBody
from shared.core.observability import logger, metrics
from shared.core.settings import FunctionSettings
from shared.imports.dal import imports, unmatched_imports
from shared.imports.messages import ImportMessage, Rejection, parse_message
from shared.imports.models import MessageRef, Outcome, OutcomeKind, ReceivedMessage
from shared.imports.services.message_storing import AwaitingCorrectedInvoiceError, store_message
from shared.supply_points.dal.holders import SupplyPoint, holders

_REASON_LIMIT = 500


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
        self._parsed = {message.ref: parse_message(message.body) for message in messages}
        supply_points = {_supply_point(m) for m in self._parsed.values() if isinstance(m, ImportMessage)}
        self._holders = holders(supply_points)
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
        message = self._parsed.get(received.ref) or parse_message(received.body)
        if isinstance(message, Rejection):
            self._settle(received, _rejected(message))
            return
        house = self._holders.get(_supply_point(message))
        if house is None:
            self._hold(received, message)
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

    def _read_key_items(self) -> KeyItems:
        """The key items the batch's stores will read first, in one go (numbers read when corrections name them)."""
        timelines, numbers = [], []
        for message in self._parsed.values():
            if not isinstance(message, ImportMessage) or (house := self._holders.get(_supply_point(message))) is None:
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


def take_up_held(supply_point: SupplyPoint) -> None:
    """Import again the messages held for the supply point (those still without a house stay held). Raises
    after trying them all if any failed, so that the trigger is retried."""
    held = unmatched_imports.held_messages(supply_point)
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
    if batch.has_house(supply_point):  # every held message has an outcome now
        unmatched_imports.stop_waiting(supply_point)


class HeldMessagesFailedError(RuntimeError):
    pass


def take_up_where_possible(supply_points: Iterable[SupplyPoint]) -> None:
    """take_up_held for each, as a side task: a failure is logged and left to the next trigger."""
    for supply_point in supply_points:
        try:
            take_up_held(supply_point)
        except Exception:
            logger.exception("held messages not taken up yet", extra={"supply_point": supply_point[1]})


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
