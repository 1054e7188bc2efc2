"""Energies are written as kWh, Wh / 1000, in the text pydantic's JSON and Python's str() give that float, whether
the value's text is looked up or written."""

import pytest
from pydantic_core import to_json

from shared.consumption.energy_text import LOOKED_UP_WH, kwh_csv, kwh_json


def test_every_looked_up_value_is_the_float_as_json_and_csv_write_it() -> None:
    watt_hours: list[int | None] = list(range(LOOKED_UP_WH))
    expected = [str(wh / 1000) for wh in range(LOOKED_UP_WH)]
    assert kwh_csv(watt_hours) == expected
    assert kwh_json(watt_hours) == [to_json(wh / 1000).decode() for wh in range(LOOKED_UP_WH)] == expected


@pytest.mark.parametrize("beyond", [LOOKED_UP_WH, 2**31 - 1, 366 * 24 * (2**31 - 1), -1, -1500])
def test_a_column_holding_a_value_not_looked_up_is_written_the_same(beyond: int) -> None:
    watt_hours = [0, None, 1234, beyond]
    assert kwh_json(watt_hours) == ["0.0", "null", "1.234", to_json(beyond / 1000).decode()]
    assert kwh_csv(watt_hours) == ["0.0", "", "1.234", str(beyond / 1000)]


def test_unknown_values_are_null_in_json_and_empty_in_csv() -> None:
    assert kwh_json([None, 5]) == ["null", "0.005"]
    assert kwh_csv([None, 5]) == ["", "0.005"]
