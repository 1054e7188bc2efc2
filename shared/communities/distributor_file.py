"""The distributor's static coefficient file, `<CAU>_<YYYY>.txt` (domain brief §7.2, the i-DE format as CONLUZ's
`DistributorFileFormat` reads it): one line `CUPS;0,333333` per member, the 22-character CUPS (a 20-character one
with `0F` appended), a comma as the decimal separator and exactly 6 decimals, no header, `\\n` line ends, UTF-8, no
CUPS twice, the coefficients summing to exactly `1,000000`.

`render` writes it, lines sorted by CUPS, so the same set always gives the same bytes; `parse` reads one back with
every rule checked (including those CONLUZ's fixtures reject: a dot separator, another scale, a wrong sum, a
duplicate), so that what we send is checked as the distributor checks it.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from shared.communities.coefficients import ONE, SCALE, decimal_text
from shared.pv.cau import InvalidSelfConsumptionError, normalise_cau
from shared.supply_points.cups import Energy, InvalidCups, normalise_cups

FULL_CUPS_LENGTH = 22
SHORT_CUPS_SUFFIX = "0F"
CONTENT_TYPE = "text/plain; charset=utf-8"
_NAME = re.compile(r"(?P<cau>[A-Z0-9]{26})_(?P<year>[0-9]{4})\.txt")
_COEFFICIENT = re.compile(rf"(?P<units>[0-9]),(?P<decimals>[0-9]{{{SCALE}}})")


class DistributorFileError(ValueError):
    """A rule the file breaks; `line` is 1-based, None for the name or the whole file."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason if line is None else f"line {line}: {reason}")
        self.line = line


@dataclass(frozen=True)
class CoefficientFile:
    cau: str
    year: int
    coefficients: Mapping[str, int]  # 22-character CUPS -> millionths, in the file's order


def full_cups(cups: str) -> str:
    """The 22-character form the file names a supply point by: `0F` appended to a 20-character CUPS."""
    return cups if len(cups) == FULL_CUPS_LENGTH else cups + SHORT_CUPS_SUFFIX


def file_name(cau: str, year: int) -> str:
    return f"{cau}_{year:04d}.txt"


def render(coefficients: Mapping[str, int]) -> bytes:
    """The file's content for 22-character CUPS -> millionths (a valid set: `checked_coefficients`)."""
    lines = (f"{cups};{decimal_text(value, ',')}\n" for cups, value in sorted(coefficients.items()))
    return "".join(lines).encode()


def parse(name: str, content: bytes) -> CoefficientFile:
    """The file read back, or DistributorFileError naming the first rule it breaks."""
    match = _NAME.fullmatch(name)
    if match is None:
        raise DistributorFileError(f"{name!r} is not named <CAU>_<YYYY>.txt")
    try:
        cau = normalise_cau(match["cau"])
    except InvalidSelfConsumptionError as invalid:
        raise DistributorFileError(f"the name's CAU: {invalid}") from None
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise DistributorFileError("not UTF-8") from None
    if not text:
        raise DistributorFileError("empty: a file lists at least one supply point")
    if not text.endswith("\n"):
        raise DistributorFileError("the last line does not end with \\n")
    coefficients: dict[str, int] = {}
    for number, line in enumerate(text[:-1].split("\n"), start=1):
        cups, value = _line(line, number)
        if cups in coefficients:
            raise DistributorFileError(f"{cups} appears twice", number)
        coefficients[cups] = value
    if (total := sum(coefficients.values())) != ONE:
        raise DistributorFileError(f"the coefficients sum to {decimal_text(total, ',')}, not 1,{'0' * SCALE}")
    return CoefficientFile(cau, int(match["year"]), coefficients)


def _line(line: str, number: int) -> tuple[str, int]:
    if "\r" in line:
        raise DistributorFileError("lines end with \\n alone", number)
    fields = line.split(";")
    if len(fields) != 2:
        raise DistributorFileError(f"{len(fields)} fields; a line is CUPS;coefficient", number)
    cups, value = fields
    if len(cups) != FULL_CUPS_LENGTH:
        raise DistributorFileError(f"{cups!r} is not a 22-character CUPS", number)
    try:
        if normalise_cups(cups, Energy.ELECTRICITY) != cups:
            raise InvalidCups("not in its compact upper-case form")
    except InvalidCups as invalid:
        raise DistributorFileError(f"{cups!r}: {invalid}", number) from None
    coefficient = _COEFFICIENT.fullmatch(value)
    if coefficient is None:
        raise DistributorFileError(
            f"{value!r} is not a coefficient written 0,dddddd (a comma, exactly {SCALE} decimals)", number
        )
    millionths = int(coefficient["units"]) * ONE + int(coefficient["decimals"])
    if not 0 < millionths <= ONE:
        raise DistributorFileError(f"{value!r}: a coefficient is greater than 0 and at most 1", number)
    return cups, millionths
