from datetime import date

import pytest

from shared.tariffs import is_national_holiday, national_holidays

FIXED = ["01-01", "05-01", "08-15", "10-12", "11-01", "12-06", "12-08", "12-25"]


def month_days(holidays: frozenset[date]) -> list[str]:
    return sorted(f"{day:%m-%d}" for day in holidays)


def test_the_fixed_date_national_holidays() -> None:
    assert month_days(national_holidays(2021)) == FIXED


@pytest.mark.parametrize("year", [2022, 2024, 2031])
def test_epiphany_counts_from_2022_on(year: int) -> None:
    assert month_days(national_holidays(year)) == sorted([*FIXED, "01-06"])
    assert all(day.year == year for day in national_holidays(year))


@pytest.mark.parametrize(
    "day",
    [
        date(2024, 3, 29),  # Good Friday: movable, does not count
        date(2024, 4, 1),  # Easter Monday (some regions)
        date(2024, 3, 19),  # San José (some regions)
        date(2024, 7, 25),  # Santiago (some regions)
        date(2021, 1, 6),  # Epiphany before 2022
        date(2024, 12, 24),
    ],
)
def test_movable_regional_and_other_days_are_not_holidays(day: date) -> None:
    assert not is_national_holiday(day)


@pytest.mark.parametrize("day", [date(2024, 8, 15), date(2022, 1, 6), date(2035, 12, 8), date(2023, 10, 12)])
def test_national_holidays_of_any_year(day: date) -> None:
    assert is_national_holiday(day)
