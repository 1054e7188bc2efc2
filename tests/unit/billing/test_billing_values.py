"""Money is exact and always two places; quantities are exact decimals returned as JSON numbers; values per
period name the period that is wrong."""

import json
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from shared.billing.models.values import EnergyPerPeriod, Kwh, Money, PowerPerPeriod, period_mismatches
from shared.tariffs import Period


class Amounts(BaseModel):
    eur: Money
    kwh: Kwh | None = None


def error_fields(error: ValidationError) -> list[str]:
    return [".".join(str(part) for part in item["loc"]) for item in error.errors()]


@pytest.mark.parametrize(
    ("given", "returned"),
    [(0.1, "0.10"), ("0.2", "0.20"), (0.3, "0.30"), ("12.300", "12.30"), (-5, "-5.00"), (1234567.89, "1234567.89")],
)
def test_money_comes_back_as_a_string_with_exactly_two_places(given: Any, returned: str) -> None:
    amounts = Amounts(eur=given)
    assert json.loads(amounts.model_dump_json())["eur"] == returned
    assert amounts.eur == Decimal(returned)


@pytest.mark.parametrize("given", [0.1 + 0.2, "12.345", "0.001", "NaN", "Infinity", "1e13", True, "twelve"])
def test_money_that_is_not_exact_cents_is_refused(given: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        Amounts(eur=given)
    assert error_fields(raised.value) == ["eur"]


def test_sums_of_cents_stay_exact() -> None:
    parts = [Amounts(eur=value).eur for value in (0.1, 0.2, "0.7")]
    assert Amounts(eur=sum(parts, Decimal(0))).model_dump(mode="json")["eur"] == "1.00"


def test_quantities_are_json_numbers_with_at_most_three_places() -> None:
    assert json.loads(Amounts(eur=1, kwh="123.456").model_dump_json())["kwh"] == 123.456
    for wrong in ("0.0001", -1):
        with pytest.raises(ValidationError) as raised:
            Amounts(eur=1, kwh=wrong)
        assert error_fields(raised.value) == ["kwh"]


def test_per_period_values_leave_missing_periods_out() -> None:
    energy = EnergyPerPeriod.model_validate({"P1": 1.5, "P3": "2"})
    assert energy.by_period() == {Period.P1: Decimal("1.5"), Period.P3: Decimal(2)}
    assert json.loads(energy.model_dump_json()) == {"P1": 1.5, "P3": 2.0}


def test_per_period_errors_name_the_period() -> None:
    with pytest.raises(ValidationError) as raised:
        PowerPerPeriod.model_validate({"P1": 0, "P2": 3.3, "P7": 1, "p3": 1})
    assert sorted(error_fields(raised.value)) == ["P1", "P7", "p3"]


def test_period_mismatches_name_missing_and_extra_periods() -> None:
    mismatches = dict(period_mismatches([Period.P1, Period.P4], (Period.P1, Period.P2), "2.0TD"))
    assert mismatches == {
        Period.P2: "required: 2.0TD periods are P1-P2",
        Period.P4: "not allowed: 2.0TD periods are P1-P2",
    }
