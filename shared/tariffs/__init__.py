"""Electricity access tariffs: national holidays and the period (P1..P6) of each local hour."""

from shared.tariffs.holidays import is_national_holiday, national_holidays
from shared.tariffs.periods import Period, Tariff, period_of, period_runs, tariff_periods

__all__ = [
    "Period",
    "Tariff",
    "is_national_holiday",
    "national_holidays",
    "period_of",
    "period_runs",
    "tariff_periods",
]
