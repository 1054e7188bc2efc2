"""POST/GET /houses/{house_id}/{electricity,gas}-invoices[/{invoice_id}] against moto."""

import threading
import uuid
from typing import Any

import pytest

from tests.integration.conftest import Caller, FunctionsApi
from tests.integration.test_set_cups import new_cups, put_cups

_serials = iter(range(1, 10**6))

ELECTRICITY = {
    "invoice_number": "FE24A0001234",
    "issue_date": "2024-05-03",
    "period_start": "2024-04-01",
    "period_end": "2024-04-30",
    "energy_kwh": {"P1": 55.123, "P2": 60, "P3": 120.5},
    "power_kw": {"P1": 4.6, "P2": 4.6},
    "energy_amount_eur": "31.20",
    "power_amount_eur": "12.10",
    "vat_eur": "9.80",
    "total_amount_eur": "53.10",
}
GAS = {
    "invoice_number": "G24-77",
    "issue_date": "2024-05-03",
    "period_start": "2024-03-01",
    "period_end": "2024-04-30",
    "consumption_kwh": 1345.2,
    "consumption_m3": 120.4,
    "conversion_factor": "11.172757",
    "total_amount_eur": "111.62",
}


def house_path(house: dict[str, Any], kind: str = "electricity") -> str:
    return f"/houses/{house['id']}/{kind}-invoices"


@pytest.fixture
def new_house(api: FunctionsApi, operator: Caller, create_user: Any) -> Any:
    """Make a house; with_cups=True links an electricity and a gas CUPS."""

    def make(with_cups: bool = True) -> dict[str, Any]:
        user = create_user()
        house = api.request(
            "POST", f"/users/{user.id}/houses", operator, json_body={"address": "Luna 2", "postal_code": "41001"}
        ).body
        if with_cups:
            put_cups(api, operator, house["id"], {"cups": new_cups("0026", next(_serials))})
            house = put_cups(
                api, operator, house["id"], {"cups": new_cups("0234", next(_serials), suffix="")}, "gas"
            ).body
        return house | {"owner": user}

    return make


@pytest.fixture
def house(new_house: Any) -> dict[str, Any]:
    return dict(new_house())


@pytest.fixture
def store(api: FunctionsApi, operator: Caller) -> Any:
    def store(house: dict[str, Any], body: dict[str, Any], kind: str = "electricity") -> Any:
        return api.request("POST", house_path(house, kind), operator, json_body=body)

    return store


def listed(api: FunctionsApi, caller: Caller, house: dict[str, Any], kind: str = "electricity") -> list[Any]:
    return list(api.request("GET", house_path(house, kind), caller)["items"])


def test_operator_stores_an_invoice_and_storing_it_again_returns_it(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], store: Any
) -> None:
    first = store(house, ELECTRICITY)
    assert first.status == 201, first.body
    assert first.function_id == "CreateContractOrInvoiceFunction"
    assert first["cups"] == house["electricity_cups"] and first["source"] == "portal"
    assert first["type"] == "normal" and first["corrects_invoice_number"] is None
    # the same invoice written differently is the same content
    again = store(house, ELECTRICITY | {"type": "normal", "total_amount_eur": 53.1, "power_amount_eur": "12.1"})
    assert again.status == 200
    assert again.body == first.body
    assert listed(api, operator, house) == [first.body]
    got = api.request("GET", f"{house_path(house)}/{first['id']}", operator)
    assert got.status == 200 and got.body == first.body


def test_money_comes_back_exact(api: FunctionsApi, operator: Caller, house: dict[str, Any], store: Any) -> None:
    body = ELECTRICITY | {"energy_amount_eur": 0.1, "power_amount_eur": 0.2, "vat_eur": "0.0", "total_amount_eur": 0.3}
    stored = store(house, body)
    assert stored.status == 201, stored.body
    amounts = ("energy_amount_eur", "power_amount_eur", "vat_eur", "total_amount_eur")
    expected = {"energy_amount_eur": "0.10", "power_amount_eur": "0.20", "vat_eur": "0.00", "total_amount_eur": "0.30"}
    for reply in (stored, api.request("GET", f"{house_path(house)}/{stored['id']}", operator)):
        assert {name: reply[name] for name in amounts} == expected
    inexact = store(house, body | {"invoice_number": "F2", "total_amount_eur": 0.1 + 0.2})
    assert inexact.status == 422
    assert [error["field"] for error in inexact["errors"]] == ["total_amount_eur"]


def test_the_same_number_with_other_content_is_409(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], store: Any, new_house: Any
) -> None:
    first = store(house, ELECTRICITY)
    reply = store(house, ELECTRICITY | {"total_amount_eur": "53.11"})
    assert reply.status == 409
    assert [error["field"] for error in reply["errors"]] == ["invoice_number"]
    assert listed(api, operator, house) == [first.body]
    # numbers are unique per supply point: another house's supply point may use it
    assert store(new_house(), ELECTRICITY | {"total_amount_eur": "53.11"}).status == 201


def test_rectifying_and_cancelling_invoices_name_a_stored_invoice(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], store: Any
) -> None:
    original = store(house, ELECTRICITY)
    for kind in ("rectifying", "cancelling"):
        unknown = store(
            house, ELECTRICITY | {"invoice_number": f"{kind}-1", "type": kind, "corrects_invoice_number": "NOPE"}
        )
        assert unknown.status == 409
        assert [error["field"] for error in unknown["errors"]] == ["corrects_invoice_number"]
        known = ELECTRICITY | {"invoice_number": f"{kind}-1", "type": kind, "corrects_invoice_number": "FE24A0001234"}
        stored = store(house, known)
        assert stored.status == 201, stored.body
        assert (stored["type"], stored["corrects_invoice_number"]) == (kind, "FE24A0001234")
    assert len(listed(api, operator, house)) == 3
    assert store(house, ELECTRICITY).body == original.body


def test_a_rectifying_invoice_may_reuse_the_number_it_corrects(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], store: Any
) -> None:
    original = store(house, ELECTRICITY)
    rectification = ELECTRICITY | {
        "type": "rectifying",
        "corrects_invoice_number": ELECTRICITY["invoice_number"],
        "issue_date": "2024-06-01",
        "total_amount_eur": "50.00",
    }
    rectified = store(house, rectification)
    assert rectified.status == 201, rectified.body
    assert rectified["invoice_number"] == original["invoice_number"] and rectified["id"] != original["id"]
    # both stay stored, and either one stored again is found, not stored twice
    assert store(house, ELECTRICITY).body == original.body
    assert store(house, rectification).body == rectified.body
    assert store(house, rectification | {"total_amount_eur": "49.00"}).status == 201  # a second rectification
    assert store(house, ELECTRICITY | {"total_amount_eur": "1.00"}).status == 409
    assert len(listed(api, operator, house)) == 3
    # a rectifying invoice reusing a number nobody stored corrects nothing
    orphan = store(house, rectification | {"invoice_number": "X9", "corrects_invoice_number": "X9"})
    assert orphan.status == 409 and orphan["errors"][0]["field"] == "corrects_invoice_number"


def test_racing_copies_of_one_invoice_store_it_once(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], store: Any
) -> None:
    replies: list[Any] = []
    start = threading.Barrier(4)

    def send() -> None:
        start.wait()
        replies.append(store(house, ELECTRICITY))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(reply.status for reply in replies) == [200, 200, 200, 201]
    assert len({reply["id"] for reply in replies}) == 1
    assert len(listed(api, operator, house)) == 1


@pytest.mark.parametrize(("kind", "body"), [("electricity", ELECTRICITY), ("gas", GAS)])
def test_a_house_without_a_cups_of_that_energy_is_409_naming_it(
    new_house: Any, store: Any, kind: str, body: dict[str, Any]
) -> None:
    reply = store(new_house(with_cups=False), body, kind)
    assert reply.status == 409
    assert [error["field"] for error in reply["errors"]] == [f"{kind}_cups"]


def test_gas_invoices(api: FunctionsApi, operator: Caller, house: dict[str, Any], store: Any) -> None:
    stored = store(house, GAS, "gas")
    assert stored.status == 201, stored.body
    assert stored["cups"] == house["gas_cups"]
    assert (stored["consumption_kwh"], stored["conversion_factor"], stored["total_amount_eur"]) == (
        1345.2,
        11.172757,
        "111.62",
    )
    assert store(house, GAS, "gas").status == 200
    # an electricity invoice may carry the same number: another supply point
    assert store(house, ELECTRICITY | {"invoice_number": GAS["invoice_number"]}).status == 201
    assert listed(api, operator, house, "gas") == [stored.body]


def test_energy_periods_follow_the_contract_tariff(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], store: Any
) -> None:
    six_periods = {f"P{n}": 10 for n in range(1, 7)}
    assert store(house, ELECTRICITY | {"energy_kwh": six_periods, "power_kw": None}).status == 201  # no contract yet
    contract = {
        "tariff": "2.0TD",
        "contracted_power_kw": {"P1": 4.6, "P2": 4.6},
        "start_date": "2024-01-01",
        "retailer": "Som Energia",
        "contract_number": "C-1",
        "power_control": "icp",
    }
    assert (
        api.request("POST", f"/houses/{house['id']}/electricity-contracts", operator, json_body=contract).status == 201
    )
    reply = store(
        house,
        ELECTRICITY | {"invoice_number": "F2", "energy_kwh": {"P1": 1, "P2": 2, "P4": 4}, "power_kw": six_periods},
    )
    assert reply.status == 422
    assert sorted(error["field"] for error in reply["errors"]) == [
        "energy_kwh.P3",
        "energy_kwh.P4",
        *(f"power_kw.P{n}" for n in range(3, 7)),
    ]
    assert store(house, ELECTRICITY | {"invoice_number": "F3"}).status == 201


def test_lists_newest_period_first_in_pages(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], store: Any
) -> None:
    months = ["2024-02", "2024-04", "2024-01", "2024-03"]
    ids = {
        month: store(
            house,
            ELECTRICITY
            | {
                "invoice_number": month,
                "period_start": f"{month}-01",
                "period_end": f"{month}-28",
                "issue_date": "2024-05-01",
            },
        )["id"]
        for month in months
    }
    first = api.request("GET", house_path(house), operator, query={"limit": "3"})
    rest = api.request("GET", house_path(house), operator, query={"limit": "3", "cursor": first["next_cursor"]})
    assert [invoice["id"] for invoice in first["items"]] == [ids["2024-04"], ids["2024-03"], ids["2024-02"]]
    assert [invoice["id"] for invoice in rest["items"]] == [ids["2024-01"]] and rest["next_cursor"] is None


def test_the_owner_reads_others_get_404_and_users_cannot_store(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], store: Any, create_user: Any, stranger: Caller
) -> None:
    invoice = store(house, GAS, "gas").body
    owner = house["owner"].caller
    path = house_path(house, "gas")
    assert api.request("GET", path, owner)["items"] == [invoice]
    assert api.request("GET", f"{path}/{invoice['id']}", owner).body == invoice
    for other in (create_user().caller, stranger):
        assert api.request("GET", path, other).status == 404
        assert api.request("GET", f"{path}/{invoice['id']}", other).status == 404
    assert api.request("POST", path, owner, json_body=GAS | {"invoice_number": "mine"}).status == 403
    assert api.request("GET", f"{house_path(house)}/{invoice['id']}", operator).status == 404  # not an electricity one
    assert api.request("GET", f"{path}/{uuid.uuid4()}", operator).status == 404


def test_invalid_invoices_are_422_naming_each_field(house: dict[str, Any], store: Any) -> None:
    body = ELECTRICITY | {
        "type": "cancelling",
        "period_end": "2024-03-01",
        "energy_kwh": {"P1": -1},
        "vat_eur": "1.234",
    }
    reply = store(house, body)
    assert reply.status == 422
    assert sorted(error["field"] for error in reply["errors"]) == [
        "corrects_invoice_number",
        "energy_kwh.P1",
        "period_end",
        "vat_eur",
    ]
