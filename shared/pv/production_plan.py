"""Which whole months (`YYYY-MM`) of a site's hourly production to ask its monitoring provider for on a run.

A provider's hourly data comes a month at most per request (SolarEdge), and a site has a daily request limit (300
per site and per key at SolarEdge) that the owner's own apps share, so each request is a whole month:

- On link (`backfill`): every month from `installed_on`'s, or from 11 months before this one when the installation
  is older or its date unknown, up to this one: 12 requests at most, oldest first.
- Afterwards, one request a run: the month of YESTERDAY. Run daily, it reads yesterday in full and today so far;
  on the 1st of a month it reads the previous month only, whose last day ended a few hours ago, and today's first
  hours (the night) are read in full by tomorrow's run, with the rest of the 1st. Every day is thus read whole at
  least once, on the run after it ends, and a run never costs a site more than one request on top of what an
  earlier run left over.
- Months an earlier run could not read (`left_over`) are asked for again.
- A run asks for `requests_left` months at most (the site's budget for the day, less what was sent already),
  the newest first; the older ones are deferred, to be passed as `left_over` to the next run.

"Today" is the site's local date: its months are those of its provider's local labels.
"""

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

BACKFILL_MONTHS = 12
PROVIDER_DAILY_LIMIT = 300  # SolarEdge's, per site and per key
# Our share of a site's daily limit: its owner's apps (an inverter app, a home automation) use the same 300, and
# this holds a whole backfill plus a year of left-over months.
DAILY_REQUEST_BUDGET = 24

_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class MonthPlan:
    months: tuple[str, ...]  # to ask for on this run, oldest first
    deferred: tuple[str, ...]  # wanted but beyond the budget: the next run's `left_over`, oldest first


def plan_months(
    *,
    today: date,
    installed_on: date | None,
    backfill: bool,
    left_over: Collection[str] = (),
    requests_left: int = DAILY_REQUEST_BUDGET,
) -> MonthPlan:
    """The months to ask for now (see the module's docstring). A month before `installed_on`'s or after this one
    is never asked for, left over or not; a left-over month that is not `YYYY-MM` is a ValueError."""
    this_month = _number(today)
    first = this_month - BACKFILL_MONTHS + 1
    if installed_on is not None:
        first = max(first, _number(installed_on))
    wanted = set(range(first, this_month + 1)) if backfill else {_number(today - timedelta(days=1))}
    wanted |= {_parse(month) for month in left_over}
    if installed_on is not None:
        wanted = {month for month in wanted if month >= _number(installed_on)}
    ordered = sorted(month for month in wanted if month <= this_month)
    cut = max(len(ordered) - max(requests_left, 0), 0)
    return MonthPlan(tuple(map(_label, ordered[cut:])), tuple(map(_label, ordered[:cut])))


def month_of(day: date) -> str:
    return _label(_number(day))


def month_bounds(month: str) -> tuple[date, date]:
    """The first and last day of a `YYYY-MM` month: one provider request's `first_day` and `last_day`."""
    first = _first_day(_parse(month))
    return first, _first_day(_parse(month) + 1) - timedelta(days=1)


def _number(day: date) -> int:
    """The month of `day` counted from year 0 (`year * 12 + month - 1`)."""
    return day.year * 12 + day.month - 1


def _first_day(number: int) -> date:
    year, month_index = divmod(number, 12)
    return date(year, month_index + 1, 1)


def _label(number: int) -> str:
    return f"{_first_day(number):%Y-%m}"


def _parse(month: str) -> int:
    match = _MONTH.fullmatch(month)
    if match is None:
        raise ValueError(f"{month!r} is not a month written YYYY-MM")
    return int(match[1]) * 12 + int(match[2]) - 1
