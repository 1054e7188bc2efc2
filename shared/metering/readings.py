"""What the metering readers produce: one hourly reading per good row, one rejection per bad row."""

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple


class Source(StrEnum):
    """Where an hourly value came from; the API shows these names."""

    RF5D = "RF5D"
    F5D = "F5D"
    P5D = "P5D"
    DATADIS = "datadis"
    MONITORING = "monitoring"  # a PV installation's production, read from its monitoring platform


class Quality(StrEnum):
    REAL = "real"
    ESTIMATED = "estimated"


# A rectifying curve (RF5D) replaces the billed one (F5D), which beats the validated raw curve (P5D),
# which beats what Datadis republishes. Production (monitoring) is stored apart from consumption: never compared.
_RANK = {Source.RF5D: 3, Source.F5D: 2, Source.P5D: 1, Source.DATADIS: 0, Source.MONITORING: -1}


def source_rank(source: Source) -> int:
    """Higher wins when several sources cover the same hour."""
    return _RANK[source]


class Reading(NamedTuple):
    """One hour of one supply point. A NamedTuple: immutable, no per-instance dict, cheapest to build."""

    cups: str  # as written in the file (20 or 22 characters)
    supply_point: str  # first 20 characters, the key that matches other sources
    hour_start_utc: int  # epoch seconds of the hour's start
    consumption_wh: int
    surplus_wh: int
    quality: Quality
    source: Source


class Rejection(NamedTuple):
    line_number: int  # 1-based
    reason: str  # starts with the offending field
    line: str  # the row as read, for the error report


@dataclass(frozen=True)
class StoredHours:
    """The value each hour of a range has once stored, whichever file it came from, as columns: position i is
    the hour starting at `start_utc + i * 3600`. A year is 8,784 hours, and columns are summed and sliced in C
    where an object per hour would cost more than reading them. An hour without a value has quality and source
    None and 0 Wh."""

    start_utc: int  # epoch seconds
    consumption_wh: list[int]
    surplus_wh: list[int]
    quality: list[Quality | None]
    source: list[Source | None]
