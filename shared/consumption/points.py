"""Consumption as the portal and the app show it: stored hours laid on the local hours of the range, hours
without data marked missing, sums by day or month, and the split by access-tariff period. Pure: the caller
fetches the stored hours.

Every chart the app opens draws a year of hours, 8,784 points. So hours and points stay columns, built with the
work done in C (maps, slices, sums, counts, table look-ups), never an object per hour: a point's fields are written in
`_hourly` (a point per hour) and `_summed` (a day or a month), once each."""

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from itertools import chain, combinations, compress, repeat
from operator import eq, is_, sub, truediv
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from shared.consumption.local_hours import HOUR, LocalHours, Spans, local_midnight
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
_ZERO_FOR_NONE = {None: 0}  # .get(value, value): 0 for None, the value otherwise


def _sets[T](labels: Iterable[T]) -> list[frozenset[T]]:
    members = list(labels)
    return [frozenset(chosen) for size in range(1, len(members) + 1) for chosen in combinations(members, size)]


# A day's or a month's labels, looked up by the set of its hours' labels rather than decided point by point: the
# quality its hours share, missing ones included, else mixed; the source its present hours share, else mixed.
_QUALITY_OF_HOURS: dict[frozenset[Quality | None], str] = {
    hours: _POINT_QUALITY[next(iter(hours))] if len(hours) == 1 else PointQuality.MIXED.value
    for hours in _sets(_POINT_QUALITY)
}
_SOURCE_OF_HOURS: dict[frozenset[Source | None], str | None] = {
    hours: (_SOURCE[next(iter(present))] if len(present) == 1 else "mixed") if (present := hours - {None}) else None
    for hours in _sets(_SOURCE)
}
# The same for the source of a member's community share: computed, B5D, or none.
_SHARE_SOURCE_OF_HOURS: dict[frozenset[str | None], str | None] = {
    labels: (next(iter(shown)) if len(shown) == 1 else "mixed") if (shown := labels - {None}) else None
    for labels in _sets(["computed", Source.B5D.value, None])
}


class CommunityShares(Protocol):
    """A member house's share of its energy community's generation, by hour: Wh (None: none) and its source label."""

    @property
    def wh(self) -> list[int | None]: ...

    @property
    def source(self) -> list[str | None]: ...


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


def self_consumption(hours: StoredHours, generation: list[int | None]) -> list[int | None]:
    """Each hour's generation minus its surplus, never below zero; None where either is missing."""
    kept: list[int | None] = list(map(max, map(sub, _zero_for_none(generation), hours.surplus_wh), repeat(0)))
    for position in chain(_nones(generation), _nones(hours.quality)):
        kept[position] = None
    return kept


def points(
    local: LocalHours,
    hours: StoredHours,
    granularity: Granularity,
    generation: list[int | None] | None = None,
    community: CommunityShares | None = None,
) -> Points:
    """`generation`: the house's PV production of each hour (None: the house has no installation); `community`: its
    share of its energy community's (None: the house was never a member)."""
    solar = None if generation is None else (generation, self_consumption(hours, generation))
    if granularity is Granularity.HOUR:
        shown = _hourly(local, hours)
        if solar is not None:
            shown = replace(shown, generation_kwh=_kwh_or_none(solar[0]), self_consumption_kwh=_kwh_or_none(solar[1]))
        if community is not None:
            shown = replace(shown, community_kwh=_kwh_or_none(community.wh), community_source=community.source)
        return shown
    spans = local.day_spans if granularity is Granularity.DAY else local.month_spans
    shown = _summed(hours, spans)
    if solar is not None:
        shown = replace(shown, generation_kwh=_sums(solar[0], spans), self_consumption_kwh=_sums(solar[1], spans))
    if community is not None:
        sources = list(
            map(_SHARE_SOURCE_OF_HOURS.__getitem__, map(frozenset, map(community.source.__getitem__, spans.hours)))
        )
        shown = replace(shown, community_kwh=_sums(community.wh, spans), community_source=sources)
    return shown


def totals(
    hours: StoredHours, generation: list[int | None] | None = None, community: CommunityShares | None = None
) -> ConsumptionTotals:
    solar: dict[str, float] = {}
    if generation is not None:
        solar = {
            "generation_kwh": _kwh(sum(filter(None, generation))),
            "self_consumption_kwh": _kwh(sum(filter(None, self_consumption(hours, generation)))),
        }
    if community is not None:
        solar["community_kwh"] = _kwh(sum(filter(None, community.wh)))
    return ConsumptionTotals(
        consumption_kwh=_kwh(sum(hours.consumption_wh)),
        surplus_kwh=_kwh(sum(hours.surplus_wh)),
        hours_real=hours.quality.count(Quality.REAL),
        hours_estimated=hours.quality.count(Quality.ESTIMATED),
        hours_missing=hours.quality.count(None),
        **solar,
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
    missing = _nones(hours.quality)
    return Points(
        bounds=local.hour_bounds,
        consumption_kwh=_kwh_of(hours.consumption_wh, missing),
        surplus_kwh=_kwh_of(hours.surplus_wh, missing),
        quality=list(map(_POINT_QUALITY.__getitem__, hours.quality)),
        source=list(map(_SOURCE.__getitem__, hours.source)),
    )


def _summed(hours: StoredHours, spans: Spans) -> Points:
    """A point per day or month: each column summed, or its labels merged, over the span's hours."""
    quality = list(map(_QUALITY_OF_HOURS.__getitem__, map(frozenset, map(hours.quality.__getitem__, spans.hours))))
    missing = list(compress(range(len(quality)), map(eq, quality, repeat(PointQuality.MISSING.value))))
    return Points(
        bounds=spans.bounds,
        consumption_kwh=_kwh_of(map(sum, map(hours.consumption_wh.__getitem__, spans.hours)), missing),
        surplus_kwh=_kwh_of(map(sum, map(hours.surplus_wh.__getitem__, spans.hours)), missing),
        quality=quality,
        source=list(map(_SOURCE_OF_HOURS.__getitem__, map(frozenset, map(hours.source.__getitem__, spans.hours)))),
    )


def _kwh_or_none(watt_hours: list[int | None]) -> list[float | None]:
    return _kwh_of(_zero_for_none(watt_hours), _nones(watt_hours))


def _nones(column: list[Any]) -> list[int]:
    """The positions of None in the column."""
    return list(compress(range(len(column)), map(is_, column, repeat(None))))


def _zero_for_none(watt_hours: list[int | None]) -> list[int]:
    return list(map(_ZERO_FOR_NONE.get, watt_hours, watt_hours))  # type: ignore[arg-type]


def _sums(watt_hours: list[int | None], spans: Spans) -> list[float | None]:
    """A day's or month's sum of the hours it has a value for; None when it has none."""
    return [
        _kwh(sum(filter(None, hours))) if hours.count(None) < len(hours) else None
        for hours in map(watt_hours.__getitem__, spans.hours)
    ]


def _from[T](hidden: int, value: T, column: list[T]) -> list[T]:
    """`column` with its first `hidden` entries `value`."""
    shown = column.copy()
    shown[:hidden] = repeat(value, hidden)
    return shown


def _kwh_of(watt_hours: Iterable[int], missing: list[int]) -> list[float | None]:
    kwh: list[float | None] = list(map(truediv, watt_hours, repeat(1000)))
    for position in missing:
        kwh[position] = None
    return kwh


def _kwh(watt_hours: int) -> float:
    # Whole Wh / 1000 is already the kWh with three decimals: round(wh / 1000, 3) gives the same float.
    return watt_hours / 1000
