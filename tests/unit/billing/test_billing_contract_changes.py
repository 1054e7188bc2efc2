"""Changing a stored contract: the changes applied to the stored body, the result checked as a new contract is."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from shared.billing.models.contracts import ElectricityContractBody, GasContractBody
from tests.unit.billing.test_billing_contract_bodies import ELECTRICITY, GAS, SIX

STORED = ElectricityContractBody.model_validate(
    ELECTRICITY | {"tariff": "2.0TD", "contracted_power_kw": {"P1": 4.6, "P2": 3.45}}  # open-ended from 2024-01-01
)


def problems(changes: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        STORED.with_changes(changes)
    return sorted(".".join(str(part) for part in error["loc"]) for error in raised.value.errors())


def test_the_fields_given_change_and_the_others_stay() -> None:
    ended = STORED.with_changes({"end_date": "2024-06-30", "retailer": " Holaluz "})
    assert (ended.end_date, ended.retailer) == (date(2024, 6, 30), "Holaluz")
    assert ended.model_dump(exclude={"end_date", "retailer"}) == STORED.model_dump(exclude={"end_date", "retailer"})
    assert STORED.end_date is None  # the stored body itself is left as it was


def test_end_date_null_makes_the_contract_open_ended_again() -> None:
    ended = STORED.with_changes({"end_date": "2024-06-30"})
    assert ended.with_changes({"end_date": None}) == STORED


def test_no_changes_or_the_stored_values_are_the_same_contract() -> None:
    assert STORED.with_changes({}) == STORED
    assert STORED.with_changes({"start_date": "2024-01-01", "contracted_power_kw": {"P1": "4.600", "P2": 3.45}}) == (
        STORED
    )


def test_a_per_period_field_is_replaced_whole() -> None:
    changed = STORED.with_changes({"tariff": "3.0TD", "contracted_power_kw": SIX})
    assert changed.contracted_power_kw.by_period() == {period: Decimal(kw) for period, kw in SIX.items()}


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"end_date": "2023-12-31"}, ["end_date"]),  # before the stored start
        ({"start_date": "2025-01-01", "end_date": "2024-12-31"}, ["end_date"]),
        # a new tariff needs the power of its own periods, even though the power was not sent
        ({"tariff": "3.0TDVE"}, [f"contracted_power_kw.P{n}" for n in range(3, 7)]),
        (
            {"contracted_power_kw": {"P1": 0, "P2": 3.45}, "power_control": "fuse"},
            ["contracted_power_kw.P1", "power_control"],
        ),
        ({"retailer": None, "start_date": None}, ["retailer", "start_date"]),  # required fields cannot be cleared
        ({"colour": "red"}, ["colour"]),  # unknown fields, as in a POST body
    ],
)
def test_the_changed_contract_is_checked_as_a_new_one_naming_each_field(
    changes: dict[str, Any], fields: list[str]
) -> None:
    assert problems(changes) == fields


def test_gas_contracts_change_the_same_way() -> None:
    stored = GasContractBody.model_validate(GAS)
    changed = stored.with_changes({"tariff": "RL.3", "end_date": None})
    assert (changed.tariff, changed.end_date, changed.daily_capacity_kwh) == ("RL.3", None, Decimal("45.5"))
    with pytest.raises(ValidationError):
        stored.with_changes({"contracted_power_kw": {"P1": 1}})  # an electricity field
