"""Energies as the exports write them: whole Wh as kWh, the text pydantic's JSON and the csv module's str() give
the float Wh / 1000 (already the kWh with three decimals). A year of hours is 8,784 values a column, and the
texts of an hour's usual values are made once per execution environment and looked up: a column then costs a
look-up a value and no new string, where writing its floats cost four times as long."""

from functools import cache

from pydantic_core import to_json

LOOKED_UP_WH = 20_000  # the texts of [0, 20 kWh) are kept (4 MB with both tables); others are written each time


def kwh_json(watt_hours: list[int | None]) -> list[str]:
    """Each value's JSON: its kWh, or null."""
    try:
        return list(map(_texts("null").__getitem__, watt_hours))
    except KeyError:  # a value beyond those looked up
        return _json_texts([None if wh is None else wh / 1000 for wh in watt_hours])


def kwh_csv(watt_hours: list[int | None]) -> list[str]:
    """Each value's CSV cell: its kWh, or empty."""
    try:
        return list(map(_texts("").__getitem__, watt_hours))
    except KeyError:
        return ["" if wh is None else str(wh / 1000) for wh in watt_hours]


def _json_texts(values: list[float | None]) -> list[str]:
    return to_json(values).decode()[1:-1].split(",")  # no number nor null holds a comma


@cache
def _looked_up() -> dict[int | None, str]:
    # The same text for JSON and CSV: pydantic and str() both write a float's shortest exact digits, without an
    # exponent at these sizes (tests/unit/consumption/test_consumption_energy_text.py checks every one).
    return dict(enumerate(_json_texts([wh / 1000 for wh in range(LOOKED_UP_WH)])))


@cache
def _texts(unknown: str) -> dict[int | None, str]:
    return {**_looked_up(), None: unknown}
