"""Who gets what on every route of openapi.json, over HTTP against the local stack: each route is called as an
operator, as the owner of the house (or the user) it names, as another user, as a billing system's machine
client and with no token, and each answer is the contract's (docs/api.md, "Who"). A route of openapi.json
without an entry in ROUTES fails: a new route says who may call it before it ships.

The routes run in ROUTES' order against one set of records (the deleting ones last); in a route, the callers
expected to be refused go first, so that they see the records as the successful one found them."""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from tests.e2e.conftest import REPO_ROOT, REQUEST_TIMEOUT_SECONDS, LocalStackHandle
from tests.e2e.test_billing_systems import SOURCE, machine_token, new_cups
from tests.integration.test_contracts import ELECTRICITY as CONTRACT
from tests.integration.test_contracts import GAS as GAS_CONTRACT
from tests.integration.test_invoices import ELECTRICITY as INVOICE
from tests.integration.test_invoices import GAS as GAS_INVOICE

OPERATOR, OWNER, OTHER, MACHINE, NOBODY = "operator", "owner", "another user", "machine client", "no token"
CALLERS = (OPERATOR, OWNER, OTHER, MACHINE, NOBODY)
PASSWORD = "Matrix-Local-Pass-1"
NESTED_BODY = "[" * 100_000 + "]" * 100_000  # json.loads raises RecursionError on it


@dataclass
class World:
    """The records the routes name: the owner's user and house (with both CUPS, a contract and an invoice of
    each energy, a PV installation), another user, an import, a distributor connection and an energy community."""

    ids: dict[str, str] = field(default_factory=dict)

    def path(self, template: str) -> str:
        gas = {"contract_id": self.ids["gas_contract_id"], "invoice_id": self.ids["gas_invoice_id"]}
        return template.format(**(self.ids | (gas if "/gas-" in template else {})))


Body = Callable[[World], Any]


@dataclass(frozen=True)
class Route:
    """The status each caller gets (a set where either is the contract's answer, e.g. created or replaced)."""

    answers: dict[str, int | frozenset[int]]
    body: Body | None = None
    query: dict[str, str] = field(default_factory=dict)
    before_success: Callable[[World, "Session"], None] | None = None  # puts back what a previous success removed


def operator_only(success: int | frozenset[int], **options: Any) -> Route:
    """Refused to anyone else before any record is read (so the answer tells nothing of them)."""
    return Route({OPERATOR: success, OWNER: 403, OTHER: 403, MACHINE: 403, NOBODY: 401}, **options)


def house_readers(success: int | frozenset[int] = 200, **options: Any) -> Route:
    """Operators and the owner; anyone else does not see the house."""
    return Route({OPERATOR: success, OWNER: success, OTHER: 404, MACHINE: 404, NOBODY: 401}, **options)


def owner_only(success: int, **options: Any) -> Route:
    return Route({OPERATOR: 403, OWNER: success, OTHER: 404, MACHINE: 404, NOBODY: 401}, **options)


CREATED_OR_REPLACED = frozenset({200, 201})


def _connection(_: World) -> dict[str, Any]:
    return {
        "distributor_code": "0021",
        "host": "sftp.example.com",
        "username": "retailer0762",
        "password": "matrix-Pa55word",
        "host_key": "sftp.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
        "remote_dirs": ["/outbox"],
    }


def _pv(_: World) -> dict[str, Any]:
    return {"peak_power_kwp": 3.6, "installed_on": "2024-06-01"}


def _new_house(_: World) -> dict[str, Any]:
    return {"address": f"Calle Matriz {uuid.uuid4().hex[:8]}", "postal_code": "28013"}


def _community(_: World) -> dict[str, Any]:
    return {"name": "Matrix", "cau": f"{new_cups()}A001", "peak_power_kwp": 10}


def _put_pv_back(world: World, session: "Session") -> None:
    session.call(OPERATOR, "PUT", world.path("/houses/{house_id}/pv-installation"), json=_pv(world))


ROUTES: dict[str, Route] = {
    "POST /users": operator_only(201, body=lambda _: {"name": "Matrix", "email": f"m.{uuid.uuid4().hex}@example.com"}),
    "GET /users": operator_only(200),
    "GET /users/{user_id}": house_readers(),
    "GET /me": Route({OPERATOR: 404, OWNER: 200, OTHER: 200, MACHINE: 404, NOBODY: 401}),  # operators have no user
    "POST /users/{user_id}/houses": house_readers(201, body=_new_house),
    "GET /users/{user_id}/houses": house_readers(),
    "GET /houses/{house_id}": house_readers(),
    "PATCH /houses/{house_id}": house_readers(body=lambda _: {"city": "Madrid"}),
    "PUT /houses/{house_id}/cups/{energy}": operator_only(200, body=lambda w: {"cups": w.ids["cups"]}),
    "GET /houses/{house_id}/consumption": house_readers(query={"from": "2024-04-01", "to": "2024-04-02"}),
    "POST /houses/{house_id}/electricity-contracts": operator_only(
        201, body=lambda _: CONTRACT | {"start_date": "2025-01-01", "end_date": "2025-01-31"}
    ),
    "GET /houses/{house_id}/electricity-contracts": house_readers(),
    "GET /houses/{house_id}/electricity-contracts/{contract_id}": house_readers(),
    "PATCH /houses/{house_id}/electricity-contracts/{contract_id}": operator_only(
        200, body=lambda _: {"retailer": "Matrix Energía"}
    ),
    "POST /houses/{house_id}/gas-contracts": operator_only(
        201, body=lambda _: GAS_CONTRACT | {"start_date": "2025-01-01", "end_date": "2025-01-31"}
    ),
    "GET /houses/{house_id}/gas-contracts": house_readers(),
    "GET /houses/{house_id}/gas-contracts/{contract_id}": house_readers(),
    "PATCH /houses/{house_id}/gas-contracts/{contract_id}": operator_only(
        200, body=lambda _: {"retailer": "Matrix Gas"}
    ),
    "POST /houses/{house_id}/electricity-invoices": operator_only(
        CREATED_OR_REPLACED, body=lambda _: INVOICE | {"invoice_number": "F-MATRIX"}
    ),
    "GET /houses/{house_id}/electricity-invoices": house_readers(),
    "GET /houses/{house_id}/electricity-invoices/{invoice_id}": house_readers(),
    "POST /houses/{house_id}/gas-invoices": operator_only(
        CREATED_OR_REPLACED, body=lambda _: GAS_INVOICE | {"invoice_number": "G-MATRIX"}
    ),
    "GET /houses/{house_id}/gas-invoices": house_readers(),
    "GET /houses/{house_id}/gas-invoices/{invoice_id}": house_readers(),
    "PUT /houses/{house_id}/pv-installation": house_readers(CREATED_OR_REPLACED, body=_pv),
    "GET /houses/{house_id}/pv-installation": house_readers(),
    "POST /houses/{house_id}/datadis": owner_only(202, body=lambda _: {}),
    "POST /houses/{house_id}/datadis/callback": owner_only(200),
    "GET /houses/{house_id}/datadis": house_readers(),
    "POST /imports": Route(
        {OPERATOR: 202, OWNER: 403, OTHER: 403, MACHINE: 202, NOBODY: 401},
        body=lambda w: [{"kind": "electricity_invoice", "source": SOURCE, "external_id": "x", "cups": w.ids["cups"]}],
    ),
    "GET /imports/{import_id}": Route({OPERATOR: 200, OWNER: 403, OTHER: 403, MACHINE: 200, NOBODY: 401}),
    "PUT /distributor-connections/{connection_id}": operator_only(CREATED_OR_REPLACED, body=_connection),
    "GET /distributor-connections": operator_only(200),
    "GET /distributor-connections/{connection_id}": operator_only(200),
    "GET /distributor-connections/{connection_id}/files": operator_only(200),
    "POST /energy-communities": operator_only(201, body=_community),
    "GET /energy-communities": operator_only(200),
    "GET /energy-communities/{community_id}": operator_only(200),
    "POST /energy-communities/{community_id}/coefficient-sets": operator_only(
        201, body=lambda w: {"valid_from": "2025-01-01", "coefficients": {w.ids["house_id"]: "1"}}
    ),
    "GET /energy-communities/{community_id}/coefficient-sets": operator_only(200),
    "GET /energy-communities/{community_id}/distributor-file": operator_only(200, query={"day": "2025-01-01"}),
    "GET /energy-communities/{community_id}/allocation": operator_only(
        200, query={"from": "2025-01-01", "to": "2025-01-02"}
    ),
    # The deleting routes last.
    "DELETE /houses/{house_id}/datadis": owner_only(200),
    "DELETE /houses/{house_id}/pv-installation": house_readers(204, before_success=_put_pv_back),
    "DELETE /houses/{house_id}/cups/{energy}": operator_only(204),
}


def openapi_routes() -> list[str]:
    document = json.loads((REPO_ROOT / "openapi.json").read_text())
    return [f"{method.upper()} {path}" for path, operations in document["paths"].items() for method in operations]


class Session:
    """One API client per caller, with its token; the users' emails."""

    def __init__(self, local_stack: LocalStackHandle, tokens: dict[str, str | None], emails: dict[str, str]) -> None:
        self.clients = {caller: local_stack.api(token) for caller, token in tokens.items()}
        self.emails = emails

    def call(self, caller: str, method: str, path: str, **options: Any) -> requests.Response:
        return self.clients[caller].request(method, path, **options)


@pytest.fixture(scope="module")
def session(local_stack: LocalStackHandle) -> Session:
    token = machine_token(local_stack)
    assert token.status_code == 200, token.text
    tokens: dict[str, str | None] = {
        OPERATOR: local_stack.operator_token(),
        MACHINE: token.json()["access_token"],
        NOBODY: None,
    }
    emails = {caller: f"matrix.{uuid.uuid4().hex[:12]}@example.com" for caller in (OWNER, OTHER)}
    for caller, email in emails.items():
        local_stack.create_cognito_user(email, PASSWORD)
        tokens[caller] = local_stack.sign_in(email, PASSWORD)
    return Session(local_stack, tokens, emails)


@pytest.fixture(scope="module")
def world(local_stack: LocalStackHandle, session: Session) -> World:
    """The owner's records, created by the operator; the owner's and the other user's signed-in accounts are
    taken over by their user records (POST /users resumes a create whose account exists)."""
    world = World()
    operator, datadis_url = session.clients[OPERATOR], local_stack.state["datadis_url"]
    nif = _dni(uuid.uuid4().int % 10**8)
    for caller, email in session.emails.items():
        body = {"name": f"Matrix {caller}", "email": email} | ({"nif": nif} if caller == OWNER else {})
        user = operator.post("/users", json=body)
        assert user.status_code == 201, user.text
        world.ids["user_id" if caller == OWNER else "other_user_id"] = user.json()["id"]
    house = operator.post(f"/users/{world.ids['user_id']}/houses", json=_new_house(world))
    world.ids["house_id"] = house.json()["id"]
    world.ids["cups"], world.ids["energy"] = new_cups(), "electricity"
    steps = [
        ("PUT", "/houses/{house_id}/cups/electricity", {"cups": world.ids["cups"]}, None),
        ("PUT", "/houses/{house_id}/cups/gas", {"cups": new_cups(suffix="")}, None),
        ("POST", "/houses/{house_id}/electricity-contracts", CONTRACT, "contract_id"),
        ("POST", "/houses/{house_id}/electricity-invoices", INVOICE, "invoice_id"),
        ("POST", "/houses/{house_id}/gas-contracts", GAS_CONTRACT | {"end_date": "2024-12-31"}, "gas_contract_id"),
        ("POST", "/houses/{house_id}/gas-invoices", GAS_INVOICE, "gas_invoice_id"),
        ("PUT", "/houses/{house_id}/pv-installation", _pv(world), None),
        ("PUT", "/distributor-connections/matrix-0021", _connection(world), None),
        ("POST", "/imports", [{"kind": "gas_invoice"}], "import_id"),
        ("POST", "/energy-communities", _community(world), "community_id"),
    ]
    for method, path, body, key in steps:
        caller = MACHINE if path == "/imports" else OPERATOR
        answer = session.call(caller, method, path.format(**world.ids), json=body)
        assert answer.status_code < 300, (path, answer.text)
        if key:
            world.ids[key] = answer.json()["import_id" if key == "import_id" else "id"]
    world.ids["connection_id"] = "matrix-0021"
    # The owner is a Datadis account holder of the house's supply point (the stand-in's own admin route).
    supplies = [{"cups": world.ids["cups"], "validDateFrom": "2020/01/01"}]
    account = {"nif": nif, "name": "MATRIX", "supplies": supplies}
    added = requests.post(f"{datadis_url}/_admin/accounts", json=account, timeout=REQUEST_TIMEOUT_SECONDS)
    assert added.status_code in (200, 201), added.text
    return world


def _dni(number: int) -> str:
    return f"{number:08d}{'TRWAGMYFPDXBNJZSQVHLCKE'[number % 23]}"


def test_every_route_of_the_contract_has_an_entry() -> None:
    assert sorted(openapi_routes()) == sorted(ROUTES), "say in ROUTES who may call each route"


@pytest.mark.parametrize("route_key", list(ROUTES))
def test_each_caller_gets_the_contracts_answer(route_key: str, session: Session, world: World) -> None:
    route = ROUTES[route_key]
    method, template = route_key.split(" ", 1)
    path = world.path(template)
    # Refusals first: they must see the records as they are before a success changes them.
    for caller in sorted(CALLERS, key=lambda c: _is_success(route.answers[c])):
        if route.before_success and _is_success(route.answers[caller]):
            route.before_success(world, session)
        body = route.body(world) if route.body else None
        answer = session.call(caller, method, path, json=body, params=route.query or None)
        expected = route.answers[caller]
        allowed = expected if isinstance(expected, frozenset) else frozenset({expected})
        assert answer.status_code in allowed, (caller, answer.status_code, answer.text[:300])


@pytest.mark.parametrize("route_key", [key for key, route in ROUTES.items() if route.body])
def test_a_body_nested_too_deeply_is_a_400_problem_on_every_route(
    route_key: str, session: Session, world: World
) -> None:
    method, template = route_key.split(" ", 1)
    answer = session.call(
        OPERATOR, method, world.path(template), data=NESTED_BODY, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400, answer.text[:300]
    assert answer.headers["content-type"] == "application/problem+json"
    assert [error["field"] for error in answer.json()["errors"]] == ["body"]


def _is_success(expected: int | frozenset[int]) -> bool:
    return any(status < 300 for status in (expected if isinstance(expected, frozenset) else {expected}))
