"""The readings of one chunk gathered per (supply point, local month): one stored item each.

Files are usually sorted by CUPS and hour, but nothing here relies on it: a supply point's hours may come in
any order, spread over the chunk. A supply point written with and without its 2-character border-point
suffix is one supply point (the readings carry the 20-character key).
"""

from collections.abc import Callable, Iterator
from typing import NamedTuple

from shared.metering.readings import Quality, Reading

MonthOf = Callable[[int], str]  # hour start (epoch seconds) -> the month the storage files it under


class HourValues(NamedTuple):
    hour_start_utc: int
    consumption_wh: int
    surplus_wh: int
    quality: Quality


class SupplyPointMonth(NamedTuple):
    supply_point: str
    month: str
    hours: list[HourValues]  # by hour


class SupplyPointMonths:
    def __init__(self, month_of: MonthOf) -> None:
        self._month_of = month_of
        self._months: dict[int, str] = {}  # a chunk repeats the same few hundred hours: compute each once
        self._groups: dict[tuple[str, str], dict[int, Reading]] = {}
        self.readings = 0

    def add(self, reading: Reading) -> None:
        start = reading.hour_start_utc
        month = self._months.get(start)
        if month is None:
            month = self._months[start] = self._month_of(start)
        hours = self._groups.get((reading.supply_point, month))
        if hours is None:
            hours = self._groups[reading.supply_point, month] = {}
        # A repeated hour keeps its first value, as reads let the first chunk of a file win: the file's
        # first row for an hour is its value wherever the cut falls, and an item holds at most 745 hours.
        hours.setdefault(start, reading)
        self.readings += 1

    def groups(self) -> Iterator[SupplyPointMonth]:
        for (supply_point, month), hours in sorted(self._groups.items()):
            yield SupplyPointMonth(
                supply_point,
                month,
                [HourValues(start, r.consumption_wh, r.surplus_wh, r.quality) for start, r in sorted(hours.items())],
            )

    def supply_points(self) -> list[str]:
        return sorted({supply_point for supply_point, _ in self._groups})
