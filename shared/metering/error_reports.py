"""The rows a chunk rejected, as the CSV an operator opens beside the file: where, why, and the row itself.

The rows come from a distributor's file, and operators open the report in a spreadsheet: a cell that starts
with a formula character is written with a leading apostrophe, so that the spreadsheet shows it as text
instead of running it (CSV injection)."""

import csv
import io
import tempfile
from typing import IO

from shared.metering.readings import Rejection

HEADER = ("line_number", "reason", "line")
_IN_MEMORY_BYTES = 1 << 20  # a larger report goes to a temporary file: a chunk may reject every row
# What spreadsheets take as the start of a formula (tab and carriage return too, per OWASP's advice).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ErrorReport:
    def __init__(self, first_line: int) -> None:
        self._line_offset = first_line - 1  # rejections are numbered within the chunk
        self._file = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY_BYTES)  # noqa: SIM115 - closed by close()
        self._text = io.TextIOWrapper(self._file, encoding="utf-8", newline="")
        self._csv = csv.writer(self._text)
        self._csv.writerow(HEADER)
        self.rows = 0

    def add(self, rejection: Rejection) -> None:
        self._csv.writerow(
            (rejection.line_number + self._line_offset, _as_text(rejection.reason), _as_text(rejection.line))
        )
        self.rows += 1

    def contents(self) -> IO[bytes]:
        """The CSV (UTF-8), from its start."""
        self._text.flush()
        self._file.seek(0)
        return self._file

    def close(self) -> None:
        self._text.close()

    def __enter__(self) -> "ErrorReport":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _as_text(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell
