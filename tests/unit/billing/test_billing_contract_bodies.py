"""Contract bodies: tariffs, contracted power per period, dates; every broken rule names its field."""

from typing import Any

import pytest
from pydantic import ValidationError

from shared.billing.models.contracts import ElectricityContractBody, GasContractBody

SIX = {"P1": 20, "P2": 20, "P3": 25, "P4": 25, "P5": 30, "P6": 30}
ELECTRICITY = {
    "tariff": "3.0TD",
    "contracted_power_kw": SIX,
    "start_date": "2024-01-01",
    "retailer": "Som Energia",
    "contract_number": "C-1",
    "power_control": "maximeter",
}
GAS = {
    "tariff": "RL.2",
    "start_date": "2024-01-01",
    "end_date": "2024-12-31",
    "annual_consumption_kwh": 9000,
    "daily_capacity_kwh": 45.5,
    "retailer": "Naturgy",
    "contract_number": "G-1",
}


def problems(model: Any, body: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as raised:
        model.model_validate(body)
    return {".".join(str(part) for part in error["loc"]): error["msg"] for error in raised.value.errors()}


@pytest.mark.parametrize("tariff", ["3.0TD", "6.1TD", "6.2TD", "6.3TD", "6.4TD", "3.0TDVE", "6.1TDVE", "6.2TDVE"])
def test_six_period_tariffs_take_p1_to_p6(tariff: str) -> None:
    contract = ElectricityContractBody.model_validate(ELECTRICITY | {"tariff": tariff})
    assert contract.tariff == tariff
    assert contract.end_date is None and contract.self_consumption_code is None


def test_two_zero_td_takes_p1_and_p2_only() -> None:
    body = ELECTRICITY | {"tariff": "2.0TD", "contracted_power_kw": {"P1": 4.6, "P2": 3.45}}
    assert ElectricityContractBody.model_validate(body).contracted_power_kw.model_dump(mode="json") == {
        "P1": 4.6,
        "P2": 3.45,
    }
    too_many = problems(ElectricityContractBody, ELECTRICITY | {"tariff": "2.0TD"})
    assert sorted(too_many) == [
        "contracted_power_kw.P3",
        "contracted_power_kw.P4",
        "contracted_power_kw.P5",
        "contracted_power_kw.P6",
    ]
    assert "2.0TD power periods are P1-P2" in too_many["contracted_power_kw.P3"]
    assert sorted(problems(ElectricityContractBody, body | {"contracted_power_kw": {"P1": 4.6}})) == [
        "contracted_power_kw.P2"
    ]


def test_six_period_tariffs_need_every_period() -> None:
    found = problems(ElectricityContractBody, ELECTRICITY | {"contracted_power_kw": {"P1": 20, "P2": 20}})
    assert sorted(found) == [f"contracted_power_kw.P{n}" for n in range(3, 7)]
    assert found["contracted_power_kw.P3"].startswith("required")


@pytest.mark.parametrize("value", [0, -1, "0.0001", "x"])
def test_contracted_power_is_positive_with_at_most_three_places(value: Any) -> None:
    assert list(problems(ElectricityContractBody, ELECTRICITY | {"contracted_power_kw": SIX | {"P4": value}})) == [
        "contracted_power_kw.P4"
    ]


@pytest.mark.parametrize("tariff", ["3.0TD", "6.1TD", "6.4TD"])
def test_power_never_decreases_from_p1_to_p6_in_three_zero_and_six_x(tariff: str) -> None:
    decreasing = SIX | {"P3": 19, "P6": 29.5}
    found = problems(ElectricityContractBody, ELECTRICITY | {"tariff": tariff, "contracted_power_kw": decreasing})
    assert sorted(found) == ["contracted_power_kw.P3", "contracted_power_kw.P6"]
    assert "at least P2 (20 kW)" in found["contracted_power_kw.P3"]


def test_ev_charging_variants_may_decrease() -> None:
    decreasing = SIX | {"P3": 19}
    assert ElectricityContractBody.model_validate(
        ELECTRICITY | {"tariff": "3.0TDVE", "contracted_power_kw": decreasing}
    )


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"tariff": "2.1A"}, ["tariff"]),
        ({"power_control": "fuse"}, ["power_control"]),
        ({"end_date": "2023-12-31"}, ["end_date"]),
        ({"retailer": "", "contract_number": None}, ["contract_number", "retailer"]),
        ({"start_date": "2024-02-30"}, ["start_date"]),
        (
            {"end_date": "2023-01-01", "contracted_power_kw": SIX | {"P1": 0, "P2": 10}},
            ["contracted_power_kw.P1", "end_date"],
        ),
        ({"contracted_power_kw": SIX | {"P2": 10}, "retailer": None}, ["contracted_power_kw.P2", "retailer"]),
        ({"colour": "red"}, ["colour"]),
    ],
)
def test_electricity_contract_problems_name_their_fields(changes: dict[str, Any], fields: list[str]) -> None:
    assert sorted(problems(ElectricityContractBody, ELECTRICITY | changes)) == fields


def test_a_contract_may_start_and_end_on_the_same_day() -> None:
    assert ElectricityContractBody.model_validate(ELECTRICITY | {"end_date": "2024-01-01"})


@pytest.mark.parametrize("tariff", [f"RL.{n}" for n in range(1, 12)])
def test_gas_tariffs_are_rl1_to_rl11(tariff: str) -> None:
    assert GasContractBody.model_validate(GAS | {"tariff": tariff}).tariff == tariff


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"tariff": "RL.12"}, ["tariff"]),
        ({"tariff": "3.0TD"}, ["tariff"]),
        ({"end_date": "2023-01-01"}, ["end_date"]),
        (
            {"annual_consumption_kwh": -1, "daily_capacity_kwh": "1.0001"},
            ["annual_consumption_kwh", "daily_capacity_kwh"],
        ),
        ({"contracted_power_kw": SIX}, ["contracted_power_kw"]),
    ],
)
def test_gas_contract_problems_name_their_fields(changes: dict[str, Any], fields: list[str]) -> None:
    assert sorted(problems(GasContractBody, GAS | changes)) == fields


def test_two_zero_takes_at_most_15_kw_in_every_period() -> None:
    found = problems(
        ElectricityContractBody, ELECTRICITY | {"tariff": "2.0TD", "contracted_power_kw": {"P1": 15.5, "P2": 15}}
    )
    assert list(found) == ["contracted_power_kw.P1"]
    assert "at most 15 kW on 2.0TD" in found["contracted_power_kw.P1"]
    assert ElectricityContractBody.model_validate(
        ELECTRICITY | {"tariff": "2.0TD", "contracted_power_kw": {"P1": 15, "P2": 15}}
    )


@pytest.mark.parametrize("tariff", ["3.0TD", "6.1TD", "3.0TDVE"])
def test_three_zero_and_six_x_are_above_15_kw_in_some_period(tariff: str) -> None:
    domestic = {f"P{n}": 15 for n in range(1, 7)}

    found = problems(ElectricityContractBody, ELECTRICITY | {"tariff": tariff, "contracted_power_kw": domestic})

    assert list(found) == ["contracted_power_kw"]
    assert "above 15 kW in at least one period" in found["contracted_power_kw"]
    assert ElectricityContractBody.model_validate(
        ELECTRICITY | {"tariff": tariff, "contracted_power_kw": domestic | {"P6": 15.1}}
    )
