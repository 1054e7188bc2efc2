"""Hour labels of the distributor files -> UTC instants.

A row is labelled with the local wall-clock time at which its hour ENDS (`2024/04/01 01:00` is the hour from
midnight) and a season flag, 1 for summer time and 0 for winter time, which generators set from the offset of the
label (`int(timestamp.dst() > 0)`, domain brief §2.3, gisce/mesures `headers.py` and `parsers/dummy_data.py`). So the
flag is what tells apart the two labels of the October fall-back day that the local clock shows twice (`02:00` in
Madrid, `01:00` in the Canary Islands): summer time first, then winter time. Every other label names one instant
whatever its flag: a flag that disagrees with the calendar there is a distributor's slip, not a reason to lose the
hour, and is reported beside the instant. The March spring-forward day has no label for the skipped hour.
"""

import re
from datetime import UTC, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from shared.metering.errors import RowError
from shared.supply_points.zones import MADRID

__all__ = ["MADRID", "HourStart", "hour_start"]

_HOUR = 3600
_LABEL = re.compile(r"([0-9]{4})/([0-9]{2})/([0-9]{2}) ([0-9]{2}):00")
_SEASONS = {"0": False, "1": True}  # flag -> summer time
# Hourly curves date from the smart-meter roll-out; an older year is garbage (and would meet the
# non-whole-hour local mean time of the 19th century).
_FIRST_YEAR = 2000


class HourStart(NamedTuple):
    utc: int  # epoch seconds at which the labelled hour starts
    season_agrees: bool  # False: the flag says the other season than the calendar's at that label


def hour_start(label: str, season: str, zone: ZoneInfo = MADRID) -> HourStart:
    """The start of the labelled hour; RowError naming the field when it has none."""
    match = _LABEL.fullmatch(label)
    if match is None:
        raise RowError(f"timestamp: {label!r} is not a whole hour written YYYY/MM/DD HH:MM")
    year, month, day, hour = map(int, match.groups())
    if year < _FIRST_YEAR:
        raise RowError(f"timestamp: {label!r} is before {_FIRST_YEAR}")
    try:
        wall_end = datetime(year, month, day, hour)
    except ValueError:
        raise RowError(f"timestamp: {label!r} is not a real date and hour") from None
    summer = _SEASONS.get(season)
    if summer is None:
        raise RowError(f"season: {season!r} is neither 0 (winter time) nor 1 (summer time)")

    # fold 0 and 1 are the first and second occurrence of a wall time repeated when clocks go back.
    instants = []
    for fold in (0, 1):
        local_end = wall_end.replace(tzinfo=zone, fold=fold)
        utc_end = local_end.astimezone(UTC)
        if utc_end.astimezone(zone).replace(tzinfo=None) == wall_end:  # not a wall time skipped going forward
            instants.append((int(utc_end.timestamp()) - _HOUR, bool(local_end.dst())))
    if not instants:
        raise RowError(f"timestamp: {label} does not exist in {zone.key} (the clocks skip that hour)")
    for start, in_summer in instants:
        if in_summer is summer:
            return HourStart(start, True)
    return HourStart(instants[0][0], False)  # one instant only: the flag cannot choose
