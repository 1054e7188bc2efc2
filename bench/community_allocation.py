"""The allocation report of a 100-member energy community over a year of hours: server time of
GET /energy-communities/{community_id}/allocation, as a ratio against GET /houses/{house_id}/consumption reading the
same year of hours of one house, measured in the same run (moto in this process), and the DynamoDB requests the
report sends per member-month (counted on the client: a botocore hook on every client created after the start).

A year of the community's production is in the generation store, one set of 100 members in force all year, and a
year of B5D figures for every member (the distributor's shares the report compares). Reports; never fails.

    .venv/bin/python bench/community_allocation.py [--runs 5] [--members 100]      (repository root)
"""

import argparse
import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from moto import mock_aws
from stdnum.es import cups as stdnum_cups

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.consumption_query import median_ms  # noqa: E402
from bench.metering_storage import DynamoDbRequests  # noqa: E402
from local.deployment import export_function_environments, moto_account_id  # noqa: E402
from local.events import http_api_event  # noqa: E402
from local.functions import FunctionRuntime  # noqa: E402
from local.provision import provision  # noqa: E402
from local.template import Template  # noqa: E402

REGION = "eu-west-1"
YEAR = 2024
COMMUNITY = "bench-community"
OPERATOR = {"sub": "operator", "cognito:groups": ["operators"]}


def cups_of(serial: int) -> str:
    digits = f"0021{serial:012d}"
    return f"ES{digits}{stdnum_cups.calc_check_digits('ES' + digits)}0F"


def year_hours() -> range:
    from shared.communities.timeline import local_midnight  # noqa: PLC0415 - after the tables are named
    from shared.metering.hour_labels import MADRID  # noqa: PLC0415

    return range(local_midnight(date(YEAR, 1, 1), MADRID), local_midnight(date(YEAR + 1, 1, 1), MADRID), 3600)


def store(members: int) -> None:
    """The community, its set, a year of its production and of each member's B5D; a house with a year of F5D."""
    from shared.communities import dal  # noqa: PLC0415
    from shared.communities.models import SetMember, StoredCoefficientSet, StoredCommunity  # noqa: PLC0415
    from shared.houses.dal import HouseRecord  # noqa: PLC0415
    from shared.metering.dal import metering  # noqa: PLC0415
    from shared.metering.hour_groups import HourValues, SupplyPointMonth  # noqa: PLC0415
    from shared.metering.readings import Quality, Source  # noqa: PLC0415
    from shared.pv.dal.generation import save_generation  # noqa: PLC0415
    from shared.pv.models import GeneratedHour, community_owner  # noqa: PLC0415
    from shared.supply_points.cups import Energy  # noqa: PLC0415
    from shared.supply_points.dal.cups_links import CupsLinkRecord  # noqa: PLC0415

    created = datetime(YEAR, 1, 1, tzinfo=UTC)
    dal.create_community(
        StoredCommunity(COMMUNITY, "Bench", cups_of(1) + "A001", 100.0, None, None, created_at=created)
    )
    base, left = divmod(1_000_000, members)
    set_members = tuple(
        SetMember(f"member-{n}", cups_of(1000 + n), base + (1 if n < left else 0)) for n in range(members)
    )
    dal.save_set(StoredCoefficientSet(COMMUNITY, date(YEAR - 1, 12, 1), set_members, created))
    hours = year_hours()
    production = [GeneratedHour(start, start % 50_000, False) for start in hours]
    save_generation(community_owner(COMMUNITY), production, created)
    b5d = metering.MeteringFileVersion(Source.B5D, f"{YEAR + 1}0110", 0, "bench-b5d", "2025-01-10T00:00:00+00:00")
    for member in set_members:
        by_month: dict[str, list[HourValues]] = {}
        for start in hours:
            by_month.setdefault(metering.month_of(start), []).append(HourValues(start, 0, start % 400, Quality.REAL))
        groups = (SupplyPointMonth(member.cups[:20], month, values) for month, values in by_month.items())
        metering.save_hours(b5d, 0, groups)
    # the baseline's house: a year of F5D
    cups, now = cups_of(9), created.isoformat()
    HouseRecord(
        "house-1",
        user_id="user-1",
        kind="dwelling",
        address="Sol 1",
        postal_code="28013",
        address_key="k",
        electricity_cups=cups,
        electricity_link_id=f"{now}#house-1",
        created_at=now,
        updated_at=now,
    ).save()
    CupsLinkRecord(
        cups[:20], f"{now}#house-1", house_id="house-1", energy=Energy.ELECTRICITY.value, cups=cups, linked_at=now
    ).save()
    f5d = metering.MeteringFileVersion(Source.F5D, f"{YEAR + 1}0110", 0, "bench-f5d", "2025-01-10T00:00:00+00:00")
    consumption: dict[str, list[HourValues]] = {}
    for start in hours:
        consumption.setdefault(metering.month_of(start), []).append(HourValues(start, 300, 0, Quality.REAL))
    metering.save_hours(f5d, 0, (SupplyPointMonth(cups[:20], m, values) for m, values in consumption.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--members", type=int, default=100)
    arguments = parser.parse_args()
    runs, members = arguments.runs, arguments.members
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.update(AWS_DEFAULT_REGION=REGION, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
    requests = DynamoDbRequests()
    requests.install()
    with mock_aws():
        template = Template.load()
        deployment = provision(template, prefix="bench", region=REGION)
        export_function_environments(deployment)
        store(members)
        runtimes = {
            name: FunctionRuntime(
                template.function(name), function_name=name, region=REGION, account_id=moto_account_id()
            )
            for name in ("GetConsumptionFunction", "GetCommunityAllocationFunction")
        }

        def get(function: str, path: str, route_key: str, parameters: dict[str, str]) -> str:
            query = {"from": f"{YEAR}-01-01", "to": f"{YEAR + 1}-01-01"}
            event = http_api_event(
                "GET", path, route_key=route_key, path_parameters=parameters, query=query, jwt_claims=OPERATOR
            )
            response = runtimes[function].invoke(event)
            assert response["statusCode"] == 200, response["body"][:500]
            body: str = response["body"]
            return body

        def consumption() -> str:
            return get(
                "GetConsumptionFunction",
                "/houses/house-1/consumption",
                "GET /houses/{house_id}/consumption",
                {"house_id": "house-1"},
            )

        def allocation() -> str:
            return get(
                "GetCommunityAllocationFunction",
                f"/energy-communities/{COMMUNITY}/allocation",
                "GET /energy-communities/{community_id}/allocation",
                {"community_id": COMMUNITY},
            )

        def split() -> None:
            from shared.communities import dal, timeline  # noqa: PLC0415
            from shared.metering.hour_labels import MADRID  # noqa: PLC0415
            from shared.pv.services.generation import community_generation  # noqa: PLC0415

            hours = year_hours()
            generation = community_generation(COMMUNITY, hours.start, hours.stop)
            timeline.hourly_shares(dal.coefficient_sets(COMMUNITY), hours.start, generation, MADRID)

        consumption(), allocation()  # warm: the handlers' modules load on their first call
        requests.by_operation.clear()
        allocation()
        sent = dict(requests.by_operation)
        baseline = median_ms(consumption, runs)
        took = median_ms(allocation, runs)
        splitting = median_ms(split, runs)
        member_months = members * 12
        print(f"allocation of a {members}-member community over {YEAR} (8,784 hours), median of {runs} runs, moto")
        print(f"  baseline: GET consumption, one house, a year of hours   {baseline:8.1f} ms")
        print(f"  GET allocation, {members} members, a year of hours{' ' * 8}{took:8.1f} ms   {took / baseline:5.1f}x")
        per_member = took / members
        print(f"    per member{' ' * 45}{per_member:8.1f} ms   {per_member / baseline:5.2f}x")
        label = "of which reading the production and splitting its hours"
        print(f"    {label} {splitting:8.1f} ms   {splitting / baseline:5.2f}x")
        total = sum(sent.values())
        detail = ", ".join(f"{name} {count}" for name, count in sorted(sent.items()))
        print(f"  DynamoDB requests per report: {total} ({detail}); {total / member_months:.2f} per member-month")


if __name__ == "__main__":
    main()
