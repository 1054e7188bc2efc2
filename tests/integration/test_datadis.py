"""The Datadis connection's functions against the Datadis stand-in: the four routes (only the user changes it, the
operator reads it), the daily re-check with one authorisation list, and the reader storing consumption under source
`datadis` below the distributor files."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest
from stdnum.es import cups as stdnum_cups

from local.datadis import DatadisStandIn, StandInAccount, StandInSupply
from local.deployment import Deployment
from local.events import scheduled_event, sqs_event, sqs_record
from shared.datadis.clients.datadis_api import DatadisApi
from shared.datadis.models import MADRID
from tests.integration.conftest import REGION, Caller, FunctionsApi, Reply

_serials = iter(range(700_000, 800_000))
_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def new_cups(serial: int) -> str:
    digits = f"0026{serial:012d}"
    return f"ES{digits}{stdnum_cups.calc_check_digits('ES' + digits)}0F"


def new_nif(serial: int) -> str:
    number = 40_000_000 + serial
    return f"{number}{_DNI_LETTERS[number % 23]}"


@dataclass(frozen=True)
class Holder:
    user: Caller
    house_id: str
    nif: str
    cups: str


@pytest.fixture
def holder(api: FunctionsApi, operator: Caller, create_user: Any, datadis: DatadisStandIn) -> Holder:
    """A user with a NIF and a house with an electricity CUPS, both known to Datadis (with two years of data)."""
    serial = next(_serials)
    nif, cups = new_nif(serial), new_cups(serial)
    user = create_user(nif=nif)
    house = api.request(
        "POST",
        f"/users/{user.id}/houses",
        operator,
        json_body={"address": f"Calle Datadis {serial}", "postal_code": "28001"},
    )
    assert (
        api.request("PUT", f"/houses/{house['id']}/cups/electricity", operator, json_body={"cups": cups}).status == 200
    )
    datadis.add_account(StandInAccount(nif, "HOLDER", (StandInSupply(cups, valid_date_from=date(2020, 1, 1)),)))
    return Holder(user.caller, house["id"], nif, cups)


def connect(api: FunctionsApi, holder: Holder, body: dict[str, Any] | None = None) -> Reply:
    return api.request("POST", f"/houses/{holder.house_id}/datadis", holder.user, json_body=body or {})


def callback(api: FunctionsApi, holder: Holder, caller: Caller | None = None) -> Reply:
    return api.request("POST", f"/houses/{holder.house_id}/datadis/callback", caller or holder.user)


def request_id(datadis: DatadisStandIn, holder: Holder) -> int:
    return max(int(entry["requestId"]) for entry in datadis.authorizations() if entry["ownerDocument"] == holder.nif)


@pytest.fixture
def connected(api: FunctionsApi, holder: Holder, datadis: DatadisStandIn) -> Holder:
    assert connect(api, holder).status == 202
    datadis.accept(request_id(datadis, holder))
    assert callback(api, holder)["status"] == "CONNECTED"
    return holder


# ---------------------------------------------------------------- asking and confirming


def test_the_user_asks_and_the_callback_confirms_from_datadis_own_list(
    api: FunctionsApi, holder: Holder, datadis: DatadisStandIn
) -> None:
    asked = connect(api, holder)

    assert asked.status == 202, asked.body
    assert (asked["status"], asked["nif"], asked["cups"]) == ("PENDING", holder.nif, holder.cups)
    assert asked["notice"].startswith("Accept our request")
    assert callback(api, holder)["status"] == "PENDING"  # the holder has not answered in Datadis yet

    datadis.accept(request_id(datadis, holder))
    confirmed = callback(api, holder)

    assert confirmed.status == 200, confirmed.body
    assert confirmed["status"] == "CONNECTED"
    today = datetime.now(MADRID).date()
    until = datetime.fromisoformat(confirmed["authorized_until"]).astimezone(MADRID).date()
    assert (until.year - today.year, until.month, until.day) == (2, today.month, today.day)
    assert [change["status"] for change in confirmed["history"]] == ["PENDING", "CONNECTED"]


def test_the_request_names_the_holder_s_nif_and_cups_for_two_years(
    api: FunctionsApi, holder: Holder, datadis: DatadisStandIn
) -> None:
    assert connect(api, holder).status == 202

    [entry] = [entry for entry in datadis.authorizations() if entry["ownerDocument"] == holder.nif]
    start, end = (datetime.fromisoformat(entry[name]).date() for name in ("validityDateStart", "validityDateEnd"))
    assert (entry["cups"], entry["status"]["id"]) == (holder.cups, 1)
    assert (end.year - start.year, end.month, end.day) == (2, start.month, start.day)


def test_a_rejected_request_and_a_new_one_the_newest_decides(
    api: FunctionsApi, holder: Holder, datadis: DatadisStandIn
) -> None:
    connect(api, holder)
    datadis.reject(request_id(datadis, holder))
    assert callback(api, holder)["status"] == "REJECTED"

    assert connect(api, holder)["status"] == "PENDING"  # asked again after the rejection
    datadis.accept(request_id(datadis, holder))

    assert callback(api, holder)["status"] == "CONNECTED"


def test_datadis_refusing_the_nif_or_its_supplies_is_recorded(
    api: FunctionsApi, holder: Holder, datadis: DatadisStandIn
) -> None:
    unknown = connect(api, holder, {"nif": new_nif(next(_serials))})
    assert (unknown.status, unknown["status"]) == (202, "NOT_REGISTERED")
    assert callback(api, holder).status == 409  # nothing Datadis can confirm

    datadis.add_account(StandInAccount(holder.nif, "HOLDER WITHOUT SUPPLIES"))
    no_supplies = connect(api, holder)
    assert (no_supplies.status, no_supplies["status"]) == (202, "NO_SUPPLIES")
    assert [change["status"] for change in no_supplies["history"]] == ["NOT_REGISTERED", "NO_SUPPLIES"]


def test_datadis_down_or_refusing_our_account_is_503_and_records_nothing(
    api: FunctionsApi, holder: Holder, datadis: DatadisStandIn
) -> None:
    datadis.requests_allowed = False
    try:
        refused = connect(api, holder)
    finally:
        datadis.requests_allowed = True

    assert refused.status == 503
    assert refused.headers["content-type"] == "application/problem+json"
    assert int(refused.headers["retry-after"]) > 0
    assert api.request("GET", f"/houses/{holder.house_id}/datadis", holder.user)["status"] == "NOT_REQUESTED"


def test_an_expired_authorisation_is_expired(api: FunctionsApi, connected: Holder, datadis: DatadisStandIn) -> None:
    datadis.expire(request_id(datadis, connected))

    assert callback(api, connected)["status"] == "EXPIRED"


def test_asking_again_while_pending_or_connected_is_409(api: FunctionsApi, connected: Holder) -> None:
    again = connect(api, connected)

    assert again.status == 409
    assert [error["field"] for error in again["errors"]] == ["status"]


def test_a_house_without_cups_or_a_user_without_nif_is_422_naming_the_field(
    api: FunctionsApi, operator: Caller, create_user: Any
) -> None:
    user = create_user()
    house = api.request(
        "POST", f"/users/{user.id}/houses", operator, json_body={"address": "Calle Sin 1", "postal_code": "28001"}
    )
    asked = api.request("POST", f"/houses/{house['id']}/datadis", user.caller, json_body={})

    assert asked.status == 422
    assert [error["field"] for error in asked["errors"]] == ["nif"]
    invalid = api.request(
        "POST", f"/houses/{house['id']}/datadis", user.caller, json_body={"nif": "12345678A", "cups": "ES00"}
    )
    assert invalid.status == 422
    assert {error["field"] for error in invalid["errors"]} == {"nif"}


# ---------------------------------------------------------------- who may do what


def test_operators_read_but_never_change(api: FunctionsApi, operator: Caller, holder: Holder) -> None:
    path = f"/houses/{holder.house_id}/datadis"

    assert api.request("GET", path, operator)["status"] == "NOT_REQUESTED"
    for method, route in (("POST", path), ("POST", f"{path}/callback"), ("DELETE", path)):
        assert api.request(method, route, operator, json_body={} if route == path else None).status == 403, route


def test_another_user_gets_404(api: FunctionsApi, holder: Holder, create_user: Any) -> None:
    other = create_user().caller
    path = f"/houses/{holder.house_id}/datadis"

    for method, route in (("GET", path), ("POST", path), ("POST", f"{path}/callback"), ("DELETE", path)):
        assert api.request(method, route, other, json_body={} if method == "POST" else None).status == 404, route


def test_revoking_stops_and_says_to_revoke_in_datadis_too(api: FunctionsApi, connected: Holder) -> None:
    revoked = api.request("DELETE", f"/houses/{connected.house_id}/datadis", connected.user)

    assert (revoked.status, revoked["status"]) == (200, "REVOKED")
    assert "Datadis private area" in revoked["notice"]
    assert callback(api, connected).status == 409


# ---------------------------------------------------------------- the daily run and the reader


@dataclass
class DailyRun:
    api: FunctionsApi
    deployment: Deployment

    def __post_init__(self) -> None:
        self.sqs = boto3.client("sqs", region_name=REGION)
        self.queue_url = str(self.deployment.ref("DatadisReadQueue"))
        self.queue_arn = self.sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]

    def sync(self) -> dict[str, int]:
        sync = self.api.runtimes["DatadisSyncFunction"]
        return dict(sync.invoke(scheduled_event("arn:aws:events:eu-west-1:123456789012:rule/sync", region=REGION)))

    def read_queued(self) -> list[str]:
        """Run the reader on every queued house; the houses read."""
        houses = []
        while batch := self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"]
        ).get("Messages", []):
            for message in batch:
                event = sqs_event([sqs_record(message, queue_arn=self.queue_arn, region=REGION)])
                assert self.api.runtimes["ReadDatadisConsumptionFunction"].invoke(event) == {"batchItemFailures": []}
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
                houses.append(json.loads(message["Body"])["house_id"])
        return houses


@pytest.fixture
def daily(api: FunctionsApi, deployment: Deployment) -> Iterator[DailyRun]:
    run = DailyRun(api, deployment)
    run.read_queued()  # what earlier tests left queued
    yield run


def consumption(api: FunctionsApi, holder: Holder, first: date, end: date) -> dict[str, Any]:
    reply = api.request(
        "GET",
        f"/houses/{holder.house_id}/consumption",
        holder.user,
        query={"from": first.isoformat(), "to": end.isoformat(), "granularity": "hour"},
    )
    assert reply.status == 200, reply.body
    return dict(reply.body)


def queries_of(datadis: DatadisStandIn, holder: Holder) -> list[str]:
    """The months of the consumption queries Datadis answered for the holder."""
    return [query["startDate"] for query in datadis.answered_queries if query.get("authorizedNif") == holder.nif]


def test_the_daily_run_reads_the_last_24_months_with_one_authorisation_list(
    api: FunctionsApi, connected: Holder, daily: DailyRun, datadis: DatadisStandIn
) -> None:
    asked = datadis.requests.copy()

    outcome = daily.sync()
    assert connected.house_id in daily.read_queued()

    assert (datadis.requests - asked)["/api-private/authorizations/request/third-authorized-users-cups"] == 1
    months = queries_of(datadis, connected)
    today = datetime.now(MADRID).date()
    first = today.year * 12 + today.month - 1 - 23
    assert months == [f"{(first + n) // 12:04d}/{(first + n) % 12 + 1:02d}" for n in range(24)]
    assert outcome["reads_queued"] >= 1
    state = api.request("GET", f"/houses/{connected.house_id}/datadis", connected.user)
    assert state["last_sync_at"] is not None and state["last_sync_error"] is None

    yesterday = datetime.now(UTC).date() - timedelta(days=2)
    hours = consumption(api, connected, yesterday, yesterday + timedelta(days=1))["points"]
    assert {point["source"] for point in hours} == {"datadis"}
    assert all(point["consumption_kwh"] is not None for point in hours)


def test_a_query_sent_within_24_hours_is_never_sent_again(
    api: FunctionsApi, connected: Holder, daily: DailyRun, datadis: DatadisStandIn
) -> None:
    daily.sync()
    daily.read_queued()
    asked = datadis.requests.copy()

    daily.sync()
    daily.read_queued()

    assert (datadis.requests - asked)["/api-private/api/get-consumption-data"] == 0
    state = api.request("GET", f"/houses/{connected.house_id}/datadis", connected.user)
    assert state["last_sync_error"] is None


def test_a_revoked_house_is_not_read(api: FunctionsApi, connected: Holder, daily: DailyRun) -> None:
    api.request("DELETE", f"/houses/{connected.house_id}/datadis", connected.user)

    daily.sync()

    assert connected.house_id not in daily.read_queued()
    state = api.request("GET", f"/houses/{connected.house_id}/datadis", connected.user)
    assert (state["status"], state["last_sync_at"]) == ("REVOKED", None)


def test_datadis_rate_limiting_leaves_the_month_for_the_next_run(
    api: FunctionsApi, connected: Holder, daily: DailyRun, datadis: DatadisStandIn
) -> None:
    this_month = datetime.now(MADRID).strftime("%Y/%m")
    # Another system with our account asked for this month just now: Datadis answers our identical query 429.
    DatadisApi(datadis.url, datadis.username, datadis.password).consumption(
        connected.cups, "8", this_month, 5, connected.nif
    )

    daily.sync()
    daily.read_queued()

    state = api.request("GET", f"/houses/{connected.house_id}/datadis", connected.user)
    assert this_month in (state["last_sync_error"] or "")


def test_dst_days_have_23_and_25_hours_and_the_merged_hour_is_split(
    api: FunctionsApi, connected: Holder, daily: DailyRun
) -> None:
    daily.sync()
    daily.read_queued()
    year = datetime.now(MADRID).year - 1  # inside the 24 months read
    spring_day, autumn_day = _last_sunday(year, 3), _last_sunday(year, 10)
    spring = consumption(api, connected, spring_day, spring_day + timedelta(days=1))["points"]
    autumn = consumption(api, connected, autumn_day, autumn_day + timedelta(days=1))["points"]

    assert len(spring) == 23 and len(autumn) == 25
    assert {point["source"] for point in spring + autumn} == {"datadis"}
    # Datadis' merged 02:00 row holds the two hours a distributor file labels 02:00 (hour-ending, summer then
    # winter time): those starting 01:00+02:00 and 02:00+02:00, split evenly.
    first, second = autumn[1], autumn[2]
    assert (first["start"][11:], second["start"][11:]) == ("01:00:00+02:00", "02:00:00+02:00")
    assert (first["quality"], second["quality"]) == ("estimated", "estimated")
    assert abs(first["consumption_kwh"] - second["consumption_kwh"]) <= 0.001
    assert autumn[3]["start"][11:] == "02:00:00+01:00"


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def test_an_hour_a_distributor_file_covers_shows_the_file_s_value(
    api: FunctionsApi, connected: Holder, daily: DailyRun
) -> None:
    from shared.metering.dal import metering  # noqa: PLC0415 - once the deployment set the table names
    from shared.metering.hour_groups import HourValues, SupplyPointMonth  # noqa: PLC0415
    from shared.metering.readings import Quality, Source  # noqa: PLC0415

    day = datetime.now(MADRID).date() - timedelta(days=3)
    midnight = int(datetime(day.year, day.month, day.day, tzinfo=MADRID).timestamp())
    f5d = metering.MeteringFileVersion(Source.F5D, day.strftime("%Y%m%d"), 0, f"f5d-{connected.cups}", "2024-01-01")
    hours = [HourValues(midnight + 3600 * hour, 1234, 0, Quality.REAL) for hour in range(2)]
    metering.save_hours(f5d, 0, [SupplyPointMonth(connected.cups[:20], metering.month_of(midnight), hours)])

    daily.sync()
    daily.read_queued()

    points = consumption(api, connected, day, day + timedelta(days=1))["points"]
    assert [(point["source"], point["consumption_kwh"]) for point in points[:2]] == [("F5D", 1.234)] * 2
    assert {point["source"] for point in points[2:]} == {"datadis"}


def test_authorised_but_not_among_the_holder_s_supplies_waits_for_them(
    api: FunctionsApi, holder: Holder, datadis: DatadisStandIn
) -> None:
    elsewhere = new_cups(next(_serials))  # a supply point Datadis does not list for the holder (yet)

    assert connect(api, holder, {"cups": elsewhere})["status"] == "PENDING"
    datadis.accept(request_id(datadis, holder))
    waiting = callback(api, holder)

    assert (waiting["status"], waiting["cups"]) == ("WAITING_SUPPLIES", elsewhere)
    datadis.add_account(StandInAccount(holder.nif, "HOLDER", (StandInSupply(holder.cups), StandInSupply(elsewhere))))
    assert callback(api, holder)["status"] == "CONNECTED"
