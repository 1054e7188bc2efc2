"""Datadis' hourly rows -> hourly readings: hour-ending local labels to UTC hour starts, kWh decimals to whole Wh,
the DST days, estimated marking, bad rows reported rather than raised."""

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from shared.datadis.readings import BadRow, HourlyReading, hourly_readings
from shared.supply_points.zones import CANARY, MADRID

CUPS = "ES0021000087654321MF0F"


def row(day: str, time: str, kwh: Any = 0.25, method: Any = "Real", surplus: Any = 0.0) -> dict[str, Any]:
    return {
        "cups": CUPS,
        "date": day,
        "time": time,
        "consumptionKWh": kwh,
        "obtainMethod": method,
        "surplusEnergyKWh": surplus,
        "generationEnergyKWh": 0.0,
        "selfConsumptionEnergyKWh": 0.0,
    }


def utc(year: int, month: int, day: int, hour: int) -> int:
    return int(datetime(year, month, day, hour, tzinfo=UTC).timestamp())


def test_rows_of_the_sample_become_hours_starting_an_hour_before_their_label() -> None:
    rows = [  # samples/datadis/get-consumption-data.json, 01:00, 10:00 and 24:00
        row("2024/04/01", "01:00", 0.206),
        row("2024/04/01", "10:00", 0.0, surplus=0.388),
        row("2024/04/01", "24:00", 0.349),
    ]
    result = hourly_readings(rows, MADRID)
    assert result.bad_rows == ()
    assert result.readings == (
        HourlyReading(utc(2024, 3, 31, 22), 206, 0, estimated=False),  # midnight to 01:00, summer time
        HourlyReading(utc(2024, 4, 1, 7), 0, 388, estimated=False),
        HourlyReading(utc(2024, 4, 1, 21), 349, 0, estimated=False),  # 23:00 to the next day's midnight
    )


def test_a_winter_day_is_an_hour_later_in_utc() -> None:
    [reading] = hourly_readings([row("2024/01/15", "13:00")], MADRID).readings
    assert reading.hour_start_utc == utc(2024, 1, 15, 11)


@pytest.mark.parametrize(
    ("kwh", "wh"),
    [
        (0.206, 206),
        (Decimal("0.0005"), 1),  # 0.5 Wh: half up
        (Decimal("0.0004999"), 0),
        (1.2345, 1235),  # 1234.5 Wh
        (0.5005, 501),  # as binary floats 0.5005 * 1000 is 500.49999999999994
        (0.0025, 3),  # round() would give 2, rounding half to even
        (2.675, 2675),
        ("0.3", 300),
        (3, 3000),
        (Decimal("0"), 0),
    ],
)
def test_kwh_become_whole_wh_rounded_half_up_from_the_decimal_as_written(kwh: Any, wh: int) -> None:
    [reading] = hourly_readings([row("2024/04/01", "05:00", kwh, surplus=kwh)], MADRID).readings
    assert (reading.consumption_wh, reading.surplus_wh) == (wh, wh)


def test_json_numbers_parsed_as_floats_or_decimals_give_the_same_wh() -> None:
    text = json.dumps([row("2024/04/01", "05:00", 0.5005)])
    as_floats = hourly_readings(json.loads(text), MADRID).readings
    assert as_floats == hourly_readings(json.loads(text, parse_float=Decimal), MADRID).readings


@pytest.mark.parametrize("surplus", [None, "", 0])
def test_a_missing_surplus_is_none(surplus: Any) -> None:
    rows = [row("2024/04/01", "05:00", surplus=surplus), {"date": "2024/04/01", "time": "06:00", "consumptionKWh": 1}]
    assert [reading.surplus_wh for reading in hourly_readings(rows, MADRID).readings] == [0, 0]


@pytest.mark.parametrize(("method", "estimated"), [("Real", False), ("Estimada", True), ("", True), (None, True)])
def test_only_real_rows_are_real(method: Any, estimated: bool) -> None:
    [reading] = hourly_readings([row("2024/04/01", "05:00", method=method)], MADRID).readings
    assert reading.estimated is estimated


def test_the_fall_back_days_merged_two_oclock_is_split_over_its_two_hours() -> None:
    day = [row("2024/10/27", f"{hour:02d}:00", 0.2) for hour in range(1, 25)]
    day[1] = row("2024/10/27", "02:00", 0.301, surplus=0.003)  # the two hours that a distributor file labels 02:00

    result = hourly_readings(day, MADRID)

    assert result.bad_rows == ()
    hours = result.readings
    assert len(hours) == 25
    assert [reading.hour_start_utc for reading in hours] == list(
        range(utc(2024, 10, 26, 22), utc(2024, 10, 27, 23), 3600)
    )
    summer, winter = hours[1], hours[2]  # starting at 01:00+02:00 and 02:00+02:00
    assert (summer.hour_start_utc, winter.hour_start_utc) == (utc(2024, 10, 26, 23), utc(2024, 10, 27, 0))
    assert (summer.consumption_wh, winter.consumption_wh) == (151, 150)
    assert (summer.surplus_wh, winter.surplus_wh) == (2, 1)
    assert summer.estimated and winter.estimated
    assert hours[3] == HourlyReading(utc(2024, 10, 27, 1), 200, 0, estimated=False)  # 03:00 is 02:00+01:00 to 03:00
    assert sum(reading.consumption_wh for reading in hours) == 23 * 200 + 301


def test_an_even_merged_hour_splits_in_halves() -> None:
    result = hourly_readings([row("2023/10/29", "02:00", 0.5)], MADRID)
    assert [(r.hour_start_utc, r.consumption_wh) for r in result.readings] == [
        (utc(2023, 10, 28, 23), 250),
        (utc(2023, 10, 29, 0), 250),
    ]


def test_two_separate_two_oclock_rows_on_the_fall_back_day_are_summer_then_winter_time() -> None:
    rows = [row("2024/10/27", "02:00", 0.197), row("2024/10/27", "02:00", 0.180, method="Estimada")]
    assert hourly_readings(rows, MADRID).readings == (
        HourlyReading(utc(2024, 10, 26, 23), 197, 0, estimated=False),
        HourlyReading(utc(2024, 10, 27, 0), 180, 0, estimated=True),
    )


def test_the_spring_forward_day_has_23_hours_and_no_two_oclock() -> None:
    day = [row("2024/03/31", f"{hour:02d}:00") for hour in range(1, 25) if hour != 2]
    result = hourly_readings(day, MADRID)
    assert result.bad_rows == ()
    assert [r.hour_start_utc for r in result.readings] == list(range(utc(2024, 3, 30, 23), utc(2024, 3, 31, 22), 3600))
    assert result.readings[1].hour_start_utc == utc(2024, 3, 31, 0)  # 03:00: from 01:00+01:00


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"date": "2024-04-01"}, "date: '2024-04-01' is not written aaaa/MM/dd"),
        ({"date": "2024/02/30"}, "date: '2024/02/30' is not a real date"),
        ({"date": None}, "date: None is not written aaaa/MM/dd"),
        ({"time": "1:00"}, "time: '1:00' is not written hh:mm"),
        ({"time": "00:00"}, "time: '00:00' is not the end of an hour, 01:00 to 24:00"),
        ({"time": "25:00"}, "time: '25:00' is not the end of an hour"),
        ({"time": "13:15"}, "time: '13:15' is not the end of an hour"),
        ({"date": "2024/03/31", "time": "02:00"}, "time: 2024/03/31 02:00 does not exist in Europe/Madrid"),
        ({"consumptionKWh": "abc"}, "consumptionKWh: 'abc' is not a number of kWh"),
        ({"consumptionKWh": None}, "consumptionKWh: None is not a number of kWh"),
        ({"consumptionKWh": ""}, "consumptionKWh: '' is not a number of kWh"),
        ({"consumptionKWh": True}, "consumptionKWh: True is not a number of kWh"),
        ({"consumptionKWh": -0.1}, "consumptionKWh: -0.1 is not a quantity of energy"),
        ({"consumptionKWh": "NaN"}, "consumptionKWh: 'NaN' is not a quantity of energy"),
        ({"surplusEnergyKWh": "x"}, "surplusEnergyKWh: 'x' is not a number of kWh"),
    ],
)
def test_a_bad_row_is_reported_with_its_index_and_the_others_are_read(bad: dict[str, Any], reason: str) -> None:
    rows = [row("2024/04/01", "01:00"), row("2024/04/01", "02:00") | bad, row("2024/04/01", "03:00")]
    result = hourly_readings(rows, MADRID)
    [bad_row] = result.bad_rows
    assert bad_row.index == 1
    assert bad_row.reason.startswith(reason)
    assert [r.hour_start_utc for r in result.readings] == [utc(2024, 3, 31, 22), utc(2024, 4, 1, 0)]


def test_a_repeated_hour_is_a_bad_row_and_the_first_one_counts() -> None:
    rows = [row("2024/04/01", "05:00", 0.1), row("2024/04/01", "06:00"), row("2024/04/01", "05:00", 0.9)]
    result = hourly_readings(rows, MADRID)
    assert result.bad_rows == (BadRow(2, "date, time: 2024/04/01 05:00 repeats row 0"),)
    assert [r.consumption_wh for r in result.readings] == [100, 250]


def test_readings_come_in_time_order_whatever_the_rows_order() -> None:
    rows = [row("2024/04/02", "01:00"), row("2024/04/01", "24:00"), row("2024/04/01", "23:00")]
    starts = [r.hour_start_utc for r in hourly_readings(rows, MADRID).readings]
    assert starts == sorted(starts) == [utc(2024, 4, 1, 20), utc(2024, 4, 1, 21), utc(2024, 4, 1, 22)]


def test_a_canary_supply_s_rows_are_read_in_canary_time() -> None:
    # 13:00 ends the hour 12:00-13:00 Canary winter time, 12:00Z (an hour later than the same label in Madrid)
    [canary] = hourly_readings([row("2024/01/15", "13:00")], CANARY).readings
    [madrid] = hourly_readings([row("2024/01/15", "13:00")], MADRID).readings
    assert canary.hour_start_utc == int(datetime(2024, 1, 15, 12, tzinfo=UTC).timestamp())
    assert canary.hour_start_utc - madrid.hour_start_utc == 3600
