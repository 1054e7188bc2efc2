"""PATCH /houses/{house_id}/{electricity,gas}-contracts/{contract_id} against moto: changing a stored contract
under the rules of a new one, the replaced versions kept as history, and racing writers."""

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from itertools import pairwise
from typing import Any

import pytest

from shared.billing.models.contracts import ElectricityContractBody
from tests.integration.conftest import Caller, FunctionsApi, Reply
from tests.integration.test_contracts import ELECTRICITY, GAS, listed, post
from tests.integration.test_set_cups import new_cups, put_cups

_serials = iter(range(1, 10**6))
OPEN = ELECTRICITY | {"end_date": None}


@pytest.fixture
def house(api: FunctionsApi, operator: Caller, create_user: Any) -> dict[str, Any]:
    """A house with an electricity and a gas CUPS of its own."""
    user = create_user()
    house = api.request(
        "POST", f"/users/{user.id}/houses", operator, json_body={"address": "Luna 4", "postal_code": "50001"}
    )
    assert put_cups(api, operator, house["id"], {"cups": new_cups("0047", next(_serials))}).status == 200
    reply = put_cups(api, operator, house["id"], {"cups": new_cups("0238", next(_serials), suffix="")}, "gas")
    return reply.body | {"owner": user}


def patch(
    api: FunctionsApi, caller: Caller, house_id: str, contract_id: str, changes: Any, kind: str = "electricity"
) -> Reply:
    return api.request("PATCH", f"/houses/{house_id}/{kind}-contracts/{contract_id}", caller, json_body=changes)


def replaced_versions(house_id: str, contract_id: str, kind: str = "electricity") -> list[Any]:
    """The history items of the contract, oldest replacement first."""
    from shared.billing.dal.documents import (  # noqa: PLC0415 - once the deployment set the table names
        ReplacedContractRecord,
        history_partition,
    )

    partition = history_partition(house_id, f"{kind}-contracts")
    return list(ReplacedContractRecord.query(partition, ReplacedContractRecord.id.startswith(f"{contract_id}#")))


def moment(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp)


def assert_no_overlap(contracts: list[dict[str, Any]]) -> None:
    by_start = sorted(contracts, key=lambda contract: contract["start_date"])
    for earlier, later in pairwise(by_start):
        assert earlier["end_date"] is not None and earlier["end_date"] < later["start_date"], (earlier, later)


# ---------------------------------------------------------------- changing a contract


def test_ending_an_open_contract_lets_the_next_retailer_s_be_stored(
    api: FunctionsApi, operator: Caller, house: dict[str, Any]
) -> None:
    old = post(api, operator, house["id"], OPEN).body
    new = OPEN | {"start_date": "2024-07-01", "retailer": "Holaluz", "contract_number": "H-9"}
    assert post(api, operator, house["id"], new).status == 409  # the open-ended one reaches every later day

    ended = patch(api, operator, house["id"], old["id"], {"end_date": "2024-06-30"})

    assert ended.status == 200, ended.body
    assert ended.function_id == "UpdateContractFunction"
    assert ended.body | {"updated_at": None} == old | {"end_date": "2024-06-30"}
    assert ended["updated_at"] is not None and ended["updated_at"] >= old["created_at"]
    got = api.request("GET", f"/houses/{house['id']}/electricity-contracts/{old['id']}", operator)
    assert got.body == ended.body
    stored = post(api, operator, house["id"], new)
    assert stored.status == 201, stored.body
    assert listed(api, operator, house["id"]) == [stored.body, ended.body]


def test_end_date_null_reopens_a_contract_and_gas_contracts_change_too(
    api: FunctionsApi, operator: Caller, house: dict[str, Any]
) -> None:
    contract = post(api, operator, house["id"], GAS | {"end_date": "2024-12-31"}, "gas").body
    reopened = patch(api, operator, house["id"], contract["id"], {"end_date": None, "tariff": "RL.2"}, "gas")
    assert reopened.status == 200, reopened.body
    assert (reopened["end_date"], reopened["tariff"], reopened["retailer"]) == (None, "RL.2", GAS["retailer"])
    assert listed(api, operator, house["id"], "gas") == [reopened.body]


def test_moving_a_contract_s_start_moves_it_in_the_listing(
    api: FunctionsApi, operator: Caller, house: dict[str, Any]
) -> None:
    first = post(api, operator, house["id"], ELECTRICITY).body  # 2024-01-01 to 2024-06-30
    later = post(api, operator, house["id"], ELECTRICITY | {"start_date": "2024-09-01", "end_date": None}).body
    # only itself is in force on the days it moves over: no conflict with its own stored version
    moved = patch(api, operator, house["id"], later["id"], {"start_date": "2023-01-01", "end_date": "2023-12-31"})
    assert moved.status == 200, moved.body
    assert [contract["id"] for contract in listed(api, operator, house["id"])] == [first["id"], later["id"]]


@pytest.mark.parametrize(
    "changes",
    [
        {"end_date": "2024-09-01"},  # runs into the later one
        {"start_date": "2024-08-01", "end_date": "2024-09-30"},  # inside it
        {"end_date": None},  # open-ended: reaches it
    ],
)
def test_a_change_overlapping_another_contract_is_409_naming_the_dates(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], changes: dict[str, Any]
) -> None:
    first = post(api, operator, house["id"], ELECTRICITY).body
    later = post(api, operator, house["id"], ELECTRICITY | {"start_date": "2024-09-01", "end_date": None}).body
    reply = patch(api, operator, house["id"], first["id"], changes)
    assert reply.status == 409
    assert reply.headers["content-type"] == "application/problem+json"
    assert [error["field"] for error in reply["errors"]] == ["start_date", "end_date"]
    assert later["id"] in reply["detail"]
    assert listed(api, operator, house["id"]) == [later, first]
    assert replaced_versions(house["id"], first["id"]) == []


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"end_date": "2023-12-31"}, ["end_date"]),
        ({"tariff": "3.0TD"}, [f"contracted_power_kw.P{n}" for n in range(2, 7)]),
        (
            {"contracted_power_kw": {"P1": 0, "P2": 3.45}, "power_control": "fuse"},
            ["contracted_power_kw.P1", "power_control"],
        ),
        ({"start_date": None, "retailer": ""}, ["retailer", "start_date"]),
        ({"colour": "red"}, ["colour"]),
    ],
)
def test_invalid_changes_are_422_naming_each_field_as_post_does(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], changes: dict[str, Any], fields: list[str]
) -> None:
    contract = post(api, operator, house["id"], ELECTRICITY).body
    reply = patch(api, operator, house["id"], contract["id"], changes)
    assert reply.status == 422, reply.body
    assert reply.headers["content-type"] == "application/problem+json"
    assert sorted(error["field"] for error in reply["errors"]) == fields
    assert post(api, operator, house["id"], ELECTRICITY | changes).status == 422  # what POST says of the same body
    assert listed(api, operator, house["id"]) == [contract]


def test_a_body_that_is_not_an_object_is_refused(api: FunctionsApi, operator: Caller, house: dict[str, Any]) -> None:
    contract = post(api, operator, house["id"], ELECTRICITY).body
    path = f"/houses/{house['id']}/electricity-contracts/{contract['id']}"
    assert api.request("PATCH", path, operator, raw_body="{not json").status == 400
    not_an_object = patch(api, operator, house["id"], contract["id"], ["end_date"])
    assert not_an_object.status == 422 and [e["field"] for e in not_an_object["errors"]] == ["body"]


def test_only_operators_change_contracts_and_unknown_ones_are_404(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], stranger: Caller
) -> None:
    contract = post(api, operator, house["id"], ELECTRICITY).body
    for caller in (house["owner"].caller, stranger):
        assert patch(api, caller, house["id"], contract["id"], {"end_date": "2024-03-31"}).status == 403
    assert patch(api, operator, str(uuid.uuid4()), contract["id"], {}).status == 404
    assert patch(api, operator, house["id"], str(uuid.uuid4()), {}).status == 404
    assert patch(api, operator, house["id"], contract["id"], {}, "gas").status == 404  # an electricity contract
    assert listed(api, operator, house["id"]) == [contract]


def test_a_change_that_changes_nothing_writes_nothing(
    api: FunctionsApi, operator: Caller, house: dict[str, Any]
) -> None:
    contract = post(api, operator, house["id"], ELECTRICITY).body
    for same in ({}, {"retailer": ELECTRICITY["retailer"], "contracted_power_kw": {"P1": "4.600", "P2": 3.45}}):
        reply = patch(api, operator, house["id"], contract["id"], same)
        assert reply.status == 200 and reply.body == contract
        assert reply["updated_at"] is None
    assert replaced_versions(house["id"], contract["id"]) == []


def test_every_change_keeps_the_version_it_replaced(api: FunctionsApi, operator: Caller, house: dict[str, Any]) -> None:
    contract = post(api, operator, house["id"], OPEN).body
    ended = patch(api, operator, house["id"], contract["id"], {"end_date": "2024-06-30"}).body
    renumbered = patch(api, operator, house["id"], contract["id"], {"contract_number": "C-2"}).body

    first, second = replaced_versions(house["id"], contract["id"])
    assert (first.first_day, first.last_day, first.updated_at) == ("2024-01-01", None, None)
    assert (second.last_day, moment(second.updated_at)) == ("2024-06-30", moment(ended["updated_at"]))
    assert [moment(version.replaced_at) for version in (first, second)] == [
        moment(ended["updated_at"]),
        moment(renumbered["updated_at"]),
    ]
    assert {version.replaced_by for version in (first, second)} == {f"operator:{operator.sub}"}
    assert (first.source, first.external_id, first.contract_id) == ("portal", None, contract["id"])
    assert [version.body for version in (first, second)] == [
        ElectricityContractBody.model_validate(OPEN).model_dump_json(),
        ElectricityContractBody.model_validate(OPEN | {"end_date": "2024-06-30"}).model_dump_json(),
    ]
    # the history stays out of the listings
    assert [listed_contract["id"] for listed_contract in listed(api, operator, house["id"])] == [contract["id"]]


# ---------------------------------------------------------------- racing writers
#
# Through the service the handlers call, not the handlers: Powertools keeps the current event on a class
# attribute, which handlers running at the same time in one process would share (in Lambda each invocation
# has an execution environment of its own).


@dataclass(frozen=True)
class ContractWrites:
    """The house's electricity-contract writes as its handlers make them, for an operator."""

    change: Callable[[str, dict[str, Any]], object]  # (contract id, changes) -> the changed contract
    add: Callable[[dict[str, Any]], object]  # body -> the new contract


@pytest.fixture
def writes(operator: Caller, house: dict[str, Any]) -> ContractWrites:
    from shared.billing.kinds import ELECTRICITY_CONTRACTS as KIND  # noqa: PLC0415
    from shared.billing.services import contracts  # noqa: PLC0415
    from shared.core.auth import Caller as ServiceCaller  # noqa: PLC0415 - once the deployment set the table names

    caller = ServiceCaller(operator.sub, frozenset(operator.groups))
    return ContractWrites(
        change=lambda contract_id, changes: contracts.update_contract(caller, house["id"], KIND, contract_id, changes),
        add=lambda body: contracts.create_contract(caller, house["id"], KIND, KIND.body.model_validate(body)),
    )


def _race(*writes: Callable[[], object]) -> list[object]:
    """Run the writes at the same moment, one thread each: what each returned, or the error it raised."""
    start = threading.Barrier(len(writes))
    outcomes: list[object] = []

    def run(write: Callable[[], object]) -> None:
        start.wait()
        try:
            outcomes.append(write())
        except Exception as error:  # a refusal is an outcome under test
            outcomes.append(error)

    threads = [threading.Thread(target=run, args=(write,)) for write in writes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _one_refused_for_overlap(outcomes: list[object]) -> None:
    from shared.core.errors import ConflictError  # noqa: PLC0415

    refused = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], ConflictError), outcomes
    assert [problem.field for problem in refused[0].problems] == ["start_date", "end_date"]


def test_a_change_racing_a_new_contract_into_the_same_days_stores_one_of_them(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], writes: ContractWrites
) -> None:
    for year in (2010, 2012, 2014, 2016):
        spring = post(
            api, operator, house["id"], ELECTRICITY | {"start_date": f"{year}-01-01", "end_date": f"{year}-03-31"}
        )
        # each alone is fine; together the changed contract and the new one would overlap in the summer
        outcomes = _race(
            partial(writes.change, spring["id"], {"end_date": f"{year}-08-31"}),
            partial(writes.add, ELECTRICITY | {"start_date": f"{year}-06-01", "end_date": f"{year}-12-31"}),
        )
        _one_refused_for_overlap(outcomes)
    assert_no_overlap(listed(api, operator, house["id"]))


def test_changes_racing_on_two_contracts_never_make_them_overlap(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], writes: ContractWrites
) -> None:
    winter = post(api, operator, house["id"], ELECTRICITY | {"start_date": "2024-01-01", "end_date": "2024-03-31"})
    summer = post(api, operator, house["id"], ELECTRICITY | {"start_date": "2024-07-01", "end_date": "2024-09-30"})
    outcomes = _race(
        partial(writes.change, winter["id"], {"end_date": "2024-05-31"}),
        partial(writes.change, summer["id"], {"start_date": "2024-05-01"}),
    )
    _one_refused_for_overlap(outcomes)
    assert_no_overlap(listed(api, operator, house["id"]))


def test_changes_racing_on_one_contract_both_apply(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], writes: ContractWrites
) -> None:
    """The loser decides again on what the winner stored: neither change is lost."""
    contract = post(api, operator, house["id"], OPEN).body
    outcomes = _race(
        partial(writes.change, contract["id"], {"end_date": "2024-06-30"}),
        partial(writes.change, contract["id"], {"contract_number": "C-2"}),
    )
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    [stored] = listed(api, operator, house["id"])
    assert (stored["end_date"], stored["contract_number"]) == ("2024-06-30", "C-2")
    assert len(replaced_versions(house["id"], contract["id"])) == 2
