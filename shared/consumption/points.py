"""Consumption as the portal and the app show it: stored hours laid on the local hours of the range, hours
without data marked missing, sums by day or month, and the split by access-tariff period. Pure: the caller
fetches the stored hours.

Every chart the app opens draws a year of hours, 8,784 points. So hours and points stay columns, built with the
work done in C (maps, slices, sums, counts, table look-ups), never an object per hour: a point's fields are written in
`_hourly` (a point per hour) and `_summed` (a day or a month), once each."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date
from itertools import combinations, compress, repeat
from operator import eq, is_, sub
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from shared.consumption.local_hours import HOUR, LocalHours, Spans, local_midnight
from shared.consumption.models import (
    ConsumptionTotals,
    Granularity,
    PeriodTotals,
    PointQuality,
    Points,
    TariffSpanTotals,
)
from shared.metering.readings import Quality, Source, StoredHours
from shared.supply_points.zones import ElectricZone
from shared.tariffs import TariffSpan

# Points hold the plain text of labels: pydantic writes a str in C, an enum through its Python `value`.
_POINT_QUALITY: dict[Quality | None, str] = {
    Quality.REAL: PointQuality.REAL.value,
    Quality.ESTIMATED: PointQuality.ESTIMATED.value,
    None: PointQuality.MISSING.value,
}
_SOURCE: dict[Source | None, str | None] = {source: source.value for source in Source} | {None: None}


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


@dataclass(frozen=True)
class Solar:
    """A PV house's production and self-consumption of each hour of the range, in Wh: 0 where unknown, and the
    positions of the unknown hours, the shape the columns and the sums are made from in C."""

    generation_wh: list[int]
    generation_missing: list[int]
    self_consumption_wh: list[int]
    self_consumption_missing: Collection[int]


def solar(hours: StoredHours, generation: StoredHours) -> Solar:
    """Each hour's self-consumption: its generation minus its surplus, never below zero; unknown where either is."""
    generation_missing = _nones(generation.quality)
    missing = set(generation_missing).union(_nones(hours.quality))
    kept = [wh if wh > 0 else 0 for wh in map(sub, generation.consumption_wh, hours.surplus_wh)]  # max() is slower
    for position in missing:
        kept[position] = 0
    return Solar(generation.consumption_wh, generation_missing, kept, missing)


def points(
    local: LocalHours,
    hours: StoredHours,
    granularity: Granularity,
    pv: Solar | None = None,
    community: CommunityShares | None = None,
) -> Points:
    """`pv`: the house's production and self-consumption (None: the house has no installation); `community`: its
    share of its energy community's production (None: the house was never a member)."""
    if granularity is Granularity.HOUR:
        shown = _hourly(local, hours)
        if pv is not None:
            shown = replace(
                shown,
                generation_wh=_known(pv.generation_wh, pv.generation_missing),
                self_consumption_wh=_known(pv.self_consumption_wh, pv.self_consumption_missing),
            )
        if community is not None:
            shown = replace(shown, community_wh=community.wh, community_source=community.source)
        return shown
    spans = local.day_spans if granularity is Granularity.DAY else local.month_spans
    shown = _summed(hours, spans)
    if pv is not None:
        shown = replace(
            shown,
            generation_wh=_sums(pv.generation_wh, pv.generation_missing, spans),
            self_consumption_wh=_sums(pv.self_consumption_wh, pv.self_consumption_missing, spans),
        )
    if community is not None:
        sources = list(
            map(_SHARE_SOURCE_OF_HOURS.__getitem__, map(frozenset, map(community.source.__getitem__, spans.hours)))
        )
        summed = _sums(_zero_filled(community.wh), _nones(community.wh), spans)
        shown = replace(shown, community_wh=summed, community_source=sources)
    return shown


def totals(hours: StoredHours, pv: Solar | None = None, community: CommunityShares | None = None) -> ConsumptionTotals:
    solar_totals = {}
    if pv is not None:  # unknown hours are 0 Wh
        solar_totals = {
            "generation_kwh": _kwh(sum(pv.generation_wh)),
            "self_consumption_kwh": _kwh(sum(pv.self_consumption_wh)),
        }
    if community is not None:
        solar_totals["community_kwh"] = _kwh(sum(filter(None, community.wh)))
    return ConsumptionTotals(
        consumption_kwh=_kwh(sum(hours.consumption_wh)),
        surplus_kwh=_kwh(sum(hours.surplus_wh)),
        hours_real=hours.quality.count(Quality.REAL),
        hours_estimated=hours.quality.count(Quality.ESTIMATED),
        hours_missing=hours.quality.count(None),
        **solar_totals,
    )


def period_totals(local: LocalHours, hours: StoredHours, spans: list[TariffSpan], zone: ElectricZone) -> PeriodTotals:
    """The consumption of each span's hours by period of its tariff in the zone: flat for one span (`spans` tile
    the range's days in order, one per run of a tariff), else one split per span under `mixed`."""
    if len(spans) == 1:
        [span] = spans
        return PeriodTotals(tariff=span.tariff.value, assumed=span.assumed, **_period_kwh(local, hours, span, zone))
    return PeriodTotals(
        tariff="mixed",
        assumed=any(span.assumed for span in spans),
        by_tariff=[
            TariffSpanTotals(
                tariff=span.tariff.value,
                assumed=span.assumed,
                from_=span.first_day,
                to=span.end_day,
                **_period_kwh(local, hours, span, zone),
            )
            for span in spans
        ],
    )


def _period_kwh(local: LocalHours, hours: StoredHours, span: TariffSpan, zone: ElectricZone) -> dict[str, float]:
    first, end = local.position(span.first_day), local.position(span.end_day)
    whole = first == 0 and end == local.count  # no copy of a year's columns for the usual single span
    consumption = hours.consumption_wh if whole else hours.consumption_wh[first:end]  # 0 where missing
    return {
        period.value: _kwh(sum(compress(consumption, hours_in if whole else hours_in[first:end])))
        for period, hours_in in local.in_periods(span.tariff, zone).items()
    }


def _hourly(local: LocalHours, hours: StoredHours) -> Points:
    missing = _nones(hours.quality)
    return Points(
        bounds=local.hour_bounds,
        consumption_wh=_known(hours.consumption_wh, missing),
        surplus_wh=_known(hours.surplus_wh, missing),
        quality=list(map(_POINT_QUALITY.__getitem__, hours.quality)),
        source=list(map(_SOURCE.__getitem__, hours.source)),
    )


def _summed(hours: StoredHours, spans: Spans) -> Points:
    """A point per day or month: each column summed, or its labels merged, over the span's hours."""
    quality = list(map(_QUALITY_OF_HOURS.__getitem__, map(frozenset, map(hours.quality.__getitem__, spans.hours))))
    missing = list(compress(range(len(quality)), map(eq, quality, repeat(PointQuality.MISSING.value))))
    return Points(
        bounds=spans.bounds,
        consumption_wh=_known(map(sum, map(hours.consumption_wh.__getitem__, spans.hours)), missing),
        surplus_wh=_known(map(sum, map(hours.surplus_wh.__getitem__, spans.hours)), missing),
        quality=quality,
        source=list(map(_SOURCE_OF_HOURS.__getitem__, map(frozenset, map(hours.source.__getitem__, spans.hours)))),
    )


def _zero_filled(watt_hours: list[int | None]) -> list[int]:
    return [wh or 0 for wh in watt_hours]


def _nones(column: list[Any]) -> list[int]:
    """The positions of None in the column (most columns have none: one scan then)."""
    if None not in column:
        return []
    return list(compress(range(len(column)), map(is_, column, repeat(None))))


def _sums(watt_hours: list[int], missing: Collection[int], spans: Spans) -> list[int | None]:
    """A day's or month's sum of the hours it has a value for (unknown ones are 0 Wh); None when it has none."""
    known = [True] * len(watt_hours)
    for position in missing:
        known[position] = False
    return [sum(watt_hours[hours]) if any(known[hours]) else None for hours in spans.hours]


def _from[T](hidden: int, value: T, column: list[T]) -> list[T]:
    """`column` with its first `hidden` entries `value`."""
    shown = column.copy()
    shown[:hidden] = repeat(value, hidden)
    return shown


def _known(watt_hours: Iterable[int], missing: Iterable[int]) -> list[int | None]:
    """The values with None at the positions of the unknown ones."""
    shown: list[int | None] = list(watt_hours)
    for position in missing:
        shown[position] = None
    return shown


def _kwh(watt_hours: int) -> float:
    # Whole Wh / 1000 is already the kWh with three decimals: round(wh / 1000, 3) gives the same float.
    return watt_hours / 1000
