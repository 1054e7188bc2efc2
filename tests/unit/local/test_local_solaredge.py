"""The SolarEdge stand-in over HTTP: the documented energy answer (hour-start local labels, Wh, null without data),
HOUR's one-month limit, 403 for a key that cannot read the site, 429 past 300 requests a day per key or per site,
the DST days (the autumn hour merged or repeated), the deterministic production and the tester's controls."""

from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from local.solaredge import DAILY_LIMIT, DEMO_SITES, AutumnHour, SolarEdgeStandIn, StandInSite, hour_energy_wh
from tests.stand_ins import Answer, Clock, call

SITE = DEMO_SITES[0]  # 3.6 kWp, installed on 2023-06-01, Europe/Madrid


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2024, 11, 15, 12, tzinfo=UTC))


@pytest.fixture
def stand_in(clock: Clock) -> Iterator[SolarEdgeStandIn]:
    server = SolarEdgeStandIn(clock=clock)
    server.start()
    yield server
    server.stop()


def energy(
    stand_in: SolarEdgeStandIn,
    start: str,
    end: str | None = None,
    *,
    site: StandInSite = SITE,
    changes: Mapping[str, str | None] | None = None,
) -> Answer:
    asked: dict[str, str | None] = {"timeUnit": "HOUR", "startDate": start, "endDate": end or start}
    asked |= {"api_key": site.api_key} | dict(changes or {})  # None: left out
    query = {name: value for name, value in asked.items() if value is not None}
    return call(stand_in.url, "GET", f"/site/{site.site_id}/energy", query=query)


def values(stand_in: SolarEdgeStandIn, start: str, end: str | None = None) -> list[dict[str, Any]]:
    answer = energy(stand_in, start, end)
    assert answer.status == 200, answer.text
    rows: list[dict[str, Any]] = answer.json()["energy"]["values"]
    return rows


def labels(rows: list[dict[str, Any]]) -> list[str]:
    return [row["date"][11:16] for row in rows]


def test_the_energy_answer_has_the_documented_shape(stand_in: SolarEdgeStandIn) -> None:
    answer = energy(stand_in, "2024-06-21")
    assert (answer.status, answer.content_type) == (200, "application/json")
    body = answer.json()
    assert set(body) == {"energy"}
    assert {name: body["energy"][name] for name in ("timeUnit", "unit", "measuredBy")} == {
        "timeUnit": "HOUR",
        "unit": "Wh",
        "measuredBy": "INVERTER",
    }
    rows = body["energy"]["values"]
    assert all(set(row) == {"date", "value"} for row in rows)
    assert [row["date"] for row in rows] == [f"2024-06-21 {hour:02d}:00:00" for hour in range(24)]


def test_each_value_is_the_hour_that_starts_at_its_local_label(stand_in: SolarEdgeStandIn) -> None:
    rows = values(stand_in, "2024-06-21")
    # 14:00 CEST is 12:00 UTC, around Madrid's solar noon: the day's best hour.
    start = int(datetime(2024, 6, 21, 12, tzinfo=UTC).timestamp())
    assert rows[14]["value"] == hour_energy_wh(SITE, start) == max(row["value"] for row in rows)
    assert [row["value"] for row in rows[:5] + rows[23:]] == [0.0] * 6  # night


def test_production_is_a_bell_by_day_scaled_by_peak_power_and_zero_at_night() -> None:
    bigger = StandInSite(SITE.site_id, SITE.api_key, SITE.peak_kwp * 2)  # the same site id: the same weather
    for day in (date(2024, 1, 10), date(2024, 4, 10), date(2024, 6, 21), date(2024, 12, 21)):
        starts = [int(datetime(day.year, day.month, day.day, hour, tzinfo=UTC).timestamp()) for hour in range(24)]
        day_wh = [hour_energy_wh(SITE, start) for start in starts]
        assert all(wh == 0.0 for wh in day_wh[:4] + day_wh[20:])  # 00-04 and 20-24 UTC, even in June
        assert max(day_wh) == day_wh[12]  # 12:00-13:00 UTC holds solar noon
        assert day_wh[8] < day_wh[10] < day_wh[12] > day_wh[14] > day_wh[16]
        assert [hour_energy_wh(bigger, start) for start in starts] == pytest.approx(
            [2 * wh for wh in day_wh], abs=0.002
        )


def test_the_weather_varies_the_days_deterministically() -> None:
    noons = [hour_energy_wh(SITE, int(datetime(2024, 6, day, 12, tzinfo=UTC).timestamp())) for day in range(1, 11)]
    assert len(set(noons)) == 10
    assert max(noons) / min(noons) <= 1 / 0.3


def test_the_same_question_gets_the_same_answer(stand_in: SolarEdgeStandIn) -> None:
    assert values(stand_in, "2024-05-01", "2024-05-31") == values(stand_in, "2024-05-01", "2024-05-31")


def test_hours_without_data_are_null(stand_in: SolarEdgeStandIn) -> None:
    before = values(stand_in, "2023-05-31", "2023-06-01")  # installed on 2023-06-01
    assert {row["value"] for row in before[:24]} == {None}
    assert None not in {row["value"] for row in before[24:]}
    today = values(stand_in, "2024-11-15", "2024-11-16")  # 12:00 UTC is 13:00 CET: 00:00-12:00 have ended
    assert [row["value"] is None for row in today] == [False] * 13 + [True] * 35


def test_the_spring_forward_day_has_23_rows_and_no_two_oclock(stand_in: SolarEdgeStandIn) -> None:
    rows = values(stand_in, "2024-03-31")
    assert labels(rows) == ["00:00", "01:00"] + [f"{hour:02d}:00" for hour in range(3, 24)]


def test_the_fall_back_days_repeated_hour_is_one_merged_row_by_default(stand_in: SolarEdgeStandIn) -> None:
    rows = values(stand_in, "2024-10-27")
    assert labels(rows) == [f"{hour:02d}:00" for hour in range(24)]
    assert stand_in.autumn_hour is AutumnHour.MERGED


def test_the_fall_back_days_repeated_hour_can_be_two_rows_with_the_same_label(stand_in: SolarEdgeStandIn) -> None:
    answer = call(stand_in.url, "PUT", "/_admin/autumn-hour", body={"rows": "repeated"})
    assert (answer.status, answer.json()) == (200, {"rows": "repeated"})
    rows = values(stand_in, "2024-10-27")
    assert labels(rows) == ["00:00", "01:00", "02:00", "02:00"] + [f"{hour:02d}:00" for hour in range(3, 24)]
    assert call(stand_in.url, "PUT", "/_admin/autumn-hour", body={"rows": "both"}).status == 400
    assert call(stand_in.url, "PUT", "/_admin/autumn-hour", body={"rows": "merged"}).status == 200
    assert len(values(stand_in, "2024-10-27")) == 24


def test_the_merged_row_holds_both_hours(stand_in: SolarEdgeStandIn) -> None:
    """Madrid's repeated hour is at night; Auckland's (2024-04-07, 02:00 at 13:00 and 14:00 UTC) is in Madrid's
    sun, which the stand-in shines everywhere: the merged row is the sum of the two rows repeated."""
    auckland = StandInSite("3600010", "AUCKLAND-KEY", 3.6, time_zone="Pacific/Auckland")
    stand_in.add_site(auckland)
    merged = energy(stand_in, "2024-04-07", site=auckland).json()["energy"]["values"]
    stand_in.autumn_hour = AutumnHour.REPEATED
    repeated = energy(stand_in, "2024-04-07", site=auckland).json()["energy"]["values"]
    assert (len(merged), len(repeated)) == (24, 25)
    summer, winter = (
        hour_energy_wh(auckland, int(datetime(2024, 4, 6, hour, tzinfo=UTC).timestamp())) for hour in (13, 14)
    )
    assert [row["value"] for row in repeated[2:4]] == [summer, winter]
    assert merged[2] == {"date": "2024-04-07 02:00:00", "value": round(summer + winter, 3)}
    assert summer > 0 and winter > 0


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        ({"timeUnit": "DAY"}, "serves timeUnit=HOUR only"),
        ({"timeUnit": "QUARTER_OF_AN_HOUR"}, "serves timeUnit=HOUR only"),
        ({"timeUnit": "FORTNIGHT"}, "unknown timeUnit"),
        ({"timeUnit": None}, "unknown timeUnit"),
        ({"startDate": "2024/06/01"}, "startDate must be a date written YYYY-MM-DD"),
        ({"startDate": "2024-06-31"}, "startDate must be a date written YYYY-MM-DD"),
        ({"endDate": None}, "endDate must be a date written YYYY-MM-DD"),
        ({"endDate": "2024-05-31"}, "endDate is before startDate"),
        ({"endDate": "2024-07-01"}, "one month at most"),
    ],
)
def test_parameters_it_does_not_serve_are_a_bad_request(
    stand_in: SolarEdgeStandIn, overrides: dict[str, str | None], says: str
) -> None:
    answer = energy(stand_in, "2024-06-01", "2024-06-30", changes=overrides)
    assert answer.status == 400
    assert says in answer.json()["message"]
    assert set(answer.json()) == {"status", "error", "message"}


@pytest.mark.parametrize(
    ("start", "last_served"),
    [("2024-06-01", "2024-06-30"), ("2024-01-15", "2024-02-14"), ("2024-01-31", "2024-02-28")],
)
def test_hour_data_covers_up_to_the_day_before_the_same_day_next_month(
    stand_in: SolarEdgeStandIn, start: str, last_served: str
) -> None:
    assert energy(stand_in, start, last_served).status == 200
    after = (date.fromisoformat(last_served) + timedelta(days=1)).isoformat()
    assert energy(stand_in, start, after).status == 400


def test_a_key_that_cannot_read_the_site_is_forbidden(stand_in: SolarEdgeStandIn) -> None:
    other = StandInSite("3600002", "ANOTHER-SITE-KEY", 5.0)
    stand_in.add_site(other)
    assert energy(stand_in, "2024-06-01", changes={"api_key": "WRONG"}).status == 403
    assert energy(stand_in, "2024-06-01", changes={"api_key": ""}).status == 403
    assert energy(stand_in, "2024-06-01", changes={"api_key": None}).status == 403
    assert energy(stand_in, "2024-06-01", changes={"api_key": other.api_key}).status == 403  # another site's key
    unknown_site = StandInSite("9999999", SITE.api_key, 1.0)
    assert energy(stand_in, "2024-06-01", site=unknown_site).status == 403  # not told whether it exists
    assert stand_in.usage()["sites"] == {}  # refused keys are not counted


def test_other_routes_are_not_found(stand_in: SolarEdgeStandIn) -> None:
    assert call(stand_in.url, "GET", f"/site/{SITE.site_id}/power", query={"api_key": SITE.api_key}).status == 404
    assert call(stand_in.url, "POST", f"/site/{SITE.site_id}/energy").status == 404


def test_past_300_requests_a_day_per_site_it_is_too_many_requests(stand_in: SolarEdgeStandIn, clock: Clock) -> None:
    for _ in range(DAILY_LIMIT):
        assert energy(stand_in, "2024-06-01", changes={"timeUnit": "DAY"}).status == 400  # wrong requests count too
    assert energy(stand_in, "2024-06-01").status == 429
    assert stand_in.usage() == {
        "day": "2024-11-15",
        "limit": DAILY_LIMIT,
        "keys": {SITE.api_key: DAILY_LIMIT},
        "sites": {SITE.site_id: DAILY_LIMIT},
    }
    clock.now = datetime(2024, 11, 16, 0, 0, tzinfo=UTC)  # a new UTC day
    assert energy(stand_in, "2024-06-01").status == 200


def test_an_account_key_shares_its_limit_over_its_sites(clock: Clock) -> None:
    first, second = StandInSite("1", "ACCOUNT-KEY", 3.0), StandInSite("2", "ACCOUNT-KEY", 4.0)
    stand_in = SolarEdgeStandIn(sites=[first, second], daily_limit=3, clock=clock)
    stand_in.start()
    try:
        statuses = [energy(stand_in, "2024-06-01", site=site).status for site in (first, second, first, second)]
    finally:
        stand_in.stop()
    assert statuses == [200, 200, 200, 429]


def test_a_tester_adds_sites_and_forgets_the_days_requests(stand_in: SolarEdgeStandIn) -> None:
    site = {"id": "4200001", "apiKey": "TESTER-KEY", "peakPower": 4.2, "installationDate": "2024-06-10"}
    added = call(stand_in.url, "POST", "/_admin/sites", body=site)
    assert (added.status, added.json()) == (201, site | {"timeZone": "Europe/Madrid"})
    listed = call(stand_in.url, "GET", "/_admin/sites").json()["sites"]
    assert [entry["id"] for entry in listed] == [SITE.site_id, "4200001"]
    rows = energy(stand_in, "2024-06-09", "2024-06-10", site=StandInSite("4200001", "TESTER-KEY", 4.2)).json()
    assert [row["value"] is None for row in rows["energy"]["values"]] == [True] * 24 + [False] * 24

    assert call(stand_in.url, "GET", "/_admin/usage").json()["sites"] == {"4200001": 1}
    assert call(stand_in.url, "DELETE", "/_admin/usage").status == 204
    assert call(stand_in.url, "GET", "/_admin/usage").json()["sites"] == {}


@pytest.mark.parametrize(
    "site",
    [
        {"apiKey": "K", "peakPower": 1},
        {"id": "1", "apiKey": "K", "peakPower": 0},
        {"id": "1", "apiKey": "K", "peakPower": "lots"},
        {"id": "1", "apiKey": "", "peakPower": 1},
        {"id": "1", "apiKey": "K", "peakPower": 1, "installationDate": "10/06/2024"},
        {"id": "1", "apiKey": "K", "peakPower": 1, "timeZone": "Europe/Atlantis"},
        ["not", "a", "site"],
    ],
)
def test_a_site_that_does_not_make_sense_is_a_bad_request(stand_in: SolarEdgeStandIn, site: Any) -> None:
    assert call(stand_in.url, "POST", "/_admin/sites", body=site).status == 400


def test_unknown_controls_are_not_found_and_list_the_controls(stand_in: SolarEdgeStandIn) -> None:
    answer = call(stand_in.url, "POST", "/_admin/usage")
    assert answer.status == 404
    assert "/_admin/sites" in answer.json()["message"]


def test_its_state_names_the_sample_site_for_the_stack(stand_in: SolarEdgeStandIn) -> None:
    assert stand_in.state == {
        "solaredge_url": stand_in.url,
        "solaredge_site_id": SITE.site_id,
        "solaredge_api_key": SITE.api_key,
    }
    assert stand_in.url.startswith("http://127.0.0.1:")
