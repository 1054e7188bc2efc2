"""The rows a chunk rejected, as the CSV an operator opens beside the file: where, why, and the row itself."""

import csv
import io
import tempfile
from typing import IO

from shared.metering.readings import Rejection

HEADER = ("line_number", "reason", "line")
_IN_MEMORY_BYTES = 1 << 20  # a larger report goes to a temporary file: a chunk may reject every row


class ErrorReport:
    def __init__(self, first_line: int) -> None:
        self._line_offset = first_line - 1  # rejections are numbered within the chunk
        self._file = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY_BYTES)  # noqa: SIM115 - closed by close()
        self._text = io.TextIOWrapper(self._file, encoding="utf-8", newline="")
        self._csv = csv.writer(self._text)
        self._csv.writerow(HEADER)
        self.rows = 0

    def add(self, rejection: Rejection) -> None:
        self._csv.writerow((rejection.line_number + self._line_offset, rejection.reason, rejection.line))
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
