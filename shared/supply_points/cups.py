"""CUPS (Spanish supply point code): validation, stored form and the key that matches it across sources."""

from enum import StrEnum

from stdnum.es import cups as stdnum_cups
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

SUPPLY_POINT_LENGTH = 20
_BORDER_POINT_KINDS = "FPRCXYZ"


class Energy(StrEnum):
    ELECTRICITY = "electricity"
    GAS = "gas"


class InvalidCups(ValueError):  # noqa: N818 - the name the callers and the API contract use
    """A CUPS that is not valid for its energy; the message says what is wrong with it."""


def normalise_cups(value: str, energy: Energy) -> str:
    """Compact upper-case CUPS (`ES0021000012345678LB0F`), or InvalidCups saying what is wrong."""
    compact: str = stdnum_cups.compact(value)
    # Gas CUPS never carry the border-point suffix (gas ATR messages fix the length at 20).
    if energy is Energy.GAS and len(compact) != SUPPLY_POINT_LENGTH:
        raise InvalidCups(f"a gas CUPS has 20 characters, this one has {len(compact)}")
    try:
        return str(stdnum_cups.validate(compact))
    except InvalidLength:
        raise InvalidCups(f"an electricity CUPS has 20 or 22 characters, this one has {len(compact)}") from None
    except InvalidComponent:
        raise InvalidCups(f"a CUPS starts with ES, this one starts with {compact[:2]!r}") from None
    except InvalidFormat:
        raise InvalidCups(_format_problem(compact)) from None
    except InvalidChecksum:
        raise InvalidCups(
            f"the control letters {compact[18:20]!r} do not match the digits (a letter or digit is mistyped)"
        ) from None


def supply_point_key(cups: str) -> str:
    """The first 20 characters: sources disagree on the border-point suffix, never on these."""
    return str(stdnum_cups.compact(cups))[:SUPPLY_POINT_LENGTH]


def _format_problem(compact: str) -> str:
    digits = compact[2:18]
    if not (digits.isascii() and digits.isdecimal()):
        return f"characters 3 to 18 must be digits (distributor code and supply number), got {digits!r}"
    return f"the border-point suffix must be a digit and one of {', '.join(_BORDER_POINT_KINDS)}, got {compact[20:]!r}"
