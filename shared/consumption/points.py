"""Consumption as the portal and the app show it: stored hours laid on local wall-clock hours (23 on the
spring-forward day, 25 on the fall-back day), hours without data marked missing, sums by day or month, and
the split by access-tariff period. Pure: the caller fetches the stored hours."""

from collections.abc import Mapping
from datetime import UTC, date, datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from shared.consumption.models import ConsumptionPoint, ConsumptionTotals, Granularity, PeriodTotals, PointQuality
from shared.metering.readings import Quality, StoredHour
from shared.tariffs import Tariff, split_by_period

HOUR = 3600


def local_day_bounds(first_day: date, end_day: date, zone: ZoneInfo) -> tuple[int, int]:
    """Epoch seconds of local midnight of `first_day` and of `end_day` (exclusive end)."""
    return _midnight(first_day, zone), _midnight(end_day, zone)


def _midnight(day: date, zone: ZoneInfo) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=zone).timestamp())


def visible_hours(
    stored: Mapping[int, StoredHour], start: int, end: int, visible_from: date | None, zone: ZoneInfo
) -> list[tuple[int, StoredHour | None]]:
    """Every hour start in [start, end) with its stored value, or None when missing or not visible."""
    first_visible = _midnight(visible_from, zone) if visible_from else start
    return [(hour, stored.get(hour) if hour >= first_visible else None) for hour in range(start, end, HOUR)]


def points(
    hours: list[tuple[int, StoredHour | None]], granularity: Granularity, zone: ZoneInfo
) -> list[ConsumptionPoint]:
    # Each hour's local end is the next one's start: convert every boundary once.
    bounds = [_local(hour, zone) for hour, _ in hours]
    if hours:
        bounds.append(_local(hours[-1][0] + HOUR, zone))
    if granularity is Granularity.HOUR:
        return [_hour_point(bounds[i], bounds[i + 1], value) for i, (_, value) in enumerate(hours)]
    bucket = _day_of if granularity is Granularity.DAY else _month_of
    result = []
    for _, group in groupby(range(len(hours)), key=lambda i: bucket(bounds[i])):
        members = list(group)
        values = [hours[i][1] for i in members]
        result.append(_point(bounds[members[0]], bounds[members[-1] + 1], values))
    return result


def totals(hours: list[tuple[int, StoredHour | None]]) -> ConsumptionTotals:
    present = [value for _, value in hours if value is not None]
    return ConsumptionTotals(
        consumption_kwh=_kwh(sum(value.consumption_wh for value in present)),
        surplus_kwh=_kwh(sum(value.surplus_wh for value in present)),
        hours_real=sum(value.quality is Quality.REAL for value in present),
        hours_estimated=sum(value.quality is Quality.ESTIMATED for value in present),
        hours_missing=len(hours) - len(present),
    )


def period_totals(hours: list[tuple[int, StoredHour | None]], tariff: Tariff, zone: ZoneInfo) -> PeriodTotals:
    watt_hours = split_by_period(
        tariff, ((_local(hour, zone), float(value.consumption_wh)) for hour, value in hours if value is not None)
    )
    return PeriodTotals(tariff=tariff.value, **{period.value: _kwh(wh) for period, wh in watt_hours.items()})


def _hour_point(start: datetime, end: datetime, value: StoredHour | None) -> ConsumptionPoint:
    if value is None:
        return ConsumptionPoint.model_construct(
            start=start, end=end, consumption_kwh=None, surplus_kwh=None, quality=PointQuality.MISSING, source=None
        )
    return ConsumptionPoint.model_construct(
        start=start,
        end=end,
        consumption_kwh=_kwh(value.consumption_wh),
        surplus_kwh=_kwh(value.surplus_wh),
        quality=PointQuality(value.quality.value),
        source=value.source.value,
    )


def _point(start: datetime, end: datetime, values: list[StoredHour | None]) -> ConsumptionPoint:
    present = [value for value in values if value is not None]
    qualities = {PointQuality(value.quality.value) for value in present}
    if len(present) < len(values):
        qualities.add(PointQuality.MISSING)
    sources = {value.source.value for value in present}
    # Built from stored values, which need no validation: model_construct saves most of the time of a year
    # of hourly points.
    return ConsumptionPoint.model_construct(
        start=start,
        end=end,
        consumption_kwh=_kwh(sum(value.consumption_wh for value in present)) if present else None,
        surplus_kwh=_kwh(sum(value.surplus_wh for value in present)) if present else None,
        quality=qualities.pop() if len(qualities) == 1 else PointQuality.MIXED,
        source=(sources.pop() if len(sources) == 1 else "mixed") if sources else None,
    )


def _local(epoch: int, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(epoch, UTC).astimezone(zone)


def _day_of(moment: datetime) -> date:
    return moment.date()


def _month_of(moment: datetime) -> tuple[int, int]:
    return moment.year, moment.month


def _kwh(watt_hours: float) -> float:
    return round(watt_hours / 1000, 3)
