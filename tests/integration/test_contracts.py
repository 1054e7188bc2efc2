"""POST/GET /houses/{house_id}/{electricity,gas}-contracts[/{contract_id}] against moto."""

import threading
import uuid
from datetime import date
from typing import Any

import pytest

from tests.integration.conftest import Caller, FunctionsApi
from tests.integration.test_set_cups import new_cups, put_cups

_serials = iter(range(1, 10**6))

ELECTRICITY = {
    "tariff": "2.0TD",
    "contracted_power_kw": {"P1": 4.6, "P2": 3.45},
    "start_date": "2024-01-01",
    "end_date": "2024-06-30",
    "retailer": "Som Energia",
    "contract_number": "C-1",
    "power_control": "icp",
}
GAS = {
    "tariff": "RL.1",
    "start_date": "2024-01-01",
    "annual_consumption_kwh": 4200,
    "daily_capacity_kwh": 20.5,
    "retailer": "Naturgy",
    "contract_number": "G-1",
}


def electricity_cups() -> str:
    return new_cups("0031", next(_serials))


def gas_cups() -> str:
    return new_cups("0230", next(_serials), suffix="")


@pytest.fixture
def bare_house(api: FunctionsApi, operator: Caller, create_user: Any) -> dict[str, Any]:
    user = create_user()
    reply = api.request(
        "POST", f"/users/{user.id}/houses", operator, json_body={"address": "Sol 1", "postal_code": "28013"}
    )
    return reply.body | {"owner": user}


@pytest.fixture
def house(api: FunctionsApi, operator: Caller, bare_house: dict[str, Any]) -> dict[str, Any]:
    """A house with an electricity and a gas CUPS."""
    assert put_cups(api, operator, bare_house["id"], {"cups": electricity_cups()}).status == 200
    reply = put_cups(api, operator, bare_house["id"], {"cups": gas_cups()}, "gas")
    return reply.body | {"owner": bare_house["owner"]}


def post(api: FunctionsApi, caller: Caller, house_id: str, body: dict[str, Any], kind: str = "electricity") -> Any:
    return api.request("POST", f"/houses/{house_id}/{kind}-contracts", caller, json_body=body)


def listed(api: FunctionsApi, caller: Caller, house_id: str, kind: str = "electricity") -> list[Any]:
    return list(api.request("GET", f"/houses/{house_id}/{kind}-contracts", caller)["items"])


def test_operator_stores_an_electricity_contract_under_the_house_cups(
    api: FunctionsApi, operator: Caller, house: dict[str, Any]
) -> None:
    reply = post(api, operator, house["id"], ELECTRICITY)
    assert reply.status == 201, reply.body
    assert reply.function_id == "CreateContractOrInvoiceFunction"
    contract = reply.body
    assert contract | {"id": "", "created_at": ""} == ELECTRICITY | {
        "id": "",
        "created_at": "",
        "house_id": house["id"],
        "cups": house["electricity_cups"],
        "source": "portal",
        "external_id": None,
        "self_consumption_code": None,
        "updated_at": None,  # never changed
    }
    got = api.request("GET", f"/houses/{house['id']}/electricity-contracts/{contract['id']}", operator)
    assert got.status == 200 and got.function_id == "GetContractsAndInvoicesFunction"
    assert got.body == contract
    assert listed(api, operator, house["id"]) == [contract]


def test_gas_contract_round_trip(api: FunctionsApi, operator: Caller, house: dict[str, Any]) -> None:
    reply = post(api, operator, house["id"], GAS, "gas")
    assert reply.status == 201, reply.body
    assert reply["cups"] == house["gas_cups"] and reply["end_date"] is None
    assert api.request("GET", f"/houses/{house['id']}/gas-contracts/{reply['id']}", operator).body == reply.body
    assert listed(api, operator, house["id"]) == []  # electricity and gas are separate resources


@pytest.mark.parametrize(("kind", "body"), [("electricity", ELECTRICITY), ("gas", GAS)])
def test_a_house_without_a_cups_of_that_energy_is_409_naming_it(
    api: FunctionsApi, operator: Caller, bare_house: dict[str, Any], kind: str, body: dict[str, Any]
) -> None:
    reply = post(api, operator, bare_house["id"], body, kind)
    assert reply.status == 409
    assert [error["field"] for error in reply["errors"]] == [f"{kind}_cups"]
    assert listed(api, operator, bare_house["id"], kind) == []


def test_a_contract_keeps_the_cups_it_was_stored_under(
    api: FunctionsApi, operator: Caller, house: dict[str, Any]
) -> None:
    first = post(api, operator, house["id"], ELECTRICITY)
    assert put_cups(api, operator, house["id"], {"cups": electricity_cups()}).status == 200
    second = post(api, operator, house["id"], ELECTRICITY | {"start_date": "2024-07-01", "end_date": None})
    assert second.status == 201
    assert first["cups"] == house["electricity_cups"] != second["cups"]
    assert [contract["cups"] for contract in listed(api, operator, house["id"])] == [second["cups"], first["cups"]]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2024-06-30", None),  # starts on the existing one's last day
        ("2023-01-01", "2024-01-01"),  # ends on its first day
        ("2024-02-01", "2024-03-01"),  # inside it
        ("2023-01-01", None),  # open-ended, around it
        ("2023-01-01", "2025-01-01"),
    ],
)
def test_overlapping_contracts_of_one_energy_are_409(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], start: str, end: str | None
) -> None:
    existing = post(api, operator, house["id"], ELECTRICITY)
    reply = post(api, operator, house["id"], ELECTRICITY | {"start_date": start, "end_date": end})
    assert reply.status == 409
    assert [error["field"] for error in reply["errors"]] == ["start_date", "end_date"]
    assert existing["id"] in reply["detail"]
    assert listed(api, operator, house["id"]) == [existing.body]


def test_adjacent_contracts_and_other_energies_do_not_overlap(
    api: FunctionsApi, operator: Caller, house: dict[str, Any]
) -> None:
    assert post(api, operator, house["id"], ELECTRICITY).status == 201
    before = ELECTRICITY | {"start_date": "2023-06-01", "end_date": "2023-12-31"}
    after = ELECTRICITY | {"start_date": "2024-07-01", "end_date": None}
    assert post(api, operator, house["id"], before).status == 201
    assert post(api, operator, house["id"], after).status == 201
    assert post(api, operator, house["id"], GAS, "gas").status == 201
    # the open-ended one reaches every later day
    assert post(api, operator, house["id"], after | {"start_date": "2030-01-01"}).status == 409


def test_racing_overlapping_contracts_store_one(api: FunctionsApi, operator: Caller, house: dict[str, Any]) -> None:
    bodies = [ELECTRICITY | {"contract_number": f"C-{n}", "start_date": f"2024-0{n}-01"} for n in range(1, 5)]
    statuses: list[int] = []
    start = threading.Barrier(len(bodies))

    def store(body: dict[str, Any]) -> None:
        start.wait()
        statuses.append(post(api, operator, house["id"], body).status)

    threads = [threading.Thread(target=store, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 409, 409, 409]
    assert len(listed(api, operator, house["id"])) == 1


def test_lists_newest_period_first_in_pages(api: FunctionsApi, operator: Caller, house: dict[str, Any]) -> None:
    years = [2021, 2023, 2020, 2022]
    ids = {
        year: post(
            api, operator, house["id"], ELECTRICITY | {"start_date": f"{year}-01-01", "end_date": f"{year}-12-31"}
        )["id"]
        for year in years
    }
    pages: list[list[str]] = []
    cursor = None
    while True:
        query = {"limit": "3"} | ({"cursor": cursor} if cursor else {})
        reply = api.request("GET", f"/houses/{house['id']}/electricity-contracts", operator, query=query)
        pages.append([contract["id"] for contract in reply["items"]])
        cursor = reply["next_cursor"]
        if cursor is None:
            break
    assert pages == [[ids[2023], ids[2022], ids[2021]], [ids[2020]]]
    bad = api.request("GET", f"/houses/{house['id']}/electricity-contracts", operator, query={"cursor": "nope"})
    assert bad.status == 422 and bad["errors"][0]["field"] == "cursor"


def test_the_owner_reads_others_get_404_and_users_cannot_store(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], create_user: Any, stranger: Caller
) -> None:
    contract = post(api, operator, house["id"], ELECTRICITY).body
    owner = house["owner"].caller
    path = f"/houses/{house['id']}/electricity-contracts"
    assert api.request("GET", path, owner)["items"] == [contract]
    assert api.request("GET", f"{path}/{contract['id']}", owner).body == contract
    for other in (create_user().caller, stranger):
        assert api.request("GET", path, other).status == 404
        assert api.request("GET", f"{path}/{contract['id']}", other).status == 404
    assert post(api, owner, house["id"], ELECTRICITY | {"start_date": "2025-01-01", "end_date": None}).status == 403


def test_unknown_houses_and_ids_are_404(api: FunctionsApi, operator: Caller, house: dict[str, Any]) -> None:
    contract = post(api, operator, house["id"], ELECTRICITY).body
    assert post(api, operator, str(uuid.uuid4()), ELECTRICITY).status == 404
    assert api.request("GET", f"/houses/{uuid.uuid4()}/electricity-contracts", operator).status == 404
    for path in (f"electricity-contracts/{uuid.uuid4()}", f"gas-contracts/{contract['id']}"):
        assert api.request("GET", f"/houses/{house['id']}/{path}", operator).status == 404


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"contracted_power_kw": {"P1": 4.6, "P2": 3.45, "P3": 3.45}}, ["contracted_power_kw.P3"]),
        (
            {"tariff": "3.0TD", "contracted_power_kw": {"P1": 20, "P2": 19, "P3": 20, "P4": 20, "P5": 20, "P6": 20}},
            ["contracted_power_kw.P2"],
        ),
        (
            {"contracted_power_kw": {"P1": 0, "P2": 3.45}, "end_date": "2023-01-01"},
            ["contracted_power_kw.P1", "end_date"],
        ),
        ({"tariff": "2.0A", "power_control": None}, ["power_control", "tariff"]),
    ],
)
def test_invalid_contracts_are_422_naming_each_field(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], changes: dict[str, Any], fields: list[str]
) -> None:
    reply = post(api, operator, house["id"], ELECTRICITY | changes)
    assert reply.status == 422
    assert sorted(error["field"] for error in reply["errors"]) == fields


def test_a_retry_with_the_same_idempotency_key_stores_nothing_new(
    api: FunctionsApi, operator: Caller, house: dict[str, Any]
) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    path = f"/houses/{house['id']}/electricity-contracts"
    first = api.request("POST", path, operator, json_body=ELECTRICITY, headers=key)
    again = api.request("POST", path, operator, json_body=ELECTRICITY, headers=key)
    assert first.status == again.status == 201
    assert again.body == first.body
    assert len(listed(api, operator, house["id"])) == 1


def test_the_tariff_in_force_on_a_day(api: FunctionsApi, operator: Caller, house: dict[str, Any]) -> None:
    from shared.billing.services.tariffs import electricity_tariff_on  # noqa: PLC0415 - after the deployment

    six = {f"P{n}": 20 for n in range(1, 7)}
    later = ELECTRICITY | {"tariff": "3.0TD", "contracted_power_kw": six, "start_date": "2024-09-01", "end_date": None}
    assert post(api, operator, house["id"], ELECTRICITY).status == 201
    assert post(api, operator, house["id"], later).status == 201
    assert post(api, operator, house["id"], GAS | {"start_date": "2024-07-01"}, "gas").status == 201
    expected = {
        date(2023, 12, 31): None,
        date(2024, 1, 1): "2.0TD",
        date(2024, 6, 30): "2.0TD",
        date(2024, 7, 15): None,  # between contracts (a gas contract does not count)
        date(2024, 9, 1): "3.0TD",
        date(2031, 1, 1): "3.0TD",
    }
    assert {day: electricity_tariff_on(house["id"], day) for day in expected} == expected
