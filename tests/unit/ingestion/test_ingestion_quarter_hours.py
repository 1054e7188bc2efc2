"""A quarter-hour row refuses its hourly file as a whole, before anything of it is stored."""

import io

import pytest

from shared.metering.errors import MeteringFileError
from shared.metering.quarter_hours import refusing_quarter_hours

CUPS = "ES0021000012345678LB0F"


def rows(*labels: str) -> bytes:
    return "".join(f"{CUPS};{label};0;100;0;;;;;1;1;FE1;\n" for label in labels).encode("iso-8859-15")


def read_all(data: bytes, size: int) -> bytes:
    read = refusing_quarter_hours(io.BytesIO(data).read, "F5D")
    out = b""
    while block := read(size):
        out += block
    return out


@pytest.mark.parametrize("size", [1, 7, 64, 1 << 20])
def test_whole_hours_pass_through_unchanged(size: int) -> None:
    data = rows("2025/01/15 01:00", "2025/01/15 02:00", "2025/01/16 00:00")
    assert read_all(data, size) == data


@pytest.mark.parametrize("size", [1, 7, 50, 64, 1 << 20])  # labels cut between blocks anywhere
@pytest.mark.parametrize("minutes", ["15", "30", "45"])
def test_a_quarter_hour_label_refuses_the_file_naming_its_line(size: int, minutes: str) -> None:
    data = rows("2025/01/15 00:00", "2025/01/15 01:00", f"2025/01/15 01:{minutes}", "2025/01/15 02:00")
    with pytest.raises(MeteringFileError) as refused:
        read_all(data, size)
    assert str(refused.value).startswith(
        f"quarter-hour rows: line 3 is labelled 2025/01/15 01:{minutes}, and F5D files hold whole hours only"
    )
