"""The CAU (26 characters: a valid 22-character CUPS, A, 3 digits), CNMC table 113 codes old and new, and the rule
that ties a CAU to the house's electricity CUPS unless the code names a collective modality."""

import pytest

from shared.pv.cau import (
    SELF_CONSUMPTION_CODES,
    TABLA_113,
    TABLA_113_NEW,
    InvalidSelfConsumptionError,
    SelfConsumption,
    check_cau_is_the_houses,
    checked_self_consumption,
    normalise_cau,
    table_113_code,
)

HOUSE_CUPS = "ES0021000087654321MF0F"  # the demo house's electricity CUPS
CAU = "ES0021000087654321MF0FA001"
OTHER_CAU = "ES0031300325733001FH0FA000"  # a collective installation's, on another supply (CONLUZ's fixture)
COLLECTIVE = {"32", "33", "42", "43", "52", "55", "56", "57", "58", "63", "64", "73", "74"}


def problems(invalid: pytest.ExceptionInfo[InvalidSelfConsumptionError]) -> list[str]:
    return [problem.field for problem in invalid.value.problems]


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        (CAU, CAU),
        ("es0021000087654321mf0fa001", CAU),
        ("ES 0021 0000 8765 4321 MF 0F A001", CAU),
        ("ES0021-0000-8765-4321-MF-0F-A001", CAU),
        ("ES1234000000000001JN0FA001", "ES1234000000000001JN0FA001"),  # the brief's example
    ],
)
def test_a_cau_is_stored_compact_and_upper_case(written: str, stored: str) -> None:
    assert normalise_cau(written) == stored


@pytest.mark.parametrize(
    ("cau", "says"),
    [
        ("ES0021000087654321MF0FA01", "26 characters"),
        ("ES0021000087654321MF0FA0011", "26 characters"),
        ("ES0021000087654321MFA001", "26 characters"),  # a 20-character CUPS: no border-point suffix
        ("ES0021000087654321MG0FA001", "control letters"),
        ("FR0021000087654321MF0FA001", "starts with ES"),
        ("ES0021000087654321MF0QA001", "border-point suffix"),
        ("ES0021000087654321MF0FB001", "A and 3 digits"),
        ("ES0021000087654321MF0FA0X1", "A and 3 digits"),
        ("ES0021000087654321MF0FA\u0660\u0660\u0661", "A and 3 digits"),  # Arabic-Indic: decimal, not ASCII
    ],
)
def test_a_cau_that_is_not_a_cups_a_and_3_digits_is_refused_on_its_field(cau: str, says: str) -> None:
    with pytest.raises(InvalidSelfConsumptionError, match=says) as invalid:
        normalise_cau(cau)
    assert problems(invalid) == ["cau"]


def test_the_old_table_113() -> None:
    listed = {"00", "31", "32", "33", "41", "42", "43", "51", "52", "53", "54", "55", "56", "57", "58"}
    listed |= {"61", "62", "63", "64", "71", "72", "73", "74"}
    assert set(TABLA_113) == listed
    assert {code for code, entry in TABLA_113.items() if entry.collective} == COLLECTIVE
    assert all(("Colectivo" in entry.description) == entry.collective for entry in TABLA_113.values())


def test_the_new_table_113_names_no_collective_modality() -> None:
    assert set(TABLA_113_NEW) == {"00", "11", "12", "0C"}
    assert not any(entry.collective for entry in TABLA_113_NEW.values())
    assert TABLA_113_NEW["0C"].description == "Baja como miembro de autoconsumo colectivo"  # left the collective


def test_both_tables_share_only_00_and_mean_the_same_by_it() -> None:
    assert set(TABLA_113) & set(TABLA_113_NEW) == {"00"}
    assert TABLA_113["00"] == TABLA_113_NEW["00"]
    assert set(SELF_CONSUMPTION_CODES) == set(TABLA_113) | set(TABLA_113_NEW)


@pytest.mark.parametrize(("written", "code"), [("41", "41"), ("0c", "0C"), (" 12 ", "12"), ("00", "00")])
def test_a_code_from_either_table_is_found(written: str, code: str) -> None:
    assert table_113_code(written).code == code


@pytest.mark.parametrize("code", ["", "01", "2A", "44", "75", "13", "0D", "041"])
def test_a_code_in_neither_table_is_refused_on_its_field(code: str) -> None:
    with pytest.raises(InvalidSelfConsumptionError, match="table 113") as invalid:
        table_113_code(code)
    assert problems(invalid) == ["self_consumption_code"]


@pytest.mark.parametrize("house_cups", [HOUSE_CUPS, HOUSE_CUPS[:20], "ES0021000087654321MF1P"])
def test_an_individual_cau_names_the_houses_cups_on_its_first_20_characters(house_cups: str) -> None:
    check_cau_is_the_houses(CAU, table_113_code("41"), house_cups)
    check_cau_is_the_houses(CAU, None, house_cups)


@pytest.mark.parametrize("code", ["31", "41", "51", "11", "12", "0C", "00", None])
def test_a_cau_of_another_supply_is_refused_unless_the_modality_is_collective(code: str | None) -> None:
    entry = table_113_code(code) if code else None
    with pytest.raises(InvalidSelfConsumptionError, match="is not the house's electricity CUPS") as invalid:
        check_cau_is_the_houses(OTHER_CAU, entry, HOUSE_CUPS)
    assert problems(invalid) == ["cau"]


@pytest.mark.parametrize("code", sorted(COLLECTIVE))
def test_a_collective_modalitys_cau_may_name_another_supply(code: str) -> None:
    check_cau_is_the_houses(OTHER_CAU, table_113_code(code), HOUSE_CUPS)
    check_cau_is_the_houses(OTHER_CAU, table_113_code(code), None)


def test_a_house_without_electricity_cups_has_nothing_for_an_individual_cau_to_name() -> None:
    with pytest.raises(InvalidSelfConsumptionError, match="no electricity CUPS") as invalid:
        check_cau_is_the_houses(CAU, table_113_code("41"), None)
    assert problems(invalid) == ["cau"]


def test_both_fields_are_checked_and_stored_in_their_normal_form() -> None:
    checked = checked_self_consumption(cau=CAU.lower(), self_consumption_code="42", house_electricity_cups=HOUSE_CUPS)
    assert checked == SelfConsumption(CAU, TABLA_113["42"])
    assert checked_self_consumption(cau=None, self_consumption_code=None, house_electricity_cups=None) == (
        SelfConsumption(None, None)
    )


def test_every_field_in_error_is_named_at_once() -> None:
    with pytest.raises(InvalidSelfConsumptionError) as invalid:
        checked_self_consumption(cau="ES00", self_consumption_code="99", house_electricity_cups=HOUSE_CUPS)
    assert problems(invalid) == ["self_consumption_code", "cau"]
    message = str(invalid.value)
    assert message.startswith("self_consumption_code: '99' is not a CNMC table 113 code")
    assert "; cau: a CAU has 26 characters" in message


def test_the_house_rule_waits_for_a_valid_code() -> None:
    """With the code unknown, whether the CAU may name another supply cannot be said: only the code is wrong."""
    with pytest.raises(InvalidSelfConsumptionError) as invalid:
        checked_self_consumption(cau=OTHER_CAU, self_consumption_code="99", house_electricity_cups=HOUSE_CUPS)
    assert problems(invalid) == ["self_consumption_code"]
