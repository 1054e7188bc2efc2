"""The energy communities' functions: a community on a CAU (operators only, one per CAU), coefficient sets and their
rules, the House's `energy_community`, the distributor's file byte for byte, the community's installation read by
the PV poll, each member's share in its consumption (adding up to the generation every hour) and the allocation
report, where a B5D figure shows as the distributor's share."""

from datetime import date, datetime, timedelta
from itertools import count
from typing import Any

import pytest

from local.deployment import Deployment
from local.solaredge import SolarEdgeStandIn, StandInSite, hour_energy_wh
from tests.integration.conftest import Caller, FunctionsApi, Reply
from tests.integration.test_pv_installation import new_cups, read_all

_serials = count(900_000)


@pytest.fixture
def new_house(api: FunctionsApi, operator: Caller, create_user: Any) -> Any:
    """A house (with an electricity CUPS unless told otherwise), and its owner."""

    def create(*, with_cups: bool = True) -> dict[str, Any]:
        serial = next(_serials)
        user = create_user()
        address = {"address": f"Calle Comunidad {serial}", "postal_code": "28001"}
        house = api.request("POST", f"/users/{user.id}/houses", operator, json_body=address).body
        cups = new_cups(serial)
        if with_cups:
            reply = api.request("PUT", f"/houses/{house['id']}/cups/electricity", operator, json_body={"cups": cups})
            assert reply.status == 200, reply.body
        return house | {"owner": user.caller, "cups": cups}

    return create


def new_cau() -> str:
    return f"{new_cups(next(_serials))}A001"


def create_community(api: FunctionsApi, operator: Caller, **fields: Any) -> Reply:
    body = {"name": "Comunidad Solar Barrio", "cau": new_cau(), "peak_power_kwp": 30} | fields
    return api.request("POST", "/energy-communities", operator, json_body=body)


def post_set(api: FunctionsApi, operator: Caller, community_id: str, valid_from: date, coefficients: Any) -> Reply:
    body = {"valid_from": valid_from.isoformat(), "coefficients": coefficients}
    return api.request("POST", f"/energy-communities/{community_id}/coefficient-sets", operator, json_body=body)


def fields_of(reply: Reply) -> list[str]:
    return [error["field"] for error in reply["errors"]]


# ---------------------------------------------------------------- communities and sets


def test_operators_create_communities_one_per_cau(api: FunctionsApi, operator: Caller, create_user: Any) -> None:
    cau = new_cau()
    created = create_community(api, operator, cau=cau.lower())

    assert created.status == 201, created.body
    assert (created["cau"], created["members"], created["monitoring"]) == (cau, [], None)
    assert api.request("GET", f"/energy-communities/{created['id']}", operator)["name"] == "Comunidad Solar Barrio"
    taken = create_community(api, operator, cau=cau)
    assert (taken.status, fields_of(taken)) == (409, ["cau"])
    assert created["id"] in taken["detail"]
    invalid = create_community(api, operator, cau=cau[:-1] + "X")
    assert (invalid.status, fields_of(invalid)) == (422, ["cau"])
    user = create_user().caller
    assert create_community(api, user).status == 403
    assert api.request("GET", f"/energy-communities/{created['id']}", user).status == 403
    assert api.request("GET", "/energy-communities/nope", operator).status == 404
    listed, cursor = [], None
    while True:
        page = api.request(
            "GET", "/energy-communities", operator, query={"limit": "200"} | ({"cursor": cursor} if cursor else {})
        )
        listed += [item["id"] for item in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert created["id"] in listed


def test_a_set_gives_members_their_coefficients_and_the_distributor_file(
    api: FunctionsApi, operator: Caller, new_house: Any
) -> None:
    community = create_community(api, operator).body
    houses = [new_house() for _ in range(3)]
    today = date.today()
    first = {houses[0]["id"]: "0.5", houses[1]["id"]: "0.3", houses[2]["id"]: "0.2"}

    created = post_set(api, operator, community["id"], today - timedelta(days=10), first)

    assert created.status == 201, created.body
    assert created["coefficients"] == {house_id: f"{value}00000" for house_id, value in first.items()}
    shown = api.request("GET", f"/houses/{houses[0]['id']}", houses[0]["owner"])
    assert shown["energy_community"] == {"id": community["id"], "name": community["name"], "coefficient": "0.500000"}
    members = api.request("GET", f"/energy-communities/{community['id']}", operator)["members"]
    assert [member["cups"] for member in members] == sorted(house["cups"] for house in houses)
    reply = api.request(
        "GET", f"/energy-communities/{community['id']}/distributor-file", operator, query={"day": today.isoformat()}
    )
    assert reply.status == 200
    assert reply.headers["content-disposition"] == f'attachment; filename="{community["cau"]}_{today.year}.txt"'
    expected = sorted(
        f"{house['cups']};0,{value[2:]}00000\n" for house, value in zip(houses, first.values(), strict=True)
    )
    assert reply.body == "".join(expected)
    again = api.request(
        "GET", f"/energy-communities/{community['id']}/distributor-file", operator, query={"day": today.isoformat()}
    )
    assert again.body == reply.body

    later = {houses[0]["id"]: "0.333334", houses[1]["id"]: "0.333333", houses[2]["id"]: "0.333333"}
    assert post_set(api, operator, community["id"], today + timedelta(days=5), later).status == 201
    sets = api.request("GET", f"/energy-communities/{community['id']}/coefficient-sets", operator)["items"]
    assert [item["valid_from"] for item in sets] == [
        (today + timedelta(days=5)).isoformat(),
        (today - timedelta(days=10)).isoformat(),
    ]
    assert api.request("GET", f"/houses/{houses[0]['id']}", operator)["energy_community"]["coefficient"] == "0.500000"
    future = api.request(
        "GET",
        f"/energy-communities/{community['id']}/distributor-file",
        operator,
        query={"day": (today + timedelta(days=6)).isoformat()},
    )
    assert sorted(future.body.splitlines()) == sorted(
        f"{house['cups']};0,{value[2:]}" for house, value in zip(houses, later.values(), strict=True)
    )
    before = api.request(
        "GET",
        f"/energy-communities/{community['id']}/distributor-file",
        operator,
        query={"day": (today - timedelta(days=11)).isoformat()},
    )
    assert before.status == 404


def test_coefficient_rules_name_the_field(api: FunctionsApi, operator: Caller, new_house: Any) -> None:
    community = create_community(api, operator).body
    one, two, bare = new_house(), new_house(), new_house(with_cups=False)
    day = date(2025, 1, 1)

    not_one = post_set(api, operator, community["id"], day, {one["id"]: "0.5", two["id"]: "0.4"})
    assert (not_one.status, fields_of(not_one)) == (422, ["coefficients"])
    scale = post_set(api, operator, community["id"], day, {one["id"]: "0.5000001", two["id"]: "0.4999999"})
    assert (scale.status, sorted(fields_of(scale))) == (
        422,
        sorted([f"coefficients.{one['id']}", f"coefficients.{two['id']}"]),
    )
    zero = post_set(api, operator, community["id"], day, {one["id"]: "1", two["id"]: "0"})
    assert fields_of(zero) == [f"coefficients.{two['id']}"]
    no_cups = post_set(api, operator, community["id"], day, {one["id"]: "0.5", bare["id"]: "0.5"})
    assert (no_cups.status, fields_of(no_cups)) == (422, [f"coefficients.{bare['id']}"])
    unknown = post_set(api, operator, community["id"], day, {one["id"]: "0.5", "no-such-house": "0.5"})
    assert (unknown.status, fields_of(unknown)) == (422, ["coefficients.no-such-house"])
    assert post_set(api, operator, "no-such-community", day, {one["id"]: "1"}).status == 404

    body = {one["id"]: "0.6", two["id"]: "0.4"}
    assert post_set(api, operator, community["id"], day, body).status == 201
    assert post_set(api, operator, community["id"], day, body).status == 201  # the same set again: nothing new
    other = post_set(api, operator, community["id"], day, {one["id"]: "0.4", two["id"]: "0.6"})
    assert (other.status, fields_of(other)) == (409, ["valid_from"])
    assert len(api.request("GET", f"/energy-communities/{community['id']}/coefficient-sets", operator)["items"]) == 1


def test_a_house_is_in_one_community_s_set_on_any_day(api: FunctionsApi, operator: Caller, new_house: Any) -> None:
    first, second = create_community(api, operator).body, create_community(api, operator).body
    shared, alone = new_house(), new_house()
    assert post_set(api, operator, first["id"], date(2025, 1, 1), {shared["id"]: "1"}).status == 201

    clash = post_set(api, operator, second["id"], date(2025, 6, 1), {shared["id"]: "0.5", alone["id"]: "0.5"})
    assert (clash.status, fields_of(clash)) == (409, [f"coefficients.{shared['id']}"])
    # once the first community's set from 2025-03-01 leaves the house out, it may join the second from then on
    assert post_set(api, operator, first["id"], date(2025, 3, 1), {new_house()["id"]: "1"}).status == 201
    joined = post_set(api, operator, second["id"], date(2025, 6, 1), {shared["id"]: "0.5", alone["id"]: "0.5"})
    assert joined.status == 201, joined.body
    assert api.request("GET", f"/houses/{shared['id']}", operator)["energy_community"]["id"] == second["id"]
    early = post_set(api, operator, second["id"], date(2025, 2, 1), {shared["id"]: "1"})
    assert (early.status, fields_of(early)) == (409, [f"coefficients.{shared['id']}"])


# ---------------------------------------------------------------- each member's share


@pytest.fixture
def community_site(solaredge: SolarEdgeStandIn) -> StandInSite:
    serial = next(_serials)
    site = StandInSite(f"community-{serial}", f"KEY-{serial}-COMMUNITY", 30.0, date.today() - timedelta(days=40))
    solaredge.add_site(site)
    return site


def test_members_shares_add_up_to_the_generation_and_b5d_is_the_distributor_s(
    api: FunctionsApi, operator: Caller, deployment: Deployment, new_house: Any, community_site: StandInSite
) -> None:
    from shared.metering.dal import metering  # noqa: PLC0415 - once the deployment set the table names
    from shared.metering.hour_groups import HourValues, SupplyPointMonth  # noqa: PLC0415
    from shared.metering.hour_labels import MADRID  # noqa: PLC0415
    from shared.metering.readings import Quality, Source  # noqa: PLC0415

    monitoring = {"provider": "solaredge", "site_id": community_site.site_id, "api_key": community_site.api_key}
    community = create_community(api, operator, monitoring=monitoring).body
    assert community_site.api_key not in str(community)
    houses = [new_house() for _ in range(3)]
    day = date.today() - timedelta(days=20)
    change = day + timedelta(days=1)
    betas = ["0.5", "0.3", "0.2"]
    assert (
        post_set(api, operator, community["id"], day, dict(zip([h["id"] for h in houses], betas, strict=True))).status
        == 201
    )
    assert (
        post_set(api, operator, community["id"], change, {houses[0]["id"]: "0.7", houses[1]["id"]: "0.3"}).status == 201
    )

    read_all(api, deployment)

    assert api.request("GET", f"/energy-communities/{community['id']}", operator)["last_poll"]["error"] is None
    span = {"from": day.isoformat(), "to": (day + timedelta(days=2)).isoformat(), "granularity": "hour"}
    shown = [api.request("GET", f"/houses/{house['id']}/consumption", operator, query=span).body for house in houses]
    midnight = int(datetime(day.year, day.month, day.day, tzinfo=MADRID).timestamp())
    hours = len(shown[0]["points"])
    produced = [round(hour_energy_wh(community_site, midnight + 3600 * hour)) for hour in range(hours)]
    assert sum(produced) > 0
    for hour in range(hours):
        shares = [report["points"][hour]["community_kwh"] for report in shown]
        on_day_one = hour < 24
        if not on_day_one:
            assert shares[2] is None  # the third house left the community on the second day
        assert round(sum(share or 0 for share in shares) * 1000) == produced[hour]
    assert {point["community_source"] for point in shown[0]["points"]} == {"computed"}
    assert shown[2]["totals"]["community_kwh"] == sum(
        report["community_kwh"] for report in shown[2]["points"] if report["community_kwh"] is not None
    )

    allocation = api.request(
        "GET",
        f"/energy-communities/{community['id']}/allocation",
        operator,
        query={"from": day.isoformat(), "to": (day + timedelta(days=2)).isoformat()},
    )
    assert allocation.status == 200, allocation.body
    computed = {member["house_id"]: member["computed_kwh"] for member in allocation["members"]}
    assert round(sum(computed.values()) * 1000) == sum(produced) == round(allocation["generation_kwh"] * 1000)
    assert all(member["distributor_kwh"] is None for member in allocation["members"])

    # the distributor's B5D for the first house on the first day's noon hour: 1 Wh more than computed
    noon = midnight + 12 * 3600
    first_share = round(shown[0]["points"][12]["community_kwh"] * 1000)
    b5d = metering.MeteringFileVersion(Source.B5D, day.strftime("%Y%m%d"), 0, f"b5d-{houses[0]['cups']}", "2025-01-01")
    stored = [HourValues(noon, 0, first_share + 1, Quality.REAL)]
    metering.save_hours(b5d, 0, [SupplyPointMonth(houses[0]["cups"][:20], metering.month_of(noon), stored)])

    reported = api.request("GET", f"/houses/{houses[0]['id']}/consumption", operator, query=span)
    assert (reported["points"][12]["community_kwh"], reported["points"][12]["community_source"]) == (
        (first_share + 1) / 1000,
        "B5D",
    )
    daily = api.request("GET", f"/houses/{houses[0]['id']}/consumption", operator, query=span | {"granularity": "day"})
    assert daily["points"][0]["community_source"] == "mixed"
    after = api.request(
        "GET",
        f"/energy-communities/{community['id']}/allocation",
        operator,
        query={"from": day.isoformat(), "to": (day + timedelta(days=2)).isoformat()},
    )
    member = next(member for member in after["members"] if member["house_id"] == houses[0]["id"])
    assert (member["distributor_kwh"], member["hours_reported"], member["difference_kwh"]) == (
        (first_share + 1) / 1000,
        1,
        0.001,
    )
    bad_range = api.request(
        "GET",
        f"/energy-communities/{community['id']}/allocation",
        operator,
        query={"from": "2025-02-01", "to": "2025-01-01"},
    )
    assert (bad_range.status, fields_of(bad_range)) == (422, ["to"])
