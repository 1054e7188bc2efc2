from datetime import date, timedelta

import pytest

from shared.consumption import points as consumption
from shared.consumption.local_hours import LocalHours, label_shift, local_hours
from shared.consumption.models import Granularity, PointQuality
from shared.metering.hour_labels import MADRID
from shared.metering.readings import Quality, Source, StoredHours
from shared.supply_points.zones import CANARY, ElectricZone
from shared.tariffs import Tariff, TariffSpan

PENINSULA = ElectricZone.PENINSULA


def whole(local: LocalHours, tariff: Tariff, assumed: bool = False) -> list[TariffSpan]:
    first = local.days[0].midnight.date()
    return [TariffSpan(first, local.end.date(), tariff, assumed)]


def stored(local: LocalHours, wh: int = 100) -> StoredHours:
    """Every hour of the range stored: `wh`, real, from an F5D."""
    count = local.count
    return StoredHours(local.start_utc, [wh] * count, [0] * count, [Quality.REAL] * count, [Source.F5D] * count)


def produced(local: LocalHours, wh: list[int | None]) -> StoredHours:
    """An installation's hours as the generation store gives them: quality None where nothing was read."""
    count = local.count
    quality = [None if value is None else Quality.REAL for value in wh]
    source = [None if value is None else Source.MONITORING for value in wh]
    return StoredHours(local.start_utc, [value or 0 for value in wh], [0] * count, quality, source)


def next_day(day: date) -> date:
    return day + timedelta(days=1)


@pytest.mark.parametrize(
    ("day", "count", "offset"),
    [(date(2024, 3, 31), 23, "+01:00"), (date(2024, 10, 27), 25, "+02:00"), (date(2024, 4, 1), 24, "+02:00")],
)
def test_a_local_day_has_23_24_or_25_hourly_points(day: date, count: int, offset: str) -> None:
    local = local_hours(day, next_day(day), MADRID)
    hours = stored(local)
    by_hour = consumption.points(local, hours, Granularity.HOUR)
    assert len(by_hour.bounds) == count + 1
    assert by_hour.bounds[0] == f"{day.isoformat()}T00:00:00{offset}"
    assert by_hour.quality == [PointQuality.REAL] * count
    whole_day = consumption.points(local, hours, Granularity.DAY)
    assert whole_day.consumption_wh == [count * 100]
    assert [bound[:19] for bound in whole_day.bounds] == [f"{day}T00:00:00", f"{next_day(day)}T00:00:00"]


def test_fall_back_day_shows_the_repeated_hour_twice_with_its_offsets() -> None:
    day = date(2024, 10, 27)
    local = local_hours(day, next_day(day), MADRID)
    by_hour = consumption.points(local, stored(local), Granularity.HOUR)
    assert by_hour.bounds[2:4] == ("2024-10-27T02:00:00+02:00", "2024-10-27T02:00:00+01:00")


def test_missing_and_invisible_hours_are_null_and_mixed_days_say_so() -> None:
    local = local_hours(date(2024, 4, 1), date(2024, 4, 3), MADRID)
    hours = stored(local)
    hours.quality[5] = hours.source[5] = None  # missing
    hours.consumption_wh[5] = 0
    hours.consumption_wh[6], hours.quality[6], hours.source[6] = 50, Quality.ESTIMATED, Source.P5D
    seen = consumption.visible(hours, date(2024, 4, 2), MADRID)
    by_hour = consumption.points(local, seen, Granularity.HOUR)
    assert by_hour.quality[:24] == [PointQuality.MISSING] * 24  # not visible
    assert by_hour.consumption_wh[:24] == [None] * 24
    days = consumption.points(local, seen, Granularity.DAY)
    assert days.quality == [PointQuality.MISSING, PointQuality.REAL]
    assert days.source == [None, "F5D"]
    first_day = consumption.points(local, consumption.visible(hours, None, MADRID), Granularity.DAY)
    assert (first_day.quality[0], first_day.source[0], first_day.consumption_wh[0]) == (
        PointQuality.MIXED,
        "mixed",
        2250,
    )
    totals = consumption.totals(hours)
    assert (totals.hours_real, totals.hours_estimated, totals.hours_missing) == (46, 1, 1)
    assert totals.consumption_kwh == 4.65


def test_hours_before_the_range_hide_nothing_and_after_it_hide_everything() -> None:
    local = local_hours(date(2024, 4, 1), date(2024, 4, 2), MADRID)
    hours = stored(local)
    assert consumption.visible(hours, date(2024, 3, 1), MADRID) is hours
    assert consumption.visible(hours, date(2024, 5, 1), MADRID).quality == [None] * 24


def test_months_group_by_local_month() -> None:
    local = local_hours(date(2024, 4, 30), date(2024, 5, 2), MADRID)
    months = consumption.points(local, stored(local), Granularity.MONTH)
    assert [bound[:10] for bound in months.bounds] == ["2024-04-30", "2024-05-01", "2024-05-02"]
    assert months.consumption_wh == [2400, 2400]


def test_period_split_2_0td_weekday_and_weekend() -> None:
    local = local_hours(date(2024, 4, 1), date(2024, 4, 7), MADRID)
    hours = stored(local)
    for day in range(1, 5):  # Tuesday to Friday: nothing
        hours.consumption_wh[24 * day : 24 * (day + 1)] = [0] * 24
    periods = consumption.period_totals(local, hours, whole(local, Tariff.T20TD), PENINSULA)
    # Monday: P1 8 h, P2 8 h, P3 8 h; Saturday: 24 h of P3
    assert periods.model_dump(exclude_none=True) == {
        "tariff": "2.0TD", "assumed": False, "P1": 0.8, "P2": 0.8, "P3": 3.2
    }  # fmt: skip


def test_period_split_of_the_days_the_clocks_change_counts_each_local_hour() -> None:
    local = local_hours(date(2024, 10, 25), date(2024, 10, 28), MADRID)  # Friday to the fall-back Sunday
    periods = consumption.period_totals(local, stored(local), whole(local, Tariff.T30TD), PENINSULA)
    # Friday in season C: P4 9 h, P5 7 h, P6 8 h; the weekend's 24 + 25 hours are P6
    assert periods.model_dump(exclude_none=True) == {
        "tariff": "3.0TD", "assumed": False, "P1": 0.0, "P2": 0.0, "P3": 0.0, "P4": 0.9, "P5": 0.7, "P6": 5.7
    }  # fmt: skip


def test_period_split_follows_the_electric_zone_in_its_local_hours() -> None:
    day = date(2025, 10, 10)  # a Friday of the Canary high season
    local = local_hours(day, next_day(day), CANARY)
    hours = stored(local, wh=0)
    hours.consumption_wh[10] = 1000  # 10:00-11:00 Canary time
    canary = consumption.period_totals(local, hours, whole(local, Tariff.T30TD), ElectricZone.CANARY_ISLANDS)
    peninsula = consumption.period_totals(local, hours, whole(local, Tariff.T30TD), PENINSULA)
    assert (canary.model_extra or {})["P1"] == 1.0
    assert (peninsula.model_extra or {})["P4"] == 1.0


def test_a_tariff_change_inside_the_range_splits_each_tariffs_days() -> None:
    local = local_hours(date(2024, 4, 1), date(2024, 4, 4), MADRID)  # Monday to Wednesday, 100 Wh an hour
    spans = [
        TariffSpan(date(2024, 4, 1), date(2024, 4, 2), Tariff.T20TD, assumed=True),
        TariffSpan(date(2024, 4, 2), date(2024, 4, 4), Tariff.T30TD),
    ]
    periods = consumption.period_totals(local, stored(local), spans, PENINSULA)
    assert periods.model_dump(by_alias=True, exclude_none=True) == {
        "tariff": "mixed",
        "assumed": True,
        "by_tariff": [
            {"tariff": "2.0TD", "assumed": True, "from": date(2024, 4, 1), "to": date(2024, 4, 2),
             "P1": 0.8, "P2": 0.8, "P3": 0.8},
            {"tariff": "3.0TD", "assumed": False, "from": date(2024, 4, 2), "to": date(2024, 4, 4),
             "P1": 0.0, "P2": 0.0, "P3": 0.0, "P4": 1.8, "P5": 1.4, "P6": 1.6},
        ],
    }  # fmt: skip


def test_generation_and_self_consumption_by_hour_day_and_totals() -> None:
    day = date(2024, 10, 27)  # 25 hours
    local = local_hours(day, next_day(day), MADRID)
    hours = stored(local)
    hours.surplus_wh[10:14] = [500, 500, 0, 0]
    hours.quality[20], hours.consumption_wh[20] = None, 0  # a missing hour: no surplus known
    generation: list[int | None] = [0] * 25
    generation[10:14] = [300, 900, 700, None]
    generation[20] = 400

    pv = consumption.solar(hours, produced(local, generation))
    by_hour = consumption.points(local, hours, Granularity.HOUR, pv)

    assert by_hour.generation_wh is not None and by_hour.self_consumption_wh is not None
    assert by_hour.generation_wh[10:14] == [300, 900, 700, None]
    # generation minus surplus, never below zero; null where either is missing
    assert by_hour.self_consumption_wh[10:14] == [0, 400, 700, None]
    assert (by_hour.generation_wh[20], by_hour.self_consumption_wh[20]) == (400, None)
    whole_day = consumption.points(local, hours, Granularity.DAY, pv)
    assert (whole_day.generation_wh, whole_day.self_consumption_wh) == ([2300], [1100])
    totals = consumption.totals(hours, pv)
    assert (totals.generation_kwh, totals.self_consumption_kwh) == (2.3, 1.1)


def test_a_house_without_an_installation_has_no_generation_columns() -> None:
    local = local_hours(date(2024, 4, 1), date(2024, 4, 2), MADRID)
    by_hour = consumption.points(local, stored(local), Granularity.HOUR)

    assert [name for name, _ in by_hour.columns()] == ["consumption_kwh", "surplus_kwh", "quality", "source"]
    assert consumption.totals(stored(local)).generation_kwh is None


def test_the_csv_of_a_pv_house_has_the_generation_columns() -> None:
    from shared.consumption.csv_export import consumption_csv  # noqa: PLC0415

    local = local_hours(date(2024, 4, 1), date(2024, 4, 2), MADRID)
    hours = stored(local)
    generation: list[int | None] = [250] * 24

    pv = consumption.solar(hours, produced(local, generation))
    header, first, *_ = consumption_csv(consumption.points(local, hours, Granularity.HOUR, pv)).splitlines()

    assert header == "start,end,consumption_kwh,surplus_kwh,quality,source,generation_kwh,self_consumption_kwh"
    assert first.endswith(",0.1,0.0,real,F5D,0.25,0.25")


def test_a_day_without_any_production_read_has_no_generation_sum() -> None:
    local = local_hours(date(2024, 4, 1), date(2024, 4, 3), MADRID)
    generation: list[int | None] = [100] * 24 + [None] * 24
    pv = consumption.solar(stored(local), produced(local, generation))

    by_day = consumption.points(local, stored(local), Granularity.DAY, pv)

    assert (by_day.generation_wh, by_day.self_consumption_wh) == ([2400, None], [2400, None])


def test_hours_read_in_peninsular_time_for_a_canary_house_are_one_hour_early_all_year() -> None:
    for instant in (1736935200, 1743292800, 1761436800, 1751328000):  # winter, both clock changes, summer
        assert label_shift(MADRID, CANARY, instant) == 3600
        assert label_shift(CANARY, MADRID, instant) == -3600
        assert label_shift(CANARY, CANARY, instant) == 0
