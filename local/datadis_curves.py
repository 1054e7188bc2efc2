"""The Datadis stand-in's data: hourly consumption and monthly maximum power, made up deterministically so that a
test or a tester can predict every value, and labelled as Datadis labels them.

- Load of an hour: `LOAD_WH` at the local hour the hour starts (a household's day), times 0.80-1.19 from the first
  two bytes of `sha256("<cups>|<hour start, UTC epoch seconds>")`: the same CUPS and hour always give the same Wh.
- Solar (a supply with `solar_kwp`): `SUN_KWH_PER_KWP` at that local hour times kWp, times 0.80-1.19 from the next
  two bytes. The panels first cover the load (selfConsumptionEnergyKWh); `consumptionKWh` is the load they leave,
  `surplusEnergyKWh` what they produce beyond it, `generationEnergyKWh` all they produce.
- `obtainMethod`: `Estimada` on the 15th of every month, `Real` on other days.
- Labels: `date` `aaaa/MM/dd` and `time` the local wall-clock time the hour ends at, `01:00`..`24:00`. The
  spring-forward day has no `02:00` (23 rows); on the fall-back day the repeated hour is merged into the `02:00`
  row, which holds the sum of both hours (24 rows), as Datadis does.
- Maximum power of a month: per period (`PUNTA`: weekdays 08:00-24:00, `VALLE`: the rest; holidays are not
  looked at), the busiest hour's load in kW times 1.4 (the peak quarter-hour within that hour), at that hour's
  start plus 0, 15, 30 or 45 minutes from the hash.
"""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

MADRID = ZoneInfo("Europe/Madrid")
# By the local hour the hour starts at, 0 to 23 (two rows of 12).
LOAD_WH = (
    180, 150, 140, 135, 135, 145, 190, 260, 280, 240, 220, 230,
    250, 290, 310, 260, 230, 250, 330, 420, 480, 460, 360, 250,
)  # fmt: skip
SUN_KWH_PER_KWP = (
    0, 0, 0, 0, 0, 0, 0, 0.03, 0.12, 0.28, 0.45, 0.58,
    0.65, 0.66, 0.6, 0.48, 0.32, 0.16, 0.05, 0, 0, 0, 0, 0,
)  # fmt: skip
ESTIMATED_DAY = 15
PEAK_FACTOR = 1.4
_HOUR = 3600


@dataclass(frozen=True)
class SimulatedHour:
    start_utc: int
    local_start: datetime
    load_wh: int
    generation_wh: int
    quarter: int  # 0-3, where within the hour its peak falls


def simulated_hour(cups: str, start_utc: int, solar_kwp: float = 0.0) -> SimulatedHour:
    """The hour of the supply that starts at `start_utc` (epoch seconds)."""
    digest = hashlib.sha256(f"{cups}|{start_utc}".encode()).digest()
    local_start = datetime.fromtimestamp(start_utc, MADRID)
    load = LOAD_WH[local_start.hour] * (0.8 + int.from_bytes(digest[0:2]) / 65536 * 0.4)
    sun = SUN_KWH_PER_KWP[local_start.hour] * solar_kwp * 1000 * (0.8 + int.from_bytes(digest[2:4]) / 65536 * 0.4)
    return SimulatedHour(start_utc, local_start, round(load), round(sun), digest[4] % 4)


def _day_hours(cups: str, day: date, solar_kwp: float) -> Iterator[SimulatedHour]:
    start = int(datetime.combine(day, time(), MADRID).timestamp())
    end = int(datetime.combine(day + timedelta(days=1), time(), MADRID).timestamp())
    for start_utc in range(start, end, _HOUR):
        yield simulated_hour(cups, start_utc, solar_kwp)


def _label(hour: SimulatedHour, day: date) -> str:
    """The local wall-clock time the hour ends at, `24:00` for the next day's midnight."""
    local_end = datetime.fromtimestamp(hour.start_utc + _HOUR, MADRID)
    return "24:00" if local_end.date() != day else f"{local_end.hour:02d}:00"


def consumption_rows(cups: str, day: date, *, solar_kwp: float = 0.0) -> list[dict[str, Any]]:
    """A day's get-consumption-data rows (hourly), the fall-back day's repeated hour merged into one row."""
    merged: dict[str, tuple[int, int]] = {}  # label -> (load, generation) Wh; dicts keep the hours' order
    for hour in _day_hours(cups, day, solar_kwp):
        label = _label(hour, day)
        load, generation = merged.get(label, (0, 0))
        merged[label] = (load + hour.load_wh, generation + hour.generation_wh)
    method = "Estimada" if day.day == ESTIMATED_DAY else "Real"
    rows = []
    for label, (load, generation) in merged.items():
        self_consumption = min(load, generation)
        rows.append(
            {
                "cups": cups,
                "date": f"{day:%Y/%m/%d}",
                "time": label,
                "consumptionKWh": _kwh(load - self_consumption),
                "obtainMethod": method,
                "surplusEnergyKWh": _kwh(generation - self_consumption),
                "generationEnergyKWh": _kwh(generation),
                "selfConsumptionEnergyKWh": _kwh(self_consumption),
            }
        )
    return rows


def max_power_rows(cups: str, days: list[date]) -> list[dict[str, Any]]:
    """get-max-power rows over `days` (one month's): the peak of each period that has hours in them."""
    busiest: dict[str, SimulatedHour] = {}
    for day in days:
        for hour in _day_hours(cups, day, solar_kwp=0.0):
            period = "PUNTA" if hour.local_start.weekday() < 5 and hour.local_start.hour >= 8 else "VALLE"
            if period not in busiest or hour.load_wh > busiest[period].load_wh:
                busiest[period] = hour
    return [
        {
            "cups": cups,
            "date": f"{hour.local_start:%Y/%m/%d}",
            "time": f"{hour.local_start.hour:02d}:{hour.quarter * 15:02d}",
            "maxPower": round(hour.load_wh / 1000 * PEAK_FACTOR, 3),
            "period": period,
        }
        for period, hour in sorted(busiest.items())
    ]


def _kwh(wh: int) -> float:
    """kWh with three decimals, as Datadis writes them (the float nearest to wh/1000 prints as that decimal)."""
    return wh / 1000
