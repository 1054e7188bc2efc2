"""The Metering table: hourly readings per supply point (20-character CUPS), whether or not a house holds it.

One item per (supply point, local month, source file, chunk of that file), its hours packed in a binary
attribute, so a thousand hourly rows cost one or two write requests. Nothing is overwritten: a correction
(RF5D, a newer version, another delivery of the same file name) is a new item, and a read picks for each hour
the value of highest precedence: source rank (RF5D > F5D > P5D > Datadis), then the newer file. The same file
delivered twice, or a chunk processed twice, writes the same items again: duplicates change nothing.
"""

import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from pynamodb.attributes import BinaryAttribute, UnicodeAttribute

from shared.core.dal.tables import TableRecord
from shared.metering.hour_groups import SupplyPointMonth
from shared.metering.hour_labels import MADRID
from shared.metering.readings import Quality, Source, StoredHour, source_rank

# hour index (epoch hours), consumption Wh, surplus Wh, flags (bit 0: estimated)
_PACKED_HOUR = struct.Struct("<IiiB")
_ESTIMATED = 1


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


def _unpack_hours(packed: bytes, source: Source) -> Iterator[StoredHour]:
    for hour, consumption, surplus, flags in _PACKED_HOUR.iter_unpack(packed):
        quality = Quality.ESTIMATED if flags & _ESTIMATED else Quality.REAL
        yield StoredHour(hour * 3600, consumption, surplus, quality, source)


def save_hours(file: MeteringFileVersion, chunk: int, groups: Iterable[SupplyPointMonth]) -> None:
    """One item per (supply point, month) group of the file's chunk, batched (25 items a request, unprocessed
    items retried by PynamoDB)."""
    with MeteringRecord.batch_write() as batch:
        for group in groups:
            batch.save(
                MeteringRecord(
                    group.supply_point,
                    f"{group.month}#{file.precedence}#{file.file_id}#{chunk:06d}",
                    source=file.source.value,
                    file_id=file.file_id,
                    delivered_at=file.delivered_at,
                    hours=_pack_hours(group.hours),
                )
            )


def stored_hours(supply_point: str, start_utc: int, end_utc: int) -> dict[int, StoredHour]:
    """The winning value of every stored hour in [start_utc, end_utc), by hour start (epoch seconds)."""
    first_month, last_month = month_of(start_utc), month_of(end_utc - 1)
    winners: dict[int, tuple[tuple[str, str], StoredHour]] = {}
    records = MeteringRecord.query(supply_point, MeteringRecord.slot.between(f"{first_month}#", f"{last_month}#~"))
    for record in records:
        # slot = month # rank # generated_on # version # file id # chunk: the middle three order the files
        order = ("#".join(record.slot.split("#")[1:4]), record.delivered_at)
        for hour in _unpack_hours(record.hours, Source(record.source)):
            if start_utc <= hour.hour_start_utc < end_utc:
                current = winners.get(hour.hour_start_utc)
                if current is None or order > current[0]:
                    winners[hour.hour_start_utc] = (order, hour)
    return {start: hour for start, (_, hour) in winners.items()}
