"""The access tariff of a house's electricity contracts, on a day for an invoice's energy, over a range of days for
consumption's periods: the stored contract's `tariff`, read without the contract models, whose building would
double the cold start of the consumption route, which needs nothing else of billing."""

import json
from datetime import date, timedelta

from shared.billing import segments
from shared.billing.dal import documents as dal
from shared.tariffs import Tariff, TariffSpan


def electricity_tariff_on(house_id: str, day: date) -> Tariff | None:
    """None when no electricity contract is in force on `day`."""
    # Contracts of a house never overlap: only the one starting last by `day` can be in force on it.
    entry = dal.last_starting_by(house_id, segments.ELECTRICITY_CONTRACTS, day)
    if entry is None or not entry.in_force(day):
        return None
    return Tariff(json.loads(entry.body)["tariff"])  # stored as validated


def electricity_tariffs_between(house_id: str, first_day: date, end_day: date) -> list[TariffSpan]:
    """The days of [first_day, end_day) each electricity contract covers with its tariff (one read, whatever the
    range); days no contract covers are left out."""
    return [
        TariffSpan(
            entry.first_day,
            entry.last_day + timedelta(days=1) if entry.last_day else end_day,
            Tariff(json.loads(entry.body)["tariff"]),
        )
        for entry in dal.in_force_between(house_id, segments.ELECTRICITY_CONTRACTS, first_day, end_day)
    ]
