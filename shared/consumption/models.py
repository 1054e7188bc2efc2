from datetime import datetime
from enum import StrEnum

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


class ConsumptionTotals(BaseModel):
    consumption_kwh: float
    surplus_kwh: float
    hours_real: int
    hours_estimated: int
    hours_missing: int


class PeriodTotals(BaseModel):
    """The access tariff and the consumption (kWh) of each of its periods: P1..P3 or P1..P6."""

    model_config = ConfigDict(extra="allow")

    tariff: str


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
