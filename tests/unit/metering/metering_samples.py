"""Builders of synthetic distributor files for the metering tests (valid CUPS, real DST days)."""

import bz2
import gzip
import io
import zipfile
from collections.abc import Buffer, Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from stdnum.es import cups as stdnum_cups

MADRID = ZoneInfo("Europe/Madrid")


def make_cups(number: int, suffix: str = "0F", distributor: str = "0021") -> str:
    digits = f"ES{distributor}{number:012d}"
    return digits + stdnum_cups.calc_check_digits(digits + "XX") + suffix


def wrong_letters(cups: str) -> str:
    """The same CUPS with control letters that do not match."""
    right = cups[18:20]
    wrong = "TR" if right != "TR" else "RT"
    return cups[:18] + wrong + cups[20:]


def day_hours(day: date, zone: ZoneInfo = MADRID) -> Iterator[tuple[str, str, int]]:
    """(hour-ending label, season flag, UTC start epoch) of every hour of a local day, 23 to 25 of them.

    Built forwards from UTC instants, the opposite direction to the parser, so it is an independent oracle.
    """
    start = datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone).astimezone(UTC)
    while start < end:
        local_end = (start + timedelta(hours=1)).astimezone(zone)
        yield f"{local_end:%Y/%m/%d %H:%M}", str(int(bool(local_end.dst()))), int(start.timestamp())
        start += timedelta(hours=1)


def f5d_row(
    cups: str, label: str, season: str, *, ai: str = "100", ae: str = "0", method: str = "1", cnmc: bool = False
) -> str:
    firm = "1" if method in ("1", "3") else "0"
    row = f"{cups};{label};{season};{ai};{ae};;;;;{method};{firm};FE24A0001234"
    return row + (f";{ai};{ae}" if cnmc else ";")


def p5d_row(cups: str, label: str, season: str, *, ai: str = "100", ae: str = "0") -> str:
    return f"{cups};{label};{season};{ai};{ae};"


def file_bytes(rows: list[str], newline: str = "\n") -> bytes:
    return "".join(row + newline for row in rows).encode("iso-8859-15")


def compress(data: bytes, kind: str, inner_name: str = "F5D_0021_0762_20240403.0") -> bytes:
    if kind == "plain":
        return data
    if kind == "bz2":
        return bz2.compress(data)
    if kind == "gzip":
        return gzip.compress(data)
    if kind == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(inner_name, data)
        return buffer.getvalue()
    raise ValueError(kind)


class OneWayStream(io.RawIOBase):
    """A non-seekable stream that hands out small pieces, like an S3 body or a socket."""

    def __init__(self, data: bytes, piece: int = 7) -> None:
        self._data = io.BytesIO(data)
        self._piece = piece

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Buffer) -> int:
        view = memoryview(buffer)
        chunk = self._data.read(min(len(view), self._piece))
        view[: len(chunk)] = chunk
        return len(chunk)
