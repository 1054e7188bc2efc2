import io
import itertools
from datetime import date

import pytest
from metering_samples import compress, day_hours, f5d_row, file_bytes, make_cups, p5d_row, wrong_letters

import shared.metering.parser as parser_module
from shared.metering.errors import InvalidFileNameError
from shared.metering.parser import read_metering_file
from shared.metering.readings import Quality, Reading, Rejection, Source

F5D_NAME = "F5D_0021_0762_20240403.0"
P5D_NAME = "P5D_0021_0762_20240403.0"
CUPS_22 = make_cups(12345678)
CUPS_20 = make_cups(7654321, suffix="")
APRIL_FIRST = list(day_hours(date(2024, 4, 1)))


def parse(data: bytes, name: str = F5D_NAME) -> tuple[list[Reading], list[Rejection]]:
    rejections: list[Rejection] = []
    readings = list(read_metering_file(name, io.BytesIO(data), on_reject=rejections.append))
    return readings, rejections


def parse_rows(rows: list[str], name: str = F5D_NAME) -> tuple[list[Reading], list[Rejection]]:
    return parse(file_bytes(rows), name)


def test_an_f5d_row_becomes_an_hourly_reading() -> None:
    label, season, start = APRIL_FIRST[0]
    readings, rejections = parse_rows([f5d_row(CUPS_22, label, season, ai="240", ae="15")])
    assert rejections == []
    assert readings == [Reading(CUPS_22, CUPS_22[:20], start, 240, 15, Quality.REAL, Source.F5D)]


def test_the_first_hour_of_a_day_is_labelled_one_oclock_and_starts_at_local_midnight() -> None:
    readings, _ = parse_rows([f5d_row(CUPS_22, "2024/04/01 01:00", "1")])
    assert readings[0].hour_start_utc == 1711922400  # 2024-04-01T00:00+02:00


def test_a_whole_day_of_rows_gives_consecutive_hours() -> None:
    rows = [f5d_row(CUPS_22, label, season, ai=str(hour)) for hour, (label, season, _) in enumerate(APRIL_FIRST)]
    readings, rejections = parse_rows(rows)
    assert rejections == []
    assert [reading.hour_start_utc for reading in readings] == [start for _, _, start in APRIL_FIRST]
    assert [reading.consumption_wh for reading in readings] == list(range(24))


@pytest.mark.parametrize(("day", "hours"), [(date(2024, 3, 31), 23), (date(2024, 10, 27), 25), (date(2025, 3, 30), 23)])
def test_daylight_saving_days_have_23_or_25_distinct_hours(day: date, hours: int) -> None:
    expected = list(day_hours(day))
    readings, rejections = parse_rows([f5d_row(CUPS_22, label, season) for label, season, _ in expected])
    assert rejections == []
    starts = [reading.hour_start_utc for reading in readings]
    assert len(starts) == hours
    assert starts == [start for _, _, start in expected]
    assert all(later - earlier == 3600 for earlier, later in itertools.pairwise(starts))


def test_the_repeated_two_oclock_of_october_is_told_apart_by_the_season_flag() -> None:
    readings, _ = parse_rows(
        [f5d_row(CUPS_22, "2024/10/27 02:00", "1", ai="11"), f5d_row(CUPS_22, "2024/10/27 02:00", "0", ai="22")]
    )
    first, second = readings
    assert second.hour_start_utc - first.hour_start_utc == 3600
    assert (first.consumption_wh, second.consumption_wh) == (11, 22)


def test_unsorted_rows_keep_their_own_hours_and_file_order() -> None:
    shuffled = [APRIL_FIRST[index] for index in (5, 0, 23, 12, 1)]
    rows = [f5d_row(CUPS_22, label, season, ai=str(index)) for index, (label, season, _) in enumerate(shuffled)]
    readings, _ = parse_rows(rows)
    assert [(r.hour_start_utc, r.consumption_wh) for r in readings] == [
        (start, index) for index, (_, _, start) in enumerate(shuffled)
    ]


def test_20_and_22_character_cups_share_the_supply_point_key_and_keep_their_written_form() -> None:
    label, season, _ = APRIL_FIRST[0]
    readings, rejections = parse_rows(
        [f5d_row(CUPS_22, label, season), f5d_row(CUPS_22[:20], label, season), f5d_row(CUPS_20, label, season)]
    )
    assert rejections == []
    assert [r.cups for r in readings] == [CUPS_22, CUPS_22[:20], CUPS_20]
    assert [r.supply_point for r in readings] == [CUPS_22[:20], CUPS_22[:20], CUPS_20]


@pytest.mark.parametrize(
    ("method", "quality"),
    [("1", Quality.REAL), ("3", Quality.REAL), ("2", Quality.ESTIMATED), ("4", Quality.ESTIMATED),
     ("5", Quality.ESTIMATED), ("6", Quality.ESTIMATED)],
)  # fmt: skip
def test_methods_1_and_3_are_real_measures_the_others_estimates(method: str, quality: Quality) -> None:
    label, season, _ = APRIL_FIRST[0]
    readings, _ = parse_rows([f5d_row(CUPS_22, label, season, method=method)])
    assert readings[0].quality is quality


def test_rf5d_rows_carry_their_source() -> None:
    label, season, _ = APRIL_FIRST[0]
    readings, _ = parse_rows([f5d_row(CUPS_22, label, season)], "RF5D_0021_0762_20240403.0")
    assert readings[0].source is Source.RF5D


def test_the_cnmc_variant_with_its_two_extra_columns_is_read() -> None:
    label, season, start = APRIL_FIRST[3]
    readings, rejections = parse_rows([f5d_row(CUPS_22, label, season, ai="77", ae="5", cnmc=True)])
    assert rejections == []
    assert readings == [Reading(CUPS_22, CUPS_22[:20], start, 77, 5, Quality.REAL, Source.F5D)]


@pytest.mark.parametrize("trailing", [";", ""])
def test_the_trailing_separator_is_optional(trailing: str) -> None:
    label, season, _ = APRIL_FIRST[0]
    row = f"{CUPS_22};{label};{season};5;0;;;;;1;1;FE24A0001234{trailing}"
    readings, rejections = parse_rows([row])
    assert (len(readings), rejections) == (1, [])


def test_empty_reactive_and_surplus_fields_read_as_nothing_and_zero() -> None:
    label, season, _ = APRIL_FIRST[0]
    readings, rejections = parse_rows([f"{CUPS_22};{label};{season};93;;;;;;1;1;;"])
    assert rejections == []
    assert (readings[0].consumption_wh, readings[0].surplus_wh) == (93, 0)


def test_p5d_rows_are_real_readings() -> None:
    rows = [p5d_row(CUPS_20, label, season, ai="300", ae="20") for label, season, _ in APRIL_FIRST[:3]]
    readings, rejections = parse_rows(rows, P5D_NAME)
    assert rejections == []
    assert [(r.consumption_wh, r.surplus_wh, r.quality, r.source) for r in readings] == [
        (300, 20, Quality.REAL, Source.P5D)
    ] * 3


def test_a_p5d_row_without_trailing_separator_is_read() -> None:
    label, season, start = APRIL_FIRST[0]
    readings, _ = parse_rows([f"{CUPS_20};{label};{season};300;20"], P5D_NAME)
    assert [(r.hour_start_utc, r.surplus_wh) for r in readings] == [(start, 20)]


def test_a_p5d_row_with_f5d_columns_is_refused() -> None:
    label, season, _ = APRIL_FIRST[0]
    _, rejections = parse_rows([f5d_row(CUPS_20, label, season)], P5D_NAME)
    assert rejections[0].reason == "wrong field count: 13, P5D rows have 5 fields"


def test_windows_line_ends_are_read() -> None:
    rows = [f5d_row(CUPS_22, label, season) for label, season, _ in APRIL_FIRST[:2]]
    readings, rejections = parse(file_bytes(rows, newline="\r\n"))
    assert (len(readings), rejections) == (2, [])


def test_the_last_line_needs_no_newline_and_blank_lines_are_skipped_but_counted() -> None:
    (label, season, _), (label2, season2, _) = APRIL_FIRST[:2]
    data = f"\n{f5d_row(CUPS_22, label, season)}\n\n{f5d_row(CUPS_22, label2, season2, ai='-1')}".encode()
    readings, rejections = parse(data)
    assert len(readings) == 1
    assert [rejection.line_number for rejection in rejections] == [4]


GOOD = f5d_row(CUPS_22, *APRIL_FIRST[0][:2])


@pytest.mark.parametrize(
    ("bad_row", "reason"),
    [
        (f5d_row(wrong_letters(CUPS_22), *APRIL_FIRST[1][:2]), "cups: the control letters"),
        (f5d_row("ES00210000123456", *APRIL_FIRST[1][:2]), "cups: an electricity CUPS has 20 or 22 characters"),
        (f5d_row(CUPS_22, "2024/04/01 1:00", "1"), "timestamp: '2024/04/01 1:00' is not a whole hour"),
        (f5d_row(CUPS_22, "2024/04/31 01:00", "1"), "timestamp: '2024/04/31 01:00' is not a real date"),
        (f5d_row(CUPS_22, "2024/03/31 02:00", "1"), "timestamp: 2024/03/31 02:00 does not exist in Europe/Madrid"),
        (f5d_row(CUPS_22, "2024/04/01 05:00", "2"), "season: '2' is neither 0"),
        (f5d_row(CUPS_22, *APRIL_FIRST[1][:2], ai="-4"), "ai (consumption): negative energy -4"),
        (f5d_row(CUPS_22, *APRIL_FIRST[1][:2], ai="4.5"), "ai (consumption): '4.5' is not a whole number of Wh"),
        (f5d_row(CUPS_22, *APRIL_FIRST[1][:2], ai=""), "ai (consumption): empty"),
        (f5d_row(CUPS_22, *APRIL_FIRST[1][:2], ai="1" * 5000), "ai (consumption): a number of 5000 digits"),
        (f5d_row(CUPS_22, *APRIL_FIRST[1][:2], ai="2147483648"), "ai (consumption): 2147483648 Wh is more than"),
        (f5d_row(CUPS_22, *APRIL_FIRST[1][:2], ae="9" * 12), "ae (surplus): 999999999999 Wh is more than"),
        (f5d_row(CUPS_22, *APRIL_FIRST[1][:2], ae="-1"), "ae (surplus): negative energy -1"),
        (f5d_row(CUPS_22, *APRIL_FIRST[1][:2], ae="x"), "ae (surplus): 'x' is not a whole number of Wh"),
        (f5d_row(CUPS_22, *APRIL_FIRST[1][:2], method="7"), "method: '7' is not a method of obtaining"),
        (f5d_row(CUPS_22, *APRIL_FIRST[1][:2], method=""), "method: '' is not a method of obtaining"),
        (f"{CUPS_22};2024/04/01 02:00;1;5;0", "wrong field count: 5, F5D rows have 12 fields (14 in the CNMC"),
        (GOOD + "extra", "wrong field count: 13"),
    ],
)
def test_a_bad_row_is_rejected_with_its_line_and_a_reason_and_the_file_goes_on(bad_row: str, reason: str) -> None:
    readings, rejections = parse_rows([GOOD, bad_row, GOOD])
    assert len(readings) == 2
    assert len(rejections) == 1
    assert rejections[0].line_number == 2
    assert rejections[0].line == bad_row
    assert rejections[0].reason.startswith(reason)


def test_the_rejected_line_keeps_its_iso_8859_15_characters() -> None:
    _, rejections = parse("x;€\n".encode("iso-8859-15"))
    assert rejections[0].line == "x;€"


@pytest.mark.parametrize("kind", ["plain", "bz2", "gzip", "zip"])
def test_every_compression_gives_the_same_readings(kind: str) -> None:
    rows = [f5d_row(CUPS_22, label, season, ai=str(hour)) for hour, (label, season, _) in enumerate(APRIL_FIRST)]
    plain, _ = parse_rows(rows)
    packed, rejections = parse(compress(file_bytes(rows), kind))
    assert rejections == []
    assert packed == plain


def test_the_name_suffix_is_not_trusted_for_the_compression() -> None:
    rows = [f5d_row(CUPS_22, label, season) for label, season, _ in APRIL_FIRST]
    readings, _ = parse(compress(file_bytes(rows), "gzip"), F5D_NAME + ".bz2")
    assert len(readings) == 24


CANARY_CUPS = [make_cups(600_000_000_001, distributor="0031"), make_cups(600_000_000_002, distributor="0401")]


def test_canary_cups_ranges_are_read_in_canary_time() -> None:
    assert [cups[:7] for cups in CANARY_CUPS] == ["ES00316", "ES04016"]
    for cups in CANARY_CUPS:
        readings, rejections = parse_rows(
            [
                f5d_row(cups, "2025/01/15 11:00", "0"),
                f5d_row(cups, "2025/03/30 02:00", "1"),  # Canary midnight of the spring-forward day
                f5d_row(cups, "2025/10/26 01:00", "1"),
                f5d_row(cups, "2025/10/26 01:00", "0"),  # the repeated Canary hour
            ]
        )
        assert rejections == []
        assert [reading.hour_start_utc for reading in readings] == [
            1736935200,  # 2025-01-15T10:00Z
            1743292800,  # 2025-03-30T00:00Z
            1761433200,  # 2025-10-25T23:00Z
            1761436800,  # 2025-10-26T00:00Z
        ]


def test_other_cups_keep_peninsular_time_in_the_same_file() -> None:
    readings, rejections = parse_rows(
        [f5d_row(CANARY_CUPS[0], "2025/01/15 11:00", "0"), f5d_row(CUPS_22, "2025/01/15 11:00", "0")]
    )
    assert rejections == []
    assert [reading.hour_start_utc for reading in readings] == [1736935200, 1736931600]  # 10:00Z and 09:00Z


def test_a_season_flag_the_calendar_contradicts_keeps_the_row_and_is_reported_with_its_line() -> None:
    wrong: list[int] = []
    rejections: list[Rejection] = []
    rows = [
        f5d_row(CUPS_22, "2024/04/01 05:00", "0"),  # summer time in April
        f5d_row(CUPS_22, "2024/04/01 06:00", "1"),
        f5d_row(CUPS_22, "2024/10/27 02:00", "1"),  # the repeated hour: the flag chooses, nothing to report
        f5d_row(CUPS_22, "2024/10/27 02:00", "0"),
        f5d_row(CUPS_22, "2024/04/01 07:00", "2"),  # not a flag: rejected, not reported
    ]
    readings = list(
        read_metering_file(F5D_NAME, io.BytesIO(file_bytes(rows)), on_reject=rejections.append,
                           on_wrong_season=wrong.append)
    )  # fmt: skip
    assert [reading.hour_start_utc for reading in readings] == [1711936800, 1711940400, 1729983600, 1729987200]
    assert wrong == [1]
    assert [rejection.line_number for rejection in rejections] == [5]


def test_a_wrong_file_name_fails_before_anything_is_read() -> None:
    stream = io.BytesIO(b"anything")
    with pytest.raises(InvalidFileNameError):
        read_metering_file("F5D_0021_0762.0", stream, on_reject=print)
    assert stream.tell() == 0


def test_the_caches_give_the_same_readings_when_they_overflow(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [
        f5d_row(make_cups(point), label, season, ai=str(point * 100 + hour))
        for point in range(5)
        for hour, (label, season, _) in enumerate(APRIL_FIRST)
    ]
    expected, _ = parse_rows(rows)
    for limit in ("_CUPS_CACHE_LIMIT", "_HOUR_CACHE_LIMIT", "_ENERGY_CACHE_LIMIT"):
        monkeypatch.setattr(parser_module, limit, 2)
    assert parse_rows(rows) == (expected, [])
    assert len({r.supply_point for r in expected}) == 5
    assert len({r.consumption_wh for r in expected}) == 120
