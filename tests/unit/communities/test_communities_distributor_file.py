"""The distributor's CAU_YYYY.txt: written byte for byte, and read back with every rule of the format (domain brief
§7.2, CONLUZ's DistributorFileParserImpl and its fixtures), including those the sample's source rejects."""

import random
from pathlib import Path

import pytest
from stdnum.es import cups as stdnum_cups

from shared.communities.coefficients import ONE
from shared.communities.distributor_file import (
    CoefficientFile,
    DistributorFileError,
    file_name,
    full_cups,
    parse,
    render,
)

SAMPLE = (
    Path(__file__).parents[2] / "fixtures" / "communities" / "ES0021000087654321MF0FA001_2025.txt"
)  # the domain sample
CAU = "ES0021000087654321MF0FA001"
NAME = f"{CAU}_2025.txt"
A, B, C = "ES0021000087654321MF0F", "ES0021000087654322MP0F", "ES0021000087654323MD0F"


def cups_of(serial: int) -> str:
    digits = f"0021{serial:012d}"
    return f"ES{digits}{stdnum_cups.calc_check_digits('ES' + digits)}0F"


def test_three_members_written_sorted_by_cups_comma_six_decimals_newline_ended() -> None:
    content = render({C: 200_000, A: 500_000, B: 300_000})
    assert content == (
        b"ES0021000087654321MF0F;0,500000\nES0021000087654322MP0F;0,300000\nES0021000087654323MD0F;0,200000\n"
    )
    assert file_name(CAU, 2025) == NAME
    assert full_cups("ES0021000087654321MF") == A
    assert full_cups(A) == A


def test_the_sample_file_is_read() -> None:
    read = parse(SAMPLE.name, SAMPLE.read_bytes())
    assert read.cau == CAU
    assert read.year == 2025
    assert sum(read.coefficients.values()) == ONE
    assert len(read.coefficients) == 4


def test_the_sample_s_set_written_again_has_the_same_lines_sorted() -> None:
    read = parse(SAMPLE.name, SAMPLE.read_bytes())
    assert render(read.coefficients).splitlines() == sorted(SAMPLE.read_bytes().splitlines())


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"ES0021000087654321MF0F;0.500000\nES0021000087654322MP0F;0.500000\n", "a comma, exactly 6 decimals"),
        (b"ES0021000087654321MF0F;0,5000\nES0021000087654322MP0F;0,5000\n", "a comma, exactly 6 decimals"),
        (b"ES0021000087654321MF0F;0,5000000\nES0021000087654322MP0F;0,5000000\n", "exactly 6 decimals"),
        (b"ES0021000087654321MF0F;0,500000\nES0021000087654322MP0F;0,499999\n", "sum to 0,999999, not 1,000000"),
        (b"ES0021000087654321MF0F;0,500000\nES0021000087654321MF0F;0,500000\n", "appears twice"),
        (b"CUPS;COEF\nES0021000087654321MF0F;1,000000\n", "not a 22-character CUPS"),
        (b"ES0021000087654321MF;1,000000\n", "not a 22-character CUPS"),
        (b"ES0021000087654321MX0F;1,000000\n", "line 1: 'ES0021000087654321MX0F'"),
        (b"es0021000087654321mf0f;1,000000\n", "compact upper-case form"),
        (b"ES0021000087654321MF0F;1,000000\r\n", "\\\\n alone"),
        (b"ES0021000087654321MF0F;1,000000", "does not end with"),
        (b"ES0021000087654321MF0F;1,000000;\n", "3 fields"),
        (b"ES0021000087654321MF0F;0,000000\nES0021000087654322MP0F;1,000000\n", "greater than 0"),
        (b"ES0021000087654321MF0F;1,000000\n\n", "line 2: 1 fields"),
        (b"", "empty"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_a_file_breaking_a_rule_is_refused(content: bytes, reason: str) -> None:
    with pytest.raises(DistributorFileError, match=reason):
        parse(NAME, content)


@pytest.mark.parametrize(
    "name", ["ES0021000087654321MF0FA001_25.txt", "ES0021000087654321MF0FA001_2025.csv", "CAU_2025.txt", "x"]
)
def test_a_name_other_than_cau_underscore_year_is_refused(name: str) -> None:
    with pytest.raises(DistributorFileError, match="is not named"):
        parse(name, b"ES0021000087654321MF0F;1,000000\n")


def test_a_name_whose_cau_is_invalid_is_refused() -> None:
    with pytest.raises(DistributorFileError, match="the name's CAU"):
        parse("ES0021000087654321MX0FA001_2025.txt", b"ES0021000087654321MF0F;1,000000\n")


@pytest.mark.parametrize("seed", range(200))
def test_any_valid_set_gives_a_file_that_reads_back_to_it_summing_to_one(seed: int) -> None:
    """Property: random valid sets (1 to 60 members, coefficients in millionths summing to 1)."""
    chance = random.Random(seed)
    members = chance.randint(1, 60)
    cuts = sorted(chance.sample(range(1, ONE), members - 1))
    values = [high - low for low, high in zip([0, *cuts], [*cuts, ONE], strict=True)]
    coefficients = {cups_of(chance.randrange(10**12)): value for value in values}
    if len(coefficients) < members:  # two random CUPS alike: astronomically rare
        pytest.skip("duplicate CUPS drawn")
    content = render(coefficients)
    read = parse(file_name(CAU, 2026), content)
    assert read == CoefficientFile(CAU, 2026, dict(sorted(coefficients.items())))
    assert sum(read.coefficients.values()) == ONE  # the lines sum to exactly 1,000000
    assert content == render(dict(reversed(list(coefficients.items()))))  # byte-identical whatever the order
