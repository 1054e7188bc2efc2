"""The access tariff of a house's electricity contract on a day, for consumption's periods and an invoice's
energy: the stored contract's `tariff`, read without the contract models, whose building would double the cold
start of the consumption route, which needs nothing else of billing."""

import json
from datetime import date

from shared.billing import segments
from shared.billing.dal import documents as dal
from shared.tariffs import Tariff


def electricity_tariff_on(house_id: str, day: date) -> Tariff | None:
    """None when no electricity contract is in force on `day`."""
    # Contracts of a house never overlap: only the one starting last by `day` can be in force on it.
    entry = dal.last_starting_by(house_id, segments.ELECTRICITY_CONTRACTS, day)
    if entry is None or not entry.in_force(day):
        return None
    return Tariff(json.loads(entry.body)["tariff"])  # stored as validated
