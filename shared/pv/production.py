"""A provider's hourly production values -> the installation's stored hours, in whole Wh at exact UTC instants.

A value is labelled with the site's wall-clock time at which its hour STARTS (`YYYY-MM-DD hh:mm:ss`). On the
spring-forward day `02:00` does not exist (23 hours): a row so labelled is reported. On the fall-back day `02:00`
starts two hours (summer time, then winter time: 00:00 and 01:00 UTC in Madrid), and providers differ (SolarEdge
does not document it):
- one `02:00` row, the two hours MERGED: split evenly over them, both marked estimated, an odd Wh to the first;
- two `02:00` rows, the label REPEATED: the first is the summer-time hour, the second the winter-time hour.

`null` values are hours without data: nothing is stored for them. Energies are float Wh and become whole Wh rounded
half up from the shortest decimal that prints as the float (as the provider wrote it: 2.5 -> 3, 1234.45 -> 1234).
A bad row (a date that is not such a label, an hour that does not exist or repeats, a negative or infinite value, a
value beyond what an hour can store) is reported with its index, and the others are kept.
"""

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from shared.metering.readings import MAX_HOURLY_WH
from shared.pv.models import DEFAULT_SITE_ZONE, GeneratedHour, ProducedHour

_LABEL = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})")
_HOUR = 3600


@dataclass(frozen=True)
class BadRow:
    index: int  # position in the provider's values, from 0
    reason: str  # starts with the offending field (`date`, `value`)


@dataclass(frozen=True)
class ProductionHours:
    hours: tuple[GeneratedHour, ...]  # in time order
    bad_rows: tuple[BadRow, ...]  # in the provider's order


class _RowError(ValueError):
    pass


@dataclass(frozen=True)
class _Row:
    index: int
    label: str
    hour_starts: tuple[int, ...]  # the instants (epoch s) the label stands for: two for the fall-back day's 02:00
    energy_wh: int | None


def production_hours(values: Sequence[ProducedHour], zone: ZoneInfo = DEFAULT_SITE_ZONE) -> ProductionHours:
    """The stored hours of a site whose labels are local to `zone`, and the rows that could not be read."""
    bad_rows: list[BadRow] = []
    by_label: defaultdict[str, list[_Row]] = defaultdict(list)
    for index, value in enumerate(values):
        try:
            row = _parse(index, value, zone)
        except _RowError as error:
            bad_rows.append(BadRow(index, str(error)))
        else:
            by_label[row.label].append(row)

    hours: list[GeneratedHour] = []
    for rows in by_label.values():
        first, starts = rows[0], rows[0].hour_starts
        bad_rows += [BadRow(row.index, f"date: {row.label} repeats row {first.index}") for row in rows[len(starts) :]]
        if len(rows) == 1 and len(starts) == 2:
            hours += _split_merged_hour(first)
        else:
            hours += [
                GeneratedHour(start, row.energy_wh, estimated=False)
                for row, start in zip(rows, starts, strict=False)
                if row.energy_wh is not None
            ]
    return ProductionHours(
        tuple(sorted(hours, key=lambda hour: hour.hour_start_utc)),
        tuple(sorted(bad_rows, key=lambda bad_row: bad_row.index)),
    )


def _split_merged_hour(row: _Row) -> list[GeneratedHour]:
    """The fall-back day's merged `02:00`: half to each hour, the summer-time hour taking an odd Wh."""
    if row.energy_wh is None:
        return []
    summer, winter = row.hour_starts
    return [
        GeneratedHour(summer, row.energy_wh - row.energy_wh // 2, estimated=True),
        GeneratedHour(winter, row.energy_wh // 2, estimated=True),
    ]


def _parse(index: int, value: ProducedHour, zone: ZoneInfo) -> _Row:
    match = _LABEL.fullmatch(value.local_start)
    if match is None:
        raise _RowError(f"date: {value.local_start!r} is not written YYYY-MM-DD hh:mm:ss")
    year, month, day, hour, minute, second = map(int, match.groups())
    try:
        local_day = date(year, month, day)
    except ValueError:
        raise _RowError(f"date: {value.local_start!r} is not a real date") from None
    if minute or second or hour > 23:
        raise _RowError(f"date: {value.local_start!r} is not the start of an hour, 00:00:00 to 23:00:00")
    hour_starts = _hour_starts_of(local_day, zone).get(hour)
    if hour_starts is None:
        raise _RowError(f"date: {value.local_start} does not exist in {zone.key} (the clocks skip that hour)")
    return _Row(index, value.local_start, hour_starts, _wh(value.energy_wh))


@lru_cache(maxsize=64)
def _hour_starts_of(day: date, zone: ZoneInfo) -> dict[int, tuple[int, ...]]:
    """Each wall-clock hour of a local day (0 to 23) -> the instants (epoch seconds) an hour starts at it: two for
    the fall-back day's 2 (summer time first), none for the spring-forward day's 2. Computed once a day, not a row."""
    first = int(datetime.combine(day, time(), zone).timestamp())
    end = int(datetime.combine(day + timedelta(days=1), time(), zone).timestamp())
    starts: dict[int, tuple[int, ...]] = {}
    for start in range(first, end, _HOUR):
        hour = datetime.fromtimestamp(start, zone).hour
        starts[hour] = (*starts.get(hour, ()), start)
    return starts


def _wh(energy_wh: float | None) -> int | None:
    if energy_wh is None:
        return None
    if not math.isfinite(energy_wh) or energy_wh < 0:
        raise _RowError(f"value: {energy_wh!r} is not a quantity of energy")
    watt_hours = int(Decimal(repr(energy_wh)).to_integral_value(rounding=ROUND_HALF_UP))
    if watt_hours > MAX_HOURLY_WH:
        raise _RowError(f"value: {energy_wh!r} Wh is more than the {MAX_HOURLY_WH} Wh an hour can store")
    return watt_hours
