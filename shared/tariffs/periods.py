"""Access-tariff period (P1..P6) of a local hour, Circular CNMC 3/2020 (BOE-A-2020-1066, in force since 2021-06-01),
article 7 "Periodos horarios", for each electric system: the Peninsula, the Balearic Islands, the Canary Islands,
Ceuta and Melilla.

2.0TD has three energy periods (the table of the 2.0TD periods): the Peninsula and both archipelagos share its
hours, Ceuta and Melilla have them an hour later. The six-period tariffs (3.0TD, 6.xTD and their EV-charging
variants) share one calendar: the table of seasons by electric system gives each month a season (high, medium-high,
medium, low), and the system's table of periods gives, for each season, which period the weekday's peak hours and
its shoulder hours fall in; nights (0-8 h) are P6. Hours are local: Canary time in the Canary Islands. Saturdays,
Sundays and national holidays are all valley (P3, or P6) in every system.

The tables as transcribed, season by season, in gisce/enerdata `enerdata/contracts/electrical_seasons.py`
(`DAYTYPE_BY_ELECTRIC_ZONE_CIR03_2020`, `PERIODS_3x_BY_ELECTRIC_ZONE_CIR03_2020`,
`PERIODS_6x_BY_ELECTRIC_ZONE_CIR03_2020`, tested hour by hour in its `spec/contracts/tariff_spec.py`).
"""

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from shared.supply_points.zones import ElectricZone
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
PENINSULA, BALEARIC, CANARY, CEUTA, MELILLA = ElectricZone

Hours = tuple[Period, ...]  # indexed by the local hour the hour starts at


def _day(runs: Sequence[tuple[int, Period]]) -> Hours:
    """A day's 24 hours from (hour the run ends at, period) in order."""
    hours: list[Period] = []
    for end, period in runs:
        hours += [period] * (end - len(hours))
    if len(hours) != 24:
        raise ValueError(f"runs must end at 24, not {len(hours)}")
    return tuple(hours)


# Table of the 2.0TD periods: P1 punta, P2 llano, P3 valle.
_TWO_ZERO_WEEKDAY = _day([(8, P3), (10, P2), (14, P1), (18, P2), (22, P1), (24, P2)])
_TWO_ZERO_WEEKDAY_CEUTA_MELILLA = _day([(8, P3), (11, P2), (15, P1), (19, P2), (23, P1), (24, P2)])
_TWO_ZERO_WEEKDAY_BY_ZONE = {
    PENINSULA: _TWO_ZERO_WEEKDAY,
    BALEARIC: _TWO_ZERO_WEEKDAY,
    CANARY: _TWO_ZERO_WEEKDAY,
    CEUTA: _TWO_ZERO_WEEKDAY_CEUTA_MELILLA,
    MELILLA: _TWO_ZERO_WEEKDAY_CEUTA_MELILLA,
}


def _six_period_day(peak_hours: tuple[int, int, int, int], peak: Period, shoulder: Period) -> Hours:
    """A weekday of six-period tariffs: P6 until 8, then shoulder, peak, shoulder, peak, shoulder; the peaks
    from `peak_hours[0]` to `[1]` and from `[2]` to `[3]`."""
    morning, midday, evening, night = peak_hours
    return _day([(8, P6), (morning, shoulder), (midday, peak), (evening, shoulder), (night, peak), (24, shoulder)])


# Each system's peak hours, and for each of its seasons (high, medium-high, medium, low) the periods of the peak
# and the shoulder hours, from the system's table of periods; then its months by season.
_HIGH, _MEDIUM_HIGH, _MEDIUM, _LOW = range(4)
_SIX_PERIOD_TABLES: dict[ElectricZone, tuple[tuple[int, int, int, int], tuple[tuple[Period, Period], ...]]] = {
    PENINSULA: ((9, 14, 18, 22), ((P1, P2), (P2, P3), (P3, P4), (P4, P5))),
    BALEARIC: ((10, 15, 18, 22), ((P1, P2), (P2, P3), (P3, P4), (P4, P5))),
    CANARY: ((10, 15, 18, 22), ((P1, P3), (P2, P3), (P2, P4), (P4, P5))),
    CEUTA: ((10, 15, 19, 23), ((P1, P4), (P2, P3), (P2, P4), (P3, P5))),
    MELILLA: ((10, 15, 19, 23), ((P1, P2), (P2, P3), (P3, P4), (P4, P5))),
}
# Table of the seasons by electric system, month by month from January.
_SEASON_BY_MONTH: dict[ElectricZone, tuple[int, ...]] = {
    PENINSULA: (_HIGH, _HIGH, _MEDIUM_HIGH, _LOW, _LOW, _MEDIUM, _HIGH, _MEDIUM, _MEDIUM, _LOW, _MEDIUM_HIGH, _HIGH),
    BALEARIC: (_MEDIUM, _MEDIUM, _LOW, _LOW, _MEDIUM_HIGH, _HIGH, _HIGH, _HIGH, _HIGH, _MEDIUM_HIGH, _LOW, _MEDIUM),
    CANARY: (_MEDIUM, _MEDIUM, _MEDIUM, _LOW, _LOW, _LOW, _HIGH, _HIGH, _HIGH, _HIGH, _MEDIUM_HIGH, _MEDIUM_HIGH),
    CEUTA: (_HIGH, _HIGH, _MEDIUM, _LOW, _LOW, _LOW, _MEDIUM_HIGH, _HIGH, _HIGH, _MEDIUM_HIGH, _MEDIUM, _MEDIUM),
    MELILLA: (_HIGH, _MEDIUM_HIGH, _LOW, _LOW, _LOW, _MEDIUM, _HIGH, _HIGH, _HIGH, _MEDIUM, _MEDIUM, _MEDIUM_HIGH),
}
_SIX_PERIOD_WEEKDAY_BY_MONTH: dict[ElectricZone, dict[int, Hours]] = {
    zone: {
        month: _six_period_day(peak_hours, *seasons[season])
        for month, season in enumerate(_SEASON_BY_MONTH[zone], start=1)
    }
    for zone, (peak_hours, seasons) in _SIX_PERIOD_TABLES.items()
}


def tariff_periods(tariff: Tariff) -> tuple[Period, ...]:
    """The energy periods of a tariff, in order."""
    return (P1, P2, P3) if tariff == Tariff.T20TD else tuple(Period)


def _valley_day(day: date) -> bool:
    return day.weekday() >= _SATURDAY or is_national_holiday(day)


def _weekday(tariff: Tariff, day: date, zone: ElectricZone) -> Hours:
    if tariff == Tariff.T20TD:
        return _TWO_ZERO_WEEKDAY_BY_ZONE[zone]
    return _SIX_PERIOD_WEEKDAY_BY_MONTH[zone][day.month]


def period_of(tariff: Tariff, day: date, hour: int, zone: ElectricZone = PENINSULA) -> Period:
    """Period of the local hour starting at `hour` (0-23) of `day`, in the supply's local time."""
    if not 0 <= hour <= 23:
        raise ValueError(f"hour must be 0 to 23, got {hour}")
    if _valley_day(day):
        return P3 if tariff == Tariff.T20TD else P6
    return _weekday(tariff, day, zone)[hour]


PeriodRuns = tuple[tuple[int, int, Period], ...]  # (first position, end position, period)


def period_runs(
    tariff: Tariff, day: date, hours: Sequence[int] | None = None, zone: ElectricZone = PENINSULA
) -> PeriodRuns:
    """A local day's hours grouped in runs of consecutive hours of one period, for summing slices of a day's
    values. `hours`: the local hour (0-23) each of the day's hours starts at when the clocks change that day
    (23 or 25 of them); None for a day of 24 hours."""
    if hours is not None:
        return _runs([period_of(tariff, day, hour, zone) for hour in hours])
    if _valley_day(day):
        return _TWO_ZERO_VALLEY_DAY if tariff == Tariff.T20TD else _SIX_PERIOD_VALLEY_DAY
    return _WEEKDAY_RUNS[_weekday(tariff, day, zone)]


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
_WEEKDAY_RUNS: dict[Hours, PeriodRuns] = {
    hours: _runs(hours)
    for hours in [
        *_TWO_ZERO_WEEKDAY_BY_ZONE.values(),
        *(day for months in _SIX_PERIOD_WEEKDAY_BY_MONTH.values() for day in months.values()),
    ]
}
