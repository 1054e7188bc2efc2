"""The UnmatchedImports table: messages whose CUPS no house held when they arrived, kept per supply point
until a house links it, and a marker per supply point that has some waiting (read with the houses of each
batch, so that a later message for the supply point takes them up even if the link's event was lost).

Messages that are not the current holder's (they start before the holder took the supply point over) are kept
apart, for operators, under `<energy>#<supply point>#not-the-holders`: no link ever releases them."""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.transactions import TransactWrite

from shared.core.dal.tables import TableRecord
from shared.core.dal.transactions import ConditionFailedError, write_transaction
from shared.imports.dal.imports import OutcomeRecord, outcome_record
from shared.imports.models import MessageRef, Outcome, OutcomeKind, ReceivedMessage
from shared.supply_points.dal.holders import SupplyPoint

_MESSAGE_ENTRY = "message#"
_WAITING_ENTRY = "waiting"
_NOT_THE_HOLDERS = "#not-the-holders"
HELD_FOR = timedelta(days=365)  # then DynamoDB's TTL drops the message (it stays counted unmatched)


class HeldMessageRecord(TableRecord):
    class Meta:
        table_setting = "unmatched_imports_table"

    supply_point = UnicodeAttribute(hash_key=True)  # "<energy>#<supply point>"
    entry = UnicodeAttribute(range_key=True)  # "message#<import id>#<place>"
    import_id = UnicodeAttribute()
    position = NumberAttribute(null=True)
    sqs_message_id = UnicodeAttribute(null=True)
    body = UnicodeAttribute()  # the message as received
    held_at = UnicodeAttribute()
    expires_at = TTLAttribute()  # the table's TimeToLiveSpecification


class WaitingMarkerRecord(TableRecord):
    class Meta:
        table_setting = "unmatched_imports_table"

    supply_point = UnicodeAttribute(hash_key=True)
    entry = UnicodeAttribute(range_key=True)  # "waiting"


def hold(supply_point: SupplyPoint, message: ReceivedMessage, outcome: Outcome, *, for_operators: bool = False) -> bool:
    """Keep the message for the supply point (until a house links it, or, `for_operators`, apart for good) and
    count it unmatched, in one transaction; False (nothing written) when the message already has another outcome
    (it was stored, then delivered again)."""
    partition = _partition(supply_point) + (_NOT_THE_HOLDERS if for_operators else "")
    ref = message.ref
    now = datetime.now(UTC)
    held = HeldMessageRecord(
        partition,
        _MESSAGE_ENTRY + ref.key,
        import_id=ref.import_id,
        position=ref.position,
        sqs_message_id=ref.sqs_message_id,
        body=message.body,
        held_at=now.isoformat(),
        expires_at=now + HELD_FOR,
    )
    unsettled = OutcomeRecord.outcome.does_not_exist() | (OutcomeRecord.outcome == OutcomeKind.UNMATCHED.value)

    def write(transaction: TransactWrite) -> None:
        transaction.save(held)
        if not for_operators:
            transaction.save(WaitingMarkerRecord(partition, _WAITING_ENTRY))
        transaction.save(outcome_record(ref, outcome), condition=unsettled)

    try:
        write_transaction(write)
    except ConditionFailedError:
        return False
    return True


def held_messages(supply_point: SupplyPoint, *, limit: int) -> tuple[list[ReceivedMessage], bool]:
    """Up to `limit` of the messages held for the supply point, oldest import first; True when there are more."""
    records = HeldMessageRecord.query(
        _partition(supply_point),
        HeldMessageRecord.entry.startswith(_MESSAGE_ENTRY),
        consistent_read=True,
        limit=limit,
    )
    held = [
        ReceivedMessage(
            record.body,
            MessageRef(
                record.import_id,
                position=None if record.position is None else int(record.position),
                sqs_message_id=record.sqs_message_id,
            ),
        )
        for record in records
    ]
    return held, records.last_evaluated_key is not None


def forget(supply_point: SupplyPoint, held: Iterable[MessageRef]) -> None:
    """Drop held messages that have an outcome now."""
    with HeldMessageRecord.batch_write() as batch:
        for ref in held:
            batch.delete(HeldMessageRecord(_partition(supply_point), _MESSAGE_ENTRY + ref.key))


def waiting(supply_points: Iterable[SupplyPoint]) -> set[SupplyPoint]:
    """Those of the supply points that have messages waiting for them."""
    by_partition = {_partition(supply_point): supply_point for supply_point in supply_points}
    if not by_partition:
        return set()
    markers = WaitingMarkerRecord.batch_get(
        [(partition, _WAITING_ENTRY) for partition in by_partition], consistent_read=True
    )
    return {by_partition[marker.supply_point] for marker in markers}


def stop_waiting(supply_point: SupplyPoint) -> None:
    WaitingMarkerRecord(_partition(supply_point), _WAITING_ENTRY).delete()


def _partition(supply_point: SupplyPoint) -> str:
    energy, key = supply_point
    return f"{energy.value}#{key}"
