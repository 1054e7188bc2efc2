"""An import's report from the outcomes of its messages: each message counted once, by its latest outcome."""

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from shared.core.models import FieldError
from shared.imports.models import ImportReport, ImportStatus, MessageRef, Outcome, OutcomeKind, RejectedMessage


def summarise(
    import_id: str,
    received: int | None,
    outcomes: Sequence[tuple[MessageRef, Outcome]],
    created_at: datetime | None = None,
) -> ImportReport:
    """`received`: how many messages the import has; None for a day of messages sent straight to the queue,
    which stays open."""
    counts = Counter(outcome.kind for _, outcome in outcomes)
    if received is None:
        status = ImportStatus.OPEN
    else:
        status = ImportStatus.COMPLETED if len(outcomes) >= received else ImportStatus.PROCESSING
    return ImportReport(
        import_id=import_id,
        status=status,
        received=len(outcomes) if received is None else received,
        stored=counts[OutcomeKind.STORED],
        duplicates=counts[OutcomeKind.DUPLICATE],
        unmatched=counts[OutcomeKind.UNMATCHED],
        rejected=counts[OutcomeKind.REJECTED],
        errors=[
            _error(ref, outcome)
            for ref, outcome in outcomes
            if outcome.kind is OutcomeKind.REJECTED or (outcome.kind is OutcomeKind.UNMATCHED and outcome.reason)
        ],
        created_at=created_at,
    )


def _error(ref: MessageRef, outcome: Outcome) -> RejectedMessage:
    return RejectedMessage(
        outcome=outcome.kind,
        position=ref.position,
        sqs_message_id=ref.sqs_message_id,
        source=outcome.source,
        external_id=outcome.external_id,
        reason=outcome.reason or "rejected",
        errors=[FieldError(field=problem.field, message=problem.message) for problem in outcome.problems],
    )
