from datetime import date
from zoneinfo import ZoneInfo

import pytest
from metering_samples import day_hours

from shared.metering.errors import RowError
from shared.metering.hour_labels import HourStart, hour_start

CANARY = ZoneInfo("Atlantic/Canary")
MADRID = ZoneInfo("Europe/Madrid")


@pytest.mark.parametrize(
    "day", [date(2024, 1, 15), date(2024, 7, 15), date(2024, 3, 31), date(2024, 10, 27), date(2023, 3, 26)]
)
@pytest.mark.parametrize("zone", [ZoneInfo("Europe/Madrid"), CANARY])
def test_every_label_of_a_day_maps_to_the_start_of_its_hour(day: date, zone: ZoneInfo) -> None:
    for label, season, start in day_hours(day, zone):
        assert hour_start(label, season, zone) == HourStart(start, season_agrees=True), (label, season)


def test_madrid_is_the_default_zone() -> None:
    assert hour_start("2024/01/15 13:00", "0").utc == 1705316400  # 12:00 CET = 11:00 UTC


def test_a_day_ends_with_the_next_days_midnight_label() -> None:
    assert hour_start("2024/04/02 00:00", "1").utc == 1712005200  # 2024-04-01T23:00+02:00


def test_the_spring_forward_day_has_23_labels_and_no_two_oclock() -> None:
    labels = [label for label, _, _ in day_hours(date(2024, 3, 31))]
    assert len(labels) == 23
    assert "2024/03/31 02:00" not in labels
    for season in "01":
        with pytest.raises(RowError, match="2024/03/31 02:00 does not exist in Europe/Madrid"):
            hour_start("2024/03/31 02:00", season)


def test_the_fall_back_day_repeats_two_oclock_as_summer_then_winter_time() -> None:
    hours = list(day_hours(date(2024, 10, 27)))
    assert len(hours) == 25
    assert [(label, season) for label, season, _ in hours[1:3]] == [
        ("2024/10/27 02:00", "1"),
        ("2024/10/27 02:00", "0"),
    ]
    summer = hour_start("2024/10/27 02:00", "1")
    winter = hour_start("2024/10/27 02:00", "0")
    assert (summer, winter) == ((1729983600, True), (1729987200, True))  # 2024-10-26T23:00Z and 2024-10-27T00:00Z


@pytest.mark.parametrize(
    ("label", "season", "zone", "start"),
    [
        ("2024/07/01 12:00", "0", MADRID, 1719824400),  # 2024-07-01T11:00+02:00
        ("2024/01/01 12:00", "1", MADRID, 1704103200),  # 2024-01-01T11:00+01:00
        ("2024/10/27 03:00", "1", MADRID, 1729990800),  # summer time ended at 03:00
        ("2024/03/31 03:00", "0", MADRID, 1711843200),  # summer time began at 02:00
        ("2024/10/27 02:00", "1", CANARY, 1729990800),  # the Canary Islands change an hour earlier
    ],
)
def test_a_season_flag_that_disagrees_with_an_unambiguous_label_keeps_the_labels_hour_and_says_so(
    label: str, season: str, zone: ZoneInfo, start: int
) -> None:
    assert hour_start(label, season, zone) == HourStart(start, season_agrees=False)


def test_the_canary_fall_back_day_repeats_one_oclock_told_apart_by_the_flag() -> None:
    hours = list(day_hours(date(2025, 10, 26), CANARY))
    assert [(label, season) for label, season, _ in hours[:3]] == [
        ("2025/10/26 01:00", "1"),
        ("2025/10/26 01:00", "0"),
        ("2025/10/26 02:00", "0"),
    ]
    assert hour_start("2025/10/26 01:00", "1", CANARY) == (1761433200, True)  # 2025-10-25T23:00Z
    assert hour_start("2025/10/26 01:00", "0", CANARY) == (1761436800, True)  # 2025-10-26T00:00Z


def test_canary_labels_the_peninsula_would_refuse_or_misplace() -> None:
    assert hour_start("2025/03/30 02:00", "1", CANARY) == (1743292800, True)  # 2025-03-30T00:00Z, WET midnight
    assert hour_start("2025/01/15 11:00", "0", CANARY).utc == 1736935200  # 10:00Z
    assert hour_start("2025/01/15 11:00", "0", MADRID).utc == 1736931600  # 09:00Z: one hour off for Canary


@pytest.mark.parametrize(
    ("label", "problem"),
    [
        ("2024-04-01 01:00", "is not a whole hour written YYYY/MM/DD HH:MM"),
        ("2024/04/01 01:30", "is not a whole hour"),
        ("2024/04/01 1:00", "is not a whole hour"),
        ("2024/04/01 01:00:00", "is not a whole hour"),
        ("", "is not a whole hour"),
        ("2024/13/01 01:00", "is not a real date and hour"),
        ("2023/02/29 01:00", "is not a real date and hour"),
        ("2024/04/01 24:00", "is not a real date and hour"),
        ("0001/01/01 01:00", "is before 2000"),
    ],
)
def test_a_malformed_timestamp_is_refused(label: str, problem: str) -> None:
    with pytest.raises(RowError, match=f"^timestamp: '{label}' {problem}"):
        hour_start(label, "1")


@pytest.mark.parametrize("season", ["2", "", "S", "01"])
def test_a_season_flag_other_than_0_or_1_is_refused(season: str) -> None:
    with pytest.raises(RowError, match=r"^season: .* is neither 0 \(winter time\) nor 1 \(summer time\)"):
        hour_start("2024/04/01 01:00", season)
