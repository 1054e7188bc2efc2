"""The generation store: an installation's hourly production, in the Metering table beside the supply points'
readings, under the metering point `generation#<house id>`. Each read of a month is a new item: the newest read of an
hour wins and the earlier ones are kept, as for every other source."""

from collections.abc import Iterable
from datetime import UTC, datetime

from shared.metering.dal import metering
from shared.metering.hour_groups import HourValues, SupplyPointMonth
from shared.metering.readings import Quality, Source, StoredHours
from shared.pv.models import GeneratedHour


def generation_point(house_id: str) -> str:
    return f"generation#{house_id}"


def save_generation(house_id: str, month: str, hours: Iterable[GeneratedHour], read_at: datetime) -> int:
    """One month's hours as read at `read_at`; how many were stored."""
    point = generation_point(house_id)
    by_month: dict[str, list[HourValues]] = {}
    for hour in hours:
        quality = Quality.ESTIMATED if hour.estimated else Quality.REAL
        by_month.setdefault(metering.month_of(hour.hour_start_utc), []).append(
            HourValues(hour.hour_start_utc, hour.generation_wh, 0, quality)
        )
    read = metering.MeteringFileVersion(
        source=Source.MONITORING,
        generated_on=read_at.astimezone(UTC).strftime("%Y%m%d"),
        version=0,
        file_id=f"monitoring#{month}#{read_at.isoformat()}",
        delivered_at=read_at.isoformat(),
    )
    metering.save_hours(read, 0, (SupplyPointMonth(point, key, values) for key, values in sorted(by_month.items())))
    return sum(len(values) for values in by_month.values())


def hourly_generation(house_id: str, start_utc: int, end_utc: int) -> StoredHours:
    """Wh produced in each hour of [start_utc, end_utc), as the metering columns: quality None where nothing was
    read."""
    return metering.stored_hours(generation_point(house_id), start_utc, end_utc)
