from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Granularity(StrEnum):
    HOUR = "hour"
    DAY = "day"
    MONTH = "month"


class OutputFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


class PointQuality(StrEnum):
    REAL = "real"
    ESTIMATED = "estimated"
    MISSING = "missing"
    MIXED = "mixed"


class ConsumptionPoint(BaseModel):
    start: datetime
    end: datetime
    consumption_kwh: float | None
    surplus_kwh: float | None
    quality: PointQuality
    source: str | None = Field(description="F5D, RF5D, P5D or datadis; 'mixed' when a day or month combines several")
    generation_kwh: float | None = Field(
        default=None, description="Only when the house has a PV installation: its production (null: not read)"
    )
    self_consumption_kwh: float | None = Field(
        default=None,
        description="Only with a PV installation: generation minus surplus, never below zero (null: either missing)",
    )
    community_kwh: float | None = Field(
        default=None,
        description="Only for a member of an energy community: its share of the community's generation (null: not a "
        "member then, or the generation is missing)",
    )
    community_source: str | None = Field(
        default=None,
        description="Only for a member of an energy community: computed (generation x β), B5D (the distributor's "
        "figure), 'mixed' when a day or month combines both",
    )


class ConsumptionTotals(BaseModel):
    consumption_kwh: float
    surplus_kwh: float
    hours_real: int
    hours_estimated: int
    hours_missing: int
    generation_kwh: float | None = Field(default=None, description="Only when the house has a PV installation")
    self_consumption_kwh: float | None = Field(default=None, description="Only when the house has a PV installation")
    community_kwh: float | None = Field(default=None, description="Only for a member of an energy community")


class TariffTotals(BaseModel):
    """An access tariff and the consumption (kWh) of each of its periods: P1..P3 or P1..P6."""

    model_config = ConfigDict(extra="allow")

    tariff: str
    assumed: bool = Field(description="No electricity contract covers some of its hours: the tariff is 2.0TD assumed")


class TariffSpanTotals(TariffTotals):
    """One tariff's split, over the local days [from, to) it was in force."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    from_: date = Field(alias="from")
    to: date


class PeriodTotals(TariffTotals):
    """The split by period of the tariff in force each hour; when it changes inside the range, `tariff` is
    `mixed`, `assumed` says whether any hour was, and `by_tariff` holds one split per tariff in time order."""

    by_tariff: list[TariffSpanTotals] | None = Field(
        default=None, description="Only when the tariff changes inside the range"
    )


class ConsumptionReport(BaseModel):
    house_id: str
    cups: str
    energy: str
    unit: str = "kWh"
    timezone: str
    granularity: Granularity
    points: list[ConsumptionPoint]
    totals: ConsumptionTotals
    periods: PeriodTotals | None = Field(description="Electricity only: consumption by access-tariff period")


@dataclass(frozen=True)
class Points:
    """ConsumptionReport's points as columns, one entry per point: a year of hours is 8,784 points, built and
    written column by column (`json_export`, `csv_export`) rather than as a model each. Points tile the range:
    point i starts at bounds[i] and ends at bounds[i + 1]. Every other field of ConsumptionPoint is a column
    here, in its order, and nowhere else: its energies (`<name>_kwh`) as whole Wh (`<name>_wh`, None where
    unknown), which the exports write as kWh (`energy_text`)."""

    bounds: tuple[str, ...]  # written as the JSON of a datetime, e.g. 2024-04-01T00:00:00+02:00
    consumption_wh: list[int | None]
    surplus_wh: list[int | None]
    quality: list[str]  # PointQuality's values
    source: list[str | None]
    # Only for a house with a PV installation; None: the columns are not written at all.
    generation_wh: list[int | None] | None = None
    self_consumption_wh: list[int | None] | None = None
    # Only for a member of an energy community.
    community_wh: list[int | None] | None = None
    community_source: list[str | None] | None = None

    def columns(self) -> list[tuple[str, list[Any]]]:
        """The columns written after the bounds, in ConsumptionPoint's order: each as (the point's field, its values);
        an energy's values in Wh."""
        return [(name, values) for name, field in _POINT_COLUMNS if (values := getattr(self, field)) is not None]


def is_energy(name: str) -> bool:
    """A point's field whose values are energies (kWh written, Wh held)."""
    return name.endswith("_kwh")


# (the point's field, the Points field holding it)
_POINT_COLUMNS = [
    (name, name.removesuffix("_kwh") + "_wh" if is_energy(name) else name)
    for name in ConsumptionPoint.model_fields
    if name not in ("start", "end")
]


@dataclass(frozen=True)
class Consumption:
    """ConsumptionReport with its points as columns; `json_export` writes it as that model would be written."""

    house_id: str
    cups: str
    energy: str
    timezone: str
    granularity: Granularity
    points: Points
    totals: ConsumptionTotals
    periods: PeriodTotals | None
    unit: str = "kWh"
