"""The foundation's acceptance flow, over HTTP against `python -m local`, signing in through Cognito."""

import threading
import time
import uuid
from typing import Any

import jwt
import pytest

from tests.e2e.conftest import LocalStackHandle

USER_PASSWORD = "Ana-Local-Pass-2024"


def test_operator_creates_users_and_houses_and_a_user_sees_only_their_own(local_stack: LocalStackHandle) -> None:
    operator = local_stack.api(local_stack.operator_token())
    marker = uuid.uuid4().hex[:8]

    ana = operator.post("/users", json={"name": f"Ana {marker} García", "email": f"ana.{marker}@example.com"})
    assert ana.status_code == 201, ana.text
    bob = operator.post("/users", json={"name": f"Bob {marker}", "email": f"bob.{marker}@example.com"})
    assert bob.status_code == 201

    listed = operator.get("/users", params={"limit": 200})
    assert listed.status_code == 200
    assert {ana.json()["id"], bob.json()["id"]} <= {user["id"] for user in listed.json()["items"]}
    found = operator.get("/users", params={"search": f"ANA {marker}"})
    assert [user["id"] for user in found.json()["items"]] == [ana.json()["id"]]

    ana_houses = f"/users/{ana.json()['id']}/houses"
    home = operator.post(ana_houses, json={"address": "C/ Mayor, 5", "postal_code": "28013", "city": "Madrid"})
    assert home.status_code == 201
    shop = operator.post(
        ana_houses, json={"address": "Plaza Sol 1", "postal_code": "28013", "kind": "commercial_premises"}
    )
    assert shop.status_code == 201
    bobs_house = operator.post(
        f"/users/{bob.json()['id']}/houses", json={"address": "C/ Luna 2", "postal_code": "41001"}
    )
    assert bobs_house.status_code == 201

    duplicate = operator.post(ana_houses, json={"address": "calle mayor 5", "postal_code": "28013"})
    assert duplicate.status_code == 409
    assert duplicate.headers["content-type"] == "application/problem+json"
    assert duplicate.json()["existing_house_id"] == home.json()["id"]

    short_postal_code = operator.post(ana_houses, json={"address": "Calle Nueva 1", "postal_code": "2800"})
    assert short_postal_code.status_code == 422
    assert [error["field"] for error in short_postal_code.json()["errors"]] == ["postal_code"]

    # Ana's account was created by POST /users; she sets her password and signs in
    local_stack.cognito.admin_set_user_password(
        UserPoolId=local_stack.state["user_pool_id"],
        Username=ana.json()["email"],
        Password=USER_PASSWORD,
        Permanent=True,
    )
    as_ana = local_stack.api(local_stack.sign_in(ana.json()["email"], USER_PASSWORD))
    assert as_ana.get("/me").json()["id"] == ana.json()["id"]
    own = as_ana.get(ana_houses)
    assert own.status_code == 200
    assert {house["id"] for house in own.json()["items"]} == {home.json()["id"], shop.json()["id"]}
    assert as_ana.get(f"/houses/{bobs_house.json()['id']}").status_code == 404
    assert as_ana.get(f"/users/{bob.json()['id']}/houses").status_code == 404
    assert as_ana.get("/users").status_code == 403


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer not-a-jwt", "Basic b3BlcmF0b3I6cGFzcw=="],
)
def test_requests_without_a_valid_token_are_401(local_stack: LocalStackHandle, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    reply = local_stack.api().get("/me", headers=headers)
    assert reply.status_code == 401
    assert reply.json() == {"message": "Unauthorized"}


def test_tokens_not_signed_by_the_user_pool_are_401(local_stack: LocalStackHandle) -> None:
    # (audience, issuer and expiry of pool-signed tokens are covered by tests/unit/local/test_local_auth.py)
    claims: dict[str, Any] = jwt.decode(local_stack.operator_token(), options={"verify_signature": False})
    key = "a-key-that-is-not-the-user-pools-one"
    for forged in (claims, claims | {"exp": int(time.time()) + 3600, "cognito:groups": ["operators"]}):
        assert local_stack.api(jwt.encode(forged, key, algorithm="HS256")).get("/me").status_code == 401


def test_unknown_routes_are_404(local_stack: LocalStackHandle) -> None:
    assert local_stack.api(local_stack.operator_token()).get("/nowhere").status_code == 404


def test_racing_identical_house_requests_over_http_create_one_house(local_stack: LocalStackHandle) -> None:
    operator = local_stack.api(local_stack.operator_token())
    user = operator.post("/users", json={"name": "Racer", "email": f"racer.{uuid.uuid4().hex[:8]}@example.com"})
    houses = f"/users/{user.json()['id']}/houses"
    statuses: list[int] = []
    start = threading.Barrier(6)

    def post() -> None:
        session = local_stack.api(local_stack.operator_token())
        start.wait()
        statuses.append(session.post(houses, json={"address": "Calle Mayor 5", "postal_code": "28013"}).status_code)

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [409] * 5
    assert len(operator.get(houses).json()["items"]) == 1
