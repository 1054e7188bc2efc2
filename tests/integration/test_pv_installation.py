"""The PV installation's functions against the SolarEdge stand-in: the routes (operators and the owner; another user
404; field errors; the key never shown), the House showing the installation, and the daily read of production into
the generation store, a bad key and the provider's daily limit showing in last_poll.error."""

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest
from stdnum.es import cups as stdnum_cups

from local.deployment import Deployment
from local.events import scheduled_event, sqs_event, sqs_record
from local.solaredge import SolarEdgeStandIn, StandInSite
from tests.integration.conftest import REGION, Caller, FunctionsApi, Reply

_serials = iter(range(800_000, 900_000))


def new_cups(serial: int) -> str:
    digits = f"0027{serial:012d}"
    return f"ES{digits}{stdnum_cups.calc_check_digits('ES' + digits)}0F"


@pytest.fixture
def house(api: FunctionsApi, operator: Caller, create_user: Any) -> dict[str, Any]:
    """A house with an electricity CUPS, and its owner."""
    serial = next(_serials)
    user = create_user()
    address = {"address": f"Calle Sol {serial}", "postal_code": "28001"}
    house = api.request("POST", f"/users/{user.id}/houses", operator, json_body=address).body
    cups = new_cups(serial)
    assert (
        api.request("PUT", f"/houses/{house['id']}/cups/electricity", operator, json_body={"cups": cups}).status == 200
    )
    return house | {"owner": user.caller, "cups": cups, "serial": serial}


@pytest.fixture
def site(solaredge: SolarEdgeStandIn, house: dict[str, Any]) -> StandInSite:
    installed = datetime.now(UTC).date() - timedelta(days=70)
    added = StandInSite(f"site-{house['serial']}", f"KEY-{house['serial']}-SECRET", 4.2, installed)
    solaredge.add_site(added)
    return added


def put(api: FunctionsApi, caller: Caller, house: dict[str, Any], body: dict[str, Any]) -> Reply:
    return api.request("PUT", f"/houses/{house['id']}/pv-installation", caller, json_body=body)


def monitored(site: StandInSite, **settings: Any) -> dict[str, Any]:
    monitoring = {"provider": "solaredge", "site_id": site.site_id, "api_key": site.api_key}
    return {
        "peak_power_kwp": site.peak_kwp,
        "installed_on": site.installed_on.isoformat(),
        "monitoring": monitoring,
    } | settings


# ---------------------------------------------------------------- the routes


def test_operator_links_an_installation_and_the_house_shows_it(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], site: StandInSite
) -> None:
    cau = f"{house['cups']}A001"
    created = put(api, operator, house, monitored(site, cau=cau.lower(), self_consumption_code="41"))

    assert created.status == 201, created.body
    assert (created["peak_power_kwp"], created["cau"], created["self_consumption_code"]) == (4.2, cau, "41")
    assert created["monitoring"] == {"provider": "solaredge", "site_id": site.site_id}
    assert created["last_poll"] is None
    assert site.api_key not in json.dumps(created.body)
    shown = api.request("GET", f"/houses/{house['id']}", house["owner"])
    assert shown["pv_installation"]["monitoring"] == {"provider": "solaredge", "site_id": site.site_id}
    assert put(api, house["owner"], house, monitored(site, peak_power_kwp=5)).status == 200  # the owner replaces it
    assert api.request("GET", f"/houses/{house['id']}/pv-installation", operator)["peak_power_kwp"] == 5


def test_another_user_gets_404(api: FunctionsApi, house: dict[str, Any], site: StandInSite, create_user: Any) -> None:
    other = create_user().caller
    path = f"/houses/{house['id']}/pv-installation"

    assert put(api, other, house, monitored(site)).status == 404
    assert api.request("GET", path, other).status == 404
    assert api.request("DELETE", path, other).status == 404


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"peak_power_kwp": 0}, ["peak_power_kwp"]),
        ({"peak_power_kwp": 10_001}, ["peak_power_kwp"]),
        ({"installed_on": (date.today() + timedelta(days=2)).isoformat()}, ["installed_on"]),
        ({"self_consumption_code": "99"}, ["self_consumption_code"]),
        ({"cau": "ES0021000012345678LB0FA00"}, ["cau"]),  # 25 characters
        ({"cau": "ES0021000012345678LB0FB001"}, ["cau"]),  # B, not A
        ({"monitoring": {"provider": "fronius", "site_id": "1", "api_key": "k"}}, ["monitoring.provider"]),
    ],
)
def test_field_errors_name_the_field(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], site: StandInSite, changes: Any, fields: list[str]
) -> None:
    refused = put(api, operator, house, monitored(site) | changes)

    assert refused.status == 422, refused.body
    assert sorted({error["field"] for error in refused["errors"]}) == fields


def test_the_cau_names_the_house_s_cups_unless_the_modality_is_collective(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], site: StandInSite
) -> None:
    elsewhere = f"{new_cups(next(_serials))}A001"

    individual = put(api, operator, house, monitored(site, cau=elsewhere, self_consumption_code="41"))
    assert individual.status == 422
    assert [error["field"] for error in individual["errors"]] == ["cau"]
    assert put(api, operator, house, monitored(site, cau=elsewhere, self_consumption_code="42")).status == 201


def test_deleting_removes_it_from_the_house(
    api: FunctionsApi, operator: Caller, house: dict[str, Any], site: StandInSite
) -> None:
    put(api, operator, house, monitored(site))

    assert api.request("DELETE", f"/houses/{house['id']}/pv-installation", house["owner"]).status == 204
    assert api.request("GET", f"/houses/{house['id']}/pv-installation", operator).status == 404
    assert api.request("GET", f"/houses/{house['id']}", operator)["pv_installation"] is None
    assert api.request("DELETE", f"/houses/{house['id']}/pv-installation", operator).status == 404


# ---------------------------------------------------------------- reading production


def read_all(api: FunctionsApi, deployment: Deployment) -> list[str]:
    """The daily poll, then the reader on every queued installation; the houses read."""
    api.runtimes["PvPollerFunction"].invoke(
        scheduled_event("arn:aws:events:eu-west-1:123456789012:rule/pv", region=REGION)
    )
    sqs = boto3.client("sqs", region_name=REGION)
    url = str(deployment.ref("PvReadQueue"))
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    houses = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"]).get(
        "Messages", []
    ):
        for message in batch:
            event = sqs_event([sqs_record(message, queue_arn=arn, region=REGION)])
            assert api.runtimes["ReadPvProductionFunction"].invoke(event) == {"batchItemFailures": []}
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            houses.append(json.loads(message["Body"])["house_id"])
    return houses


def generation(house_id: str, first: date, days: int) -> list[int | None]:
    from shared.metering.hour_labels import MADRID  # noqa: PLC0415 - once the deployment set the table names
    from shared.pv.dal.generation import hourly_generation  # noqa: PLC0415

    start = int(datetime(first.year, first.month, first.day, tzinfo=MADRID).timestamp())
    produced = hourly_generation(house_id, start, start + days * 86_400)
    return [
        None if quality is None else wh for wh, quality in zip(produced.consumption_wh, produced.quality, strict=True)
    ]


def test_the_daily_read_stores_production_since_installation(
    api: FunctionsApi,
    operator: Caller,
    deployment: Deployment,
    house: dict[str, Any],
    site: StandInSite,
    solaredge: SolarEdgeStandIn,
) -> None:
    put(api, operator, house, monitored(site))
    before = solaredge.usage()["sites"].get(site.site_id, 0)

    assert house["id"] in read_all(api, deployment)

    state = api.request("GET", f"/houses/{house['id']}/pv-installation", operator)
    months = (site.installed_on.year * 12 + site.installed_on.month, date.today().year * 12 + date.today().month)
    assert solaredge.usage()["sites"][site.site_id] - before == months[1] - months[0] + 1  # a request a month
    assert state["last_poll"]["error"] is None and state["last_poll"]["hours_stored"] > 24 * 60
    day = site.installed_on + timedelta(days=10)
    produced = generation(house["id"], day, 1)
    assert None not in produced and len(produced) == 24
    assert max(produced) > 0 and min(produced) == 0  # the night


def test_a_bad_key_shows_in_last_poll_and_stores_nothing(
    api: FunctionsApi, operator: Caller, deployment: Deployment, house: dict[str, Any], site: StandInSite
) -> None:
    put(
        api,
        operator,
        house,
        monitored(site) | {"monitoring": {"provider": "solaredge", "site_id": site.site_id, "api_key": "WRONG"}},
    )

    read_all(api, deployment)

    last_poll = api.request("GET", f"/houses/{house['id']}/pv-installation", operator)["last_poll"]
    assert last_poll["hours_stored"] == 0 and last_poll["error"]
    assert "WRONG" not in last_poll["error"]
    assert set(generation(house["id"], site.installed_on, 30)) == {None}


def test_the_provider_s_daily_limit_shows_in_last_poll(
    api: FunctionsApi,
    operator: Caller,
    deployment: Deployment,
    house: dict[str, Any],
    site: StandInSite,
    solaredge: SolarEdgeStandIn,
) -> None:
    put(api, operator, house, monitored(site))
    limit = solaredge.daily_limit
    solaredge.daily_limit = 0
    try:
        read_all(api, deployment)
    finally:
        solaredge.daily_limit = limit

    last_poll = api.request("GET", f"/houses/{house['id']}/pv-installation", operator)["last_poll"]
    assert last_poll["hours_stored"] == 0
    assert "429" in last_poll["error"] and "daily requests are spent" in last_poll["error"]


def test_consumption_shows_generation_and_self_consumption(
    api: FunctionsApi, operator: Caller, deployment: Deployment, house: dict[str, Any], site: StandInSite
) -> None:
    from local.solaredge import hour_energy_wh  # noqa: PLC0415
    from shared.metering.dal import metering  # noqa: PLC0415 - once the deployment set the table names
    from shared.metering.hour_groups import HourValues, SupplyPointMonth  # noqa: PLC0415
    from shared.metering.hour_labels import MADRID  # noqa: PLC0415
    from shared.metering.readings import Quality, Source  # noqa: PLC0415

    put(api, operator, house, monitored(site))
    read_all(api, deployment)
    day = site.installed_on + timedelta(days=20)
    midnight = int(datetime(day.year, day.month, day.day, tzinfo=MADRID).timestamp())
    surplus = {hour: 250 if 10 <= hour < 16 else 0 for hour in range(24)}
    stored = [HourValues(midnight + 3600 * hour, 400, surplus[hour], Quality.REAL) for hour in range(24)]
    f5d = metering.MeteringFileVersion(Source.F5D, day.strftime("%Y%m%d"), 0, f"f5d-{house['cups']}", "2024-01-01")
    metering.save_hours(f5d, 0, [SupplyPointMonth(house["cups"][:20], metering.month_of(midnight), stored)])

    reply = api.request(
        "GET",
        f"/houses/{house['id']}/consumption",
        house["owner"],
        query={"from": day.isoformat(), "to": (day + timedelta(days=1)).isoformat(), "granularity": "hour"},
    )

    assert reply.status == 200, reply.body
    produced = [round(hour_energy_wh(site, midnight + 3600 * hour)) for hour in range(24)]
    points = reply["points"]
    assert [point["generation_kwh"] for point in points] == [wh / 1000 for wh in produced]
    assert [point["self_consumption_kwh"] for point in points] == [
        max(wh - surplus[hour], 0) / 1000 for hour, wh in enumerate(produced)
    ]
    assert reply["totals"]["generation_kwh"] == sum(produced) / 1000
    by_day = api.request(
        "GET",
        f"/houses/{house['id']}/consumption",
        operator,
        query={"from": day.isoformat(), "to": (day + timedelta(days=1)).isoformat(), "granularity": "day"},
    )
    assert by_day["points"][0]["generation_kwh"] == sum(produced) / 1000
