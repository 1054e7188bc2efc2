"""Coefficients as exact millionths: at most 6 decimals, > 0, a set summing to exactly 1, every problem on its field."""

import pytest

from shared.communities.coefficients import (
    ONE,
    InvalidCoefficientsError,
    checked_coefficients,
    decimal_text,
    millionths,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [("0.5", 500_000), ("0.333333", 333_333), ("1", ONE), ("1.0", ONE), (" 0.000001 ", 1), ("0.25", 250_000)],
)
def test_decimals_are_whole_millionths(text: str, value: int) -> None:
    assert millionths(text) == value


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0.3333333", "7 decimals; at most 6"),
        ("0,5", "not a decimal number written with a dot"),
        ("0", "greater than 0"),
        ("0.000000", "greater than 0"),
        ("-0.5", "not a decimal number"),
        ("1.000001", "not be greater than 1"),
        ("1e-1", "not a decimal number"),
        ("", "not a decimal number"),
        ("\u0660.\u0665", "not a decimal number"),  # digits, but not ASCII ones
    ],
)
def test_other_values_are_refused_saying_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        millionths(text)


def test_decimal_text_has_exactly_six_decimals() -> None:
    assert [decimal_text(value) for value in (500_000, 1, ONE)] == ["0.500000", "0.000001", "1.000000"]
    assert decimal_text(333_334, ",") == "0,333334"


def test_a_set_sums_to_exactly_one() -> None:
    assert checked_coefficients({"a": "0.333333", "b": "0.333333", "c": "0.333334"}) == {
        "a": 333_333,
        "b": 333_333,
        "c": 333_334,
    }
    with pytest.raises(InvalidCoefficientsError) as refused:
        checked_coefficients({"a": "0.333333", "b": "0.333333", "c": "0.333333"})
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("coefficients", "the coefficients sum to 0.999999; they must sum to exactly 1")
    ]


def test_every_bad_value_is_named_and_the_sum_is_not_checked_then() -> None:
    with pytest.raises(InvalidCoefficientsError) as refused:
        checked_coefficients({"a": "0.1234567", "b": "0", "c": "0.5"})
    assert [p.field for p in refused.value.problems] == ["coefficients.a", "coefficients.b"]
    with pytest.raises(InvalidCoefficientsError) as empty:
        checked_coefficients({})
    assert [p.field for p in empty.value.problems] == ["coefficients"]
