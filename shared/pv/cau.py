"""The self-consumption registration of an installation: its CAU (código de autoconsumo) and its CNMC table 113
code, checked field by field so that each problem becomes a 422 on the field that has it.

- A CAU has 26 characters: a 22-character electricity CUPS (the supply point the installation is registered on,
  border-point suffix included), `A`, and 3 digits (`ES1234000000000001JN0FA001`).
- Its CUPS part is the house's electricity CUPS (compared on the first 20 characters, as every source is), unless
  the self-consumption code names a collective modality: a collective installation's CAU is registered on one
  supply point and shared by its participants, so a member house's CAU names another supply.
- Table 113 codes, old (`TABLA_113`) and new (`TABLA_113_NEW`), as gisce/gestionatr `gestionatr/defs.py` lists them
  (commit 43a5af5c1ba5471b063762eccea2de23b973f09a). Collective: the old codes whose description says
  "Colectivo". None of the new codes names a collective modality: `11` and `12` say nothing about it (the F1's
  `Colectivo` flag does), and `0C` records that the supply LEFT a collective.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from shared.core.errors import FieldProblem
from shared.supply_points.cups import Energy, InvalidCups, normalise_cups, supply_point_key

CAU_LENGTH = 26
CAU_CUPS_LENGTH = 22
CAU_FIELD = "cau"
CODE_FIELD = "self_consumption_code"


@dataclass(frozen=True)
class SelfConsumptionCode:
    code: str
    description: str  # as gestionatr words it
    collective: bool


def _table(*rows: tuple[str, str, bool]) -> Mapping[str, SelfConsumptionCode]:
    return {code: SelfConsumptionCode(code, description, collective) for code, description, collective in rows}


TABLA_113 = _table(
    ("00", "Sin Autoconsumo", False),
    ("31", "Sin Excedentes Individual - Consumo", False),
    ("32", "Sin Excedentes Colectivo - Consumo", True),
    ("33", "Sin Excedentes Colectivo con acuerdo de compensación - Consumo", True),
    ("41", "Con excedentes y compensación Individual - Consumo", False),
    ("42", "Con excedentes y compensación Colectivo - Consumo", True),
    ("43", "Con excedentes y compensación Colectivo a través de red - Consumo", True),
    ("51", "Con excedentes sin compensación Individual sin cto de SSAA en Red Interior - Consumo", False),
    ("52", "Con excedentes sin compensación Colectivo sin cto de SSAA en Red Interior - Consumo", True),
    ("53", "Con excedentes sin compensación Individual con cto SSAA en Red Interior - Consumo", False),
    ("54", "Con excedentes sin compensación individual con cto SSAA en Red Interior - SSAA", False),
    ("55", "Con excedentes sin compensación Colectivo/en Red Interior - Consumo", True),
    ("56", "Con excedentes sin compensación Colectivo/en Red Interior - SSAA", True),
    ("57", "Con excedentes sin compensación Colectivo sin cto de SSAA (despreciable) en red interior - Consumo", True),
    ("58", "Con excedentes sin compensación Colectivo sin cto de SSAA a través de red - Consumo", True),
    ("61", "Con excedentes sin compensación Individual con cto SSAA a través de red - Consumo", False),
    ("62", "Con excedentes sin compensación individual con cto SSAA a través de red - SSAA", False),
    ("63", "Con excedentes sin compensación Colectivo a través de red - Consumo", True),
    ("64", "Con excedentes sin compensación Colectivo a través de red - SSAA", True),
    ("71", "Con excedentes sin compensación Individual con cto SSAA a través de red y red interior - Consumo", False),
    ("72", "Con excedentes sin compensación individual con cto SSAA a través de red y red interior - SSAA", False),
    ("73", "Con excedentes sin compensación Colectivo con cto de SSAA a través de red y red interior - Consumo", True),
    ("74", "Con excedentes sin compensación Colectivo con cto de SSAA a través de red y red interior - SSAA", True),
)
TABLA_113_NEW = _table(
    ("00", "Sin Autoconsumo", False),
    ("11", "Sin excedentes", False),
    ("12", "Con excedentes", False),
    ("0C", "Baja como miembro de autoconsumo colectivo", False),
)
# The two tables share only 00, with the same meaning: a code names one entry whichever table it comes from.
SELF_CONSUMPTION_CODES: Mapping[str, SelfConsumptionCode] = {**TABLA_113, **TABLA_113_NEW}


class InvalidSelfConsumptionError(ValueError):
    """What is wrong, one problem per offending field (`cau`, `self_consumption_code`), as a 422 lists them."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("; ".join(f"{problem.field}: {problem.message}" for problem in problems))
        self.problems = tuple(problems)

    @classmethod
    def on(cls, field: str, message: str) -> "InvalidSelfConsumptionError":
        return cls([FieldProblem(field, message)])


@dataclass(frozen=True)
class SelfConsumption:
    cau: str | None  # compact, upper case
    code: SelfConsumptionCode | None


def normalise_cau(value: str) -> str:
    """The compact upper-case CAU (spaces and dashes removed), or InvalidSelfConsumptionError on `cau`."""
    cau = "".join(value.split()).replace("-", "").upper()
    if len(cau) != CAU_LENGTH:
        raise InvalidSelfConsumptionError.on(
            CAU_FIELD, f"a CAU has 26 characters (a 22-character CUPS, A and 3 digits), this one has {len(cau)}"
        )
    cups, installation = cau[:CAU_CUPS_LENGTH], cau[CAU_CUPS_LENGTH:]
    try:
        normalise_cups(cups, Energy.ELECTRICITY)
    except InvalidCups as invalid:
        message = f"its first 22 characters are not a valid CUPS: {invalid}"
        raise InvalidSelfConsumptionError.on(CAU_FIELD, message) from None
    if not (installation[0] == "A" and installation[1:].isascii() and installation[1:].isdecimal()):
        raise InvalidSelfConsumptionError.on(
            CAU_FIELD, f"a CAU ends with A and 3 digits, this one with {installation!r}"
        )
    return cau


def table_113_code(value: str) -> SelfConsumptionCode:
    """The table 113 entry (old or new) of a code such as `41` or `0C`, or InvalidSelfConsumptionError."""
    code = SELF_CONSUMPTION_CODES.get(value.strip().upper())
    if code is None:
        raise InvalidSelfConsumptionError.on(
            CODE_FIELD, f"{value!r} is not a CNMC table 113 code (old: 00, 31-74; new: 00, 11, 12, 0C)"
        )
    return code


def check_cau_is_the_houses(cau: str, code: SelfConsumptionCode | None, house_electricity_cups: str | None) -> None:
    """InvalidSelfConsumptionError on `cau` unless its CUPS part is the house's electricity CUPS (first 20
    characters) or `code` names a collective modality. `cau` as `normalise_cau` returns it."""
    if code is not None and code.collective:
        return
    unless = "unless self_consumption_code names a collective modality"
    if house_electricity_cups is None:
        raise InvalidSelfConsumptionError.on(
            CAU_FIELD, f"the house has no electricity CUPS for the CAU to name: link one first ({unless})"
        )
    if supply_point_key(cau[:CAU_CUPS_LENGTH]) != supply_point_key(house_electricity_cups):
        raise InvalidSelfConsumptionError.on(
            CAU_FIELD,
            f"its CUPS part {cau[:CAU_CUPS_LENGTH]} is not the house's electricity CUPS {house_electricity_cups} "
            f"({unless})",
        )


def checked_self_consumption(
    *, cau: str | None, self_consumption_code: str | None, house_electricity_cups: str | None
) -> SelfConsumption:
    """Both fields checked, each on its own; the rule that ties the CAU to the house once both are valid.
    InvalidSelfConsumptionError lists every problem found."""
    problems: list[FieldProblem] = []
    code: SelfConsumptionCode | None = None
    normalised: str | None = None
    if self_consumption_code is not None:
        try:
            code = table_113_code(self_consumption_code)
        except InvalidSelfConsumptionError as invalid:
            problems += invalid.problems
    if cau is not None:
        try:
            normalised = normalise_cau(cau)
            if not problems:
                check_cau_is_the_houses(normalised, code, house_electricity_cups)
        except InvalidSelfConsumptionError as invalid:
            problems += invalid.problems
    if problems:
        raise InvalidSelfConsumptionError(problems)
    return SelfConsumption(normalised, code)
