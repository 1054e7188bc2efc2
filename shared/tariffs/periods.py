"""Access-tariff period (P1..P6) of a local hour, Circular CNMC 3/2020 (in force since 2021-06-01).

2.0TD has three energy periods. The six-period tariffs (3.0TD, 6.xTD and their EV-charging variants)
share one calendar whose weekday periods depend on the month's season; the month seasons here are the
peninsula's (Balearic, Canary, Ceuta and Melilla have their own tables, not handled yet).
Saturdays, Sundays and national holidays are all valley (P3, or P6).
"""

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from shared.tariffs.holidays import is_national_holiday

_SATURDAY = 5


class Tariff(StrEnum):
    T20TD = "2.0TD"
    T30TD = "3.0TD"
    T61TD = "6.1TD"
    T62TD = "6.2TD"
    T63TD = "6.3TD"
    T64TD = "6.4TD"
    T30TDVE = "3.0TDVE"
    T61TDVE = "6.1TDVE"
    T62TDVE = "6.2TDVE"


class Period(StrEnum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"
    P5 = "P5"
    P6 = "P6"


P1, P2, P3, P4, P5, P6 = Period

# Weekday periods, indexed by the local hour the hour starts at.
_TWO_ZERO_WEEKDAY = (P3,) * 8 + (P2,) * 2 + (P1,) * 4 + (P2,) * 4 + (P1,) * 4 + (P2,) * 2


def _six_period_weekday(peak: Period, shoulder: Period) -> tuple[Period, ...]:
    # Nights are P6 all year; the peak starts at 9, an hour earlier than 2.0TD's.
    return (P6,) * 8 + (shoulder,) + (peak,) * 5 + (shoulder,) * 4 + (peak,) * 4 + (shoulder,) * 2


_HIGH = _six_period_weekday(P1, P2)
_MEDIUM_HIGH = _six_period_weekday(P2, P3)
_MEDIUM = _six_period_weekday(P3, P4)
_LOW = _six_period_weekday(P4, P5)
# Peninsula month seasons.
_SIX_PERIOD_WEEKDAY_BY_MONTH = {
    **dict.fromkeys((1, 2, 7, 12), _HIGH),
    **dict.fromkeys((3, 11), _MEDIUM_HIGH),
    **dict.fromkeys((6, 8, 9), _MEDIUM),
    **dict.fromkeys((4, 5, 10), _LOW),
}


def tariff_periods(tariff: Tariff) -> tuple[Period, ...]:
    """The energy periods of a tariff, in order."""
    return (P1, P2, P3) if tariff == Tariff.T20TD else tuple(Period)


def period_of(tariff: Tariff, day: date, hour: int) -> Period:
    """Period of the local hour starting at `hour` (0-23) of `day`, in the supply's local time."""
    if not 0 <= hour <= 23:
        raise ValueError(f"hour must be 0 to 23, got {hour}")
    valley_day = day.weekday() >= _SATURDAY or is_national_holiday(day)
    if tariff == Tariff.T20TD:
        return P3 if valley_day else _TWO_ZERO_WEEKDAY[hour]
    return P6 if valley_day else _SIX_PERIOD_WEEKDAY_BY_MONTH[day.month][hour]


PeriodRuns = tuple[tuple[int, int, Period], ...]  # (first position, end position, period)


def period_runs(tariff: Tariff, day: date, hours: Sequence[int] | None = None) -> PeriodRuns:
    """A local day's hours grouped in runs of consecutive hours of one period, for summing slices of a day's
    values. `hours`: the local hour (0-23) each of the day's hours starts at when the clocks change that day
    (23 or 25 of them); None for a day of 24 hours."""
    if hours is not None:
        return _runs([period_of(tariff, day, hour) for hour in hours])
    if day.weekday() >= _SATURDAY or is_national_holiday(day):
        return _TWO_ZERO_VALLEY_DAY if tariff == Tariff.T20TD else _SIX_PERIOD_VALLEY_DAY
    return _TWO_ZERO_WEEKDAY_RUNS if tariff == Tariff.T20TD else _SIX_PERIOD_WEEKDAY_RUNS_BY_MONTH[day.month]


def _runs(periods: Sequence[Period]) -> PeriodRuns:
    runs: list[tuple[int, int, Period]] = []
    for position, period in enumerate(periods):
        if runs and runs[-1][2] is period:
            runs[-1] = (runs[-1][0], position + 1, period)
        else:
            runs.append((position, position + 1, period))
    return tuple(runs)


# A year is 366 days: the runs of the 24-hour days are worked out once.
_TWO_ZERO_VALLEY_DAY = _runs((P3,) * 24)
_SIX_PERIOD_VALLEY_DAY = _runs((P6,) * 24)
_TWO_ZERO_WEEKDAY_RUNS = _runs(_TWO_ZERO_WEEKDAY)
_SIX_PERIOD_WEEKDAY_RUNS_BY_MONTH = {month: _runs(hours) for month, hours in _SIX_PERIOD_WEEKDAY_BY_MONTH.items()}
