"""GET /houses/{house_id}/consumption against moto, with metering stored the way the pipeline stores it."""

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.metering.hour_groups import HourValues, SupplyPointMonth
from shared.metering.readings import Quality, Source
from tests.integration.conftest import Caller, FunctionsApi
from tests.integration.test_set_cups import new_cups, put_cups

APRIL_1 = int(datetime(2024, 3, 31, 22, tzinfo=UTC).timestamp())  # local midnight, CEST
_serials = iter(range(900_000, 10**6))


def store(
    cups: str, source: Source, generated_on: str, version: int, values: dict[int, int], estimated: bool = False
) -> None:
    """Write metering as one file's chunk, through the storage module the ingestion uses."""
    from shared.metering.dal import metering  # noqa: PLC0415 - once the deployment set the table names

    file = metering.MeteringFileVersion(
        source, generated_on, version, f"{source}-{generated_on}-{version}", generated_on
    )
    quality = Quality.ESTIMATED if estimated else Quality.REAL
    hours = [HourValues(start, wh, 0, quality) for start, wh in sorted(values.items())]
    metering.save_hours(file, 0, [SupplyPointMonth(cups[:20], metering.month_of(hours[0].hour_start_utc), hours)])


@pytest.fixture
def linked_house(api: FunctionsApi, operator: Caller, create_user: Any) -> dict[str, Any]:
    user = create_user()
    house = api.request(
        "POST", f"/users/{user.id}/houses", operator, json_body={"address": "Sol 1", "postal_code": "28013"}
    )
    cups = new_cups("0021", next(_serials))
    assert put_cups(api, operator, house["id"], {"cups": cups}).status == 200
    return house.body | {"owner": user, "cups": cups}


def get(api: FunctionsApi, caller: Caller, house_id: str, **query: str) -> Any:
    return api.request(
        "GET", f"/houses/{house_id}/consumption", caller, query={"from": "2024-04-01", "to": "2024-04-02"} | query
    )


def test_hours_follow_precedence_and_show_quality_and_source(
    api: FunctionsApi, operator: Caller, linked_house: dict[str, Any]
) -> None:
    cups = linked_house["cups"]
    store(cups, Source.P5D, "20240402", 0, {APRIL_1 + h * 3600: 100 for h in range(24)})
    store(cups, Source.F5D, "20240403", 0, {APRIL_1 + h * 3600: 200 for h in range(12)}, estimated=True)
    store(cups, Source.F5D, "20240404", 1, {APRIL_1: 250})  # a newer F5D corrects hour 0
    store(cups[:20] + "1P", Source.RF5D, "20240405", 0, {APRIL_1 + 3600: 300})  # same supply point, other suffix
    reply = get(api, linked_house["owner"].caller, linked_house["id"])
    assert reply.status == 200
    assert reply.function_id == "GetConsumptionFunction"
    points = reply["points"]
    assert len(points) == 24
    assert points[0] == {
        "start": "2024-04-01T00:00:00+02:00",
        "end": "2024-04-01T01:00:00+02:00",
        "consumption_kwh": 0.25,
        "surplus_kwh": 0.0,
        "quality": "real",
        "source": "F5D",
    }
    assert [(p["consumption_kwh"], p["quality"], p["source"]) for p in points[1:3]] == [
        (0.3, "real", "RF5D"),
        (0.2, "estimated", "F5D"),
    ]
    assert (points[12]["consumption_kwh"], points[12]["quality"], points[12]["source"]) == (0.1, "real", "P5D")
    assert reply["totals"] == {
        "consumption_kwh": 0.25 + 0.3 + 10 * 0.2 + 12 * 0.1,
        "surplus_kwh": 0.0,
        "hours_real": 14,
        "hours_estimated": 10,
        "hours_missing": 0,
    }
    assert reply["periods"]["tariff"] == "2.0TD"
    assert reply["cups"] == cups
    assert reply["timezone"] == "Europe/Madrid"


def test_day_and_month_granularity_and_csv(api: FunctionsApi, operator: Caller, linked_house: dict[str, Any]) -> None:
    store(linked_house["cups"], Source.F5D, "20240403", 0, {APRIL_1 + h * 3600: 100 for h in range(20)})
    day = get(api, operator, linked_house["id"], granularity="day", to="2024-04-03")
    assert [(p["consumption_kwh"], p["quality"]) for p in day["points"]] == [(2.0, "mixed"), (None, "missing")]
    month = get(api, operator, linked_house["id"], granularity="month", to="2024-05-01")
    assert [p["start"] for p in month["points"]] == ["2024-04-01T00:00:00+02:00"]
    exported = get(api, operator, linked_house["id"], format="csv")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.body)))
    assert len(rows) == 24
    assert rows[0] | {} == {
        "start": "2024-04-01T00:00:00+02:00",
        "end": "2024-04-01T01:00:00+02:00",
        "consumption_kwh": "0.1",
        "surplus_kwh": "0.0",
        "quality": "real",
        "source": "F5D",
    }
    assert rows[23]["consumption_kwh"] == "" and rows[23]["quality"] == "missing"


def test_a_new_holder_does_not_see_the_previous_holders_data(
    api: FunctionsApi, operator: Caller, linked_house: dict[str, Any], create_user: Any
) -> None:
    cups = linked_house["cups"]
    store(cups, Source.F5D, "20240403", 0, {APRIL_1 + h * 3600: 100 for h in range(24)})
    assert api.request("DELETE", f"/houses/{linked_house['id']}/cups/electricity", operator).status == 204
    newcomer = create_user()
    house = api.request(
        "POST", f"/users/{newcomer.id}/houses", operator, json_body={"address": "Luna 3", "postal_code": "28013"}
    )
    put_cups(api, operator, house["id"], {"cups": cups})
    reply = get(api, newcomer.caller, house["id"])
    assert reply["totals"]["hours_missing"] == 24
    assert all(point["consumption_kwh"] is None for point in reply["points"])


def seen_since_april_2(api: FunctionsApi, operator: Caller, house: dict[str, Any]) -> None:
    """Two days of hours stored, and the house's link told it sees them from the second."""
    store(house["cups"], Source.F5D, "20240403", 0, {APRIL_1 + h * 3600: 100 for h in range(48)})
    put_cups(api, operator, house["id"], {"cups": house["cups"], "since": "2024-04-02"})


def days_shown(api: FunctionsApi, operator: Caller, house: dict[str, Any]) -> list[float | None]:
    reply = get(api, operator, house["id"], to="2024-04-03", granularity="day")
    return [point["consumption_kwh"] for point in reply["points"]]


def test_since_hides_earlier_days(api: FunctionsApi, operator: Caller, linked_house: dict[str, Any]) -> None:
    seen_since_april_2(api, operator, linked_house)
    assert days_shown(api, operator, linked_house) == [None, 2.4]


def test_the_house_keeps_its_link_s_first_visible_day_so_the_route_reads_no_link_entry(
    api: FunctionsApi, operator: Caller, linked_house: dict[str, Any]
) -> None:
    from shared.houses.dal import HouseRecord  # noqa: PLC0415 - once the deployment set the table names
    from shared.supply_points.dal.cups_links import CupsLinkRecord  # noqa: PLC0415

    seen_since_april_2(api, operator, linked_house)
    house = HouseRecord.get(linked_house["id"])
    assert house.electricity_visible_from == "2024-04-02"
    CupsLinkRecord(linked_house["cups"][:20], house.electricity_link_id).delete()  # not read any more
    assert days_shown(api, operator, linked_house) == [None, 2.4]


def test_a_house_stored_before_it_kept_the_first_visible_day_reads_it_from_its_link_entry(
    api: FunctionsApi, operator: Caller, linked_house: dict[str, Any]
) -> None:
    from shared.houses.dal import HouseRecord  # noqa: PLC0415 - once the deployment set the table names

    seen_since_april_2(api, operator, linked_house)
    HouseRecord.get(linked_house["id"]).update(actions=[HouseRecord.electricity_visible_from.remove()])
    assert days_shown(api, operator, linked_house) == [None, 2.4]
    assert HouseRecord.get(linked_house["id"]).electricity_visible_from is None  # reading writes nothing


def test_access_and_validation(
    api: FunctionsApi, operator: Caller, linked_house: dict[str, Any], create_user: Any
) -> None:
    other = create_user()
    assert get(api, other.caller, linked_house["id"]).status == 404
    assert get(api, operator, linked_house["id"], energy="gas").status == 409
    for query, field in [
        ({"to": "2024-04-01"}, "to"),
        ({"to": "2025-04-03"}, "to"),
        ({"granularity": "week"}, "granularity"),
        ({"from": "yesterday"}, "from"),
        ({"format": "xml"}, "format"),
    ]:
        reply = get(api, operator, linked_house["id"], **query)
        assert reply.status == 422, query
        assert [error["field"] for error in reply["errors"]] == [field]


def test_periods_follow_the_electricity_contract_tariff(
    api: FunctionsApi, operator: Caller, linked_house: dict[str, Any]
) -> None:
    store(linked_house["cups"], Source.F5D, "20240403", 0, {APRIL_1 + h * 3600: 100 for h in range(24)})
    contract = {
        "tariff": "3.0TD",
        "contracted_power_kw": {f"P{n}": 20 for n in range(1, 7)},
        "start_date": "2024-01-01",
        "retailer": "Retailer",
        "contract_number": "C-1",
        "power_control": "maximeter",
    }
    assert (
        api.request("POST", f"/houses/{linked_house['id']}/electricity-contracts", operator, json_body=contract).status
        == 201
    )
    periods = get(api, operator, linked_house["id"])["periods"]
    # Monday 1 April 2024 is a season C weekday: P4 (9-14, 18-22), P5 (8-9, 14-18, 22-24), P6 (0-8)
    assert periods == {
        "tariff": "3.0TD", "assumed": False, "P1": 0.0, "P2": 0.0, "P3": 0.0, "P4": 0.9, "P5": 0.7, "P6": 0.8
    }  # fmt: skip


def test_each_hour_is_split_by_the_tariff_in_force_that_day(
    api: FunctionsApi, operator: Caller, linked_house: dict[str, Any]
) -> None:
    store(linked_house["cups"], Source.F5D, "20240403", 0, {APRIL_1 + h * 3600: 100 for h in range(72)})
    common = {"retailer": "Retailer", "power_control": "maximeter"}
    contracts = [
        common | {"tariff": "2.0TD", "contracted_power_kw": {"P1": 4.6, "P2": 4.6}, "start_date": "2024-01-01",
                  "end_date": "2024-04-01", "contract_number": "C-1"},
        common | {"tariff": "3.0TD", "contracted_power_kw": {f"P{n}": 20 for n in range(1, 7)},
                  "start_date": "2024-04-02", "end_date": "2024-04-02", "contract_number": "C-2"},
    ]  # fmt: skip
    path = f"/houses/{linked_house['id']}/electricity-contracts"
    assert [api.request("POST", path, operator, json_body=body).status for body in contracts] == [201, 201]

    periods = get(api, operator, linked_house["id"], to="2024-04-04")["periods"]
    # Monday under 2.0TD, Tuesday under 3.0TD (season C), Wednesday without a contract: 2.0TD assumed
    assert periods == {
        "tariff": "mixed",
        "assumed": True,
        "by_tariff": [
            {"tariff": "2.0TD", "assumed": False, "from": "2024-04-01", "to": "2024-04-02",
             "P1": 0.8, "P2": 0.8, "P3": 0.8},
            {"tariff": "3.0TD", "assumed": False, "from": "2024-04-02", "to": "2024-04-03",
             "P1": 0.0, "P2": 0.0, "P3": 0.0, "P4": 0.9, "P5": 0.7, "P6": 0.8},
            {"tariff": "2.0TD", "assumed": True, "from": "2024-04-03", "to": "2024-04-04",
             "P1": 0.8, "P2": 0.8, "P3": 0.8},
        ],
    }  # fmt: skip
    assert get(api, operator, linked_house["id"], to="2024-04-02")["periods"]["assumed"] is False
    assert get(api, operator, linked_house["id"], **{"from": "2024-04-03", "to": "2024-04-04"})["periods"] == {
        "tariff": "2.0TD", "assumed": True, "P1": 0.8, "P2": 0.8, "P3": 0.8
    }  # fmt: skip


def test_a_canary_house_is_shown_in_canary_time_with_the_canary_tables(
    api: FunctionsApi, operator: Caller, create_user: Any
) -> None:
    """A CUPS outside the Canary ranges: the pipeline read its files in peninsular time, one hour early for the
    Canary house that holds it, whose postal code decides."""
    user = create_user()
    house = api.request(
        "POST", f"/users/{user.id}/houses", operator, json_body={"address": "Triana 5", "postal_code": "35002"}
    )
    cups = new_cups("0021", next(_serials))
    assert put_cups(api, operator, house["id"], {"cups": cups}).status == 200
    # The row `2024/04/01 11:00` of a Canary supply, 10:00-11:00 Canary time (09:00Z), read as peninsular: 08:00Z
    store(cups, Source.F5D, "20240403", 0, {APRIL_1 + 10 * 3600: 500})

    reply = get(api, operator, house["id"])
    assert reply["timezone"] == "Atlantic/Canary"
    assert len(reply["points"]) == 24
    assert reply["points"][10] | {"source": None} == {
        "start": "2024-04-01T10:00:00+01:00", "end": "2024-04-01T11:00:00+01:00", "consumption_kwh": 0.5,
        "surplus_kwh": 0.0, "quality": "real", "source": None,
    }  # fmt: skip
    assert [point["quality"] for point in reply["points"]].count("missing") == 23
    assert reply["periods"] == {"tariff": "2.0TD", "assumed": True, "P1": 0.5, "P2": 0.0, "P3": 0.0}
