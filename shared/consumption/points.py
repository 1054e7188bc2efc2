"""Consumption as the portal and the app show it: stored hours laid on the local hours of the range, hours
without data marked missing, sums by day or month, and the split by access-tariff period. Pure: the caller
fetches the stored hours.

Every chart the app opens draws a year of hours, 8,784 points. So hours and points stay columns, built with the
work done in C (maps, slices, sums, counts), never an object per hour: a point's fields are written in
`_hourly` (a point per hour) and `_summed` (a day or a month), once each."""

from dataclasses import replace
from datetime import date
from itertools import compress, repeat
from operator import is_, truediv
from zoneinfo import ZoneInfo

from shared.consumption.local_hours import HOUR, LocalHours, local_midnight, written
from shared.consumption.models import ConsumptionTotals, Granularity, PeriodTotals, PointQuality, Points
from shared.metering.readings import Quality, Source, StoredHours
from shared.tariffs import Tariff

# Points hold the plain text of labels: pydantic writes a str in C, an enum through its Python `value`.
_POINT_QUALITY: dict[Quality | None, str] = {
    Quality.REAL: PointQuality.REAL.value,
    Quality.ESTIMATED: PointQuality.ESTIMATED.value,
    None: PointQuality.MISSING.value,
}
_SOURCE: dict[Source | None, str | None] = {source: source.value for source in Source} | {None: None}


def visible(hours: StoredHours, visible_from: date | None, zone: ZoneInfo) -> StoredHours:
    """The hours before local midnight of `visible_from` as missing."""
    if visible_from is None:
        return hours
    hidden = min(len(hours.quality), max(0, -(-(local_midnight(visible_from, zone) - hours.start_utc) // HOUR)))
    if not hidden:
        return hours
    return replace(
        hours,
        consumption_wh=_from(hidden, 0, hours.consumption_wh),
        surplus_wh=_from(hidden, 0, hours.surplus_wh),
        quality=_from(hidden, None, hours.quality),
        source=_from(hidden, None, hours.source),
    )


def points(local: LocalHours, hours: StoredHours, granularity: Granularity) -> Points:
    if granularity is Granularity.HOUR:
        return _hourly(local, hours)
    days = local.days
    if granularity is Granularity.MONTH:
        days = tuple(day for index, day in enumerate(days) if index == 0 or day.midnight.day == 1)
    bounds = (*(written(day.midnight) for day in days), written(local.end))
    return _summed(hours, [day.first for day in days], bounds)


def totals(hours: StoredHours) -> ConsumptionTotals:
    return ConsumptionTotals(
        consumption_kwh=_kwh(sum(hours.consumption_wh)),
        surplus_kwh=_kwh(sum(hours.surplus_wh)),
        hours_real=hours.quality.count(Quality.REAL),
        hours_estimated=hours.quality.count(Quality.ESTIMATED),
        hours_missing=hours.quality.count(None),
    )


def period_totals(local: LocalHours, hours: StoredHours, tariff: Tariff) -> PeriodTotals:
    consumption = hours.consumption_wh  # 0 where missing
    return PeriodTotals(
        tariff=tariff.value,
        **{
            period.value: _kwh(sum(compress(consumption, hours_in)))
            for period, hours_in in local.in_periods(tariff).items()
        },
    )


def _hourly(local: LocalHours, hours: StoredHours) -> Points:
    missing = list(compress(range(len(hours.quality)), map(is_, hours.quality, repeat(None))))
    return Points(
        bounds=local.hour_bounds,
        consumption_kwh=_kwh_of_hours(hours.consumption_wh, missing),
        surplus_kwh=_kwh_of_hours(hours.surplus_wh, missing),
        quality=list(map(_POINT_QUALITY.__getitem__, hours.quality)),
        source=list(map(_SOURCE.__getitem__, hours.source)),
    )


def _summed(hours: StoredHours, firsts: list[int], bounds: tuple[str, ...]) -> Points:
    """A point per day or month: the hours from each of `firsts` to the next (the last to the range's end)."""
    summed = Points(bounds, [], [], [], [])
    for first, end in zip(firsts, [*firsts[1:], len(hours.quality)], strict=True):
        qualities = set(hours.quality[first:end])
        sources = set(hours.source[first:end])
        sources.discard(None)
        present = qualities != {None}
        summed.consumption_kwh.append(_kwh(sum(hours.consumption_wh[first:end])) if present else None)
        summed.surplus_kwh.append(_kwh(sum(hours.surplus_wh[first:end])) if present else None)
        summed.quality.append(_POINT_QUALITY[qualities.pop()] if len(qualities) == 1 else PointQuality.MIXED.value)
        summed.source.append((_SOURCE[sources.pop()] if len(sources) == 1 else "mixed") if sources else None)
    return summed


def _from[T](hidden: int, value: T, column: list[T]) -> list[T]:
    """`column` with its first `hidden` entries `value`."""
    shown = column.copy()
    shown[:hidden] = repeat(value, hidden)
    return shown


def _kwh_of_hours(watt_hours: list[int], missing: list[int]) -> list[float | None]:
    kwh: list[float | None] = list(map(truediv, watt_hours, repeat(1000)))
    for position in missing:
        kwh[position] = None
    return kwh


def _kwh(watt_hours: int) -> float:
    # Whole Wh / 1000 is already the kWh with three decimals: round(wh / 1000, 3) gives the same float.
    return watt_hours / 1000
