"""Refusing, as a whole, a file of an hourly kind that carries quarter-hour rows.

F5D, RF5D and P5D are hourly curves of type-5 supply points in Wh; quarter-hour curves are other files (P2 / P2D,
for type 1-3 points, in kWh) (domain brief §2.1 and §2.7: gisce/powerp-docs `docs/comer/curvas.md`, gisce/mesures
`P2_HEADER`). No source read says which of the hourly files may carry quarter-hours, or that four of them make the
hour, so a quarter-hour row in one is a file built wrongly: storing it as an hour would keep a quarter of the
energy, and refusing it row by row would store the whole hours beside the holes. The file is refused before any
of its rows is stored, with the first such label and its line.
"""

import re

from shared.metering.errors import MeteringFileError
from shared.metering.line_chunks import Read

# A row's timestamp (after the CUPS' `;`) whose minutes are not 00.
_QUARTER_HOUR = re.compile(rb";([0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:(?!00)[0-9]{2})")
_CARRIED = 32  # bytes of the last block looked at again with the next one: a label cut between blocks


def refusing_quarter_hours(read: Read, kind: str) -> Read:
    """`read`, raising MeteringFileError at the first quarter-hour label of the file it reads."""
    lines_before = 0  # newlines in the bytes handed out so far
    carried = b""

    def checked_read(size: int) -> bytes:
        nonlocal lines_before, carried
        block = read(size)
        window = carried + block
        # Fast path, two counts in C: every colon opens a whole hour's minutes (a regex over every `;` is 7x slower).
        found = None if window.count(b":") == window.count(b":00;") else _QUARTER_HOUR.search(window)
        if found is not None:
            line = lines_before - carried.count(b"\n") + window.count(b"\n", 0, found.start()) + 1
            label = found.group(1).decode("ascii")
            raise MeteringFileError(
                f"quarter-hour rows: line {line} is labelled {label}, and {kind} files hold whole hours only; "
                "the file is refused as a whole, nothing of it stored"
            )
        lines_before += block.count(b"\n")
        carried = window[-_CARRIED:]
        return block

    return checked_read
