"""National holidays that count for access-tariff periods (REE calendar).

Only fixed-date national holidays count: movable ones (Good Friday) and regional ones do not, and
Epiphany (6 January) counts from 2022 on.
"""

from datetime import date
from functools import cache

_FIXED = ((1, 1), (5, 1), (8, 15), (10, 12), (11, 1), (12, 6), (12, 8), (12, 25))
_EPIPHANY = (1, 6)
_EPIPHANY_FROM = 2022


@cache
def national_holidays(year: int) -> frozenset[date]:
    days = [*_FIXED, _EPIPHANY] if year >= _EPIPHANY_FROM else list(_FIXED)
    return frozenset(date(year, month, day) for month, day in days)


def is_national_holiday(day: date) -> bool:
    return day in national_holidays(day.year)
