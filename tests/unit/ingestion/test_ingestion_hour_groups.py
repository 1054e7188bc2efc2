import random
from datetime import UTC, datetime

from shared.metering.hour_groups import HourValues, SupplyPointMonth, SupplyPointMonths
from shared.metering.hour_labels import MADRID
from shared.metering.readings import Quality, Reading, Source

MARCH_31_23H = int(datetime(2024, 3, 31, 21, tzinfo=UTC).timestamp())  # 23:00 local, the month's last hour


def month_of(start: int) -> str:
    return datetime.fromtimestamp(start, MADRID).strftime("%Y-%m")


def reading(supply_point: str, start: int, wh: int, cups: str | None = None) -> Reading:
    return Reading(cups or supply_point + "0F", supply_point, start, wh, 0, Quality.REAL, Source.F5D)


def test_readings_in_any_order_are_grouped_by_supply_point_and_local_month() -> None:
    readings = [reading(point, MARCH_31_23H + hour * 3600, hour) for point in ("ES2", "ES1") for hour in range(3)]
    random.Random(3).shuffle(readings)
    months = SupplyPointMonths(month_of)
    for item in readings:
        months.add(item)

    def hours(*numbers: int) -> list[HourValues]:
        return [HourValues(MARCH_31_23H + n * 3600, n, 0, Quality.REAL) for n in numbers]

    assert list(months.groups()) == [
        SupplyPointMonth("ES1", "2024-03", hours(0)),
        SupplyPointMonth("ES1", "2024-04", hours(1, 2)),
        SupplyPointMonth("ES2", "2024-03", hours(0)),
        SupplyPointMonth("ES2", "2024-04", hours(1, 2)),
    ]
    assert months.supply_points() == ["ES1", "ES2"]
    assert months.readings == 6


def test_both_cups_forms_of_a_supply_point_fall_in_one_group() -> None:
    months = SupplyPointMonths(month_of)
    months.add(reading("ES0021000012345678LB", MARCH_31_23H, 1, cups="ES0021000012345678LB0F"))
    months.add(reading("ES0021000012345678LB", MARCH_31_23H - 3600, 2, cups="ES0021000012345678LB"))
    [group] = months.groups()
    assert [hour.consumption_wh for hour in group.hours] == [2, 1]


def test_a_repeated_hour_keeps_the_first_value_given() -> None:
    months = SupplyPointMonths(month_of)
    for wh in (5, 7, 9):
        months.add(reading("ES1", MARCH_31_23H, wh))
    [group] = months.groups()
    assert group.hours == [HourValues(MARCH_31_23H, 5, 0, Quality.REAL)]
    assert months.readings == 3


def test_each_hour_asks_for_its_month_once() -> None:
    asked: list[int] = []

    def counting_month_of(start: int) -> str:
        asked.append(start)
        return month_of(start)

    months = SupplyPointMonths(counting_month_of)
    for point in range(50):
        months.add(reading(f"ES{point}", MARCH_31_23H, point))
    assert asked == [MARCH_31_23H]
