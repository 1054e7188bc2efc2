"""Quantities on contracts and invoices: exact decimals, units in the field names.

Money (`*_eur`) has at most two decimal places. It is accepted as a JSON number or string and always
returned as a JSON string with exactly two places ("12.30"), so no float conversion, here or in a client,
can round it. Energy (kWh), power (kW), volume (m³) and conversion factors are returned as JSON numbers,
like the consumption API's kWh; they are held as decimals too, with at most 3 places (Wh, W; 6 for the
gas conversion factor) and 15 digits, which a JSON number carries exactly."""

from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from shared.tariffs import Period

_MAX_DIGITS = 15


def _at_most_places(places: int) -> Callable[[Decimal], Decimal]:
    step = Decimal(1).scaleb(-places)
    limit = Decimal(10) ** (_MAX_DIGITS - places)

    def exact(value: Decimal) -> Decimal:
        if abs(value) >= limit:
            raise ValueError(f"must be less than {limit:,} in absolute value")
        # quantize() gives every accepted value the same form: "12.3" and "12.300" are stored as "12.30".
        rounded = value.quantize(step)
        if rounded != value:
            raise ValueError(f"must have at most {places} decimal places")
        return rounded

    return exact


_AS_JSON_NUMBER = PlainSerializer(float, return_type=float, when_used="json")
Money = Annotated[
    Decimal,
    AfterValidator(_at_most_places(2)),
    Field(
        description="Euros, exact to the cent: sent as a JSON number or string with at most two decimal places, "
        'returned as a string with exactly two ("49.90")',
        examples=["49.90"],
    ),
]
Kwh = Annotated[Decimal, Field(ge=0), AfterValidator(_at_most_places(3)), _AS_JSON_NUMBER]
Kw = Annotated[Decimal, Field(gt=0), AfterValidator(_at_most_places(3)), _AS_JSON_NUMBER]
CubicMetres = Annotated[Decimal, Field(ge=0), AfterValidator(_at_most_places(3)), _AS_JSON_NUMBER]
KwhPerCubicMetre = Annotated[Decimal, Field(gt=0), AfterValidator(_at_most_places(6)), _AS_JSON_NUMBER]


class PerPeriod[ValueT](BaseModel):
    """A value per access-tariff period (P1..P6); which periods it must have depends on the tariff.
    Periods without a value are left out of the JSON."""

    model_config = ConfigDict(extra="forbid")

    P1: ValueT | None = None
    P2: ValueT | None = None
    P3: ValueT | None = None
    P4: ValueT | None = None
    P5: ValueT | None = None
    P6: ValueT | None = None

    @model_serializer(mode="wrap")
    def _given_periods_only(self, serialize: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {period: value for period, value in serialize(self).items() if value is not None}

    def by_period(self) -> dict[Period, ValueT]:
        return {period: value for period in Period if (value := getattr(self, period.value)) is not None}


class PowerPerPeriod(PerPeriod[Kw]):
    """kW per period."""


class EnergyPerPeriod(PerPeriod[Kwh]):
    """kWh per period."""


def _period_span(periods: Sequence[Period]) -> str:
    return f"{periods[0]}-{periods[-1]}"


def period_mismatches(given: Iterable[Period], expected: Sequence[Period], whose: str) -> Iterator[tuple[Period, str]]:
    """(period, message) for each period `expected` lacks or has too many; `whose` says whose periods these
    are, e.g. "2.0TD power"."""
    present = set(given)
    for period in expected:
        if period not in present:
            yield period, f"required: {whose} periods are {_period_span(expected)}"
    for period in sorted(present - set(expected)):
        yield period, f"not allowed: {whose} periods are {_period_span(expected)}"


def refuse_periods(problems: Iterable[tuple[Period, str]]) -> None:
    """Raise the problems of a per-period field's periods from that field's validator, which makes pydantic
    report each one under the field's path (contracted_power_kw.P3)."""
    errors = [
        InitErrorDetails(type=PydanticCustomError("value_error", message), loc=(period.value,), input=None)
        for period, message in problems
    ]
    if errors:
        raise ValidationError.from_exception_data("PerPeriod", errors)
