"""Spanish tax identity documents (DNI/NIF, NIE, CIF), checked with python-stdnum."""

from stdnum.es import nif
from stdnum.exceptions import ValidationError


def normalise_nif(value: str) -> str:
    """Compact upper-case form of a valid DNI, NIE or CIF; ValueError with the reason otherwise."""
    try:
        return str(nif.validate(value))
    except ValidationError as error:
        raise ValueError(f"not a valid Spanish NIF, NIE or CIF: {error}") from None
