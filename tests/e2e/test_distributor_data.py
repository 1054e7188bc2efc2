"""Issue flow over HTTP against `python -m local`: set a CUPS, fire the poller, read the consumption of the
sample distributor's files (F5D over P5D, estimated hours, periods), and the files' outcomes."""

import time
import uuid
from typing import Any

import pytest
import requests

from local.sample_distributor import sample_cups, sample_files
from local.sftp_server import sshd_available
from tests.e2e.conftest import LocalStackHandle

pytestmark = pytest.mark.skipif(not sshd_available(), reason="needs OpenSSH's sshd (.ci/run installs it)")


def wait_for(check: Any, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.5)


def test_set_cups_poll_and_read_consumption(local_stack: LocalStackHandle) -> None:
    operator = local_stack.api(local_stack.operator_token())
    user = operator.post("/users", json={"name": "Ana", "email": f"ana.{uuid.uuid4().hex[:8]}@example.com"}).json()
    house = operator.post(f"/users/{user['id']}/houses", json={"address": "Calle Sol 1", "postal_code": "28013"}).json()
    first_cups = sample_cups()[0]
    assert operator.put(f"/houses/{house['id']}/cups/electricity", json={"cups": first_cups}).status_code == 200

    fired = requests.post(f"{local_stack.state['control_url']}/schedules/ftp_poller", timeout=120)
    assert fired.status_code == 200, fired.text

    def parsed_files() -> list[dict[str, Any]] | None:
        # Other tests may drop files of their own in the same inbox: only the sample files are this test's.
        files = operator.get("/distributor-connections/local-sftp/files").json()["items"]
        done = [
            file
            for file in files
            if file["name"] in sample_files() and file["status"] in ("parsed", "partially_parsed", "failed")
        ]
        return done if len(done) == 2 else None

    files = wait_for(parsed_files)
    assert files, operator.get("/distributor-connections/local-sftp/files").text
    assert {(file["status"], file["rows_stored"], file["rows_rejected"]) for file in files} == {("parsed", 96, 0)}

    reply = operator.get(
        f"/houses/{house['id']}/consumption", params={"from": "2024-04-01", "to": "2024-04-03", "granularity": "hour"}
    )
    assert reply.status_code == 200, reply.text
    report = reply.json()
    points = report["points"]
    assert len(points) == 48
    assert points[0] == {
        "start": "2024-04-01T00:00:00+02:00",
        "end": "2024-04-01T01:00:00+02:00",
        "consumption_kwh": 0.15,
        "surplus_kwh": 0.0,
        "quality": "real",
        "source": "F5D",
    }
    assert [point["quality"] for point in points[3:6]] == ["estimated"] * 3
    assert report["totals"]["hours_missing"] == 0
    assert report["totals"]["hours_estimated"] == 6
    assert set(report["periods"]) == {"tariff", "assumed", "P1", "P2", "P3"}

    connection = operator.get("/distributor-connections/local-sftp").json()
    assert connection["last_poll"]["error"] is None
    assert "private_key" not in connection

    # a second poll finds nothing new
    requests.post(f"{local_stack.state['control_url']}/schedules/ftp_poller", timeout=120)
    assert operator.get("/distributor-connections/local-sftp").json()["last_poll"]["files_copied"] == 0
