"""How many supply points a whole file holds, when each chunk only knows its own.

A supply point may appear in several chunks (at a cut, or anywhere in an unsorted file), so per-chunk
counts cannot be added. Each chunk leaves its sorted list instead, and the last chunk merges the lists:
memory stays constant whatever the number of supply points. A file of many chunks is merged in rounds of at
most MERGED_AT_ONCE lists, each round's result a sorted list again: a process may hold only so many files open
(Lambda: 1,024).
"""

import heapq
from collections.abc import Iterable, Iterator
from typing import IO

MERGED_AT_ONCE = 200


def sorted_list(supply_points: Iterable[str]) -> bytes:
    """One supply point a line, sorted (20 ASCII characters each)."""
    return "".join(f"{supply_point}\n" for supply_point in sorted(supply_points)).encode("ascii")


def count_distinct(sorted_lists: Iterable[Iterable[bytes]]) -> int:
    """Distinct lines over several sorted lists of lines."""
    return sum(1 for _ in _distinct(sorted_lists))


def merge_distinct(sorted_lists: Iterable[Iterable[bytes]], merged: IO[bytes]) -> None:
    """The distinct lines of several sorted lists, written to `merged` as one sorted list."""
    merged.writelines(_distinct(sorted_lists))


def _distinct(sorted_lists: Iterable[Iterable[bytes]]) -> Iterator[bytes]:
    previous = None
    for line in heapq.merge(*sorted_lists):
        if line != previous:
            previous = line
            yield line
