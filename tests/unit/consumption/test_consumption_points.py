from datetime import date, timedelta

import pytest

from shared.consumption import points as consumption
from shared.consumption.models import Granularity, PointQuality
from shared.metering.hour_labels import MADRID
from shared.metering.readings import Quality, Source, StoredHour
from shared.tariffs import Tariff


def hour(start: int, wh: int, quality: Quality = Quality.REAL, source: Source = Source.F5D) -> StoredHour:
    return StoredHour(start, wh, 0, quality, source)


def day_hours(day: date, wh: int = 100) -> dict[int, StoredHour]:
    start, end = consumption.local_day_bounds(day, date.fromordinal(day.toordinal() + 1), MADRID)
    return {h: hour(h, wh) for h in range(start, end, 3600)}


@pytest.mark.parametrize(
    ("day", "count", "offset"),
    [(date(2024, 3, 31), 23, "+01:00"), (date(2024, 10, 27), 25, "+02:00"), (date(2024, 4, 1), 24, "+02:00")],
)
def test_a_local_day_has_23_24_or_25_hourly_points(day: date, count: int, offset: str) -> None:
    stored = day_hours(day)
    start, end = consumption.local_day_bounds(day, date.fromordinal(day.toordinal() + 1), MADRID)
    hours = consumption.visible_hours(stored, start, end, None, MADRID)
    points = consumption.points(hours, Granularity.HOUR, MADRID)
    assert len(points) == count
    assert points[0].start.isoformat() == f"{day.isoformat()}T00:00:00{offset}"
    assert all(point.quality is PointQuality.REAL for point in points)
    [whole_day] = consumption.points(hours, Granularity.DAY, MADRID)
    assert whole_day.consumption_kwh == count * 100 / 1000
    assert (whole_day.start.date(), whole_day.end.date(), whole_day.end.hour) == (day, day + timedelta(days=1), 0)


def test_fall_back_day_shows_the_repeated_hour_twice_with_its_offsets() -> None:
    day = date(2024, 10, 27)
    start, end = consumption.local_day_bounds(day, date(2024, 10, 28), MADRID)
    points = consumption.points(
        consumption.visible_hours(day_hours(day), start, end, None, MADRID), Granularity.HOUR, MADRID
    )
    assert [p.start.isoformat() for p in points[2:4]] == ["2024-10-27T02:00:00+02:00", "2024-10-27T02:00:00+01:00"]


def test_missing_and_invisible_hours_are_null_and_mixed_days_say_so() -> None:
    first, end_day = date(2024, 4, 1), date(2024, 4, 3)
    stored = day_hours(first) | day_hours(date(2024, 4, 2))
    start, end = consumption.local_day_bounds(first, end_day, MADRID)
    del stored[start + 5 * 3600]
    stored[start + 6 * 3600] = hour(start + 6 * 3600, 50, Quality.ESTIMATED, Source.P5D)
    hours = consumption.visible_hours(stored, start, end, date(2024, 4, 2), MADRID)
    by_hour = consumption.points(hours, Granularity.HOUR, MADRID)
    assert all(p.quality is PointQuality.MISSING and p.consumption_kwh is None for p in by_hour[:24])  # not visible
    days = consumption.points(hours, Granularity.DAY, MADRID)
    assert [d.quality for d in days] == [PointQuality.MISSING, PointQuality.REAL]
    assert days[1].source == "F5D" and days[0].source is None
    visible_all = consumption.visible_hours(stored, start, end, None, MADRID)
    first_day = consumption.points(visible_all, Granularity.DAY, MADRID)[0]
    assert (first_day.quality, first_day.source, first_day.consumption_kwh) == (PointQuality.MIXED, "mixed", 2.25)
    totals = consumption.totals(visible_all)
    assert (totals.hours_real, totals.hours_estimated, totals.hours_missing) == (46, 1, 1)
    assert totals.consumption_kwh == 4.65


def test_months_group_by_local_month() -> None:
    stored = day_hours(date(2024, 4, 30)) | day_hours(date(2024, 5, 1))
    start, end = consumption.local_day_bounds(date(2024, 4, 30), date(2024, 5, 2), MADRID)
    months = consumption.points(consumption.visible_hours(stored, start, end, None, MADRID), Granularity.MONTH, MADRID)
    assert [(m.start.month, m.consumption_kwh) for m in months] == [(4, 2.4), (5, 2.4)]


def test_period_split_2_0td_weekday_and_weekend() -> None:
    monday, saturday = date(2024, 4, 1), date(2024, 4, 6)
    stored = day_hours(monday) | day_hours(saturday)
    start, end = consumption.local_day_bounds(monday, date(2024, 4, 7), MADRID)
    periods = consumption.period_totals(
        consumption.visible_hours(stored, start, end, None, MADRID), Tariff.T20TD, MADRID
    )
    # Monday: P1 8 h, P2 8 h, P3 8 h; Saturday: 24 h of P3
    assert periods.model_dump() == {"tariff": "2.0TD", "P1": 0.8, "P2": 0.8, "P3": 3.2}
