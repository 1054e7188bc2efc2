"""Each electric system's own seasons and hours (Circular CNMC 3/2020, article 7)."""

from datetime import date

import pytest

from shared.supply_points.zones import ElectricZone, electric_zone
from shared.tariffs import Period, Tariff, period_of, period_runs

P1, P2, P3, P4, P5, P6 = Period
PENINSULA, BALEARIC, CANARY, CEUTA, MELILLA = ElectricZone
SIX_PERIOD_TARIFFS = [tariff for tariff in Tariff if tariff is not Tariff.T20TD]


def day_periods(tariff: Tariff, day: date, zone: ElectricZone) -> list[Period]:
    return [period_of(tariff, day, hour, zone) for hour in range(24)]


@pytest.mark.parametrize(
    ("postal_code", "zone"),
    [
        ("28013", PENINSULA),
        ("07001", BALEARIC),
        ("07800", BALEARIC),
        ("35001", CANARY),
        ("38001", CANARY),
        ("51001", CEUTA),
        ("52001", MELILLA),
        ("08001", PENINSULA),
        ("50001", PENINSULA),
    ],
)
def test_the_postal_codes_province_gives_the_electric_zone(postal_code: str, zone: ElectricZone) -> None:
    assert electric_zone(postal_code) is zone


def test_the_issues_checks() -> None:
    assert period_of(Tariff.T30TD, date(2025, 6, 10), 10, BALEARIC) == P1  # a Tuesday of the Balearic high season
    assert period_of(Tariff.T30TD, date(2025, 6, 10), 10, PENINSULA) == P3
    assert period_of(Tariff.T30TD, date(2025, 10, 10), 10, CANARY) == P1  # a Friday of the Canary high season
    assert period_of(Tariff.T30TD, date(2025, 10, 10), 10, PENINSULA) == P4


@pytest.mark.parametrize("zone", [CEUTA, MELILLA])
def test_2_0td_in_ceuta_and_melilla_peaks_11_to_15_and_19_to_23(zone: ElectricZone) -> None:
    expected = [P3] * 8 + [P2] * 3 + [P1] * 4 + [P2] * 4 + [P1] * 4 + [P2]
    assert day_periods(Tariff.T20TD, date(2025, 6, 10), zone) == expected


@pytest.mark.parametrize("zone", [PENINSULA, BALEARIC, CANARY])
def test_2_0td_hours_are_the_peninsulas_in_both_archipelagos(zone: ElectricZone) -> None:
    expected = [P3] * 8 + [P2] * 2 + [P1] * 4 + [P2] * 4 + [P1] * 4 + [P2] * 2
    assert day_periods(Tariff.T20TD, date(2025, 6, 10), zone) == expected


def weekday(peak_hours: tuple[int, int, int, int], peak: Period, shoulder: Period) -> list[Period]:
    morning, midday, evening, night = peak_hours
    return (
        [P6] * 8
        + [shoulder] * (morning - 8)
        + [peak] * (midday - morning)
        + [shoulder] * (evening - midday)
        + [peak] * (night - evening)
        + [shoulder] * (24 - night)
    )


ISLANDS = (10, 15, 18, 22)
CEUTA_MELILLA = (10, 15, 19, 23)


@pytest.mark.parametrize(
    ("zone", "months", "peak_hours", "peak", "shoulder"),
    [
        (BALEARIC, (6, 7, 8, 9), ISLANDS, P1, P2),  # high
        (BALEARIC, (5, 10), ISLANDS, P2, P3),  # medium-high
        (BALEARIC, (1, 2, 12), ISLANDS, P3, P4),  # medium
        (BALEARIC, (3, 4, 11), ISLANDS, P4, P5),  # low
        (CANARY, (7, 8, 9, 10), ISLANDS, P1, P3),
        (CANARY, (11, 12), ISLANDS, P2, P3),
        (CANARY, (1, 2, 3), ISLANDS, P2, P4),
        (CANARY, (4, 5, 6), ISLANDS, P4, P5),
        (CEUTA, (1, 2, 8, 9), CEUTA_MELILLA, P1, P4),
        (CEUTA, (7, 10), CEUTA_MELILLA, P2, P3),
        (CEUTA, (3, 11, 12), CEUTA_MELILLA, P2, P4),
        (CEUTA, (4, 5, 6), CEUTA_MELILLA, P3, P5),
        (MELILLA, (1, 7, 8, 9), CEUTA_MELILLA, P1, P2),
        (MELILLA, (2, 12), CEUTA_MELILLA, P2, P3),
        (MELILLA, (6, 10, 11), CEUTA_MELILLA, P3, P4),
        (MELILLA, (3, 4, 5), CEUTA_MELILLA, P4, P5),
        (PENINSULA, (1, 2, 7, 12), (9, 14, 18, 22), P1, P2),
    ],
)
def test_six_period_weekdays_follow_each_systems_seasons_and_hours(
    zone: ElectricZone, months: tuple[int, ...], peak_hours: tuple[int, int, int, int], peak: Period, shoulder: Period
) -> None:
    for month in months:
        tuesday = next(date(2025, month, day) for day in range(15, 22) if date(2025, month, day).weekday() == 1)
        for tariff in SIX_PERIOD_TARIFFS:
            assert day_periods(tariff, tuesday, zone) == weekday(peak_hours, peak, shoulder), (tariff, tuesday)


@pytest.mark.parametrize("zone", list(ElectricZone))
def test_weekends_and_national_holidays_are_valley_in_every_system(zone: ElectricZone) -> None:
    for day in (date(2025, 6, 14), date(2025, 8, 15), date(2025, 12, 25)):
        assert day_periods(Tariff.T20TD, day, zone) == [P3] * 24
        assert day_periods(Tariff.T30TD, day, zone) == [P6] * 24


@pytest.mark.parametrize("zone", list(ElectricZone))
def test_runs_follow_the_systems_hours(zone: ElectricZone) -> None:
    for tariff in (Tariff.T20TD, Tariff.T30TD):
        for day in (date(2025, 1, 14), date(2025, 6, 10), date(2025, 10, 10)):
            runs = period_runs(tariff, day, zone=zone)
            assert [period for first, end, period in runs for _ in range(first, end)] == day_periods(tariff, day, zone)
