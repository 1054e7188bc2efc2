"""The hand-checked files in tests/fixtures/metering, read as the distributor sends them."""

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from metering_samples import OneWayStream, compress

from shared.metering.parser import read_metering_file
from shared.metering.readings import Quality, Reading, Rejection, Source

FIXTURES = Path(__file__).parents[2] / "fixtures" / "metering"


def read(name: str, kind: str = "plain", seekable: bool = True) -> tuple[list[Reading], list[Rejection]]:
    packed = compress((FIXTURES / name).read_bytes(), kind, inner_name=name)
    stream = io.BytesIO(packed) if seekable else OneWayStream(packed, piece=4096)
    rejections: list[Rejection] = []
    readings = list(read_metering_file(name, stream, on_reject=rejections.append))  # type: ignore[arg-type]
    return readings, rejections


def utc(reading: Reading) -> str:
    return datetime.fromtimestamp(reading.hour_start_utc, UTC).strftime("%m-%d %H:%M")


@pytest.mark.parametrize("kind", ["plain", "bz2", "gzip", "zip"])
@pytest.mark.parametrize("seekable", [True, False])
def test_the_fall_back_day_file_has_25_hours_per_supply_point(kind: str, seekable: bool) -> None:
    readings, rejections = read("F5D_0021_0762_20241028.0", kind, seekable)
    assert rejections == []
    by_point: dict[str, list[Reading]] = {}
    for reading in readings:
        by_point.setdefault(reading.supply_point, []).append(reading)
    assert {point: len(hours) for point, hours in by_point.items()} == {
        "ES0021000055501234PT": 25,
        "ES0021000011223344MP": 25,
    }
    first = by_point["ES0021000055501234PT"]
    assert first[0].cups == "ES0021000055501234PT0F"
    # 2024-10-27 starts at 22:00 UTC the day before (CEST) and ends at 23:00 UTC (CET): 25 hours.
    assert [utc(r) for r in first[:4]] == ["10-26 22:00", "10-26 23:00", "10-27 00:00", "10-27 01:00"]
    assert utc(first[-1]) == "10-27 22:00"
    assert sum(r.surplus_wh for r in first) == sum(index * 11 for index in range(9, 17))
    assert [r.quality for r in by_point["ES0021000011223344MP"]].count(Quality.ESTIMATED) == 2


def test_the_spring_forward_p5d_has_22_of_its_23_hours() -> None:
    readings, rejections = read("P5D_0021_0762_20240401.0", "bz2")
    assert rejections == []
    assert len(readings) == 22
    assert {(r.source, r.quality) for r in readings} == {(Source.P5D, Quality.REAL)}
    # 01:00 CET is followed by 03:00 CEST: consecutive UTC hours across the change
    assert [utc(r) for r in readings[:3]] == ["03-30 23:00", "03-31 00:00", "03-31 01:00"]
    day = ["03-30 23:00", *(f"03-31 {hour:02d}:00" for hour in range(22))]
    assert sorted(set(day) - {utc(r) for r in readings}) == ["03-31 09:00"]  # the gap: 11:00-12:00 local


def test_the_cnmc_file_keeps_its_good_rows_and_names_each_bad_one() -> None:
    readings, rejections = read("F5D_0031_0762_20240402.1", "zip")
    assert [(r.consumption_wh, r.surplus_wh, r.quality) for r in readings] == [
        (300, 0, Quality.REAL),
        (301, 0, Quality.REAL),
        (303, 0, Quality.ESTIMATED),
        (306, 0, Quality.REAL),
        (307, 0, Quality.REAL),  # line 9: winter time flagged in April, stored at its label's hour
        (311, 7, Quality.ESTIMATED),
    ]
    assert [(r.line_number, r.reason.split(":")[0]) for r in rejections] == [
        (3, "cups"),
        (5, "timestamp"),
        (7, "ai (consumption)"),
        (10, "wrong field count"),
        (11, "ai (consumption)"),
        (12, "method"),
    ]
