"""Distribution coefficients (β) as exact decimals: each written with at most 6 decimals, > 0, a set summing to
exactly 1. Kept as whole millionths (`int`), so that no sum or comparison ever rounds."""

import re
from collections.abc import Mapping

from shared.core.errors import FieldProblem

SCALE = 6
ONE = 10**SCALE  # 1 in millionths
_DECIMAL = re.compile(r"(?P<units>[0-9]+)(?:\.(?P<decimals>[0-9]+))?")


class InvalidCoefficientsError(ValueError):
    """Every problem found, each on the field that has it (`coefficients.<house id>`, or `coefficients`)."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("; ".join(f"{problem.field}: {problem.message}" for problem in problems))
        self.problems = tuple(problems)


def millionths(text: str) -> int:
    """A decimal string (`0.25`, `0.333333`, `1`) as whole millionths; ValueError saying why it is not one."""
    match = _DECIMAL.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a decimal number written with a dot (e.g. 0.333333)")
    decimals = match["decimals"] or ""
    if len(decimals) > SCALE:
        raise ValueError(f"{text!r} has {len(decimals)} decimals; at most {SCALE}")
    value: int = int(match["units"]) * ONE + int(decimals.ljust(SCALE, "0"))
    if value <= 0:
        raise ValueError("must be greater than 0")
    if value > ONE:
        raise ValueError("must not be greater than 1")
    return value


def decimal_text(value: int, separator: str = ".") -> str:
    """Whole millionths written with exactly 6 decimals: 500000 -> `0.500000`."""
    units, fraction = divmod(value, ONE)
    return f"{units}{separator}{fraction:0{SCALE}d}"


def checked_coefficients(coefficients: Mapping[str, str], field: str = "coefficients") -> dict[str, int]:
    """Each member's coefficient in millionths, summing to exactly 1; InvalidCoefficientsError listing every
    coefficient that is not a valid decimal, or the sum."""
    problems: list[FieldProblem] = []
    values: dict[str, int] = {}
    for member, text in coefficients.items():
        try:
            values[member] = millionths(text)
        except ValueError as invalid:
            problems.append(FieldProblem(f"{field}.{member}", str(invalid)))
    if not coefficients:
        problems.append(FieldProblem(field, "name at least one member house"))
    if not problems and (total := sum(values.values())) != ONE:
        problems.append(
            FieldProblem(field, f"the coefficients sum to {decimal_text(total)}; they must sum to exactly 1")
        )
    if problems:
        raise InvalidCoefficientsError(problems)
    return values
