import os
from datetime import date

import pytest

from shared.metering.remote_files import MAX_FILE_BYTES, object_key, readable, refusal

TODAY = date(2024, 4, 3)


def refused(name: str, *, path: str | None = None, size: int = 10, code: str = "0021") -> str | None:
    path = path or f"/outbox/{name}"
    return refusal(name, path, object_key("c", path, size, 1), size, distributor_code=code, today=TODAY)


@pytest.mark.parametrize(
    "name", ["F5D_0021_0762_20240404.0.bz2", "P5D_0021_0762_20240403.zip", "RF5D_0021_0762_20240101.3", "x.csv"]
)
def test_names_of_this_distributor_up_to_tomorrow_and_other_pattern_matches_are_copied(name: str) -> None:
    assert refused(name) is None


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("F5D_0021_0762_20240405.0", "generated on 2024-04-05 by its name: later than tomorrow (2024-04-04)"),
        ("F5D_0031_0762_20240403.0", "the name says distributor 0031, this connection is distributor 0021"),
        ("F5D 0021.0", "the name 'F5D 0021.0' is not letters, digits"),
        ("a\nb", "the name 'a\\nb' is not letters, digits"),
        ("../../etc", "is not letters, digits"),
        ("." + "x" * 10, "is not letters, digits"),
    ],
)
def test_forged_or_unsafe_names_are_refused_with_the_reason(name: str, reason: str) -> None:
    assert reason in (refused(name) or "")


def test_long_paths_and_oversized_files_are_refused() -> None:
    assert "cannot be an S3 key" in (refused("x.csv", path="/" + "d" * 1100 + "/x.csv") or "")
    assert "larger than" in (refused("x.csv", size=MAX_FILE_BYTES + 1) or "")


def test_keys_of_unreadable_paths_are_escaped_and_bounded() -> None:
    undecodable = os.fsdecode(b"/out/F5D_\xf1.0")
    key = object_key("c", undecodable, 1, 2)
    assert key == "raw/c/out/F5D_\\udcf1.0@1-2" and key.isascii()
    assert readable(undecodable) == "/out/F5D_\\xf1.0"
    assert object_key("c", "/out/F5D.0", 1, 2) == "raw/c/out/F5D.0@1-2"
    assert len(object_key("c", "/" + "é" * 3000, 1, 2)) <= 1800
