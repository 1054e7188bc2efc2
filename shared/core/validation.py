"""Pydantic's validation errors as the field problems docs/api.md describes: one per offending field, on its dotted
path (contracted_power_kw.P3, or data.energy_kwh.P1 in an import message), as the API's 422 name them."""

from pydantic import ValidationError

from shared.core.errors import FieldProblem, InvalidInputError


def field_problems(invalid: ValidationError, prefix: str | None = None) -> list[FieldProblem]:
    """`prefix`: where the validated value sits in what was sent (e.g. "data")."""
    return [
        FieldProblem(
            ".".join(str(part) for part in (prefix, *error["loc"]) if part is not None) or "body",
            error["msg"].removeprefix("Value error, "),
        )
        for error in invalid.errors()
    ]


def invalid_input(invalid: ValidationError) -> InvalidInputError:
    """The 422 of a body validated past the request's own validation (e.g. a stored contract with changes)."""
    problems = field_problems(invalid)
    return InvalidInputError(f"invalid input: {', '.join(dict.fromkeys(p.field for p in problems))}", problems=problems)
