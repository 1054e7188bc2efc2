"""POST /users, GET /users, GET /users/{user_id}, GET /me against moto."""

import uuid
from typing import Any

import pytest

from tests.integration.conftest import Caller, FunctionsApi, unique_email


def test_operator_creates_a_user_with_a_sign_in_account(
    api: FunctionsApi, operator: Caller, cognito: Any, user_pool_id: str
) -> None:
    email = unique_email("ana")
    reply = api.request(
        "POST", "/users", operator, json_body={"name": "Ana", "email": email, "nif": "x1234567l", "phone": "+34 600"}
    )
    assert reply.status == 201
    assert reply.function_id == "CreateUserFunction"
    assert reply.body | {"id": "", "created_at": ""} == {
        "id": "",
        "name": "Ana",
        "email": email,
        "nif": "X1234567L",
        "phone": "+34 600",
        "created_at": "",
    }
    account = cognito.admin_get_user(UserPoolId=user_pool_id, Username=email)
    attributes = {item["Name"]: item["Value"] for item in account["UserAttributes"]}
    assert attributes["email"] == email
    assert attributes["name"] == "Ana"
    # the account's sub is linked: signed in as that account, /me is this user
    me = api.request("GET", "/me", Caller(sub=attributes["sub"]))
    assert me.status == 200
    assert me["id"] == reply["id"]


def test_email_is_unique_case_insensitively(api: FunctionsApi, operator: Caller) -> None:
    email = unique_email("dup")
    assert api.request("POST", "/users", operator, json_body={"name": "A", "email": email}).status == 201
    reply = api.request("POST", "/users", operator, json_body={"name": "B", "email": email.upper()})
    assert reply.status == 409
    assert reply.headers["content-type"] == "application/problem+json"
    assert [error["field"] for error in reply["errors"]] == ["email"]


def test_nif_is_unique_and_the_refused_users_account_is_removed(
    api: FunctionsApi, operator: Caller, cognito: Any, user_pool_id: str
) -> None:
    nif = "B82846817"
    first = {"name": "Company", "email": unique_email(), "nif": nif}
    api.request("POST", "/users", operator, json_body=first)  # may already exist from a rerun: either way it's taken
    second_email = unique_email()
    reply = api.request("POST", "/users", operator, json_body={"name": "Other", "email": second_email, "nif": nif})
    assert reply.status == 409
    assert [error["field"] for error in reply["errors"]] == ["nif"]
    with pytest.raises(cognito.exceptions.UserNotFoundException):
        cognito.admin_get_user(UserPoolId=user_pool_id, Username=second_email)


def test_a_create_cut_short_after_the_sign_in_account_exists_is_resumed(
    api: FunctionsApi, operator: Caller, cognito: Any, user_pool_id: str
) -> None:
    # What an attempt that timed out between Cognito and the Users table leaves: an account and no user.
    email = unique_email("cut")
    account = cognito.admin_create_user(
        UserPoolId=user_pool_id, Username=email, UserAttributes=[{"Name": "email", "Value": email}]
    )
    sub = {a["Name"]: a["Value"] for a in account["User"]["Attributes"]}["sub"]

    reply = api.request("POST", "/users", operator, json_body={"name": "Cut Short", "email": email})

    assert reply.status == 201, reply.body
    assert api.request("GET", "/me", Caller(sub=sub))["id"] == reply["id"]
    attributes = cognito.admin_get_user(UserPoolId=user_pool_id, Username=email)["UserAttributes"]
    assert {a["Name"]: a["Value"] for a in attributes}["name"] == "Cut Short"
    again = api.request("POST", "/users", operator, json_body={"name": "Cut Short", "email": email})
    assert again.status == 409  # now it is the user's


def test_an_operators_sign_in_account_is_never_taken_for_a_user(
    api: FunctionsApi, cognito: Any, user_pool_id: str, operator: Caller
) -> None:
    email = unique_email("staff")
    cognito.admin_create_user(
        UserPoolId=user_pool_id, Username=email, UserAttributes=[{"Name": "email", "Value": email}]
    )
    cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=email, GroupName="operators")

    reply = api.request("POST", "/users", operator, json_body={"name": "Staff", "email": email})

    assert reply.status == 409
    assert [error["field"] for error in reply["errors"]] == ["email"]
    cognito.admin_get_user(UserPoolId=user_pool_id, Username=email)  # still there


def test_an_email_the_sign_in_service_refuses_is_a_422_on_email(api: FunctionsApi, operator: Caller) -> None:
    reply = api.request("POST", "/users", operator, json_body={"name": "Eq", "email": "=@example.com"})

    assert reply.status == 422
    assert [error["field"] for error in reply["errors"]] == ["email"]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"email": "a@example.com"}, ["name"]),
        ({"name": "A", "email": "not an email"}, ["email"]),
        ({"name": "A", "email": "a@example.com", "nif": "12345678A"}, ["nif"]),
        ({"name": "", "email": "x", "role": "admin"}, ["name", "email", "role"]),
    ],
)
def test_invalid_users_are_422_naming_every_field(
    api: FunctionsApi, operator: Caller, body: dict[str, str], fields: list[str]
) -> None:
    reply = api.request("POST", "/users", operator, json_body=body)
    assert reply.status == 422
    assert sorted(error["field"] for error in reply["errors"]) == sorted(fields)


def test_malformed_json_is_400(api: FunctionsApi, operator: Caller) -> None:
    reply = api.request("POST", "/users", operator, raw_body='{"name": ')
    assert reply.status == 400
    assert reply.headers["content-type"] == "application/problem+json"


def test_only_operators_create_and_list_users(api: FunctionsApi, create_user: Any) -> None:
    user = create_user()
    assert api.request("POST", "/users", user.caller, json_body={"name": "X", "email": unique_email()}).status == 403
    assert api.request("GET", "/users", user.caller).status == 403


def test_idempotency_key_replays_the_first_response(
    api: FunctionsApi, operator: Caller, cognito: Any, user_pool_id: str
) -> None:
    body = {"name": "Retry", "email": unique_email()}
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = api.request("POST", "/users", operator, json_body=body, headers=key)
    again = api.request("POST", "/users", operator, json_body=body, headers=key)
    assert first.status == again.status == 201
    assert again.body == first.body
    other_body = api.request("POST", "/users", operator, json_body=body | {"name": "Changed"}, headers=key)
    assert other_body.status == 409
    # a different key with the same body is a new request: the email is taken now
    assert api.request("POST", "/users", operator, json_body=body, headers={"Idempotency-Key": "k2"}).status == 409


def test_a_user_sees_only_their_own_user(api: FunctionsApi, create_user: Any, stranger: Caller) -> None:
    ana, bob = create_user("Ana"), create_user("Bob")
    assert api.request("GET", f"/users/{ana.id}", ana.caller)["email"] == ana.email
    assert api.request("GET", f"/users/{bob.id}", ana.caller).status == 404
    assert api.request("GET", f"/users/{uuid.uuid4()}", ana.caller).status == 404
    assert api.request("GET", "/me", stranger).status == 404


def test_operator_reads_any_user_and_unknown_ids_are_404(api: FunctionsApi, operator: Caller, create_user: Any) -> None:
    ana = create_user()
    assert api.request("GET", f"/users/{ana.id}", operator)["id"] == ana.id
    assert api.request("GET", f"/users/{uuid.uuid4()}", operator).status == 404


def test_search_by_name_word_email_and_nif_prefix(api: FunctionsApi, operator: Caller, create_user: Any) -> None:
    marker = uuid.uuid4().hex[:8]
    found = create_user(f"Zoë {marker} Núñez", nif="00000000T")
    create_user(f"Other {marker}x")

    def search(text: str) -> list[str]:
        reply = api.request("GET", "/users", operator, query={"search": text})
        assert reply.status == 200
        return [user["id"] for user in reply["items"]]

    assert search(f"ZOE {marker}") == [found.id]
    assert found.id in search("núñez")
    assert search(found.email[:16].upper()) == [found.id]
    assert search("00000000") == [found.id]
    assert len(search(marker)) == 2


def test_search_pages_show_each_user_once(api: FunctionsApi, operator: Caller, create_user: Any) -> None:
    marker = uuid.uuid4().hex[:8]
    # the marker is both a name word and the start of each email: every user matches through two terms
    created = {create_user(f"{marker} n{i}", email=f"{marker}{i}@example.com").id for i in range(5)}
    seen: list[str] = []
    cursor = None
    while True:
        query = {"search": marker, "limit": "2"} | ({"cursor": cursor} if cursor else {})
        reply = api.request("GET", "/users", operator, query=query)
        assert reply.status == 200
        assert len(reply["items"]) <= 2
        seen += [user["id"] for user in reply["items"]]
        cursor = reply["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(created)


def test_listing_without_search_pages_through_everyone(api: FunctionsApi, operator: Caller, create_user: Any) -> None:
    mine = {create_user().id for _ in range(3)}
    seen: list[str] = []
    cursor = None
    while True:
        reply = api.request("GET", "/users", operator, query={"limit": "2"} | ({"cursor": cursor} if cursor else {}))
        seen += [user["id"] for user in reply["items"]]
        cursor = reply["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen))
    assert mine <= set(seen)


@pytest.mark.parametrize(
    ("query", "field"), [({"limit": "0"}, "limit"), ({"limit": "201"}, "limit"), ({"cursor": "x"}, "cursor")]
)
def test_bad_paging_parameters_are_422(api: FunctionsApi, operator: Caller, query: dict[str, str], field: str) -> None:
    reply = api.request("GET", "/users", operator, query=query)
    assert reply.status == 422
    assert [error["field"] for error in reply["errors"]] == [field]
