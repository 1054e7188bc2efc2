"""`make run`'s distributor: a local SFTP server holding sample metering files (two supply points, the first
two days of April 2024: an F5D with a few estimated hours, bz2-compressed, and the P5D it supersedes), and
registered through the API as the distributor connection `local-sftp`, so that setting a house's CUPS and
firing the poller shows real consumption."""

import bz2
import json
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

from stdnum.es import cups as stdnum_cups

from local.sftp_server import SftpServer
from shared.metering.hour_labels import MADRID

CONNECTION_ID = "local-sftp"
DISTRIBUTOR_CODE = "0021"
RETAILER_CODE = "0762"
FIRST_DAY = datetime(2024, 4, 1, tzinfo=MADRID)
DAYS = 2
INBOX = "outbox"


def sample_cups() -> list[str]:
    return [_cups(DISTRIBUTOR_CODE, serial) for serial in (1234567, 7654321)]


def sample_files() -> dict[str, bytes]:
    """File name -> content, in the distributors' REE formats (hour-ending local labels, season flag)."""
    f5d_rows, p5d_rows = [], []
    for number, cups in enumerate(sample_cups()):
        for label, season, hour in _hour_labels():
            consumption = 150 + 40 * ((hour + number) % 6) + (300 if 19 <= hour <= 22 else 0)
            estimated = number == 0 and hour in (3, 4, 5)
            method, firm = ("5", "0") if estimated else ("1", "1")
            f5d_rows.append(f"{cups};{label};{season};{consumption};0;;;;;{method};{firm};FE24A{number:07d};")
            p5d_rows.append(f"{cups};{label};{season};{consumption - 7};0;")
    generated = (FIRST_DAY + timedelta(days=DAYS)).strftime("%Y%m%d")
    stem = f"{DISTRIBUTOR_CODE}_{RETAILER_CODE}_{generated}.0"
    return {
        f"F5D_{stem}.bz2": bz2.compress(_lines(f5d_rows)),
        f"P5D_{stem}": _lines(p5d_rows),
    }


def start_sample_distributor(api_url: str, operator_token: str) -> tuple[SftpServer, dict[str, Any]]:
    """Start the server, put the files, register the connection; the caller stops the server."""
    server = SftpServer().start()
    try:
        for name, content in sample_files().items():
            server.put(f"{INBOX}/{name}", content)
        body = server.connection_body(DISTRIBUTOR_CODE, [server.remote_path(INBOX)])
        request = urllib.request.Request(
            f"{api_url}/distributor-connections/{CONNECTION_ID}",
            data=json.dumps(body).encode(),
            method="PUT",
            headers={"Authorization": f"Bearer {operator_token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
    except BaseException:
        server.stop()
        raise
    state = {
        "connection_id": CONNECTION_ID,
        "sftp": f"{server.user}@{server.host}:{server.port}",
        "files": sorted(sample_files()),
        "cups": sample_cups(),
        "inbox": str(server.root / INBOX),  # where a tester drops more files for the next poll
    }
    return server, state


def _cups(distributor: str, serial: int) -> str:
    number = f"ES{distributor}{serial:012d}"
    return f"{number}{stdnum_cups.calc_check_digits(number)}0F"


def _hour_labels() -> list[tuple[str, str, int]]:
    """(hour-ending label, season flag, local hour start) of every local hour of the sample days."""
    labels = []
    start = FIRST_DAY.astimezone(UTC)
    for offset in range(DAYS * 24):  # no DST change in these days
        local_start = (start + timedelta(hours=offset)).astimezone(MADRID)
        local_end = (start + timedelta(hours=offset + 1)).astimezone(MADRID)
        season = "1" if local_end.dst() else "0"
        labels.append((local_end.strftime("%Y/%m/%d %H:%M"), season, local_start.hour))
    return labels


def _lines(rows: list[str]) -> bytes:
    return ("\n".join(rows) + "\n").encode("iso-8859-15")
