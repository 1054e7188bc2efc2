"""Issue 13 over HTTP against `python -m local`: a house in the Canary Islands links a CUPS of the Canary
distribution range, its distributor drops an F5D labelled in Canary time (a winter day, both clock-change days, one
season flag the calendar contradicts) on the local SFTP, and the file's outcome and the consumption answer are
exact: Canary offsets, 23 and 25 hours, and the Canary tariff tables, the tariff changing inside a range."""

import bz2
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from stdnum.es import cups as stdnum_cups

from local.sftp_server import sshd_available
from shared.supply_points.zones import CANARY
from tests.e2e.conftest import ApiClient, LocalStackHandle
from tests.e2e.test_distributor_data import wait_for
from tests.unit.metering.metering_samples import day_hours

pytestmark = pytest.mark.skipif(not sshd_available(), reason="needs OpenSSH's sshd (.ci/run installs it)")

WINTER, SPRING, AUTUMN = date(2025, 1, 15), date(2025, 3, 30), date(2025, 10, 26)
THURSDAY, FRIDAY = date(2025, 10, 9), date(2025, 10, 10)  # the Canary high season; a 3.0TD contract from Friday


def canary_cups() -> str:
    number = f"ES00316{uuid.uuid4().int % 10**11:011d}"
    return f"{number}{stdnum_cups.calc_check_digits(number)}0F"


def day_rows(cups: str, day: date) -> list[str]:
    """A Canary day's rows, hour-ending Canary labels with their flag; hour i of the day consumed 100 + i Wh."""
    return [
        f"{cups};{label};{season};{100 + hour};0;;;;;1;1;FE25A0000013;"
        for hour, (label, season, _) in enumerate(day_hours(day, CANARY))
    ]


def consumption(client: ApiClient, house_id: str, first: date, end: date) -> dict[str, Any]:
    reply = client.get(
        f"/houses/{house_id}/consumption",
        params={"from": first.isoformat(), "to": end.isoformat(), "granularity": "hour"},
    )
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def test_a_canary_house_sees_its_f5d_in_canary_time_and_tariffs(local_stack: LocalStackHandle) -> None:
    operator = local_stack.api(local_stack.operator_token())
    cups = canary_cups()
    user = operator.post("/users", json={"name": "Nayra", "email": f"nayra.{uuid.uuid4().hex[:8]}@example.com"})
    house = operator.post(
        f"/users/{user.json()['id']}/houses", json={"address": "Calle Triana 5", "postal_code": "35002"}
    ).json()
    assert operator.put(f"/houses/{house['id']}/cups/electricity", json={"cups": cups}).status_code == 200
    contract = {
        "tariff": "3.0TD",
        "contracted_power_kw": {f"P{n}": 20 for n in range(1, 7)},
        "start_date": FRIDAY.isoformat(),
        "retailer": "Retailer",
        "contract_number": "C-13",
        "power_control": "maximeter",
    }
    assert operator.post(f"/houses/{house['id']}/electricity-contracts", json=contract).status_code == 201

    rows = [row for day in (WINTER, SPRING, AUTUMN, THURSDAY, FRIDAY) for row in day_rows(cups, day)]
    assert rows[0].split(";")[1:3] == ["2025/01/15 01:00", "0"]
    rows[0] = rows[0].replace(";2025/01/15 01:00;0;", ";2025/01/15 01:00;1;")  # summer time in January: a slip
    name = f"F5D_0031_0762_{datetime.now(UTC):%Y%m%d}.13.bz2"  # the local inbox is shared: a name of its own
    inbox = Path(local_stack.state["sample_distributor"]["inbox"])
    (inbox / name).write_bytes(bz2.compress(("\n".join(rows) + "\n").encode("iso-8859-15")))
    fired = requests.post(f"{local_stack.state['control_url']}/schedules/ftp_poller", timeout=120)
    assert fired.status_code == 200, fired.text

    def settled() -> dict[str, Any] | None:
        files = operator.get("/distributor-connections/local-sftp/files", params={"limit": "100"}).json()["items"]
        return next((file for file in files if file["name"] == name and file["status"] != "copied"), None)

    file = wait_for(settled, timeout=120)
    assert file is not None
    assert (file["status"], file["rows_stored"], file["rows_rejected"], file["rows_wrong_season"], file["error"]) == (
        "parsed",
        24 + 23 + 25 + 24 + 24,
        0,
        1,
        None,
    )

    winter = consumption(operator, house["id"], WINTER, WINTER + timedelta(days=1))
    assert (winter["timezone"], winter["cups"], len(winter["points"])) == ("Atlantic/Canary", cups, 24)
    assert winter["points"][10] == {  # the row `2025/01/15 11:00;0`: 10:00-11:00 Canary time, 10:00Z
        "start": "2025-01-15T10:00:00Z",
        "end": "2025-01-15T11:00:00Z",
        "consumption_kwh": 0.11,
        "surplus_kwh": 0.0,
        "quality": "real",
        "source": "F5D",
    }
    assert [point["consumption_kwh"] for point in winter["points"]] == [(100 + hour) / 1000 for hour in range(24)]
    # A Wednesday without a contract: 2.0TD assumed, P1 10-14 and 18-22, P2 8-10, 14-18, 22-24, P3 0-8
    assert winter["periods"] == {
        "tariff": "2.0TD",
        "assumed": True,
        "P1": sum(100 + h for h in [*range(10, 14), *range(18, 22)]) / 1000,
        "P2": sum(100 + h for h in [8, 9, *range(14, 18), 22, 23]) / 1000,
        "P3": sum(100 + h for h in range(8)) / 1000,
    }

    spring = consumption(operator, house["id"], SPRING, SPRING + timedelta(days=1))["points"]
    assert len(spring) == 23
    assert [point["start"] for point in spring[:3]] == [
        "2025-03-30T00:00:00Z",  # its row is `2025/03/30 02:00;1`
        "2025-03-30T02:00:00+01:00",
        "2025-03-30T03:00:00+01:00",
    ]
    assert [point["consumption_kwh"] for point in spring] == [(100 + hour) / 1000 for hour in range(23)]

    autumn = consumption(operator, house["id"], AUTUMN, AUTUMN + timedelta(days=1))["points"]
    assert len(autumn) == 25
    assert [(point["start"], point["consumption_kwh"]) for point in autumn[:4]] == [
        ("2025-10-26T00:00:00+01:00", 0.1),  # `01:00;1`
        ("2025-10-26T01:00:00+01:00", 0.101),  # `01:00;0`: the repeated hour, summer time
        ("2025-10-26T01:00:00Z", 0.102),  # `02:00;0`
        ("2025-10-26T02:00:00Z", 0.103),
    ]
    assert all(point["quality"] == "real" for point in autumn)

    # Thursday without a contract, Friday under 3.0TD in the Canary high season: P1 10-15 and 18-22, P3 8-10,
    # 15-18 and 22-24, P6 0-8 (peninsular tables would say P4 and P5)
    periods = consumption(operator, house["id"], THURSDAY, FRIDAY + timedelta(days=1))["periods"]
    assert periods == {
        "tariff": "mixed",
        "assumed": True,
        "by_tariff": [
            {
                "tariff": "2.0TD",
                "assumed": True,
                "from": "2025-10-09",
                "to": "2025-10-10",
                "P1": sum(100 + h for h in [*range(10, 14), *range(18, 22)]) / 1000,
                "P2": sum(100 + h for h in [8, 9, *range(14, 18), 22, 23]) / 1000,
                "P3": sum(100 + h for h in range(8)) / 1000,
            },
            {
                "tariff": "3.0TD",
                "assumed": False,
                "from": "2025-10-10",
                "to": "2025-10-11",
                "P1": sum(100 + h for h in [*range(10, 15), *range(18, 22)]) / 1000,
                "P2": 0.0,
                "P3": sum(100 + h for h in [8, 9, *range(15, 18), 22, 23]) / 1000,
                "P4": 0.0,
                "P5": 0.0,
                "P6": sum(100 + h for h in range(8)) / 1000,
            },
        ],
    }
