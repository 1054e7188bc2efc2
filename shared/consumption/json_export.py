"""The consumption report as JSON, written from its columns: validating and serialising a ConsumptionPoint per
hour would spend most of the request on a year's 8,784 points. pydantic still writes every value (one call per
column), or its text is looked up (`energy_text`), so the text is the one ConsumptionReport.model_dump_json()
gives for the same report."""

from collections.abc import Sequence
from itertools import repeat
from typing import Any

from pydantic_core import to_json

from shared.consumption.energy_text import kwh_json
from shared.consumption.models import Consumption, ConsumptionReport, Points, is_energy


def report_json(report: Consumption) -> str:
    members = (f'"{name}":{_member_json(report, name)}' for name in ConsumptionReport.model_fields)
    return "{" + ",".join(members) + "}"


def _member_json(report: Consumption, name: str) -> str:
    if name == "points":
        return _points_json(report.points)
    if name == "totals":  # the PV totals only for a house with an installation
        return to_json(report.totals, exclude_none=True).decode()
    if name == "periods" and report.periods is not None:  # by_tariff only for a mixed range
        return to_json(report.periods, exclude_none=True, by_alias=True).decode()
    return _json(getattr(report, name))


def _points_json(points: Points) -> str:
    # Each point is its keys and its values' JSON interleaved: key, value, key, value... laid into one list by
    # slice assignment and joined once, in C, with no string made per point (that would cost a third more for a
    # house with an installation's eight columns).
    bounds = _column_json(points.bounds)
    count = len(bounds) - 1
    if count < 1:
        return "[]"
    columns = points.columns()
    keys = ['},{"start":', ',"end":', *(f',"{name}":' for name, _ in columns)]
    values = [
        bounds[:-1],
        bounds[1:],
        *(kwh_json(column) if is_energy(name) else _column_json(column) for name, column in columns),
    ]
    width = 2 * len(keys)
    pieces = [""] * (count * width)
    for position, (key, column) in enumerate(zip(keys, values, strict=True)):
        pieces[2 * position :: width] = repeat(key, count)
        pieces[2 * position + 1 :: width] = column
    return "[" + "".join(pieces).removeprefix("},") + "}]"


def _column_json(column: Sequence[Any]) -> list[str]:
    """Each value's JSON, from one pydantic call for the whole column split at its commas; value by value when
    a value holds a comma (no timestamp, number or label does)."""
    texts = _json(column)[1:-1].split(",")
    return texts if len(texts) == len(column) else [_json(value) for value in column]


def _json(value: Any) -> str:
    return to_json(value).decode()
