"""The Metering table: hourly readings per supply point (20-character CUPS), whether or not a house holds it.

One item per (supply point, local month, source file, chunk of that file), its hours packed in a binary
attribute, so a thousand hourly rows cost one or two write requests. Nothing is overwritten: a correction
(RF5D, a newer version, another delivery of the same file name) is a new item, and a read picks for each hour
the value of highest precedence: source rank (RF5D > F5D > P5D > Datadis), then the newer file. The same file
delivered twice, or a chunk processed twice, writes the same items again: duplicates change nothing.
"""

import struct
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from pynamodb.attributes import BinaryAttribute, UnicodeAttribute

from shared.core.dal.tables import TableRecord
from shared.metering.hour_groups import SupplyPointMonth
from shared.metering.hour_labels import MADRID
from shared.metering.readings import Quality, Source, StoredHours, curve_point, source_rank

# hour index (epoch hours), consumption Wh, surplus Wh, flags (bit 0: estimated)
_PACKED_HOUR = struct.Struct("<IiiB")
_ESTIMATED = 1
_QUALITY_OF_FLAGS = tuple(Quality.ESTIMATED if flags & _ESTIMATED else Quality.REAL for flags in range(256))
_HOUR = 3600
_READ = ["slot", "source", "delivered_at", "hours"]


class MeteringRecord(TableRecord):
    class Meta:
        table_setting = "metering_table"

    supply_point = UnicodeAttribute(hash_key=True)
    slot = UnicodeAttribute(range_key=True)  # "<YYYY-MM>#<precedence>#<file id>#<chunk>"
    source = UnicodeAttribute()
    file_id = UnicodeAttribute()
    delivered_at = UnicodeAttribute()  # breaks ties between deliveries of the same file name
    hours = BinaryAttribute(legacy_encoding=False)


@dataclass(frozen=True)
class MeteringFileVersion:
    """What orders one file's values against another's for the same hours."""

    source: Source
    generated_on: str  # YYYYMMDD, from the file name
    version: int  # from the file name
    file_id: str  # stable for the same content: duplicates land on the same items
    delivered_at: str  # ISO timestamp of the copy

    @property
    def precedence(self) -> str:
        return f"{source_rank(self.source)}#{self.generated_on}#{self.version:04d}"


def month_of(hour_start_utc: int) -> str:
    """The local (Europe/Madrid) month an hour belongs to, as YYYY-MM."""
    return datetime.fromtimestamp(hour_start_utc, MADRID).strftime("%Y-%m")


def _pack_hours(hours: Iterable[tuple[int, int, int, Quality]]) -> bytes:
    """(hour start epoch seconds, consumption Wh, surplus Wh, quality) -> the stored bytes."""
    return b"".join(
        _PACKED_HOUR.pack(start // 3600, consumption, surplus, _ESTIMATED if quality is Quality.ESTIMATED else 0)
        for start, consumption, surplus, quality in hours
    )


def save_hours(file: MeteringFileVersion, chunk: int, groups: Iterable[SupplyPointMonth]) -> None:
    """One item per (supply point, month) group of the file's chunk, batched (25 items a request, unprocessed
    items retried by PynamoDB); A5D and B5D hours under their own metering point (`curve_point`)."""
    with MeteringRecord.batch_write() as batch:
        for group in groups:
            batch.save(
                MeteringRecord(
                    curve_point(file.source, group.supply_point),
                    f"{group.month}#{file.precedence}#{file.file_id}#{chunk:06d}",
                    source=file.source.value,
                    file_id=file.file_id,
                    delivered_at=file.delivered_at,
                    hours=_pack_hours(group.hours),
                )
            )


def stored_hours(supply_point: str, start_utc: int, end_utc: int) -> StoredHours:
    """The winning value of every hour in [start_utc, end_utc) (whole hours apart)."""
    first_month, last_month = month_of(start_utc), month_of(end_utc - 1)
    records = list(
        MeteringRecord.query(
            supply_point,
            MeteringRecord.slot.between(f"{first_month}#", f"{last_month}#~"),
            attributes_to_get=_READ,  # not supply_point nor file_id: less to send and parse for a year of items
        )
    )
    count = (end_utc - start_utc) // _HOUR
    hours = StoredHours.without_values(start_utc, count)
    # Each item is laid over those it beats, so the winner is laid last: lowest precedence first; of items of
    # equal precedence the first in slot order wins, as when the same file was delivered twice.
    # slot = month # rank # generated_on # version # file id # chunk: the middle three order the files
    ranked = sorted(
        range(len(records)),
        key=lambda i: ("#".join(records[i].slot.split("#")[1:4]), records[i].delivered_at, -i),
    )
    for i in ranked:
        _lay(hours, records[i].hours, Source(records[i].source))
    return hours


def _lay(hours: StoredHours, packed: bytes, source: Source) -> None:
    """Write one item's hours that fall in the range over the columns: in C for a run of consecutive hours (as
    the pipeline stores a month), hour by hour otherwise, the first of a repeated hour winning."""
    size = len(packed) // _PACKED_HOUR.size
    if not size:
        return
    values = _packed_values(size).unpack(packed)
    indexes, consumption, surplus = values[0::3], values[1::3], values[2::3]
    flags = packed[_PACKED_HOUR.size - 1 :: _PACKED_HOUR.size]  # the last byte of each hour
    first, count = hours.start_utc // _HOUR, len(hours.quality)
    offset = indexes[0] - first
    if indexes == tuple(range(indexes[0], indexes[0] + size)):
        low, high = max(0, -offset), min(size, count - offset)
        if low < high:
            into = slice(offset + low, offset + high)
            hours.consumption_wh[into] = consumption[low:high]
            hours.surplus_wh[into] = surplus[low:high]
            real = flags.count(0, low, high) == high - low
            hours.quality[into] = (
                [Quality.REAL] * (high - low) if real else map(_QUALITY_OF_FLAGS.__getitem__, flags[low:high])
            )
            hours.source[into] = [source] * (high - low)
        return
    for index, wh, surplus_wh, hour_flags in reversed(list(zip(indexes, consumption, surplus, flags, strict=True))):
        position = index - first
        if 0 <= position < count:
            hours.consumption_wh[position] = wh
            hours.surplus_wh[position] = surplus_wh
            hours.quality[position] = _QUALITY_OF_FLAGS[hour_flags]
            hours.source[position] = source


@cache
def _packed_values(count: int) -> struct.Struct:
    """A whole item in one unpack, flat (hour, Wh, Wh, hour...): no tuple per hour, the flags read as bytes."""
    return struct.Struct("<" + (_PACKED_HOUR.format[1:-1] + "x") * count)  # "x": the flags byte skipped
