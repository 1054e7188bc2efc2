"""The Imports table: each posted import, and the outcome of each of its messages (one item per message, so
that redelivery overwrites rather than counts again)."""

from collections.abc import Iterable

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from shared.core.dal.tables import TableRecord
from shared.core.errors import FieldProblem
from shared.imports.models import MessageRef, Outcome, OutcomeKind

_IMPORT_ENTRY = "import"
_MESSAGE_ENTRY = "message#"


class ImportRecord(TableRecord):
    class Meta:
        table_setting = "imports_table"

    import_id = UnicodeAttribute(hash_key=True)
    entry = UnicodeAttribute(range_key=True)  # "import"
    received = NumberAttribute()
    created_by = UnicodeAttribute()  # "user:<sub>" or "client:<app client id>"
    created_at = UnicodeAttribute()


class ProblemAttribute(MapAttribute[str, str]):
    field = UnicodeAttribute()
    message = UnicodeAttribute()


class OutcomeRecord(TableRecord):
    class Meta:
        table_setting = "imports_table"

    import_id = UnicodeAttribute(hash_key=True)
    entry = UnicodeAttribute(range_key=True)  # "message#<position, or SQS message id>"
    position = NumberAttribute(null=True)
    sqs_message_id = UnicodeAttribute(null=True)
    outcome = UnicodeAttribute()
    source = UnicodeAttribute(null=True)
    external_id = UnicodeAttribute(null=True)
    document_id = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    problems = ListAttribute[ProblemAttribute](of=ProblemAttribute, null=True)


def save_import(import_id: str, *, received: int, created_by: str, created_at: str) -> None:
    ImportRecord(import_id, _IMPORT_ENTRY, received=received, created_by=created_by, created_at=created_at).save()


def get_import(import_id: str) -> ImportRecord | None:
    try:
        return ImportRecord.get(import_id, _IMPORT_ENTRY, consistent_read=True)
    except ImportRecord.DoesNotExist:
        return None


def outcome_record(ref: MessageRef, outcome: Outcome) -> OutcomeRecord:
    return OutcomeRecord(
        ref.import_id,
        _MESSAGE_ENTRY + ref.place,
        position=ref.position,
        sqs_message_id=ref.sqs_message_id,
        outcome=outcome.kind.value,
        source=outcome.source,
        external_id=outcome.external_id,
        document_id=outcome.document_id,
        reason=outcome.reason,
        problems=[ProblemAttribute(field=p.field, message=p.message) for p in outcome.problems] or None,
    )


def save_outcome(ref: MessageRef, outcome: Outcome) -> None:
    outcome_record(ref, outcome).save()


def save_outcomes(outcomes: Iterable[tuple[MessageRef, Outcome]]) -> None:
    """One BatchWriteItem per 25 outcomes."""
    with OutcomeRecord.batch_write() as batch:
        for ref, outcome in outcomes:
            batch.save(outcome_record(ref, outcome))


def recorded_outcomes(import_id: str) -> list[tuple[MessageRef, Outcome]]:
    records = OutcomeRecord.query(import_id, OutcomeRecord.entry.startswith(_MESSAGE_ENTRY), consistent_read=True)
    return [
        (
            MessageRef(
                record.import_id,
                position=None if record.position is None else int(record.position),
                sqs_message_id=record.sqs_message_id,
            ),
            Outcome(
                OutcomeKind(record.outcome),
                source=record.source,
                external_id=record.external_id,
                document_id=record.document_id,
                reason=record.reason,
                problems=tuple(FieldProblem(p.field, p.message) for p in record.problems or ()),
            ),
        )
        for record in records
    ]
