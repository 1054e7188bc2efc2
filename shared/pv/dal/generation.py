"""The generation store: an installation's hourly production, in the Metering table beside the supply points'
readings. The owner (`pv.models.GenerationOwner`) is a house's id, or `community#<community id>` for an energy
community's shared installation.

- Every read of a month is kept as it came, `<YYYY-MM>#<read at>` under `generation-read#<owner>`: the history.
  The same read saved twice writes the same item.
- The month's values, under `generation#<owner>` and slot `<YYYY-MM>`, are made again from all of its reads after
  each one: the newest read of an hour wins; hours a read had no value for keep the older values. This is what the
  consumption route reads: one item a month, however often the month was read. A daily poll reads the month so
  far each day, so a year of production is otherwise some 365 reads, each up to a month long.

An item holds its hours as one run from the first to the last, 5 bytes an hour (the Wh, then a flag byte each,
hours without a value flagged as such), where a supply point's item spends 13 on each hour's index, consumption and
surplus: a year of production is ~44 KB to read rather than ~114 KB."""

import struct
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import cache
from itertools import repeat

from pynamodb.attributes import BinaryAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError

from shared.core.dal.tables import TableRecord
from shared.metering.dal.metering import month_of
from shared.metering.readings import Quality, Source, StoredHours
from shared.pv.models import GeneratedHour

_HOUR = 3600
_RUN_START = struct.Struct("<I")  # the run's first hour (epoch hours)
_REAL, _ESTIMATED, _NOT_READ = 0, 1, 2  # an hour's flag byte
_QUALITY_OF_FLAG = {_REAL: Quality.REAL, _ESTIMATED: Quality.ESTIMATED}
_FLAG_OF_QUALITY = {Quality.REAL: _REAL, Quality.ESTIMATED: _ESTIMATED, None: _NOT_READ}


class GenerationRecord(TableRecord):
    """A month's values, made from its reads."""

    class Meta:
        table_setting = "metering_table"

    metering_point = UnicodeAttribute(hash_key=True, attr_name="supply_point")  # generation#<owner>
    slot = UnicodeAttribute(range_key=True)  # YYYY-MM
    run = BinaryAttribute(legacy_encoding=False)
    reads = NumberAttribute()  # how many of the month's reads made it: fewer never replace more


class GenerationReadRecord(TableRecord):
    """One read of a month, as it came."""

    class Meta:
        table_setting = "metering_table"

    metering_point = UnicodeAttribute(hash_key=True, attr_name="supply_point")  # generation-read#<owner>
    slot = UnicodeAttribute(range_key=True)  # "<YYYY-MM>#<read at, UTC>": a month's reads, oldest first
    run = BinaryAttribute(legacy_encoding=False)


def generation_point(owner: str) -> str:
    return f"generation#{owner}"


def _read_point(owner: str) -> str:
    return f"generation-read#{owner}"


def save_generation(owner: str, hours: Iterable[GeneratedHour], read_at: datetime) -> int:
    """The hours of a read at `read_at`, by the local month each falls in (a month's request may reach into the next
    in another time zone); how many were stored."""
    by_month: dict[str, list[GeneratedHour]] = {}
    for hour in hours:
        by_month.setdefault(month_of(hour.hour_start_utc), []).append(hour)
    read = read_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # fixed width: slots sort as times do
    for key, month_hours in sorted(by_month.items()):
        GenerationReadRecord(_read_point(owner), f"{key}#{read}", run=_packed_run(month_hours)).save()
        _merge_reads(owner, key)
    return sum(map(len, by_month.values()))


def _merge_reads(owner: str, month: str) -> None:
    """The month's values made again from all its reads. Of two saves of the month at once, each sees its own read
    and the later of the two sees both: the one that merged more reads is kept."""
    reads = [
        record.run
        for record in GenerationReadRecord.query(
            _read_point(owner), GenerationReadRecord.slot.startswith(f"{month}#"), consistent_read=True
        )
    ]
    first = min(_RUN_START.unpack_from(run)[0] for run in reads)
    last = max(_RUN_START.unpack_from(run)[0] + _run_size(run) for run in reads)
    count = last - first
    merged = StoredHours.without_values(first * _HOUR, count)
    for run in reads:  # in slot order: a newer read laid over the older
        _lay(merged, run)
    record = GenerationRecord(generation_point(owner), month, run=_run_of(merged), reads=len(reads))
    try:
        record.save(condition=GenerationRecord.slot.does_not_exist() | (GenerationRecord.reads <= len(reads)))
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise


def hourly_generation(owner: str, start_utc: int, end_utc: int) -> StoredHours:
    """Wh produced in each hour of [start_utc, end_utc), as the metering columns: quality None where nothing was
    read."""
    count = (end_utc - start_utc) // _HOUR
    hours = StoredHours.without_values(start_utc, count)
    records = GenerationRecord.query(
        generation_point(owner),
        GenerationRecord.slot.between(month_of(start_utc), month_of(end_utc - 1)),
        attributes_to_get=["run"],
    )
    for record in records:
        _lay(hours, record.run)
    return hours


def _packed_run(hours: Sequence[GeneratedHour]) -> bytes:
    first = min(hour.hour_start_utc for hour in hours) // _HOUR
    count = max(hour.hour_start_utc for hour in hours) // _HOUR - first + 1
    read = StoredHours.without_values(first * _HOUR, count)
    for hour in hours:
        position = hour.hour_start_utc // _HOUR - first
        read.consumption_wh[position] = hour.generation_wh
        read.quality[position] = Quality.ESTIMATED if hour.estimated else Quality.REAL
    return _run_of(read)


def _run_of(hours: StoredHours) -> bytes:
    """Columns as a run: hours without a quality not read."""
    flags = bytes(map(_FLAG_OF_QUALITY.__getitem__, hours.quality))
    return _RUN_START.pack(hours.start_utc // _HOUR) + _run_values(len(flags)).pack(*hours.consumption_wh) + flags


def _run_size(run: bytes) -> int:
    return (len(run) - _RUN_START.size) // 5


def _lay(hours: StoredHours, run: bytes) -> None:
    """Write the run's hours that fall in the range over the columns: sliced in C when it has a value for each
    (as a month's read nearly always has), hour by hour otherwise."""
    (first,) = _RUN_START.unpack_from(run)
    size = _run_size(run)
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
