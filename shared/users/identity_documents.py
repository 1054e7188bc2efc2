"""Spanish tax identity documents (DNI/NIF, NIE, CIF), checked with python-stdnum.

People write them with dots and dashes (`12.345.678-Z`) and drop a DNI's leading zero (`1234567L`): both are
normalised before the check, which itself is never loosened. python-stdnum accepts a CIF's control character as a
digit or a letter whatever the entity; the entity type fixes which (Orden EHA/451/2008, art. 4): a digit for
public and limited companies (A, B), communities of goods (E) and horizontal property communities (H); a letter for
local and public bodies (P, Q, S), religious entities (R), foreign entities (N) and non-resident establishments (W).
The other types take either."""

import re

from stdnum.es import nif
from stdnum.exceptions import ValidationError

_WRITTEN_SEPARATORS = re.compile(r"[\s.\-/]")
_DNI_WITHOUT_LEADING_ZERO = re.compile(r"[0-9]{7}[A-Z]")
_DIGIT_CONTROL = frozenset("ABEH")
_LETTER_CONTROL = frozenset("NPQRSW")


def normalise_nif(value: str) -> str:
    """Compact upper-case form of a valid DNI, NIE or CIF; ValueError with the reason otherwise."""
    compact = _WRITTEN_SEPARATORS.sub("", value).upper()
    if _DNI_WITHOUT_LEADING_ZERO.fullmatch(compact):
        compact = f"0{compact}"
    try:
        valid = str(nif.validate(compact))
    except ValidationError as error:
        raise ValueError(f"not a valid Spanish NIF, NIE or CIF: {error}") from None
    entity, control = valid[0], valid[-1]
    if entity in _DIGIT_CONTROL and not control.isdigit():
        raise ValueError(f"not a valid CIF: one starting with {entity} ends in a digit, not a letter")
    if entity in _LETTER_CONTROL and not control.isalpha():
        raise ValueError(f"not a valid CIF: one starting with {entity} ends in a letter, not a digit")
    return valid
