"""The local hours of a range of days: 23 on the spring-forward day, 25 on the fall-back day, each written as the
answers write datetimes, and which of them fall in each period of a tariff.

All of it depends on the range alone, and the app asks for the same ranges all day (every chart a user opens
draws the current year): the last few ranges are kept, each with what was worked out from it, so that a request
only does the work of its stored values."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache, cached_property, lru_cache
from itertools import chain, repeat
from typing import NamedTuple
from zoneinfo import ZoneInfo

from pydantic_core import to_json

from shared.supply_points.zones import ElectricZone
from shared.tariffs import Period, Tariff, period_runs, tariff_periods

HOUR = 3600


class Spans(NamedTuple):
    """Points of a day or a month: the hours of each (slices of the range's columns), and where they start and the
    last ends, written."""

    hours: list[slice]
    bounds: tuple[str, ...]


class LocalDay(NamedTuple):
    midnight: datetime
    first: int  # position of its first hour in the range
    hours: tuple[int, ...] | None  # on a day the clocks change, the local hour each of its hours starts at


@dataclass(frozen=True)
class LocalHours:
    """The hours of [start_utc, end_utc) (epoch seconds), by local day."""

    zone: ZoneInfo
    start_utc: int
    end_utc: int
    days: tuple[LocalDay, ...]
    end: datetime  # local midnight after the last day
    _in_periods: dict[tuple[Tariff, ElectricZone], dict[Period, list[bool]]] = field(
        default_factory=dict, init=False, repr=False
    )

    @property
    def count(self) -> int:
        return (self.end_utc - self.start_utc) // HOUR

    @cached_property
    def hour_bounds(self) -> tuple[str, ...]:
        """Each hour's start, then the range's end, written."""
        return (*chain.from_iterable(map(self._hour_starts, self.days)), written(self.end))

    @cached_property
    def day_spans(self) -> Spans:
        return self._spans(self.days)

    @cached_property
    def month_spans(self) -> Spans:
        return self._spans([day for index, day in enumerate(self.days) if index == 0 or day.midnight.day == 1])

    def in_periods(self, tariff: Tariff, zone: ElectricZone) -> dict[Period, list[bool]]:
        """Whether each hour of the range falls in each period of the tariff in the electric zone (every period
        present)."""
        found = self._in_periods.get((tariff, zone))
        if found is None:
            found = {period: [False] * self.count for period in tariff_periods(tariff)}
            for day in self.days:
                for first, end, period in period_runs(tariff, day.midnight.date(), day.hours, zone):
                    found[period][day.first + first : day.first + end] = repeat(True, end - first)
            self._in_periods[tariff, zone] = found
        return found

    def position(self, day: date) -> int:
        """Where the hours of a day of the range, or of the day after it, start."""
        index = day.toordinal() - self.days[0].midnight.toordinal()
        return self.count if index == len(self.days) else self.days[index].first

    def _spans(self, firsts: list[LocalDay] | tuple[LocalDay, ...]) -> Spans:
        starts = [day.first for day in firsts]
        return Spans(
            list(map(slice, starts, [*starts[1:], self.count])),
            (*(written(day.midnight) for day in firsts), written(self.end)),
        )

    def _hour_starts(self, day: LocalDay) -> list[str]:
        """From the day's midnight when it has one UTC offset, else hour by hour."""
        if day.hours is None:
            midnight = written(day.midnight)
            return list(map(midnight[:10].__add__, _hours_at(midnight[19:])))
        first = self.start_utc + day.first * HOUR
        return [written(datetime.fromtimestamp(first + index * HOUR, self.zone)) for index in range(len(day.hours))]


@lru_cache(maxsize=8)
def local_hours(first_day: date, end_day: date, zone: ZoneInfo) -> LocalHours:
    """The local days from `first_day` to `end_day` (exclusive). A day whose 24th hour ends at local midnight
    has 24 hours at one UTC offset: only the days the clocks change convert each of their hours."""
    days = []
    midnight = _midnight(first_day, zone)
    start_utc = position = int(midnight.timestamp())
    for ordinal in range(first_day.toordinal() + 1, end_day.toordinal() + 1):
        following = datetime.fromtimestamp(position + 24 * HOUR, zone)
        if not (following.hour or following.minute):
            days.append(LocalDay(midnight, (position - start_utc) // HOUR, None))
            position += 24 * HOUR
        else:
            following = _midnight(date.fromordinal(ordinal), zone)
            count = (int(following.timestamp()) - position) // HOUR
            instants = [datetime.fromtimestamp(position + index * HOUR, zone) for index in range(count)]
            days.append(LocalDay(midnight, (position - start_utc) // HOUR, tuple(i.hour for i in instants)))
            position += count * HOUR
        midnight = following
    return LocalHours(zone, start_utc, position, tuple(days), midnight)


def label_shift(parsed_in: ZoneInfo, shown_in: ZoneInfo, at_utc: int) -> int:
    """Seconds by which hours labelled in `shown_in`'s local time but read as `parsed_in`'s were stored early.
    Peninsular and Canary time always differ by one hour (both change clocks at 01:00 UTC), so one shift holds
    for a whole range."""
    return _utc_offset(parsed_in, at_utc) - _utc_offset(shown_in, at_utc)


def _utc_offset(zone: ZoneInfo, at_utc: int) -> int:
    """Seconds: the local wall time read as UTC, minus the instant."""
    return int(datetime.fromtimestamp(at_utc, zone).replace(tzinfo=UTC).timestamp()) - at_utc


def local_midnight(day: date, zone: ZoneInfo) -> int:
    """Epoch seconds."""
    return int(_midnight(day, zone).timestamp())


def written(moment: datetime) -> str:
    """As pydantic writes a datetime in JSON (ConsumptionPoint's start and end): the answers stay its own."""
    return to_json(moment).decode()[1:-1]


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone)


@cache
def _hours_at(offset: str) -> tuple[str, ...]:
    return tuple(f"T{hour:02d}:00:00{offset}" for hour in range(24))
