"""The generation store: an installation's hourly production, in the Metering table beside the supply points'
readings, under the metering point `generation#<owner>` (`pv.models.GenerationOwner`: a house's id, or
`community#<community id>` for an energy community's shared installation).

Each read of a month is a new item, `<YYYY-MM>#<read at>`: the newest read of an hour wins and the earlier ones are
kept, as for every other source; the same read saved twice writes the same item. An item holds its hours as one run
from the first to the last, 5 bytes an hour (the Wh, then a flag byte each, hours the read had no value for flagged
as such), where a supply point's item spends 13 on each hour's index, consumption and surplus: the consumption
route reads a year of production in ~44 KB rather than ~114 KB, and as many fewer read units."""

import struct
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import cache
from itertools import repeat

from pynamodb.attributes import BinaryAttribute, UnicodeAttribute

from shared.core.dal.tables import TableRecord
from shared.metering.dal.metering import month_of
from shared.metering.readings import Quality, Source, StoredHours
from shared.pv.models import GeneratedHour

_HOUR = 3600
_RUN_START = struct.Struct("<I")  # the run's first hour (epoch hours)
_REAL, _ESTIMATED, _NOT_READ = 0, 1, 2  # an hour's flag byte
_QUALITY_OF_FLAG = {_REAL: Quality.REAL, _ESTIMATED: Quality.ESTIMATED}


class GenerationRecord(TableRecord):
    class Meta:
        table_setting = "metering_table"

    metering_point = UnicodeAttribute(hash_key=True, attr_name="supply_point")  # generation#<owner>
    slot = UnicodeAttribute(range_key=True)  # "<YYYY-MM>#<read at, UTC>": a month's reads, oldest first
    run = BinaryAttribute(legacy_encoding=False)


def generation_point(owner: str) -> str:
    return f"generation#{owner}"


def save_generation(owner: str, month: str, hours: Iterable[GeneratedHour], read_at: datetime) -> int:
    """The hours of one month's read at `read_at` (grouped by the local month each falls in); how many were stored."""
    by_month: dict[str, list[GeneratedHour]] = {}
    for hour in hours:
        by_month.setdefault(month_of(hour.hour_start_utc), []).append(hour)
    read = read_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # fixed width: slots sort as times do
    with GenerationRecord.batch_write() as batch:
        for key, month_hours in sorted(by_month.items()):
            batch.save(GenerationRecord(generation_point(owner), f"{key}#{read}", run=_packed_run(month_hours)))
    return sum(map(len, by_month.values()))


def hourly_generation(owner: str, start_utc: int, end_utc: int) -> StoredHours:
    """Wh produced in each hour of [start_utc, end_utc), as the metering columns: quality None where nothing was
    read."""
    count = (end_utc - start_utc) // _HOUR
    hours = StoredHours(start_utc, [0] * count, [0] * count, [None] * count, [None] * count)
    records = GenerationRecord.query(
        generation_point(owner),
        GenerationRecord.slot.between(f"{month_of(start_utc)}#", f"{month_of(end_utc - 1)}#~"),
        attributes_to_get=["run"],
    )
    for record in records:  # in slot order: a newer read of a month laid over the older
        _lay(hours, record.run)
    return hours


def _packed_run(hours: Sequence[GeneratedHour]) -> bytes:
    first = min(hour.hour_start_utc for hour in hours) // _HOUR
    count = max(hour.hour_start_utc for hour in hours) // _HOUR - first + 1
    watt_hours, flags = [0] * count, bytearray([_NOT_READ]) * count
    for hour in hours:
        position = hour.hour_start_utc // _HOUR - first
        watt_hours[position] = hour.generation_wh
        flags[position] = _ESTIMATED if hour.estimated else _REAL
    return _RUN_START.pack(first) + _run_values(count).pack(*watt_hours) + flags


def _lay(hours: StoredHours, run: bytes) -> None:
    """Write the run's hours that fall in the range over the columns: sliced in C when it has a value for each
    (as a month's read nearly always has), hour by hour otherwise."""
    (first,) = _RUN_START.unpack_from(run)
    size = (len(run) - _RUN_START.size) // 5
    watt_hours = _run_values(size).unpack_from(run, _RUN_START.size)
    flags = run[_RUN_START.size + 4 * size :]
    offset = first - hours.start_utc // _HOUR
    low, high = max(0, -offset), min(size, len(hours.quality) - offset)
    if low >= high:
        return
    if flags.count(_NOT_READ, low, high) == 0:
        into, real = slice(offset + low, offset + high), flags.count(_REAL, low, high) == high - low
        hours.consumption_wh[into] = watt_hours[low:high]
        hours.quality[into] = (
            repeat(Quality.REAL, high - low) if real else map(_QUALITY_OF_FLAG.__getitem__, flags[low:high])
        )
        hours.source[into] = repeat(Source.MONITORING, high - low)
        return
    for position in range(low, high):
        if flags[position] != _NOT_READ:
            hours.consumption_wh[offset + position] = watt_hours[position]
            hours.quality[offset + position] = _QUALITY_OF_FLAG[flags[position]]
            hours.source[offset + position] = Source.MONITORING


@cache
def _run_values(count: int) -> struct.Struct:
    return struct.Struct(f"<{count}i")  # signed 32-bit, as a supply point's: production.py refuses larger values
