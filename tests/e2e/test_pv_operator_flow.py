"""Issue flow over HTTP against `python -m local`: an operator links the SolarEdge stand-in's sample site to a house
with F5D data, fires the PV poll, and the consumption shows the exact hourly generation and self-consumption, on a
day with surplus and on the autumn change day (25 hours, none with surplus)."""

import bz2
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
from stdnum.es import cups as stdnum_cups

from local.sftp_server import sshd_available
from local.solaredge import DEMO_SITES, hour_energy_wh
from shared.metering.hour_labels import MADRID
from tests.e2e.conftest import ApiClient, LocalStackHandle
from tests.e2e.test_distributor_data import wait_for

pytestmark = pytest.mark.skipif(not sshd_available(), reason="needs OpenSSH's sshd (.ci/run installs it)")
SITE = DEMO_SITES[0]


def new_cups() -> str:
    number = f"ES0021{uuid.uuid4().int % 10**12:012d}"
    return f"{number}{stdnum_cups.calc_check_digits(number)}0F"


def last_sunday(year: int, month: int) -> date:
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def hour_starts(day: date) -> list[int]:
    """The UTC hour starts of a local day (23, 24 or 25)."""
    start = int(datetime(day.year, day.month, day.day, tzinfo=MADRID).timestamp())
    end = int(datetime.combine(day + timedelta(days=1), datetime.min.time(), MADRID).timestamp())
    return list(range(start, end, 3600))


def f5d_rows(cups: str, day: date, surplus: dict[int, int]) -> list[str]:
    """A day of F5D rows (hour-ending local labels, summer/winter flag), 500 Wh consumed an hour."""
    rows = []
    for position, start in enumerate(hour_starts(day)):
        end = datetime.fromtimestamp(start + 3600, MADRID)
        label = f"{end:%Y/%m/%d %H:%M}"  # the last hour ends at the next day's 00:00
        season = "1" if end.dst() else "0"
        rows.append(f"{cups};{label};{season};500;{surplus.get(position, 0)};;;;;1;1;FE26A0000002;")
    return rows


def expected_wh(day: date) -> list[int]:
    """What the stand-in produces each hour, as stored: whole Wh, half up."""
    return [
        int(Decimal(str(hour_energy_wh(SITE, start))).to_integral_value(rounding=ROUND_HALF_UP))
        for start in hour_starts(day)
    ]


def hours_of(client: ApiClient, house_id: str, day: date) -> list[dict[str, Any]]:
    reply = client.get(
        f"/houses/{house_id}/consumption",
        params={"from": day.isoformat(), "to": (day + timedelta(days=1)).isoformat(), "granularity": "hour"},
    )
    assert reply.status_code == 200, reply.text
    return list(reply.json()["points"])


def test_the_operator_links_the_sample_site_and_sees_generation(local_stack: LocalStackHandle) -> None:
    operator = local_stack.api(local_stack.operator_token())
    control_url, cups = local_stack.state["control_url"], new_cups()
    user = operator.post("/users", json={"name": "Sol", "email": f"sol.{uuid.uuid4().hex[:8]}@example.com"}).json()
    house = operator.post(f"/users/{user['id']}/houses", json={"address": "Calle Sol 9", "postal_code": "28013"}).json()
    assert operator.put(f"/houses/{house['id']}/cups/electricity", json={"cups": cups}).status_code == 200
    sunny = datetime.now(MADRID).date() - timedelta(days=20)
    autumn = last_sunday(datetime.now(MADRID).year - (datetime.now(MADRID).month < 11), 10)
    surplus = {hour: 300 for hour in range(10, 16)}
    inbox = Path(local_stack.state["sample_distributor"]["inbox"])
    rows = f5d_rows(cups, sunny, surplus) + f5d_rows(cups, autumn, {})
    content = bz2.compress(("\n".join(rows) + "\n").encode("iso-8859-15"))
    (inbox / f"F5D_0021_0762_{datetime.now(UTC):%Y%m%d}.8.bz2").write_bytes(content)
    assert requests.post(f"{control_url}/schedules/ftp_poller", timeout=120).status_code == 200

    monitoring = {"provider": "solaredge", "site_id": SITE.site_id, "api_key": local_stack.state["solaredge_api_key"]}
    body = {"peak_power_kwp": SITE.peak_kwp, "installed_on": SITE.installed_on.isoformat(), "monitoring": monitoring}
    linked = operator.put(f"/houses/{house['id']}/pv-installation", json=body)
    assert linked.status_code == 201, linked.text
    assert requests.post(f"{control_url}/schedules/pv_poller", timeout=120).status_code == 200
    assert wait_for(
        lambda: (poll := operator.get(f"/houses/{house['id']}/pv-installation").json()["last_poll"]) and poll,
        timeout=120,
    )

    points = wait_for(lambda: (found := hours_of(operator, house["id"], sunny))[0]["source"] == "F5D" and found)
    produced = expected_wh(sunny)
    assert [point["generation_kwh"] for point in points] == [wh / 1000 for wh in produced]
    assert [point["self_consumption_kwh"] for point in points] == [
        max(wh - surplus.get(hour, 0), 0) / 1000 for hour, wh in enumerate(produced)
    ]
    assert any(point["self_consumption_kwh"] < point["generation_kwh"] for point in points)  # surplus hours
    dst = hours_of(operator, house["id"], autumn)
    assert len(dst) == 25
    assert [point["generation_kwh"] for point in dst] == [wh / 1000 for wh in expected_wh(autumn)]
    assert [point["self_consumption_kwh"] for point in dst] == [point["generation_kwh"] for point in dst]
    last_poll = operator.get(f"/houses/{house['id']}/pv-installation").json()["last_poll"]
    assert last_poll["error"] is None and last_poll["hours_stored"] > 24 * 300
