"""Issue flow over HTTP against `python -m local`, as a community manager would through the operator API: a community
on the SolarEdge stand-in's sample site, three member houses with β 0.5/0.3/0.2, the distributor's file byte for
byte, a new set from a later day, the PV poll reading the community's installation, each member's share hour by hour
adding up to the generation to the Wh, the allocation report, and a B5D file on the local SFTP server changing the
distributor's share the report shows."""

import bz2
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from stdnum.es import cups as stdnum_cups

from local.sftp_server import sshd_available
from local.solaredge import DEMO_SITES
from shared.metering.hour_labels import MADRID
from tests.e2e.conftest import ApiClient, LocalStackHandle
from tests.e2e.test_distributor_data import wait_for
from tests.e2e.test_pv_operator_flow import expected_wh, hour_starts

pytestmark = pytest.mark.skipif(not sshd_available(), reason="needs OpenSSH's sshd (.ci/run installs it)")
SITE = DEMO_SITES[0]


def new_cups() -> str:
    number = f"ES0021{uuid.uuid4().int % 10**12:012d}"
    return f"{number}{stdnum_cups.calc_check_digits(number)}0F"


def member_house(operator: ApiClient, number: int) -> dict[str, Any]:
    email = f"miembro{number}.{uuid.uuid4().hex[:8]}@example.com"
    user = operator.post("/users", json={"name": f"Miembro {number}", "email": email}).json()
    body = {"address": f"Calle Comunidad {number}", "postal_code": "28013"}
    house = operator.post(f"/users/{user['id']}/houses", json=body).json()
    cups = new_cups()
    assert operator.put(f"/houses/{house['id']}/cups/electricity", json={"cups": cups}).status_code == 200
    return {"id": house["id"], "cups": cups}


def shares_of(operator: ApiClient, house_id: str, day: date) -> list[dict[str, Any]]:
    reply = operator.get(
        f"/houses/{house_id}/consumption",
        params={"from": day.isoformat(), "to": (day + timedelta(days=2)).isoformat(), "granularity": "hour"},
    )
    assert reply.status_code == 200, reply.text
    return list(reply.json()["points"])


def drop_b5d(local_stack: LocalStackHandle, cups: str, start_utc: int, share_wh: int) -> None:
    """A B5D file on the local SFTP server with the member's share of one hour (in `ae`), under a name of its own:
    other tests drop files in the same inbox."""
    end = datetime.fromtimestamp(start_utc + 3600, MADRID)  # hour-ending label
    row = f"{cups};{end:%Y/%m/%d %H:%M};{int(bool(end.dst()))};0;{share_wh};;;;;;;;\n"
    inbox = Path(local_stack.state["sample_distributor"]["inbox"])
    name = f"B5D_0021_0762_{datetime.now(UTC):%Y%m%d}.{uuid.uuid4().int % 10**6}.bz2"
    (inbox / name).write_bytes(bz2.compress(row.encode()))


def test_a_community_manager_sets_coefficients_and_sees_each_member_s_share(local_stack: LocalStackHandle) -> None:
    operator = local_stack.api(local_stack.operator_token())
    control_url = local_stack.state["control_url"]
    houses = [member_house(operator, number) for number in range(3)]
    monitoring = {"provider": "solaredge", "site_id": SITE.site_id, "api_key": local_stack.state["solaredge_api_key"]}
    cau = f"{new_cups()}A001"
    created = operator.post(
        "/energy-communities",
        json={
            "name": "Comunidad Solar del Barrio",
            "cau": cau,
            "peak_power_kwp": SITE.peak_kwp,
            "monitoring": monitoring,
        },
    )
    assert created.status_code == 201, created.text
    community = created.json()
    base = f"/energy-communities/{community['id']}"

    day = datetime.now(MADRID).date() - timedelta(days=20)
    first = dict(zip([house["id"] for house in houses], ["0.5", "0.3", "0.2"], strict=True))
    assert operator.post(f"{base}/coefficient-sets", json={"valid_from": day.isoformat(), "coefficients": first}).ok
    download = operator.get(f"{base}/distributor-file", params={"day": day.isoformat()})
    assert download.status_code == 200
    assert download.headers["content-disposition"] == f'attachment; filename="{cau}_{day.year}.txt"'
    lines = sorted(f"{house['cups']};0,{value[2]}00000\n" for house, value in zip(houses, first.values(), strict=True))
    assert download.content == "".join(lines).encode()

    later = day + timedelta(days=1)
    second = {houses[0]["id"]: "0.45", houses[1]["id"]: "0.35", houses[2]["id"]: "0.2"}
    assert operator.post(f"{base}/coefficient-sets", json={"valid_from": later.isoformat(), "coefficients": second}).ok
    assert [item["valid_from"] for item in operator.get(f"{base}/coefficient-sets").json()["items"]] == [
        later.isoformat(),
        day.isoformat(),
    ]
    assert operator.get(f"/houses/{houses[0]['id']}").json()["energy_community"] == {
        "id": community["id"],
        "name": "Comunidad Solar del Barrio",
        "coefficient": "0.450000",
    }

    assert requests.post(f"{control_url}/schedules/pv_poller", timeout=120).status_code == 200
    assert wait_for(lambda: operator.get(base).json()["last_poll"], timeout=120)
    produced = expected_wh(day) + expected_wh(later)
    assert sum(produced) > 0
    points = wait_for(
        lambda: (
            (found := [shares_of(operator, house["id"], day) for house in houses])
            and all(point["community_kwh"] is not None for point in found[0])
            and found
        )
    )
    for hour, generation in enumerate(produced):
        shares = [round(member[hour]["community_kwh"] * 1000) for member in points]
        assert sum(shares) == generation, hour  # to the Wh, every hour
    noon = 12
    report = operator.get(
        f"{base}/allocation", params={"from": day.isoformat(), "to": (later + timedelta(days=1)).isoformat()}
    )
    assert report.status_code == 200, report.text
    members = {member["house_id"]: member for member in report.json()["members"]}
    assert round(sum(member["computed_kwh"] for member in members.values()) * 1000) == sum(produced)
    assert members[houses[0]["id"]]["distributor_kwh"] is None

    # The distributor's B5D for the first member: its noon share 40 Wh higher than the computed one.
    computed_noon = round(points[0][noon]["community_kwh"] * 1000)
    drop_b5d(local_stack, houses[0]["cups"], hour_starts(day)[noon], computed_noon + 40)
    assert requests.post(f"{control_url}/schedules/ftp_poller", timeout=120).status_code == 200

    def distributor_share() -> dict[str, Any] | None:
        shown = operator.get(f"{base}/allocation", params={"from": day.isoformat(), "to": later.isoformat()}).json()
        member = next(member for member in shown["members"] if member["house_id"] == houses[0]["id"])
        return member if member["distributor_kwh"] is not None else None

    member = wait_for(distributor_share, timeout=120)
    assert member, "the B5D file never showed in the allocation report"
    assert (member["distributor_kwh"], member["hours_reported"], member["difference_kwh"]) == (
        (computed_noon + 40) / 1000,
        1,
        0.04,
    )
    shown = shares_of(operator, houses[0]["id"], day)[noon]
    assert (shown["community_kwh"], shown["community_source"]) == ((computed_noon + 40) / 1000, "B5D")
