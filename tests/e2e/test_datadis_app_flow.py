"""Issue flow over HTTP against `python -m local`: a user connects Datadis from the app, accepts on the Datadis
stand-in, the callback confirms, the daily run reads, and the consumption shows Datadis' hours exactly (DST days
included), under the distributor file's value where an F5D file covers the hour."""

import bz2
import json
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from stdnum.es import cups as stdnum_cups

from local.datadis_curves import consumption_rows
from local.sftp_server import sshd_available
from shared.datadis.models import MADRID
from shared.datadis.readings import hourly_readings
from tests.e2e.conftest import ApiClient, LocalStackHandle
from tests.e2e.test_distributor_data import wait_for

pytestmark = pytest.mark.skipif(not sshd_available(), reason="needs OpenSSH's sshd (.ci/run installs it)")
NIF = "40123456W"
PASSWORD = "Holder-Local-2024"


def new_cups() -> str:
    number = f"ES0021{uuid.uuid4().int % 10**12:012d}"
    return f"{number}{stdnum_cups.calc_check_digits(number)}0F"


def last_sunday(year: int, month: int) -> date:
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def hours_of(local_stack: LocalStackHandle, client: ApiClient, house_id: str, day: date) -> list[dict[str, Any]]:
    reply = client.get(
        f"/houses/{house_id}/consumption",
        params={"from": day.isoformat(), "to": (day + timedelta(days=1)).isoformat(), "granularity": "hour"},
    )
    assert reply.status_code == 200, reply.text
    return list(reply.json()["points"])


def datadis_kwh(cups: str, day: date) -> list[float]:
    """What the stand-in answers for the day, as the API shows it (kWh of whole Wh)."""
    return [reading.consumption_wh / 1000 for reading in hourly_readings(consumption_rows(cups, day), MADRID).readings]


def f5d_file(cups: str, day: date, watt_hours: int) -> bytes:
    """An F5D covering the day's first two hours (hour-ending local labels, summer/winter flag)."""
    rows = []
    for hour in (1, 2):
        end = datetime(day.year, day.month, day.day, tzinfo=MADRID) + timedelta(hours=hour)
        season = "1" if end.dst() else "0"
        rows.append(f"{cups};{end:%Y/%m/%d %H:%M};{season};{watt_hours};0;;;;;1;1;FE26A0000001;")
    return bz2.compress(("\n".join(rows) + "\n").encode("iso-8859-15"))


def test_the_user_connects_datadis_and_sees_its_hours(local_stack: LocalStackHandle) -> None:
    operator = local_stack.api(local_stack.operator_token())
    datadis_url, control_url = local_stack.state["datadis_url"], local_stack.state["control_url"]
    email, cups = f"holder.{uuid.uuid4().hex[:8]}@example.com", new_cups()
    user = operator.post("/users", json={"name": "María", "email": email, "nif": NIF}).json()
    house = operator.post(f"/users/{user['id']}/houses", json={"address": "Calle Luz 2", "postal_code": "28013"}).json()
    assert operator.put(f"/houses/{house['id']}/cups/electricity", json={"cups": cups}).status_code == 200
    supply = {"cups": cups, "validDateFrom": "2020/01/01"}
    added = requests.post(f"{datadis_url}/_admin/accounts", json={"nif": NIF, "name": "MARIA", "supplies": [supply]})
    assert added.status_code in (200, 201), added.text
    local_stack.cognito.admin_set_user_password(
        UserPoolId=local_stack.state["user_pool_id"], Username=email, Password=PASSWORD, Permanent=True
    )
    app = local_stack.api(local_stack.sign_in(email, PASSWORD))

    asked = app.post(f"/houses/{house['id']}/datadis", json={})
    assert (asked.status_code, asked.json()["status"]) == (202, "PENDING")
    assert operator.post(f"/houses/{house['id']}/datadis", json={}).status_code == 403
    listed = requests.get(f"{datadis_url}/_admin/authorizations", timeout=30).json()
    [request_id] = {entry["requestId"] for entry in listed["authorizations"] if entry["ownerDocument"] == NIF}
    assert requests.post(f"{datadis_url}/_admin/authorizations/{request_id}/accept", timeout=30).status_code == 200
    confirmed = app.post(f"/houses/{house['id']}/datadis/callback")
    assert (confirmed.status_code, confirmed.json()["status"]) == (200, "CONNECTED")

    # An F5D for two hours of a recent day, on the distributor's SFTP server, polled first.
    day = datetime.now(MADRID).date() - timedelta(days=3)
    inbox = Path(local_stack.state["sample_distributor"]["inbox"])
    (inbox / f"F5D_0021_0762_{datetime.now(UTC):%Y%m%d}.7.bz2").write_bytes(f5d_file(cups, day, 4321))
    assert requests.post(f"{control_url}/schedules/ftp_poller", timeout=120).status_code == 200
    assert wait_for(lambda: hours_of(local_stack, app, house["id"], day)[0]["source"] == "F5D")

    assert requests.post(f"{control_url}/schedules/datadis_sync", timeout=120).status_code == 200
    points = wait_for(
        lambda: (found := hours_of(local_stack, app, house["id"], day))[2]["source"] == "datadis" and found,
        timeout=120,
    )
    assert points, json.dumps(hours_of(local_stack, app, house["id"], day))
    expected = datadis_kwh(cups, day)
    assert [(point["source"], point["consumption_kwh"]) for point in points[:2]] == [("F5D", 4.321)] * 2
    assert [point["consumption_kwh"] for point in points[2:]] == expected[2:]
    assert {point["source"] for point in points[2:]} == {"datadis"}

    year = datetime.now(MADRID).year - 1
    autumn = hours_of(local_stack, app, house["id"], last_sunday(year, 10))
    spring = hours_of(local_stack, app, house["id"], last_sunday(year, 3))
    assert (len(autumn), len(spring)) == (25, 23)
    assert [point["consumption_kwh"] for point in autumn] == datadis_kwh(cups, last_sunday(year, 10))
    assert [point["quality"] for point in autumn[1:3]] == ["estimated", "estimated"]
    state = app.get(f"/houses/{house['id']}/datadis").json()
    assert state["last_sync_at"] is not None and state["last_sync_error"] is None
