"""The Datadis stand-in over HTTP: Datadis' documented shapes (raw-text token, JSON answers, status ids 1/3/5/7,
month-granular dates, 429 on an identical query within 24 hours, the DST days' rows) and the tester's controls."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from local.datadis import (
    AUTHORIZATIONS_PATH,
    CONSUMPTION_PATH,
    DEFAULT_PASSWORD,
    DEFAULT_USERNAME,
    LOGIN_PATH,
    MAX_POWER_PATH,
    SEND_REQUEST_PATH,
    SUPPLIES_PATH,
    DatadisStandIn,
)
from local.datadis_curves import MADRID, simulated_hour
from tests.stand_ins import Answer, Clock, call

HOLDER, CUPS = "12345678Z", "ES0021000087654321MF0F"  # the demo account, as in samples/datadis
NO_SUPPLIES_HOLDER = "00000000T"
# The keys of samples/datadis' answers.
SUPPLY_FIELDS = {
    "address",
    "cups",
    "postalCode",
    "province",
    "municipality",
    "distributor",
    "validDateFrom",
    "validDateTo",
    "pointType",
    "distributorCode",
}
AUTHORIZATION_FIELDS = {
    "id",
    "ownerDocument",
    "ownerName",
    "ownerDocumentTypeName",
    "requesterDocument",
    "requesterDocumentTypeName",
    "requesterName",
    "requestId",
    "cups",
    "status",
    "validityDateStart",
    "validityDateEnd",
    "isDeleted",
    "distributorCodeFather",
}
CONSUMPTION_FIELDS = {
    "cups",
    "date",
    "time",
    "consumptionKWh",
    "obtainMethod",
    "surplusEnergyKWh",
    "generationEnergyKWh",
    "selfConsumptionEnergyKWh",
}


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 1, 15, 12, tzinfo=UTC))


@pytest.fixture
def stand_in(clock: Clock) -> Iterator[DatadisStandIn]:
    server = DatadisStandIn(clock=clock)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def token(stand_in: DatadisStandIn) -> str:
    return login(stand_in)


def login(stand_in: DatadisStandIn) -> str:
    answer = call(stand_in.url, "POST", LOGIN_PATH, form={"username": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD})
    assert answer.status == 200
    return answer.text


def request_consent(stand_in: DatadisStandIn, token: str, nif: str = HOLDER, cups: str = CUPS) -> Answer:
    """The body of samples/datadis/send-request-authorization.request.json."""
    start, end = 1711922400000, 1774994400000  # 2024-04-01 and 2026-04-01, local midnight
    body = {
        "startDatePull": start,
        "endDatePull": end,
        "nifSolicitante": nif,
        "cups": [{"cups": cups, "startDate": start, "endDate": end}],
        "mode": "PULL",
    }
    return call(stand_in.url, "POST", SEND_REQUEST_PATH, token=token, body=body)


def connect(stand_in: DatadisStandIn, token: str) -> int:
    """A granted request for the demo holder's supply; its request id."""
    assert request_consent(stand_in, token).json() == {"response": "ok"}
    request_id = int(stand_in.authorizations()[-1]["requestId"])
    stand_in.accept(request_id)
    return request_id


def consumption(stand_in: DatadisStandIn, token: str, month: str = "2024/10", **overrides: str) -> Answer:
    query = {
        "cups": CUPS,
        "distributorCode": "8",
        "startDate": month,
        "endDate": month,
        "measurementType": "0",
        "pointType": "5",
        "authorizedNif": HOLDER,
    } | overrides
    return call(stand_in.url, "GET", CONSUMPTION_PATH, token=token, query={k: v for k, v in query.items() if v})


def test_login_answers_the_bearer_token_as_raw_text(stand_in: DatadisStandIn) -> None:
    answer = call(stand_in.url, "POST", LOGIN_PATH, form={"username": DEFAULT_USERNAME, "password": DEFAULT_PASSWORD})
    assert (answer.status, answer.content_type.split(";")[0]) == (200, "text/plain")
    assert answer.text and not answer.text.startswith(("{", '"'))
    refused = call(stand_in.url, "POST", LOGIN_PATH, form={"username": DEFAULT_USERNAME, "password": "wrong"})
    assert refused.status == 401


@pytest.mark.parametrize(
    "path", [AUTHORIZATIONS_PATH, SUPPLIES_PATH, CONSUMPTION_PATH, MAX_POWER_PATH, "/api-private/api/unknown"]
)
def test_the_private_api_wants_a_bearer_token_it_issued(stand_in: DatadisStandIn, path: str) -> None:
    assert call(stand_in.url, "GET", path).status == 401
    assert call(stand_in.url, "GET", path, token="made-up").status == 401


def test_expired_tokens_are_refused(stand_in: DatadisStandIn, token: str) -> None:
    assert call(stand_in.url, "GET", AUTHORIZATIONS_PATH, token=token).status == 200
    stand_in.expire_tokens()
    assert call(stand_in.url, "GET", AUTHORIZATIONS_PATH, token=token).status == 401


def test_a_consent_request_answers_as_datadis_documents(stand_in: DatadisStandIn, token: str) -> None:
    assert request_consent(stand_in, token).json() == {"response": "ok"}
    assert request_consent(stand_in, token, nif="99999999R").json() == {"response": "nonif"}
    assert request_consent(stand_in, token, nif=NO_SUPPLIES_HOLDER).json() == {"response": "noSupplies"}
    stand_in.requests_allowed = False
    assert request_consent(stand_in, token).json() == {"response": "nopermisos"}
    assert len(stand_in.authorizations()) == 1  # only `ok` created a request


def test_a_request_that_is_not_pull_mode_is_a_bad_request(stand_in: DatadisStandIn, token: str) -> None:
    body = {"startDatePull": 0, "endDatePull": 0, "nifSolicitante": HOLDER, "cups": [], "mode": "PUSH"}
    assert call(stand_in.url, "POST", SEND_REQUEST_PATH, token=token, body=body).status == 400
    assert call(stand_in.url, "POST", SEND_REQUEST_PATH, token=token, body=["not", "a", "request"]).status == 400


def test_the_authorisation_list_shows_a_new_request_pending_with_its_validity(
    stand_in: DatadisStandIn, token: str
) -> None:
    request_consent(stand_in, token)
    answer = call(stand_in.url, "GET", AUTHORIZATIONS_PATH, token=token)
    assert (answer.status, answer.content_type) == (200, "application/json")
    [entry] = answer.json()["response"]
    assert set(entry) == AUTHORIZATION_FIELDS
    assert entry["status"] == {"id": 1, "description": "PENDIENTE"}
    assert (entry["ownerDocument"], entry["cups"], entry["requesterDocument"]) == (HOLDER, CUPS, DEFAULT_USERNAME)
    assert isinstance(entry["requestId"], int)
    assert entry["validityDateStart"] == "2024-04-01T00:00:00.000+0200"  # as in samples/datadis
    assert entry["validityDateEnd"] == "2026-04-01T23:59:59.000+0200"
    assert entry["distributorCodeFather"] == "0021"


@pytest.mark.parametrize(
    ("action", "status"),
    [("accept", {"id": 5, "description": "VIGENTE"}), ("reject", {"id": 7, "description": "RECHAZADA"})],
)
def test_a_tester_answers_a_pending_request_for_the_holder(
    stand_in: DatadisStandIn, token: str, action: str, status: dict[str, Any]
) -> None:
    request_consent(stand_in, token)
    listed = call(stand_in.url, "GET", "/_admin/authorizations").json()["authorizations"]
    request_id = listed[0]["requestId"]

    answer = call(stand_in.url, "POST", f"/_admin/authorizations/{request_id}/{action}")

    assert answer.status == 200
    assert [entry["status"] for entry in answer.json()["authorizations"]] == [status]
    [entry] = call(stand_in.url, "GET", AUTHORIZATIONS_PATH, token=token).json()["response"]
    assert entry["status"] == status
    again = call(stand_in.url, "POST", f"/_admin/authorizations/{request_id}/{action}")
    assert again.status == 409  # answered already


def test_a_granted_request_can_be_expired_and_unknown_requests_are_not_found(
    stand_in: DatadisStandIn, token: str
) -> None:
    request_id = connect(stand_in, token)
    assert call(stand_in.url, "POST", f"/_admin/authorizations/{request_id}/expire").status == 200
    assert stand_in.authorizations()[0]["status"] == {"id": 3, "description": "EXPIRADA"}
    assert call(stand_in.url, "POST", "/_admin/authorizations/1/accept").status == 404
    assert call(stand_in.url, "POST", f"/_admin/authorizations/{request_id}/forget").status == 404


def test_supplies_are_listed_once_the_holder_authorised_our_account(stand_in: DatadisStandIn, token: str) -> None:
    query = {"authorizedNif": HOLDER}
    assert call(stand_in.url, "GET", SUPPLIES_PATH, token=token, query=query).json() == []
    connect(stand_in, token)

    [supply] = call(stand_in.url, "GET", SUPPLIES_PATH, token=token, query=query).json()

    assert set(supply) == SUPPLY_FIELDS
    assert (supply["cups"], supply["distributorCode"], supply["pointType"]) == (CUPS, "8", 5)
    assert (supply["validDateFrom"], supply["validDateTo"]) == ("2020/01/01", "")
    other_distributor = query | {"distributorCode": "2"}
    assert call(stand_in.url, "GET", SUPPLIES_PATH, token=token, query=other_distributor).json() == []


def test_a_tester_seeds_a_holder_and_his_supplies(stand_in: DatadisStandIn, token: str) -> None:
    cups = "ES0031408512345001GK0F"
    account = {"nif": "87654321X", "name": "ANA", "supplies": [{"cups": cups, "distributorCode": "2", "pointType": 4}]}
    assert call(stand_in.url, "POST", "/_admin/accounts", body=account).status == 201
    assert call(stand_in.url, "POST", "/_admin/accounts", body={"name": "no nif"}).status == 400

    assert request_consent(stand_in, token, nif="87654321X", cups=cups).json() == {"response": "ok"}
    stand_in.accept(int(stand_in.authorizations()[-1]["requestId"]))
    [supply] = call(stand_in.url, "GET", SUPPLIES_PATH, token=token, query={"authorizedNif": "87654321X"}).json()
    assert (supply["cups"], supply["distributorCode"], supply["pointType"]) == (cups, "2", 4)


def test_hourly_consumption_has_datadis_fields_and_hour_ending_times(stand_in: DatadisStandIn, token: str) -> None:
    connect(stand_in, token)
    answer = consumption(stand_in, token, "2024/04")
    assert answer.status == 200
    rows = answer.json()
    assert len(rows) == 30 * 24
    assert all(set(row) == CONSUMPTION_FIELDS for row in rows)
    first_day = [row for row in rows if row["date"] == "2024/04/01"]
    assert [row["time"] for row in first_day] == [f"{hour:02d}:00" for hour in range(1, 25)]
    # 01:00 is the hour from midnight (22:00 UTC the day before in summer time), in kWh with 3 decimals.
    start = int(datetime(2024, 4, 1, tzinfo=MADRID).timestamp())
    assert first_day[0]["consumptionKWh"] == simulated_hour(CUPS, start, 3.6).load_wh / 1000
    midday = first_day[12]  # 12:00-13:00 of a home with 3.6 kWp: the panels cover the load
    assert midday["consumptionKWh"] == 0
    assert midday["generationEnergyKWh"] > midday["surplusEnergyKWh"] > 0
    assert midday["selfConsumptionEnergyKWh"] == pytest.approx(
        midday["generationEnergyKWh"] - midday["surplusEnergyKWh"], abs=0.0005
    )


def test_the_15th_is_estimated_other_days_real(stand_in: DatadisStandIn, token: str) -> None:
    connect(stand_in, token)
    methods = {(row["date"], row["obtainMethod"]) for row in consumption(stand_in, token, "2024/04").json()}
    assert {method for day, method in methods if day == "2024/04/15"} == {"Estimada"}
    assert {method for day, method in methods if day != "2024/04/15"} == {"Real"}


def test_the_fall_back_day_has_24_rows_with_the_repeated_hour_merged_into_two_oclock(
    stand_in: DatadisStandIn, token: str
) -> None:
    connect(stand_in, token)
    day = [row for row in consumption(stand_in, token, "2024/10").json() if row["date"] == "2024/10/27"]
    assert [row["time"] for row in day] == [f"{hour:02d}:00" for hour in range(1, 25)]
    # 02:00 holds the hours starting at 01:00+02:00 and 02:00+02:00 (23:00 and 00:00 UTC).
    summer, winter = (int(datetime(2024, 10, 26, 23, tzinfo=UTC).timestamp()) + step for step in (0, 3600))
    load = simulated_hour(CUPS, summer, 3.6).load_wh + simulated_hour(CUPS, winter, 3.6).load_wh
    assert day[1]["consumptionKWh"] == load / 1000


def test_the_spring_forward_day_has_23_rows_and_no_two_oclock(stand_in: DatadisStandIn, token: str) -> None:
    connect(stand_in, token)
    rows = consumption(stand_in, token, "2024/03").json()
    day = [row["time"] for row in rows if row["date"] == "2024/03/31"]
    assert len(rows) == 31 * 24 - 1
    assert day == ["01:00"] + [f"{hour:02d}:00" for hour in range(3, 25)]


@pytest.mark.parametrize("month", ["2024/10/01", "2024-10", "2024/13", "24/10", "2024/1"])
def test_dates_that_are_not_a_month_are_a_bad_request(stand_in: DatadisStandIn, token: str, month: str) -> None:
    connect(stand_in, token)
    answer = consumption(stand_in, token, month)
    assert answer.status == 400
    assert "AAAA/MM" in answer.json()["message"]
    assert consumption(stand_in, token, "2024/10", endDate="2024/09").status == 400


@pytest.mark.parametrize(
    "overrides",
    [{"measurementType": ""}, {"measurementType": "1"}, {"distributorCode": "2"}, {"pointType": "4"}, {"cups": ""}],
)
def test_a_query_missing_or_contradicting_a_parameter_is_a_bad_request(
    stand_in: DatadisStandIn, token: str, overrides: dict[str, str]
) -> None:
    connect(stand_in, token)
    assert consumption(stand_in, token, **overrides).status == 400


def test_a_supply_without_an_authorisation_in_force_cannot_be_read(
    stand_in: DatadisStandIn, token: str, clock: Clock
) -> None:
    assert consumption(stand_in, token).status == 403  # not asked yet
    request_id = connect(stand_in, token)
    assert consumption(stand_in, token, authorizedNif="").status == 403  # our own account holds no supplies
    clock.now = datetime(2026, 4, 2, 12, tzinfo=UTC)  # the day after the validity's end
    assert consumption(stand_in, token, "2024/11").status == 403
    clock.now = datetime(2025, 1, 15, 12, tzinfo=UTC)
    stand_in.expire(request_id)
    assert consumption(stand_in, token, "2024/11").status == 403


def test_an_identical_data_query_within_24_hours_is_too_many_requests(
    stand_in: DatadisStandIn, token: str, clock: Clock
) -> None:
    connect(stand_in, token)
    assert consumption(stand_in, token, "2024/10").status == 200
    assert consumption(stand_in, token, "2024/11").status == 200  # another month is another query
    clock.now += timedelta(hours=23, minutes=59)
    assert consumption(stand_in, token, "2024/10").status == 429
    clock.now += timedelta(minutes=1)
    assert consumption(stand_in, token, "2024/10").status == 200


def test_months_without_data_are_empty(stand_in: DatadisStandIn, token: str) -> None:
    connect(stand_in, token)
    assert consumption(stand_in, token, "2019/12").json() == []  # before the supply's validDateFrom
    assert consumption(stand_in, token, "2025/02").json() == []  # the future
    current = consumption(stand_in, token, "2025/01").json()  # up to yesterday, the 14th
    assert (len(current), current[-1]["date"]) == (14 * 24, "2025/01/14")


def test_max_power_lists_each_periods_peak_of_the_month(stand_in: DatadisStandIn, token: str, clock: Clock) -> None:
    connect(stand_in, token)
    query = {
        "cups": CUPS,
        "distributorCode": "8",
        "startDate": "2024/03",
        "endDate": "2024/04",
        "authorizedNif": HOLDER,
    }
    answer = call(stand_in.url, "GET", MAX_POWER_PATH, token=token, query=query)
    assert answer.status == 200
    rows = answer.json()
    assert [(row["date"][:7], row["period"]) for row in rows] == [
        ("2024/03", "PUNTA"),
        ("2024/03", "VALLE"),
        ("2024/04", "PUNTA"),
        ("2024/04", "VALLE"),
    ]
    assert all(set(row) == {"cups", "date", "time", "maxPower", "period"} and row["maxPower"] > 0 for row in rows)
    assert call(stand_in.url, "GET", MAX_POWER_PATH, token=token, query=query).status == 429
    assert call(stand_in.url, "GET", MAX_POWER_PATH, token=token, query=query | {"endDate": "2024-04"}).status == 400


def test_the_stand_in_counts_the_requests_of_each_route(stand_in: DatadisStandIn, token: str) -> None:
    connect(stand_in, token)
    consumption(stand_in, token)
    consumption(stand_in, token)
    assert stand_in.requests[LOGIN_PATH] == 1
    assert stand_in.requests[SEND_REQUEST_PATH] == 1
    assert stand_in.requests[CONSUMPTION_PATH] == 2  # the refused one too


def test_unknown_routes_are_not_found(stand_in: DatadisStandIn, token: str) -> None:
    assert call(stand_in.url, "GET", "/somewhere").status == 404
    assert call(stand_in.url, "POST", AUTHORIZATIONS_PATH, token=token).status == 404
    assert call(stand_in.url, "GET", "/_admin/else").status == 404
