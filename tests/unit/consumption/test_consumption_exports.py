"""The JSON and CSV written from the columns are what the documented models give for the same report."""

import csv
import io
import json
import random
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

import pytest

from shared.consumption import points
from shared.consumption.csv_export import consumption_csv
from shared.consumption.json_export import report_json
from shared.consumption.local_hours import local_hours
from shared.consumption.models import (
    Consumption,
    ConsumptionPoint,
    ConsumptionReport,
    Granularity,
    Points,
    is_energy,
)
from shared.metering.hour_labels import MADRID
from shared.metering.readings import Quality, Source, StoredHours
from shared.supply_points.zones import ElectricZone
from shared.tariffs import Tariff, TariffSpan

PENINSULA = ElectricZone.PENINSULA


def varied_hours(first_day: date, end_day: date, seed: int) -> StoredHours:
    """Every kind of hour: missing, real and estimated, of every source, with small and large values."""
    local = local_hours(first_day, end_day, MADRID)
    rng = random.Random(seed)
    hours = StoredHours(local.start_utc, [], [], [], [])
    for _ in range(local.count):
        present = rng.random() > 0.1
        hours.consumption_wh.append(rng.choice([0, 1, 999, 1000, rng.randrange(2**31)]) if present else 0)
        hours.surplus_wh.append(rng.randrange(5000) if present else 0)
        hours.quality.append(rng.choice(list(Quality)) if present else None)
        hours.source.append(rng.choice(list(Source)) if present else None)
    return hours


@dataclass(frozen=True)
class Shares:
    wh: list[int | None]
    source: list[str | None]


def report(
    granularity: Granularity, first_day: date, end_day: date, seed: int, *, pv: bool = False, member: bool = False
) -> Consumption:
    """`pv`: with a PV installation's columns; `member`: with an energy community's share."""
    local = local_hours(first_day, end_day, MADRID)
    hours = points.visible(varied_hours(first_day, end_day, seed), date(2024, 3, 30), MADRID)
    solar = points.solar(hours, varied_hours(first_day, end_day, seed + 1)) if pv else None
    rng = random.Random(seed)
    wh = [rng.choice([None, 0, 1, rng.randrange(5000)]) for _ in range(local.count)]
    community = Shares(wh, [rng.choice([None, "computed", "B5D"]) for _ in wh]) if member else None
    return Consumption(
        house_id="house-1",
        cups="ES0021000012345678LB0F",
        energy="electricity",
        timezone=MADRID.key,
        granularity=granularity,
        points=points.points(local, hours, granularity, solar, community),
        totals=points.totals(hours, solar, community),
        periods=points.period_totals(local, hours, [TariffSpan(first_day, end_day, Tariff.T61TD)], PENINSULA),
    )


def as_model(answer: Consumption) -> ConsumptionReport:
    """The same report as the documented model, each point validated: its energies in kWh, Wh / 1000."""
    names = [name for name, _ in answer.points.columns()]
    columns = [
        [None if wh is None else wh / 1000 for wh in column] if is_energy(name) else column
        for name, column in answer.points.columns()
    ]
    bounds = answer.points.bounds
    point_fields = ["start", "end", *names]
    return ConsumptionReport(
        house_id=answer.house_id,
        cups=answer.cups,
        energy=answer.energy,
        unit=answer.unit,
        timezone=answer.timezone,
        granularity=answer.granularity,
        points=[
            ConsumptionPoint.model_validate(dict(zip(point_fields, values, strict=True)))
            for values in zip(bounds[:-1], bounds[1:], *columns, strict=True)
        ],
        totals=answer.totals,
        periods=answer.periods,
    )


RANGES = [
    (date(2024, 3, 28), date(2024, 4, 2)),  # spring forward
    (date(2024, 10, 25), date(2024, 10, 29)),  # fall back
    (date(2024, 1, 1), date(2025, 1, 1)),
]


SOURCES = [{}, {"pv": True}, {"member": True}, {"pv": True, "member": True}]


@pytest.mark.parametrize("granularity", list(Granularity))
@pytest.mark.parametrize(("first_day", "end_day"), RANGES)
@pytest.mark.parametrize("sources", SOURCES, ids=["distributor", "pv", "community", "pv-and-community"])
def test_the_json_is_the_one_the_report_model_writes(
    granularity: Granularity, first_day: date, end_day: date, sources: dict[str, bool]
) -> None:
    answer = report(granularity, first_day, end_day, seed=first_day.toordinal(), **sources)
    assert report_json(answer) == as_model(answer).model_dump_json(exclude_unset=True)


@pytest.mark.parametrize("granularity", list(Granularity))
@pytest.mark.parametrize("sources", SOURCES, ids=["distributor", "pv", "community", "pv-and-community"])
def test_the_csv_rows_are_the_json_points(granularity: Granularity, sources: dict[str, bool]) -> None:
    answer = report(granularity, *RANGES[1], seed=7, **sources)
    rows = list(csv.reader(io.StringIO(consumption_csv(answer.points))))
    expected: list[list[Any]] = []
    for point in as_model(answer).points:
        values = point.model_dump(mode="json", exclude_unset=True)
        expected.append(["" if value is None else str(value) for value in values.values()])
    assert rows == [["start", "end", *(name for name, _ in answer.points.columns())], *expected]


def test_points_hold_every_field_of_a_point_in_its_order_energies_in_wh() -> None:
    held = [field.name for field in fields(Points)][1:]
    written = [name.removesuffix("_wh") + "_kwh" if name.endswith("_wh") else name for name in held]
    assert ["start", "end", *written] == list(ConsumptionPoint.model_fields)
    every_column = Points(("a", "b"), *([None] for _ in held))
    assert [name for name, _ in every_column.columns()] == written


def test_a_range_whose_tariff_changes_writes_each_split_with_its_days() -> None:
    first_day, end_day = RANGES[0]
    answer = report(Granularity.DAY, first_day, end_day, seed=5)
    middle = date(2024, 3, 30)
    spans = [TariffSpan(first_day, middle, Tariff.T20TD, assumed=True), TariffSpan(middle, end_day, Tariff.T30TD)]
    local = local_hours(first_day, end_day, MADRID)
    hours = varied_hours(first_day, end_day, 5)
    mixed = replace(answer, periods=points.period_totals(local, hours, spans, PENINSULA))
    periods = json.loads(report_json(mixed))["periods"]
    assert (periods["tariff"], periods["assumed"]) == ("mixed", True)
    assert [(split["tariff"], split["assumed"], split["from"], split["to"]) for split in periods["by_tariff"]] == [
        ("2.0TD", True, "2024-03-28", "2024-03-30"),
        ("3.0TD", False, "2024-03-30", "2024-04-02"),
    ]
    assert list(periods["by_tariff"][1]) == ["tariff", "assumed", "from", "to", "P1", "P2", "P3", "P4", "P5", "P6"]
    assert "P1" not in periods


def test_a_label_holding_a_comma_is_still_written_right() -> None:
    answer = report(Granularity.DAY, *RANGES[0], seed=3)
    odd = replace(answer, points=replace(answer.points, source=['a,"b"'] * len(answer.points.source)))
    assert json.loads(report_json(odd))["points"][0]["source"] == 'a,"b"'
    assert report_json(odd) == as_model(odd).model_dump_json(exclude_unset=True)
