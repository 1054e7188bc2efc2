"""What the metering readers produce: one hourly reading per good row, one rejection per bad row."""

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

# The Metering table packs each hour's energies as signed 32-bit integers (metering.dal.metering, pv.dal.generation):
# 2.1 GWh in an hour is far beyond any supply point or installation, so a larger value is a broken row, not a reason
# to widen the storage.
MAX_HOURLY_WH = 2**31 - 1


class Source(StrEnum):
    """Where an hourly value came from; the API shows these names."""

    RF5D = "RF5D"
    F5D = "F5D"
    P5D = "P5D"
    DATADIS = "datadis"
    MONITORING = "monitoring"  # a PV installation's production, read from its monitoring platform
    A5D = "A5D"  # a member's self-consumed energy (its own curve, never compared with consumption)
    B5D = "B5D"  # a member's share of a collective installation's net generation, in `ae` (its own curve)


class Quality(StrEnum):
    REAL = "real"
    ESTIMATED = "estimated"


# A rectifying curve (RF5D) replaces the billed one (F5D), which beats the validated raw curve (P5D),
# which beats what Datadis republishes. Production (monitoring) and the self-consumption curves (A5D, B5D) are
# stored apart from consumption, each under a metering point of its own (`curve_point`): never compared with it, a
# newer file of their kind replacing an older one.
_RANK = {
    Source.RF5D: 3,
    Source.F5D: 2,
    Source.P5D: 1,
    Source.DATADIS: 0,
    Source.MONITORING: -1,
    Source.A5D: -1,
    Source.B5D: -1,
}
# The kinds whose hours are stored under `<kind>#<supply point>` rather than under the supply point.
SEPARATE_CURVES = frozenset({Source.A5D, Source.B5D})


def source_rank(source: Source) -> int:
    """Higher wins when several sources cover the same hour."""
    return _RANK[source]


def curve_point(kind: Source, supply_point: str) -> str:
    """The metering point a file's hours of `supply_point` are stored under: the supply point itself for the
    consumption curves, `A5D#<supply point>` and `B5D#<supply point>` for the self-consumption ones."""
    return f"{kind.value}#{supply_point}" if kind in SEPARATE_CURVES else supply_point


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

    @classmethod
    def without_values(cls, start_utc: int, count: int) -> "StoredHours":
        """`count` hours from `start_utc`, none with a value: the columns the stored items are laid over."""
        return cls(start_utc, [0] * count, [0] * count, [None] * count, [None] * count)
