"""PUT/DELETE /houses/{house_id}/cups/{energy} against moto."""

import threading
from typing import Any

import pytest
from stdnum.es import cups as stdnum_cups

from tests.integration.conftest import Caller, FunctionsApi


def new_cups(distributor: str, serial: int, suffix: str = "0F") -> str:
    digits = f"{distributor}{serial:012d}"
    return f"ES{digits}{stdnum_cups.calc_check_digits('ES' + digits)}{suffix}"


_serials = iter(range(1, 10**6))


@pytest.fixture
def cups() -> str:
    return new_cups("0021", next(_serials) + 500_000)


@pytest.fixture
def house(api: FunctionsApi, operator: Caller, create_user: Any) -> dict[str, Any]:
    user = create_user()
    reply = api.request(
        "POST", f"/users/{user.id}/houses", operator, json_body={"address": "C/ Sol 1", "postal_code": "28013"}
    )
    return reply.body | {"owner": user}


def put_cups(
    api: FunctionsApi, caller: Caller, house_id: str, body: dict[str, Any], energy: str = "electricity"
) -> Any:
    return api.request("PUT", f"/houses/{house_id}/cups/{energy}", caller, json_body=body)


def links_of(cups: str) -> list[Any]:
    from shared.supply_points.dal.cups_links import CupsLinkRecord  # noqa: PLC0415 - once the deployment set the table names

    return list(CupsLinkRecord.query(cups[:20]))


def test_link_stores_the_compact_form(api: FunctionsApi, operator: Caller, house: dict[str, Any], cups: str) -> None:
    written = f"{cups[:2]} {cups[2:6]} {cups[6:10]}-{cups[10:]}".lower()
    reply = put_cups(api, operator, house["id"], {"cups": written})
    assert reply.status == 200
    assert reply.function_id == "SetCupsFunction"
    assert reply["electricity_cups"] == cups
    assert api.request("GET", f"/houses/{house['id']}", operator)["electricity_cups"] == cups
    [link] = links_of(cups)
    assert (link.house_id, link.energy, link.visible_from, link.unlinked_at) == (house["id"], "electricity", None, None)


@pytest.mark.parametrize(
    ("energy", "value", "message"),
    [
        ("electricity", "ES0021000012345678LC0F", "control letters"),
        ("electricity", "ES00210000123456", "20 or 22"),
        ("gas", "ES0021000012345678LB0F", "gas CUPS has 20"),
        ("electricity", "FR0021000012345678LB", "starts with ES"),
    ],
)
def test_invalid_cups_is_422_naming_cups(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], energy: str, value: str, message: str
) -> None:
    reply = put_cups(api, operator, house["id"], {"cups": value}, energy)
    assert reply.status == 422
    assert reply["errors"][0]["field"] == "cups"
    assert message in reply["errors"][0]["message"]


def test_unknown_energy_and_bad_since_are_422(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], cups: str
) -> None:
    assert put_cups(api, operator, house["id"], {"cups": cups}, "water")["errors"][0]["field"] == "energy"
    assert put_cups(api, operator, house["id"], {"cups": cups, "since": "2024-13-01"})["errors"][0]["field"] == "since"


def test_one_house_per_supply_point_matching_on_20_characters(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], create_user: Any, cups: str
) -> None:
    other_user = create_user()
    other = api.request(
        "POST", f"/users/{other_user.id}/houses", operator, json_body={"address": "x 1", "postal_code": "08001"}
    )
    assert put_cups(api, operator, house["id"], {"cups": cups}).status == 200
    # the same supply point without (or with another) border-point suffix is the same CUPS
    for form in (cups[:20], cups[:20] + "1P"):
        reply = put_cups(api, operator, other["id"], {"cups": form})
        assert reply.status == 409
        assert reply["errors"][0]["field"] == "cups"


def test_racing_links_of_one_cups_to_two_houses_leave_one_holder(
    api: FunctionsApi, operator: Caller, create_user: Any, cups: str
) -> None:
    houses = [
        api.request(
            "POST", f"/users/{create_user().id}/houses", operator, json_body={"address": "a 1", "postal_code": "28013"}
        )["id"]
        for _ in range(4)
    ]
    statuses: list[int] = []
    start = threading.Barrier(len(houses))

    def link(house_id: str) -> None:
        start.wait()
        statuses.append(put_cups(api, operator, house_id, {"cups": cups}).status)

    threads = [threading.Thread(target=link, args=(house_id,)) for house_id in houses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409, 409, 409]
    assert len(links_of(cups)) == 1


def test_relinking_the_same_cups_changes_nothing(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], cups: str
) -> None:
    first = put_cups(api, operator, house["id"], {"cups": cups, "since": "2024-01-01"})
    again = put_cups(api, operator, house["id"], {"cups": cups, "since": "2024-01-01"})
    assert again.status == 200
    assert again.body == first.body
    assert len(links_of(cups)) == 1
    moved_since = put_cups(api, operator, house["id"], {"cups": cups[:20], "since": "2024-02-01"})
    assert moved_since["electricity_cups"] == cups[:20]
    [link] = links_of(cups)
    assert (link.since, link.visible_from, link.cups) == ("2024-02-01", "2024-02-01", cups[:20])


def test_replacing_a_cups_ends_the_old_link_and_frees_it(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], create_user: Any, cups: str
) -> None:
    replacement = new_cups("0031", next(_serials) + 700_000)
    put_cups(api, operator, house["id"], {"cups": cups})
    assert put_cups(api, operator, house["id"], {"cups": replacement})["electricity_cups"] == replacement
    [old] = links_of(cups)
    assert old.unlinked_at is not None
    other_user = create_user()
    other = api.request(
        "POST", f"/users/{other_user.id}/houses", operator, json_body={"address": "b 2", "postal_code": "28013"}
    )
    assert put_cups(api, operator, other["id"], {"cups": cups}).status == 200


def test_unlink_then_a_new_holder_sees_only_from_the_end_of_the_old_link(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], create_user: Any, cups: str
) -> None:
    put_cups(api, operator, house["id"], {"cups": cups})
    removed = api.request("DELETE", f"/houses/{house['id']}/cups/electricity", operator)
    assert removed.status == 204
    assert api.request("GET", f"/houses/{house['id']}", operator)["electricity_cups"] is None
    assert api.request("DELETE", f"/houses/{house['id']}/cups/electricity", operator).status == 404
    newcomer = api.request(
        "POST", f"/users/{create_user().id}/houses", operator, json_body={"address": "c 3", "postal_code": "28013"}
    )
    # even an explicit earlier `since` does not reveal the previous holder's data
    assert put_cups(api, operator, newcomer["id"], {"cups": cups, "since": "2020-01-01"}).status == 200
    old, new = sorted(links_of(cups), key=lambda link: link.link_id)
    assert old.unlinked_at is not None
    assert new.visible_from is not None and new.visible_from >= old.unlinked_at[:10]


def test_gas_and_electricity_are_separate(api: FunctionsApi, operator: Caller, house: dict[str, Any]) -> None:
    gas = new_cups("0230", next(_serials) + 800_000, suffix="")
    reply = put_cups(api, operator, house["id"], {"cups": gas}, "gas")
    assert (reply["gas_cups"], reply["electricity_cups"]) == (gas, None)


def test_only_operators_link_and_others_houses_are_404(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], stranger: Caller, cups: str
) -> None:
    owner = house["owner"].caller
    assert put_cups(api, owner, house["id"], {"cups": cups}).status == 403
    assert api.request("DELETE", f"/houses/{house['id']}/cups/electricity", owner).status == 403
    assert put_cups(api, operator, "no-such-house", {"cups": cups}).status == 404
