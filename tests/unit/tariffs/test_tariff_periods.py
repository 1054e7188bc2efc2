from datetime import date
from itertools import pairwise

import pytest

from shared.tariffs import Period, Tariff, period_of, period_runs, tariff_periods

P1, P2, P3, P4, P5, P6 = Period
SIX_PERIOD_TARIFFS = [tariff for tariff in Tariff if tariff is not Tariff.T20TD]
TUESDAY = date(2024, 4, 2)
SATURDAY = date(2024, 4, 6)
SUNDAY = date(2024, 4, 7)


def day_periods(tariff: Tariff, day: date) -> list[Period]:
    return [period_of(tariff, day, hour) for hour in range(24)]


def test_2_0td_weekday_hours() -> None:
    expected = [P3] * 8 + [P2] * 2 + [P1] * 4 + [P2] * 4 + [P1] * 4 + [P2] * 2
    assert day_periods(Tariff.T20TD, TUESDAY) == expected
    assert (period_of(Tariff.T20TD, TUESDAY, 9), period_of(Tariff.T20TD, TUESDAY, 10)) == (P2, P1)


@pytest.mark.parametrize("day", [SATURDAY, SUNDAY, date(2024, 8, 15), date(2024, 12, 25), date(2023, 1, 6)])
def test_2_0td_weekends_and_national_holidays_are_all_p3(day: date) -> None:
    assert day_periods(Tariff.T20TD, day) == [P3] * 24


@pytest.mark.parametrize("day", [date(2024, 3, 29), date(2021, 1, 6)])  # Good Friday; Epiphany before 2022
def test_2_0td_days_that_are_not_national_holidays_keep_weekday_periods(day: date) -> None:
    assert period_of(Tariff.T20TD, day, 12) == P1


def six_period_weekday(peak: Period, shoulder: Period) -> list[Period]:
    return [P6] * 8 + [shoulder] + [peak] * 5 + [shoulder] * 4 + [peak] * 4 + [shoulder] * 2


@pytest.mark.parametrize(
    ("weekday", "peak", "shoulder"),
    [
        (date(2024, 1, 10), P1, P2),  # season A: January, February, July, December
        (date(2024, 2, 14), P1, P2),
        (date(2024, 7, 10), P1, P2),
        (date(2024, 12, 11), P1, P2),
        (date(2024, 3, 13), P2, P3),  # season B: March, November
        (date(2024, 11, 13), P2, P3),
        (date(2024, 6, 12), P3, P4),  # season B1: June, August, September
        (date(2024, 8, 14), P3, P4),
        (date(2024, 9, 11), P3, P4),
        (date(2024, 4, 10), P4, P5),  # season C: April, May, October
        (date(2024, 5, 8), P4, P5),
        (date(2024, 10, 9), P4, P5),
    ],
)
@pytest.mark.parametrize("tariff", SIX_PERIOD_TARIFFS)
def test_six_period_weekday_hours_follow_the_month_season(
    tariff: Tariff, weekday: date, peak: Period, shoulder: Period
) -> None:
    assert day_periods(tariff, weekday) == six_period_weekday(peak, shoulder)


@pytest.mark.parametrize("day", [date(2024, 1, 13), date(2024, 7, 14), date(2024, 11, 1), date(2024, 12, 6)])
@pytest.mark.parametrize("tariff", [Tariff.T30TD, Tariff.T64TD, Tariff.T62TDVE])
def test_six_period_weekends_and_holidays_are_all_p6(tariff: Tariff, day: date) -> None:
    assert day_periods(tariff, day) == [P6] * 24


def test_the_tariffs_and_their_periods() -> None:
    assert [str(tariff) for tariff in Tariff] == [
        "2.0TD", "3.0TD", "6.1TD", "6.2TD", "6.3TD", "6.4TD", "3.0TDVE", "6.1TDVE", "6.2TDVE"
    ]  # fmt: skip
    assert tariff_periods(Tariff.T20TD) == (P1, P2, P3)
    assert tariff_periods(Tariff.T61TD) == (P1, P2, P3, P4, P5, P6)


def test_a_tariff_given_by_its_name_works_alike() -> None:
    assert period_of(Tariff("2.0TD"), TUESDAY, 11) == P1


@pytest.mark.parametrize("hour", [-1, 24])
def test_an_hour_outside_0_to_23_is_refused(hour: int) -> None:
    with pytest.raises(ValueError, match="hour must be 0 to 23"):
        period_of(Tariff.T20TD, TUESDAY, hour)


def periods_of_runs(runs: tuple[tuple[int, int, Period], ...]) -> list[Period]:
    return [period for first, end, period in runs for _ in range(first, end)]


@pytest.mark.parametrize(
    "day", [TUESDAY, SATURDAY, date(2024, 8, 15), date(2024, 1, 10), date(2024, 3, 13), date(2024, 6, 12)]
)
@pytest.mark.parametrize("tariff", list(Tariff))
def test_runs_of_a_day_of_24_hours_are_its_periods_in_order(tariff: Tariff, day: date) -> None:
    runs = period_runs(tariff, day)
    assert periods_of_runs(runs) == day_periods(tariff, day)
    assert all(before[2] is not after[2] for before, after in pairwise(runs))  # merged


def test_2_0td_weekday_runs() -> None:
    assert period_runs(Tariff.T20TD, TUESDAY) == (
        (0, 8, P3),
        (8, 10, P2),
        (10, 14, P1),
        (14, 18, P2),
        (18, 22, P1),
        (22, 24, P2),
    )
    assert period_runs(Tariff.T20TD, SATURDAY) == ((0, 24, P3),)


def test_runs_of_a_day_the_clocks_change_follow_its_local_hours() -> None:
    spring = date(2024, 3, 27)  # a Wednesday, as if the clocks changed: 23 hours, no 2 o'clock
    hours = (0, 1, *range(3, 24))
    assert periods_of_runs(period_runs(Tariff.T20TD, spring, hours)) == [
        period_of(Tariff.T20TD, spring, h) for h in hours
    ]
    autumn = date(2024, 10, 30)  # 25 hours, 2 o'clock twice
    hours = (0, 1, 2, 2, *range(3, 24))
    runs = period_runs(Tariff.T30TD, autumn, hours)
    assert runs[0] == (0, 9, P6) and runs[-1][1] == 25
