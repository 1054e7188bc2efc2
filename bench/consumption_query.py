"""Server time of GET /houses/{house_id}/consumption over one year of hourly data, as ratios against a baseline
measured in the same run. Reports; never fails.

1. Against reading the same stored items straight from the Metering table (moto in this process): a year of F5D
   for one supply point is stored the way the pipeline stores it (one item per month), then the real handler
   answers at hour, day and month granularity, as JSON and CSV. Goals: hours at most 3x the baseline (JSON and
   CSV), days and months at most 2x.
2. A PV house against a house without one, the same hours each, asked in turns (moto's server in a process of its
   own, as DynamoDB is a system of its own, so that the production and the hours are read side by side). Goal: 1.3x.

    .venv/bin/python bench/consumption_query.py [--runs 15] [--part plain-read|generation]    (repository root)
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moto import mock_aws

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from local.aws_server import AwsServer  # noqa: E402
from local.deployment import export_function_environments, moto_account_id  # noqa: E402
from local.events import http_api_event  # noqa: E402
from local.functions import FunctionRuntime  # noqa: E402
from local.provision import provision  # noqa: E402
from local.template import Template  # noqa: E402

if TYPE_CHECKING:
    from shared.houses.models import StoredHouse

REGION = "eu-west-1"
CUPS = "ES0021000012345678LB0F"
PV_HOUSE_CUPS = "ES0021000087654321MF0F"
YEAR = 2024


GOALS = {("hour", "json"): 3.0, ("day", "json"): 2.0, ("month", "json"): 2.0, ("hour", "csv"): 3.0}


def median_ms(action: Any, runs: int) -> float:
    return medians_in_turns({"action": action}, runs)["action"]


def medians_in_turns[K](actions: dict[K, Callable[[], Any]], runs: int) -> dict[K, float]:
    """Each action's median ms, the actions run in turns (a busy spell of the machine weighs on them all)."""
    timings: dict[K, list[float]] = {name: [] for name in actions}
    for _ in range(runs):
        for name, action in actions.items():
            started = time.perf_counter()
            action()
            timings[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(taken) for name, taken in timings.items()}


def house_with_electricity_cups(
    house_id: str, user_id: str, address: str, postal_code: str, cups: str, now: datetime
) -> "StoredHouse":
    """A house with an electricity CUPS, stored as the services store one (the house, then its link), without the
    caller checks around them; once the function's settings have named the tables."""
    from shared.houses import dal as houses  # noqa: PLC0415 - imported with the tables named
    from shared.houses.addresses import address_key  # noqa: PLC0415
    from shared.houses.models import HouseKind, StoredHouse, SupplyLink  # noqa: PLC0415
    from shared.supply_points.cups import Energy, supply_point_key  # noqa: PLC0415
    from shared.supply_points.dal import cups_links  # noqa: PLC0415
    from shared.supply_points.models import CupsLinkEntry  # noqa: PLC0415

    house = houses.create_house(
        StoredHouse(
            id=house_id,
            user_id=user_id,
            name=None,
            kind=HouseKind.DWELLING,
            address=address,
            postal_code=postal_code,
            city=None,
            address_key=address_key(user_id, postal_code, address),
            created_at=now,
            updated_at=now,
        )
    )
    entry = CupsLinkEntry(
        supply_point=supply_point_key(cups),
        link_id=f"{now.isoformat()}#{house.id}",
        house_id=house.id,
        energy=Energy.ELECTRICITY,
        cups=cups,
        since=None,
        visible_from=None,
        linked_at=now,
    )
    linked = replace(house, links={Energy.ELECTRICITY: SupplyLink(cups, entry.link_id)}, updated_at=now)
    return cups_links.link(linked, Energy.ELECTRICITY, entry, previous=None)


def store_year(cups: str = CUPS) -> None:
    from shared.metering.dal import metering  # noqa: PLC0415 - after the environment names the tables
    from shared.metering.hour_groups import HourValues, SupplyPointMonth  # noqa: PLC0415
    from shared.metering.readings import Quality, Source  # noqa: PLC0415

    start = int(datetime(YEAR - 1, 12, 31, 23, tzinfo=UTC).timestamp())
    end = int(datetime(YEAR, 12, 31, 23, tzinfo=UTC).timestamp())
    by_month: dict[str, list[HourValues]] = {}
    for hour in range(start, end, 3600):
        by_month.setdefault(metering.month_of(hour), []).append(HourValues(hour, 100 + hour % 700, 0, Quality.REAL))
    file = metering.MeteringFileVersion(Source.F5D, f"{YEAR + 1}0110", 0, "bench-year", "2025-01-10T00:00:00+00:00")
    metering.save_hours(file, 0, (SupplyPointMonth(cups[:20], month, hours) for month, hours in by_month.items()))


PV_GOAL = 1.3  # a year of hours with generation against the same route without it


def give_the_house_a_pv_installation(house_id: str) -> None:
    """A year of production stored as the poller stores it, and the house showing its installation: linked on the
    first day of the year, the installation is read at 06:00 each day, the month of yesterday so far (366 reads)."""
    from shared.houses import dal as houses  # noqa: PLC0415 - after the environment names the tables
    from shared.metering.hour_labels import MADRID  # noqa: PLC0415
    from shared.pv.dal.generation import save_generation  # noqa: PLC0415
    from shared.pv.dal.installations import save_installation  # noqa: PLC0415
    from shared.pv.models import GeneratedHour, PvSettings, StoredPvInstallation  # noqa: PLC0415

    day = datetime(YEAR, 1, 1, tzinfo=MADRID)
    while day.year == YEAR:
        read_at = day + timedelta(days=1, hours=6)
        month_start = int(day.replace(day=1).timestamp())
        read = range(month_start, int((day + timedelta(days=1)).timestamp()), 3600)
        save_generation(house_id, [GeneratedHour(hour, hour % 900, estimated=False) for hour in read], read_at)
        day += timedelta(days=1)
    house = houses.get_house(house_id)
    assert house is not None
    settings = PvSettings(peak_power_kwp=3.6)
    linked = datetime(YEAR, 1, 1, tzinfo=UTC)
    save_installation(
        replace(house, pv_installation=settings, updated_at=linked),
        StoredPvInstallation(house.id, settings, None, linked, linked),
    )


Request = Callable[..., str]


@contextmanager
def aws(store: str) -> Iterator[None]:
    """AWS as moto in this process, or as moto's server in a process of its own (as the local stack runs it)."""
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.update(AWS_DEFAULT_REGION=REGION, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
    if store == "in-process":
        with mock_aws():
            yield
        return
    server = AwsServer.start()
    os.environ["AWS_ENDPOINT_URL"] = server.endpoint
    try:
        yield
    finally:
        server.stop()


def deployed(template: Template) -> FunctionRuntime:
    """Provision the tables; the route's handler, ready to ask."""
    deployment = provision(template, prefix="bench", region=REGION)
    export_function_environments(deployment)
    spec = template.function("GetConsumptionFunction")
    return FunctionRuntime(spec, function_name=spec.logical_id, region=REGION, account_id=moto_account_id())


def house_with_a_year_of_hours(runtime: FunctionRuntime, house_id: str = "house-1", cups: str = CUPS) -> Request:
    """Store a house with a year of F5D hours; its consumption, asked of the route."""
    house_with_electricity_cups(house_id, "user-1", f"Sol {house_id}", "28013", cups, datetime(YEAR, 1, 1, tzinfo=UTC))
    store_year(cups)

    def request(granularity: str, output: str = "json") -> str:
        query = {"from": f"{YEAR}-01-01", "to": f"{YEAR + 1}-01-01", "granularity": granularity, "format": output}
        event = http_api_event(
            "GET",
            f"/houses/{house_id}/consumption",
            route_key="GET /houses/{house_id}/consumption",
            path_parameters={"house_id": house_id},
            query=query,
            jwt_claims={"sub": "operator", "cognito:groups": ["operators"]},
        )
        response = runtime.invoke(event)
        assert response["statusCode"] == 200, response["body"][:500]
        body: str = response["body"]
        return body

    # Warm (the handler module is loaded on the first call) and check the answers once, outside the timings:
    # parsing a year of points is the client's time, not the route's.
    assert len(json.loads(request("hour"))["points"]) == 8784
    assert len(request("hour", "csv").splitlines()) == 1 + 8784
    return request


def route_against_a_plain_read(template: Template, runs: int) -> None:
    """The route's server time against reading its 12 items, both with moto in this process: the
    function's own work, with DynamoDB's counted as nothing but its parsing."""
    with aws("in-process"):
        request = house_with_a_year_of_hours(deployed(template))
        from shared.metering.dal import metering  # noqa: PLC0415 - after the environment names the tables

        def raw_read() -> None:
            records = list(metering.MeteringRecord.query(CUPS[:20]))
            assert sum(len(record.hours) for record in records) == 8784 * 13

        routes = {f"{granularity} {output}": partial(request, granularity, output) for granularity, output in GOALS}
        medians = medians_in_turns({"baseline": raw_read} | routes, runs)
        baseline = medians["baseline"]
        print(f"one year of hourly data (8,784 hours), median of {runs} runs in turns, moto in-process")
        print(f"  baseline: query the 12 stored items          {baseline:8.1f} ms")
        for (granularity, output), goal in GOALS.items():
            took = medians[f"{granularity} {output}"]
            verdict = "PASS" if took / baseline <= goal else "FAIL"
            print(
                f"  route, granularity={granularity:<5} format={output:<4}   {took:8.1f} ms   {took / baseline:5.1f}x"
                f"   goal <= {goal:g}x  {verdict}"
            )


def route_with_generation_against_without(template: Template, runs: int) -> None:
    """The route for a PV house against the same route for a house without one, the same year of hours each, asked
    in turns (so that a busy spell of the machine weighs on both), with moto's server in a process of its own: the
    production and the hours are read side by side, as against DynamoDB, which moto in this process would serialise
    on one interpreter lock."""
    with aws("server"):
        runtime = deployed(template)
        without_pv = house_with_a_year_of_hours(runtime, "house-1", CUPS)
        with_pv = house_with_a_year_of_hours(runtime, "house-2", PV_HOUSE_CUPS)
        give_the_house_a_pv_installation("house-2")
        assert "generation_kwh" in json.loads(with_pv("hour"))["points"][0]
        medians = medians_in_turns({"without": lambda: without_pv("hour"), "with": lambda: with_pv("hour")}, runs)
    without_ms, with_ms = medians["without"], medians["with"]
    verdict = "PASS" if with_ms / without_ms <= PV_GOAL else "FAIL"
    print(f"a PV house, granularity=hour format=json, median of {runs} runs in turns, moto's server in its own process")
    print(f"  a house without an installation, the same hours        {without_ms:8.1f} ms")
    print(
        f"  with the installation (generation, self-consumption)  {with_ms:8.1f} ms   "
        f"{with_ms / without_ms:5.2f}x   goal <= {PV_GOAL:g}x  {verdict}"
    )


PARTS = {"plain-read": route_against_a_plain_read, "generation": route_with_generation_against_without}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--part", choices=PARTS, help="one part only (each runs in a process of its own)")
    arguments = parser.parse_args()
    if arguments.part:
        PARTS[arguments.part](Template.load(), arguments.runs)
        return
    # A process per part: PynamoDB keeps its clients, and so where AWS is, for the life of the process.
    for part in PARTS:
        command = [sys.executable, __file__, "--runs", str(arguments.runs), "--part", part]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
