"""How many supply points a whole file holds, when each chunk only knows its own.

A supply point may appear in several chunks (at a cut, or anywhere in an unsorted file), so per-chunk
counts cannot be added. Each chunk leaves its sorted list instead, and the last chunk merges the lists:
memory stays constant whatever the number of supply points.
"""

import heapq
from collections.abc import Iterable


def sorted_list(supply_points: Iterable[str]) -> bytes:
    """One supply point a line, sorted (20 ASCII characters each)."""
    return "".join(f"{supply_point}\n" for supply_point in sorted(supply_points)).encode("ascii")


def count_distinct(sorted_lists: Iterable[Iterable[bytes]]) -> int:
    """Distinct lines over several sorted lists of lines."""
    count, previous = 0, None
    for line in heapq.merge(*sorted_lists):
        if line != previous:
            count, previous = count + 1, line
    return count
