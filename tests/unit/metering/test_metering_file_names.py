from datetime import date

import pytest

from shared.metering.errors import InvalidFileNameError, MeteringFileError
from shared.metering.file_names import MeteringFileName, parse_file_name
from shared.metering.readings import Source


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("F5D_0021_0762_20240403.0", MeteringFileName(Source.F5D, "0021", "0762", date(2024, 4, 3), 0)),
        ("F5D_0021_0762_20240403.0.bz2", MeteringFileName(Source.F5D, "0021", "0762", date(2024, 4, 3), 0)),
        ("RF5D_0031_0762_20231231.12.gz", MeteringFileName(Source.RF5D, "0031", "0762", date(2023, 12, 31), 12)),
        ("P5D_0022_0123_20240229.1.zip", MeteringFileName(Source.P5D, "0022", "0123", date(2024, 2, 29), 1)),
        ("P5D_0022_0123_20240229.1.ZIP", MeteringFileName(Source.P5D, "0022", "0123", date(2024, 2, 29), 1)),
        ("P5D_0022_0123_20240229.zip", MeteringFileName(Source.P5D, "0022", "0123", date(2024, 2, 29), None)),
        ("A5D_0189_0373_20210219.0.bz2", MeteringFileName(Source.A5D, "0189", "0373", date(2021, 2, 19), 0)),
        ("B5D_0021_0762_20250102.2", MeteringFileName(Source.B5D, "0021", "0762", date(2025, 1, 2), 2)),
        (
            "incoming/0021/F5D_0021_0762_20240403.3.bz2",
            MeteringFileName(Source.F5D, "0021", "0762", date(2024, 4, 3), 3),
        ),
    ],
)
def test_kind_codes_generation_date_and_version_come_from_the_name(name: str, expected: MeteringFileName) -> None:
    assert parse_file_name(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "F5D_0021_0762_20240403",  # no version
        "F5D_0021_0762_20240403.0.rar",
        "F5D_0021_0762_20240403.0.bz2.tmp",
        "C5D_0021_0762_20240403.0",
        "F1_0021_20240403.0",
        "F5D_021_0762_20240403.0",
        "F5D_0021_0762_2024043.0",
        "f5d_0021_0762_20240403.0",
        "F5D_0021_0762_20240403.x",
        "ES0021000087654321MF0FA001_2025.txt",
        "",
    ],
)
def test_other_names_are_rejected(name: str) -> None:
    with pytest.raises(InvalidFileNameError, match="is not a distributor curve file name"):
        parse_file_name(name)


def test_an_impossible_generation_date_is_rejected() -> None:
    with pytest.raises(InvalidFileNameError, match="no real generation date: 20240230"):
        parse_file_name("F5D_0021_0762_20240230.0")


def test_a_bad_name_is_a_file_level_value_error() -> None:
    assert issubclass(InvalidFileNameError, MeteringFileError)
    assert issubclass(MeteringFileError, ValueError)
