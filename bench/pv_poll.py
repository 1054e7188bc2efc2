"""PV production reads: provider requests per installation for the first read (the 12-month backfill) and for a
daily run, against the SolarEdge stand-in (goal: 12 and 1), with the time per installation-month of reading and
storing (moto in this process).

    .venv/bin/python bench/pv_poll.py [--installations 20]      (repository root)
"""

import argparse
import os
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from moto import mock_aws

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from local.deployment import export_function_environments  # noqa: E402
from local.provision import provision  # noqa: E402
from local.solaredge import SolarEdgeStandIn, StandInSite  # noqa: E402
from local.stack import SOLAREDGE_URL_PARAMETER  # noqa: E402
from local.template import Template  # noqa: E402

REGION = "eu-west-1"


def requests_per_installation(installations: int) -> None:
    from shared.core.clients.secrets import Secrets  # noqa: PLC0415 - after the tables are named
    from shared.houses import dal as houses  # noqa: PLC0415
    from shared.houses.models import HouseKind, StoredHouse  # noqa: PLC0415
    from shared.pv.clients.registry import monitoring_provider  # noqa: PLC0415
    from shared.pv.dal import installations as store  # noqa: PLC0415
    from shared.pv.models import Monitoring, MonitoringProviderName, PvSettings, StoredPvInstallation  # noqa: PLC0415
    from shared.pv.services import reads as service  # noqa: PLC0415

    clock = [time.time()]
    now = datetime.fromtimestamp(clock[0], UTC)
    sites = [
        StandInSite(f"bench-{n}", f"BENCH-KEY-{n}", 4.0, now.date() - timedelta(days=800)) for n in range(installations)
    ]
    stand_in = SolarEdgeStandIn(sites=sites, clock=lambda: clock[0])
    stand_in.start()
    try:
        secrets = Secrets("bench/pv-monitoring/", "bench key")
        for site in sites:
            house = houses.create_house(
                StoredHouse(
                    id=f"house-{site.site_id}",
                    user_id="bench-user",
                    name=None,
                    kind=HouseKind.DWELLING,
                    address=f"Calle {site.site_id}",
                    postal_code="28001",
                    city=None,
                    address_key=f"bench#{site.site_id}",
                    created_at=now,
                    updated_at=now,
                )
            )
            monitoring = Monitoring(provider=MonitoringProviderName.SOLAREDGE, site_id=site.site_id)
            settings = PvSettings(peak_power_kwp=site.peak_kwp, installed_on=site.installed_on, monitoring=monitoring)
            secret = secrets.store(house.id, site.api_key)
            installation = StoredPvInstallation(house.id, settings, secret, now, now)
            store.save_installation(replace(house, pv_installation=settings), installation)
        provider = monitoring_provider(MonitoringProviderName.SOLAREDGE, base_url=stand_in.url)

        def run(at: datetime) -> tuple[int, float]:
            stand_in.reset_usage()
            started = time.perf_counter()
            for site in sites:
                service.read_production(f"house-{site.site_id}", lambda name: provider, at)
            elapsed = time.perf_counter() - started
            return sum(stand_in.usage()["sites"].values()), elapsed

        backfill, backfill_s = run(now)
        clock[0] += 86_400
        daily, _ = run(now + timedelta(days=1))
    finally:
        stand_in.stop()
    print(f"SolarEdge requests for {installations} installations (goal: 12 for the first read, 1 a daily run)")
    print(f"  first read (12-month backfill): {backfill / installations:.2f} a site")
    print(f"  daily run (the next day):       {daily / installations:.2f} a site")
    print(f"  reading and storing: {1000 * backfill_s / backfill:.1f} ms per installation-month (requests included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--installations", type=int, default=20)
    arguments = parser.parse_args()
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.update(AWS_DEFAULT_REGION=REGION, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
    with mock_aws():
        deployment = provision(
            Template.load(), prefix="bench", region=REGION, parameters={SOLAREDGE_URL_PARAMETER: "http://unused"}
        )
        export_function_environments(deployment)
        requests_per_installation(arguments.installations)


if __name__ == "__main__":
    main()
