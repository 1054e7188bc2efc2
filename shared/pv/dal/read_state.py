"""What the PV reads keep on the record of what they read, a house's installation or a community: the last poll and
how far reading got. Written by the reads alone (an update of these attributes only), so that a read never
overwrites an operator's change, nor an operator's change a read's. Each record declares the three attributes
(PynamoDB takes a MapAttribute from no mixin); reading and writing them is here, once."""

from typing import Any, Protocol

from pynamodb.attributes import BooleanAttribute, MapAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.expressions.update import Action

from shared.pv.models import PvLastPoll, ReadProgress


class LastPollAttribute(MapAttribute[str, Any]):
    at = UnicodeAttribute()
    hours_stored = NumberAttribute()
    error = UnicodeAttribute(null=True)


class ReadStateColumns(Protocol):
    """A record class declaring `last_poll = LastPollAttribute(null=True)`, `backfilled = BooleanAttribute(null=True)`
    and `left_over = UnicodeSetAttribute(null=True)` (the months still to read)."""

    last_poll: LastPollAttribute
    backfilled: BooleanAttribute
    left_over: UnicodeSetAttribute


def stored_last_poll(poll: LastPollAttribute | None) -> PvLastPoll | None:
    if poll is None:
        return None
    return PvLastPoll(at=poll.at, hours_stored=int(poll.hours_stored), error=poll.error)


def stored_progress(backfilled: bool | None, left_over: set[str] | None) -> ReadProgress:
    return ReadProgress(backfilled=bool(backfilled), left_over=frozenset(left_over or ()))


def poll_actions(record: ReadStateColumns, last_poll: PvLastPoll, progress: ReadProgress) -> list[Action]:
    """The update that records a poll on an item of `record`."""
    poll = LastPollAttribute(at=last_poll.at.isoformat(), hours_stored=last_poll.hours_stored, error=last_poll.error)
    return [
        record.last_poll.set(poll),
        record.backfilled.set(progress.backfilled),
        record.left_over.set(set(progress.left_over)) if progress.left_over else record.left_over.remove(),
    ]
