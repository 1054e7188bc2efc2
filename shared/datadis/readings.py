"""Datadis' hourly consumption rows (get-consumption-data, measurementType 0) -> hourly readings.

A row is labelled with its local date (`aaaa/MM/dd`) and the wall-clock time at which its hour ENDS, in the supply
point's time zone (Canary time for a Canary CUPS, as its distributor's files; `supply_points.zones`),
`01:00` to `24:00` (`24:00` is the next day's midnight). The spring-forward day has no `02:00` (23 rows). On the
fall-back day Datadis merges the repeated hour into the `02:00` row (24 rows): that row holds the two hours a
distributor file labels `02:00` (summer time, then winter time), the hours starting at 01:00+02:00 and 02:00+02:00.
It is split evenly over them, both estimated, so that the day has 25 hours. Should Datadis send that day's two
`02:00` rows apart, they are read as the summer hour then the winter hour.

Energies come in kWh decimals and become whole Wh, rounded half up from the decimal as written (no binary float).
"""

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import ZoneInfo

_DATE = re.compile(r"([0-9]{4})/([0-9]{2})/([0-9]{2})")
_TIME = re.compile(r"([0-9]{2}):([0-9]{2})")
_HOUR = 3600
_WH_PER_KWH = 1000


@dataclass(frozen=True)
class HourlyReading:
    hour_start_utc: int  # epoch seconds
    consumption_wh: int
    surplus_wh: int
    estimated: bool


@dataclass(frozen=True)
class BadRow:
    index: int  # position in Datadis' answer, from 0
    reason: str  # starts with the offending field


@dataclass(frozen=True)
class DatadisReadings:
    readings: tuple[HourlyReading, ...]  # in time order
    bad_rows: tuple[BadRow, ...]  # in Datadis' order


class _RowError(ValueError):
    pass


@dataclass(frozen=True)
class _Row:
    label: str  # `aaaa/MM/dd hh:mm`, as Datadis wrote it
    hour_ends: tuple[int, ...]  # epoch seconds the labelled hour ends at; two on the fall-back day's 02:00
    consumption_wh: int
    surplus_wh: int
    estimated: bool


def hourly_readings(rows: Sequence[Mapping[str, object]], zone: ZoneInfo) -> DatadisReadings:
    """Readings of the good rows, labelled in `zone`; each bad row (unreadable date, time or energy, an hour that
    does not exist, a repeated hour) is reported with its index and the reason instead."""
    bad_rows: list[BadRow] = []
    by_label: defaultdict[str, list[tuple[int, _Row]]] = defaultdict(list)
    for index, row in enumerate(rows):
        try:
            parsed = _parse(row, zone)
        except _RowError as error:
            bad_rows.append(BadRow(index, str(error)))
        else:
            by_label[parsed.label].append((index, parsed))

    readings: list[HourlyReading] = []
    for group in by_label.values():
        first_index, first = group[0]
        hour_ends = first.hour_ends
        bad_rows += [
            BadRow(index, f"date, time: {row.label} repeats row {first_index}")
            for index, row in group[len(hour_ends) :]
        ]
        if len(group) == 1 and len(hour_ends) == 2:
            readings += _split_merged_hour(first)
        else:
            readings += [_reading(row, end) for (_, row), end in zip(group, hour_ends, strict=False)]
    return DatadisReadings(
        tuple(sorted(readings, key=lambda reading: reading.hour_start_utc)),
        tuple(sorted(bad_rows, key=lambda bad_row: bad_row.index)),
    )


def _split_merged_hour(row: _Row) -> list[HourlyReading]:
    """The fall-back day's merged `02:00`: half to each hour, the summer-time hour taking an odd Wh."""
    summer_end, winter_end = row.hour_ends
    summer = HourlyReading(
        summer_end - _HOUR,
        row.consumption_wh - row.consumption_wh // 2,
        row.surplus_wh - row.surplus_wh // 2,
        estimated=True,
    )
    winter = HourlyReading(winter_end - _HOUR, row.consumption_wh // 2, row.surplus_wh // 2, estimated=True)
    return [summer, winter]


def _reading(row: _Row, hour_end: int) -> HourlyReading:
    return HourlyReading(hour_end - _HOUR, row.consumption_wh, row.surplus_wh, row.estimated)


def _parse(row: Mapping[str, object], zone: ZoneInfo) -> _Row:
    day = _date(row.get("date"))
    hour = _hour(row.get("time"))
    label = f"{day:%Y/%m/%d} {hour:02d}:00"
    hour_ends = _hour_ends_of(day, zone).get(hour)
    if hour_ends is None:
        raise _RowError(f"time: {label} does not exist in {zone.key} (the clocks skip that hour)")
    return _Row(
        label=label,
        hour_ends=hour_ends,
        consumption_wh=_wh(row.get("consumptionKWh"), "consumptionKWh"),
        surplus_wh=_wh(row.get("surplusEnergyKWh") or 0, "surplusEnergyKWh"),  # absent or null: no surplus
        estimated=row.get("obtainMethod") != "Real",
    )


def _date(value: object) -> date:
    match = _DATE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise _RowError(f"date: {value!r} is not written aaaa/MM/dd")
    try:
        return date(*map(int, match.groups()))
    except ValueError:
        raise _RowError(f"date: {value!r} is not a real date") from None


def _hour(value: object) -> int:
    """The hour the row's hour ends at, 1 to 24."""
    match = _TIME.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise _RowError(f"time: {value!r} is not written hh:mm")
    hour, minute = map(int, match.groups())
    if minute or not 1 <= hour <= 24:
        raise _RowError(f"time: {value!r} is not the end of an hour, 01:00 to 24:00")
    return hour


@lru_cache(maxsize=64)
def _hour_ends_of(day: date, zone: ZoneInfo) -> dict[int, tuple[int, ...]]:
    """Each hour-ending label of a local day (1 to 24) -> the instants (epoch seconds) it stands for: two for the
    fall-back day's 2 (summer time first), none for the spring-forward day's 2. Computed once a day, not a row."""
    first = int(datetime.combine(day, time(), zone).timestamp())
    last = int(datetime.combine(day + timedelta(days=1), time(), zone).timestamp())
    ends: dict[int, tuple[int, ...]] = {}
    for hour_end in range(first + _HOUR, last + 1, _HOUR):
        local = datetime.fromtimestamp(hour_end, zone)
        label = local.hour if local.date() == day else 24
        ends[label] = (*ends.get(label, ()), hour_end)
    return ends


def _wh(value: object, field: str) -> int:
    """Whole Wh from kWh written as a JSON number (float or Decimal) or a numeric string."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise _RowError(f"{field}: {value!r} is not a number of kWh")
    try:
        kwh = Decimal(str(value)) if isinstance(value, float) else Decimal(value)  # str(): the float as written
    except InvalidOperation:
        raise _RowError(f"{field}: {value!r} is not a number of kWh") from None
    if not kwh.is_finite() or kwh < 0:
        raise _RowError(f"{field}: {value!r} is not a quantity of energy")
    return int((kwh * _WH_PER_KWH).to_integral_value(rounding=ROUND_HALF_UP))
