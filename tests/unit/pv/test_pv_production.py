"""Provider values (hour-START local labels, float Wh) -> stored hours (UTC hour starts, whole Wh): ordinary days,
the spring-forward day's 23 hours, the fall-back day's 25 whether the provider merges the repeated hour or repeats
its label, rounding, missing values and bad rows."""

import math
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from shared.pv.models import GeneratedHour, ProducedHour
from shared.pv.production import BadRow, production_hours

SPRING_FORWARD, FALL_BACK = date(2024, 3, 31), date(2024, 10, 27)  # Madrid's, 2024


def utc(year: int, month: int, day: int, hour: int) -> int:
    return int(datetime(year, month, day, hour, tzinfo=UTC).timestamp())


def label(day: date, hour: int) -> str:
    return f"{day:%Y-%m-%d} {hour:02d}:00:00"


def day_values(day: date, hours: list[int], wh: float | None = 100.0) -> list[ProducedHour]:
    return [ProducedHour(label(day, hour), wh) for hour in hours]


def starts(hours: tuple[GeneratedHour, ...]) -> list[int]:
    return [hour.hour_start_utc for hour in hours]


@pytest.mark.parametrize(
    ("day", "first_start"),
    [(date(2024, 6, 1), utc(2024, 5, 31, 22)), (date(2024, 12, 1), utc(2024, 11, 30, 23))],
)
def test_an_ordinary_days_24_labels_are_the_local_hour_starts(day: date, first_start: int) -> None:
    read = production_hours(day_values(day, list(range(24))))
    assert read.bad_rows == ()
    assert starts(read.hours) == [first_start + 3600 * hour for hour in range(24)]
    assert all(hour.generation_wh == 100 and not hour.estimated for hour in read.hours)


def test_the_spring_forward_day_has_23_hours() -> None:
    read = production_hours(day_values(SPRING_FORWARD, [0, 1, *range(3, 24)]))
    assert read.bad_rows == ()
    assert len(read.hours) == 23
    # 01:00 CET is 00:00 UTC, and the next hour 03:00 CEST is 01:00 UTC: no gap in UTC.
    assert starts(read.hours)[:3] == [utc(2024, 3, 30, 23), utc(2024, 3, 31, 0), utc(2024, 3, 31, 1)]
    assert starts(read.hours)[-1] == utc(2024, 3, 31, 21)


@pytest.mark.parametrize("wh", [0.0, 12.0, None])
def test_a_two_oclock_on_the_spring_forward_day_does_not_exist_and_is_reported(wh: float | None) -> None:
    values = day_values(SPRING_FORWARD, list(range(24)))
    values[2] = ProducedHour(label(SPRING_FORWARD, 2), wh)
    read = production_hours(values)
    assert read.bad_rows == (
        BadRow(2, "date: 2024-03-31 02:00:00 does not exist in Europe/Madrid (the clocks skip that hour)"),
    )
    assert len(read.hours) == 23


def test_the_fall_back_days_merged_two_oclock_is_split_over_its_two_hours() -> None:
    values = day_values(FALL_BACK, list(range(24)))
    values[2] = ProducedHour(label(FALL_BACK, 2), 101.0)
    read = production_hours(values)
    assert read.bad_rows == ()
    assert len(read.hours) == 25
    summer, winter = read.hours[2:4]
    assert summer == GeneratedHour(utc(2024, 10, 27, 0), 51, estimated=True)  # 02:00 CEST, the odd Wh
    assert winter == GeneratedHour(utc(2024, 10, 27, 1), 50, estimated=True)  # 02:00 CET
    assert starts(read.hours) == [utc(2024, 10, 26, 22) + 3600 * hour for hour in range(25)]
    assert not any(hour.estimated for hour in read.hours[:2] + read.hours[4:])


@pytest.mark.parametrize("wh", [0.0, 1.0, 2.0, 7.5, 1234.0, 1235.0])
def test_a_merged_hours_split_adds_up_exactly(wh: float) -> None:
    read = production_hours([ProducedHour(label(FALL_BACK, 2), wh)])
    first, second = read.hours
    assert first.generation_wh + second.generation_wh == math.floor(wh + 0.5)
    assert 0 <= first.generation_wh - second.generation_wh <= 1


def test_the_fall_back_days_repeated_label_is_summer_time_then_winter_time() -> None:
    values = [*day_values(FALL_BACK, [0, 1]), ProducedHour(label(FALL_BACK, 2), 30.0)]
    values += [ProducedHour(label(FALL_BACK, 2), 40.0), *day_values(FALL_BACK, list(range(3, 24)))]
    read = production_hours(values)
    assert read.bad_rows == ()
    assert len(read.hours) == 25
    assert read.hours[2:4] == (
        GeneratedHour(utc(2024, 10, 27, 0), 30, estimated=False),
        GeneratedHour(utc(2024, 10, 27, 1), 40, estimated=False),
    )
    assert starts(read.hours)[-1] == utc(2024, 10, 27, 22)


def test_a_third_two_oclock_on_the_fall_back_day_is_reported() -> None:
    values = [ProducedHour(label(FALL_BACK, 2), wh) for wh in (30.0, 40.0, 50.0)]
    read = production_hours(values)
    assert read.bad_rows == (BadRow(2, "date: 2024-10-27 02:00:00 repeats row 0"),)
    assert [hour.generation_wh for hour in read.hours] == [30, 40]


def test_a_missing_value_in_the_fall_back_hour_stores_nothing_for_it() -> None:
    assert production_hours([ProducedHour(label(FALL_BACK, 2), None)]).hours == ()
    repeated = [ProducedHour(label(FALL_BACK, 2), None), ProducedHour(label(FALL_BACK, 2), 40.0)]
    assert production_hours(repeated).hours == (GeneratedHour(utc(2024, 10, 27, 1), 40, estimated=False),)


def test_null_values_are_missing_hours_not_stored() -> None:
    values = day_values(date(2024, 4, 1), [0], wh=None) + day_values(date(2024, 4, 1), [1, 2])
    read = production_hours(values)
    assert (starts(read.hours), read.bad_rows) == ([utc(2024, 3, 31, 23), utc(2024, 4, 1, 0)], ())


@pytest.mark.parametrize(
    ("wh", "stored"),
    [(0.0, 0), (0.49, 0), (0.5, 1), (2.5, 3), (3.5, 4), (1234.45, 1234), (1234.5, 1235), (0.1 + 0.2, 0), (7, 7)],
)
def test_float_wh_become_whole_wh_rounded_half_up(wh: float, stored: int) -> None:
    [hour] = production_hours([ProducedHour("2024-04-01 12:00:00", wh)]).hours
    assert hour.generation_wh == stored


def test_an_hour_labelled_twice_on_an_ordinary_day_keeps_the_first_and_reports_the_second() -> None:
    values = [*day_values(date(2024, 4, 1), [10, 11]), ProducedHour("2024-04-01 10:00:00", 999.0)]
    read = production_hours(values)
    assert read.bad_rows == (BadRow(2, "date: 2024-04-01 10:00:00 repeats row 0"),)
    assert [hour.generation_wh for hour in read.hours] == [100, 100]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (ProducedHour("2024-04-01T10:00:00", 5.0), "date: '2024-04-01T10:00:00' is not written YYYY-MM-DD hh:mm:ss"),
        (ProducedHour("2024-04-01 10:00", 5.0), "date: '2024-04-01 10:00' is not written YYYY-MM-DD hh:mm:ss"),
        (ProducedHour("", 5.0), "date: '' is not written YYYY-MM-DD hh:mm:ss"),
        (ProducedHour("2024-04-31 10:00:00", 5.0), "date: '2024-04-31 10:00:00' is not a real date"),
        (ProducedHour("2024-04-01 10:15:00", 5.0), "date: '2024-04-01 10:15:00' is not the start of an hour"),
        (ProducedHour("2024-04-01 24:00:00", 5.0), "date: '2024-04-01 24:00:00' is not the start of an hour"),
        (ProducedHour("2024-04-01 10:00:00", -0.5), "value: -0.5 is not a quantity of energy"),
        (ProducedHour("2024-04-01 10:00:00", math.inf), "value: inf is not a quantity of energy"),
        (ProducedHour("2024-04-01 10:00:00", math.nan), "value: nan is not a quantity of energy"),
        (ProducedHour("2024-04-01 10:00:00", 2.0**31), "value: 2147483648.0 Wh is more than the 2147483647 Wh"),
    ],
)
def test_a_bad_row_is_reported_with_its_index_and_the_others_are_kept(value: ProducedHour, reason: str) -> None:
    values = [ProducedHour("2024-04-01 09:00:00", 1.0), value, ProducedHour("2024-04-01 11:00:00", 3.0)]
    read = production_hours(values)
    [bad_row] = read.bad_rows
    assert bad_row.index == 1
    assert bad_row.reason.startswith(reason)
    assert [hour.generation_wh for hour in read.hours] == [1, 3]


def test_the_hours_come_in_time_order_whatever_the_providers_order() -> None:
    values = [ProducedHour(label(date(2024, 4, 2), 1), 2.0), ProducedHour(label(date(2024, 4, 1), 23), 1.0)]
    assert [hour.generation_wh for hour in production_hours(values).hours] == [1, 2]


def test_labels_are_read_in_the_sites_zone() -> None:
    """The Canaries are an hour behind Madrid and change on the same days, at 01:00 UTC: 01:00 repeats there."""
    read = production_hours(day_values(FALL_BACK, [0, 1, 2]), ZoneInfo("Atlantic/Canary"))
    assert starts(read.hours) == [
        utc(2024, 10, 26, 23),
        utc(2024, 10, 27, 0),
        utc(2024, 10, 27, 1),
        utc(2024, 10, 27, 2),
    ]
    assert [hour.estimated for hour in read.hours] == [False, True, True, False]
