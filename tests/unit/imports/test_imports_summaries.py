"""An import's report counts each message once, by its latest outcome; it is complete when every message of
the import has one."""

from shared.core.errors import FieldProblem
from shared.imports.models import ImportStatus, MessageRef, Outcome, OutcomeKind
from shared.imports.summaries import summarise

IMPORT = "imp-1"


def at(position: int) -> MessageRef:
    return MessageRef(IMPORT, position=position)


def test_each_outcome_is_counted_under_its_kind() -> None:
    outcomes = [
        (at(0), Outcome(OutcomeKind.STORED, "erp", "a", document_id="d1")),
        (at(1), Outcome(OutcomeKind.DUPLICATE, "erp", "b", document_id="d1")),
        (at(2), Outcome(OutcomeKind.UNMATCHED, "erp", "c")),
        (at(3), Outcome(OutcomeKind.STORED, "erp", "d", document_id="d2")),
    ]
    report = summarise(IMPORT, 4, outcomes)
    assert (report.status, report.received, report.stored, report.duplicates, report.unmatched, report.rejected) == (
        ImportStatus.COMPLETED,
        4,
        2,
        1,
        1,
        0,
    )
    assert report.errors == []


def test_an_import_is_processing_until_every_message_has_an_outcome() -> None:
    report = summarise(IMPORT, 3, [(at(0), Outcome(OutcomeKind.STORED))])
    assert (report.status, report.received, report.stored) == (ImportStatus.PROCESSING, 3, 1)


def test_rejections_are_listed_with_their_reasons_and_fields() -> None:
    problem = FieldProblem("data.period_end", "must not be before period_start")
    outcomes = [
        (at(0), Outcome(OutcomeKind.STORED)),
        (
            at(1),
            Outcome(OutcomeKind.REJECTED, "erp", "b", reason="invalid: data.period_end", problems=(problem,)),
        ),
    ]
    [error] = summarise(IMPORT, 2, outcomes).errors
    assert error.model_dump(mode="json") == {
        "outcome": "rejected",
        "position": 1,
        "sqs_message_id": None,
        "source": "erp",
        "external_id": "b",
        "reason": "invalid: data.period_end",
        "errors": [{"field": "data.period_end", "message": "must not be before period_start"}],
    }


def test_a_day_of_messages_sent_straight_to_the_queue_stays_open() -> None:
    ref = MessageRef("queue-2024-05-03", sqs_message_id="m-1")
    report = summarise("queue-2024-05-03", None, [(ref, Outcome(OutcomeKind.REJECTED, reason="bad"))])
    assert (report.status, report.received, report.rejected) == (ImportStatus.OPEN, 1, 1)
    assert (report.errors[0].position, report.errors[0].sqs_message_id) == (None, "m-1")
