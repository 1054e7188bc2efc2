"""POST /users/{user_id}/houses, GET /users/{user_id}/houses, GET and PATCH /houses/{house_id} against moto."""

import threading
import uuid
from typing import Any

import pytest

from tests.integration.conftest import Caller, FunctionsApi

MAYOR_5 = {"address": "C/ Mayor, 5", "postal_code": "28013", "city": "Madrid"}


def houses_path(user_id: str) -> str:
    return f"/users/{user_id}/houses"


def test_operator_creates_a_house(api: FunctionsApi, operator: Caller, create_user: Any) -> None:
    ana = create_user()
    reply = api.request("POST", houses_path(ana.id), operator, json_body=MAYOR_5 | {"name": "Home"})
    assert reply.status == 201
    assert reply.function_id == "CreateHouseFunction"
    house = reply.body
    assert {key: house[key] for key in ("user_id", "name", "kind", "address", "postal_code", "city")} == {
        "user_id": ana.id,
        "name": "Home",
        "kind": "dwelling",
        "address": "C/ Mayor, 5",
        "postal_code": "28013",
        "city": "Madrid",
    }
    assert house["electricity_cups"] is None and house["gas_cups"] is None
    assert api.request("GET", f"/houses/{house['id']}", operator).body == house


@pytest.mark.parametrize("same_address", ["calle mayor 5", "CALLE MAYOR, Nº 5", "Calle  Mayor 5."])
def test_the_same_address_written_differently_is_409_naming_the_existing_house(
    api: FunctionsApi, operator: Caller, create_user: Any, same_address: str
) -> None:
    ana = create_user()
    first = api.request("POST", houses_path(ana.id), operator, json_body=MAYOR_5)
    reply = api.request(
        "POST", houses_path(ana.id), operator, json_body={"address": same_address, "postal_code": "28013"}
    )
    assert reply.status == 409
    assert reply["existing_house_id"] == first["id"]
    assert [error["field"] for error in reply["errors"]] == ["address"]


def test_same_address_is_fine_for_another_user_or_postal_code(
    api: FunctionsApi, operator: Caller, create_user: Any
) -> None:
    ana, bob = create_user(), create_user()
    assert api.request("POST", houses_path(ana.id), operator, json_body=MAYOR_5).status == 201
    assert api.request("POST", houses_path(bob.id), operator, json_body=MAYOR_5).status == 201
    other_town = MAYOR_5 | {"postal_code": "41001"}
    assert api.request("POST", houses_path(ana.id), operator, json_body=other_town).status == 201


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"address": "Calle Mayor 5", "postal_code": "2800"}, ["postal_code"]),
        ({"address": "   ", "postal_code": "28013"}, ["address"]),
        ({"postal_code": "99000", "kind": "castle"}, ["address", "postal_code", "kind"]),
        ({"address": "x" * 201, "postal_code": "28013"}, ["address"]),
    ],
)
def test_invalid_houses_are_422_naming_every_field(
    api: FunctionsApi, operator: Caller, create_user: Any, body: dict[str, str], fields: list[str]
) -> None:
    reply = api.request("POST", houses_path(create_user().id), operator, json_body=body)
    assert reply.status == 422
    assert sorted(error["field"] for error in reply["errors"]) == sorted(fields)


def test_houses_of_an_unknown_user_are_404(api: FunctionsApi, operator: Caller) -> None:
    assert api.request("POST", houses_path(str(uuid.uuid4())), operator, json_body=MAYOR_5).status == 404
    assert api.request("GET", houses_path(str(uuid.uuid4())), operator).status == 404


def test_a_user_manages_only_their_own_houses(api: FunctionsApi, operator: Caller, create_user: Any) -> None:
    ana, bob = create_user(), create_user()
    own = api.request("POST", houses_path(ana.id), ana.caller, json_body=MAYOR_5)
    assert own.status == 201
    bobs = api.request("POST", houses_path(bob.id), operator, json_body=MAYOR_5)
    # someone else's user and house look exactly like ids that do not exist
    assert api.request("POST", houses_path(bob.id), ana.caller, json_body=MAYOR_5).status == 404
    assert api.request("GET", houses_path(bob.id), ana.caller).status == 404
    assert api.request("GET", f"/houses/{bobs['id']}", ana.caller).status == 404
    assert api.request("PATCH", f"/houses/{bobs['id']}", ana.caller, json_body={"name": "mine"}).status == 404
    assert [house["id"] for house in api.request("GET", houses_path(ana.id), ana.caller)["items"]] == [own["id"]]
    assert api.request("GET", f"/houses/{own['id']}", ana.caller)["id"] == own["id"]


def test_list_pages_oldest_first(api: FunctionsApi, operator: Caller, create_user: Any) -> None:
    ana = create_user()
    created = [
        api.request(
            "POST", houses_path(ana.id), operator, json_body={"address": f"Calle Sol {n}", "postal_code": "28013"}
        )["id"]
        for n in range(5)
    ]
    pages: list[list[str]] = []
    cursor = None
    while True:
        query = {"limit": "2"} | ({"cursor": cursor} if cursor else {})
        reply = api.request("GET", houses_path(ana.id), operator, query=query)
        pages.append([house["id"] for house in reply["items"]])
        cursor = reply["next_cursor"]
        if cursor is None:
            break
    assert pages == [created[0:2], created[2:4], created[4:5]]


def test_idempotent_house_creation(api: FunctionsApi, operator: Caller, create_user: Any) -> None:
    ana = create_user()
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = api.request("POST", houses_path(ana.id), operator, json_body=MAYOR_5, headers=key)
    again = api.request("POST", houses_path(ana.id), operator, json_body=MAYOR_5, headers=key)
    assert first.status == again.status == 201
    assert again.body == first.body
    assert len(api.request("GET", houses_path(ana.id), operator)["items"]) == 1
    changed = api.request("POST", houses_path(ana.id), operator, json_body=MAYOR_5 | {"name": "x"}, headers=key)
    assert changed.status == 409


def test_racing_identical_requests_create_one_house(api: FunctionsApi, operator: Caller, create_user: Any) -> None:
    ana = create_user()
    replies: list[int] = []
    start = threading.Barrier(8)

    def post() -> None:
        start.wait()
        replies.append(api.request("POST", houses_path(ana.id), operator, json_body=MAYOR_5).status)

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(replies) == [201] + [409] * 7
    assert len(api.request("GET", houses_path(ana.id), operator)["items"]) == 1


def test_patch_changes_only_the_fields_sent(api: FunctionsApi, operator: Caller, create_user: Any) -> None:
    ana = create_user()
    house = api.request("POST", houses_path(ana.id), operator, json_body=MAYOR_5 | {"name": "Home"}).body
    reply = api.request("PATCH", f"/houses/{house['id']}", ana.caller, json_body={"kind": "other", "city": None})
    assert reply.status == 200
    assert reply.body | {"updated_at": ""} == house | {"kind": "other", "city": None, "updated_at": ""}
    assert reply["updated_at"] > house["updated_at"]


def test_patch_keeps_the_duplicate_rule_and_frees_the_old_address(
    api: FunctionsApi, operator: Caller, create_user: Any
) -> None:
    ana = create_user()
    mayor = api.request("POST", houses_path(ana.id), operator, json_body=MAYOR_5).body
    sol = api.request(
        "POST", houses_path(ana.id), operator, json_body={"address": "Calle Sol 1", "postal_code": "28013"}
    )
    taken = api.request("PATCH", f"/houses/{sol['id']}", operator, json_body={"address": "calle mayor 5"})
    assert taken.status == 409
    assert taken["existing_house_id"] == mayor["id"]
    moved = api.request("PATCH", f"/houses/{mayor['id']}", operator, json_body={"address": "Calle Luna 2"})
    assert moved.status == 200
    # Mayor 5 is free again, Luna 2 is now taken
    assert api.request("PATCH", f"/houses/{sol['id']}", operator, json_body={"address": "C/ Mayor 5"}).status == 200
    assert (
        api.request(
            "POST", houses_path(ana.id), operator, json_body={"address": "luna 2", "postal_code": "28013"}
        ).status
        == 201
    )
    again = api.request(
        "POST", houses_path(ana.id), operator, json_body={"address": "C/ Luna, 2", "postal_code": "28013"}
    )
    assert again.status == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [({"address": None}, "address"), ({"postal_code": "2800"}, "postal_code"), ({"owner": "x"}, "owner"), ({}, "body")],
)
def test_invalid_patches_are_422(
    api: FunctionsApi, operator: Caller, create_user: Any, body: dict[str, Any], field: str
) -> None:
    house = api.request("POST", houses_path(create_user().id), operator, json_body=MAYOR_5).body
    reply = api.request("PATCH", f"/houses/{house['id']}", operator, json_body=body)
    assert reply.status == 422
    assert [error["field"] for error in reply["errors"]] == [field]
