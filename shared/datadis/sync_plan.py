"""Which months of a supply's hourly consumption to ask Datadis for. Its queries are month-granular (`YYYY/MM`),
it keeps about two years, it revises recent data, and it answers 429 to a query identical to one sent in the last
24 hours."""

from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta

from shared.datadis.models import MADRID, ConsumptionQuery, SentQuery

BACKFILL_MONTHS = 24
IDENTICAL_QUERY_WAIT = timedelta(hours=24)


def months_wanted(today: date, *, backfill: bool) -> list[str]:
    """Oldest first: on connection (`backfill`) the 24 months up to and including this one; afterwards the previous
    and this one, which Datadis may still revise."""
    count = BACKFILL_MONTHS if backfill else 2
    this_month = today.year * 12 + today.month - 1
    return [_month_label(number) for number in range(this_month - count + 1, this_month + 1)]


def plan_months(
    *,
    cups: str,
    distributor_code: str,
    point_type: int,
    authorized_nif: str,
    backfill: bool,
    now: datetime,
    sent: Iterable[SentQuery],
    left_over: Collection[str] = (),
    measurement_type: int = 0,
) -> list[str]:
    """The months (`YYYY/MM`, oldest first) to query now: those wanted (`months_wanted` in Madrid's today) and those
    an earlier run could not read (`left_over`), except a month whose query would be identical to one sent less
    than 24 hours before `now` (timezone-aware). A left-over month skipped for that stays left over for the caller."""
    recently_sent = {query.query for query in sent if now - query.sent_at < IDENTICAL_QUERY_WAIT}
    wanted = set(months_wanted(now.astimezone(MADRID).date(), backfill=backfill)) | set(left_over)
    return [
        month
        for month in sorted(wanted)
        if ConsumptionQuery(cups, distributor_code, point_type, authorized_nif, month, measurement_type)
        not in recently_sent
    ]


def _month_label(number: int) -> str:
    """`YYYY/MM` of a month counted from year 0 (`year * 12 + month - 1`)."""
    year, month_index = divmod(number, 12)
    return f"{year:04d}/{month_index + 1:02d}"
