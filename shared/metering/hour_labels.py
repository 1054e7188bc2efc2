"""Hour labels of the distributor files -> UTC instants.

A row is labelled with the local wall-clock time at which its hour ENDS (`2024/04/01 01:00` is the hour
from midnight) and a season flag, 1 for summer time and 0 for winter time. The flag tells apart the two
`02:00` of the October fall-back day, and the March spring-forward day simply has no `02:00` label.
"""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from shared.metering.errors import RowError

MADRID = ZoneInfo("Europe/Madrid")
_HOUR = 3600
_LABEL = re.compile(r"([0-9]{4})/([0-9]{2})/([0-9]{2}) ([0-9]{2}):00")
_SEASONS = {"0": False, "1": True}  # flag -> summer time
# Hourly curves date from the smart-meter roll-out; an older year is garbage (and would meet the
# non-whole-hour local mean time of the 19th century).
_FIRST_YEAR = 2000


def hour_start_utc(label: str, season: str, zone: ZoneInfo = MADRID) -> int:
    """Epoch seconds at which the labelled hour starts; RowError naming the field when it cannot be."""
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

    exists = False
    # fold 0 and 1 are the first and second occurrence of a wall time repeated when clocks go back.
    for fold in (0, 1):
        local_end = wall_end.replace(tzinfo=zone, fold=fold)
        utc_end = local_end.astimezone(UTC)
        if utc_end.astimezone(zone).replace(tzinfo=None) != wall_end:
            continue  # a wall time skipped when clocks go forward
        exists = True
        if bool(local_end.dst()) is summer:
            return int(utc_end.timestamp()) - _HOUR
    if not exists:
        raise RowError(f"timestamp: {label} does not exist in {zone.key} (the clocks skip that hour)")
    season_name = "summer" if summer else "winter"
    raise RowError(f"season: {season} ({season_name} time) is not the time in force in {zone.key} at {label}")
