"""Datadis reads: requests per house for the 24-month backfill and for a daily run, against the Datadis stand-in
(goal: one consumption query per house-month, one authorisation-list call per run in all); and the time per
house-month of parsing and storing Datadis' rows, as a ratio against the same hours parsed from an F5D file and
stored, measured in the same run (moto in this process).

    .venv/bin/python bench/datadis_sync.py [--houses 20] [--runs 7]      (repository root)
"""

import argparse
import io
import os
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from moto import mock_aws
from stdnum.es import cups as stdnum_cups

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.consumption_query import median_ms  # noqa: E402
from local.datadis import DatadisStandIn, StandInAccount, StandInSupply  # noqa: E402
from local.datadis_curves import consumption_rows  # noqa: E402
from local.deployment import export_function_environments  # noqa: E402
from local.provision import provision  # noqa: E402
from local.stack import DATADIS_URL_PARAMETER  # noqa: E402
from local.template import Template  # noqa: E402

REGION = "eu-west-1"
CONSUMPTION = "/api-private/api/get-consumption-data"
AUTHORIZATIONS = "/api-private/authorizations/request/third-authorized-users-cups"
SUPPLIES = "/api-private/api/get-supplies"
_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def house(number: int) -> tuple[str, str]:
    """(NIF, CUPS) of the bench's house `number`."""
    dni = 50_000_000 + number
    digits = f"0021{number:012d}"
    return f"{dni}{_LETTERS[dni % 23]}", f"ES{digits}{stdnum_cups.calc_check_digits('ES' + digits)}0F"


def requests_per_house(houses: int) -> None:
    from shared.core.clients.message_queue import MessageQueue  # noqa: PLC0415 - after the tables are named
    from shared.datadis import dal  # noqa: PLC0415
    from shared.datadis.clients.datadis_api import DatadisApi  # noqa: PLC0415
    from shared.datadis.models import ConsentStatus, DatadisConsent  # noqa: PLC0415
    from shared.datadis.services import consents, reads  # noqa: PLC0415

    clock = [time.time()]
    stand_in = DatadisStandIn(
        accounts=[
            StandInAccount(nif, f"HOLDER {n}", (StandInSupply(cups),))
            for n, (nif, cups) in enumerate(house(n) for n in range(houses))
        ],
        clock=lambda: clock[0],
    )
    stand_in.start()
    try:
        datadis = DatadisApi(stand_in.url, stand_in.username, stand_in.password)
        now = datetime.fromtimestamp(clock[0], UTC)
        for number in range(houses):
            nif, cups = house(number)
            datadis.send_request_authorization(nif, cups, start=now.date(), end=now.date() + timedelta(days=700))
            consent = DatadisConsent(f"house-{number}", ConsentStatus.PENDING, nif=nif, cups=cups)
            dal.save_consent(consent)
        for entry in stand_in.authorizations():
            stand_in.accept(int(entry["requestId"]))
        read_queue = MessageQueue(os.environ["DATADIS_READ_QUEUE_URL"])

        def daily_run(at: datetime) -> Counter[str]:
            before = stand_in.requests.copy()
            consents.recheck_consents(datadis, read_queue, at)
            for number in range(houses):
                reads.read_consumption(f"house-{number}", datadis, at)
            return stand_in.requests - before

        backfill = daily_run(now)
        clock[0] += 86_400 + 60  # the next day: yesterday's queries may be sent again
        daily = daily_run(now + timedelta(days=1, seconds=60))
    finally:
        stand_in.stop()
    print(f"Datadis requests for {houses} connected houses (goal: 1 consumption query a house-month, 1 list a run)")
    print(f"  {'run':<22}{'consumption/house':>18}{'supplies/house':>16}{'authorisation lists':>21}")
    for name, sent in (("24-month backfill", backfill), ("daily run (next day)", daily)):
        print(
            f"  {name:<22}{sent[CONSUMPTION] / houses:>18.2f}{sent[SUPPLIES] / houses:>16.2f}{sent[AUTHORIZATIONS]:>21}"
        )
    print(f"  consumption queries per house-month in the backfill: {backfill[CONSUMPTION] / (houses * 24):.2f}")


def month_rows(cups: str, first: date) -> list[dict[str, Any]]:
    days = (first.replace(month=first.month % 12 + 1, year=first.year + first.month // 12) - first).days
    return [row for day in range(days) for row in consumption_rows(cups, first + timedelta(days=day))]


def parse_and_store_ratio(runs: int) -> None:
    from shared.datadis.readings import hourly_readings  # noqa: PLC0415 - after the tables are named
    from shared.datadis.services.reads import store_month  # noqa: PLC0415
    from shared.metering.dal import metering  # noqa: PLC0415
    from shared.metering.hour_groups import SupplyPointMonths  # noqa: PLC0415
    from shared.metering.hour_labels import MADRID  # noqa: PLC0415
    from shared.metering.parser import read_metering_file  # noqa: PLC0415
    from shared.metering.readings import Source  # noqa: PLC0415

    _, cups = house(999_999)
    first = date(2025, 10, 1)  # a month with the autumn change: 745 hours
    rows = month_rows(cups, first)
    readings = hourly_readings(rows, MADRID).readings
    f5d = []
    for reading in readings:
        end = datetime.fromtimestamp(reading.hour_start_utc + 3600, UTC).astimezone(MADRID)
        label = "24:00" if end.hour == 0 else f"{end:%H:%M}"
        day = end - timedelta(days=1) if end.hour == 0 else end
        season = "1" if end.dst() else "0"
        f5d.append(f"{cups};{day:%Y/%m/%d} {label};{season};{reading.consumption_wh};0;;;;;1;1;FE25A0000001;")
    f5d_bytes = ("\n".join(f5d) + "\n").encode("iso-8859-15")
    now = datetime.now(UTC)

    def from_datadis() -> None:
        store_month(cups[:20], "2025/10", hourly_readings(rows, MADRID).readings, now)

    def from_f5d() -> None:
        months = SupplyPointMonths(metering.month_of)
        for reading in read_metering_file("F5D_0021_0762_20251102.0", io.BytesIO(f5d_bytes), on_reject=lambda _: None):
            months.add(reading)
        version = metering.MeteringFileVersion(Source.F5D, "20251102", 0, "bench-f5d", now.isoformat())
        metering.save_hours(version, 0, months.groups())

    datadis_ms, f5d_ms = median_ms(from_datadis, runs), median_ms(from_f5d, runs)
    print(f"\nParse and store one house-month ({len(readings)} hours), medians of {runs}:")
    print(f"  Datadis rows {datadis_ms:8.1f} ms   F5D rows {f5d_ms:8.1f} ms   ratio {datadis_ms / f5d_ms:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--houses", type=int, default=20)
    parser.add_argument("--runs", type=int, default=7)
    arguments = parser.parse_args()
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.update(AWS_DEFAULT_REGION=REGION, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
    with mock_aws():
        deployment = provision(
            Template.load(), prefix="bench", region=REGION, parameters={DATADIS_URL_PARAMETER: "http://unused"}
        )
        export_function_environments(deployment)
        requests_per_house(arguments.houses)
        parse_and_store_ratio(arguments.runs)


if __name__ == "__main__":
    main()
