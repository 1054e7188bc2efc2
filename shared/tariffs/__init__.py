"""Electricity access tariffs: national holidays, the period (P1..P6) of each local hour, and which tariff covers
each day of a range."""

from shared.tariffs.coverage import TariffSpan, tariff_spans
from shared.tariffs.holidays import is_national_holiday, national_holidays
from shared.tariffs.periods import Period, Tariff, period_of, period_runs, tariff_periods

__all__ = [
    "Period",
    "Tariff",
    "TariffSpan",
    "is_national_holiday",
    "national_holidays",
    "period_of",
    "period_runs",
    "tariff_periods",
    "tariff_spans",
]
