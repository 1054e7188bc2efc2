"""A community's coefficient sets laid on time: which set is in force on a day or in an hour, each member house's
periods of membership, the one-community rule, and every member's share of each hour's production.

A set is in force from its `valid_from` (local midnight) until the next set's; the latest stays in force. A house
may be in only one community's set in force on any day.
"""

from collections.abc import Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from shared.communities.allocation import HourSplitter
from shared.communities.models import MembershipPeriod, StoredCoefficientSet

HOUR = 3600


def in_force(sets: Sequence[StoredCoefficientSet], day: date) -> StoredCoefficientSet | None:
    """The set in force on `day` (`sets` in any order)."""
    started = [candidate for candidate in sets if candidate.valid_from <= day]
    return max(started, key=lambda candidate: candidate.valid_from) if started else None


def membership_periods(
    community_id: str, community_name: str, sets: Sequence[StoredCoefficientSet]
) -> dict[str, list[MembershipPeriod]]:
    """Each house named in any of the sets -> its periods in the community, oldest first."""
    ordered = sorted(sets, key=lambda candidate: candidate.valid_from)
    ends = [later.valid_from for later in ordered[1:]] + [None]
    periods: dict[str, list[MembershipPeriod]] = {}
    for candidate, end in zip(ordered, ends, strict=True):
        for member in candidate.members:
            period = MembershipPeriod(community_id, community_name, candidate.valid_from, end, member.coefficient)
            periods.setdefault(member.house_id, []).append(period)
    return periods


def with_periods(
    existing: Sequence[MembershipPeriod], community_id: str, periods: Sequence[MembershipPeriod]
) -> tuple[MembershipPeriod, ...]:
    """A house's periods with those in `community_id` replaced by `periods`, by start."""
    kept = [period for period in existing if period.community_id != community_id]
    return tuple(sorted([*kept, *periods], key=lambda period: (period.start, period.community_id)))


def clash(
    existing: Sequence[MembershipPeriod], community_id: str, periods: Sequence[MembershipPeriod]
) -> MembershipPeriod | None:
    """A period of another community that overlaps one of `periods` (the house would be in two at once)."""
    for other in existing:
        if other.community_id != community_id and any(period.overlaps(other) for period in periods):
            return other
    return None


def local_midnight(day: date, zone: ZoneInfo) -> int:
    return int(datetime.combine(day, time(), zone).timestamp())


def member_hours(periods: Sequence[MembershipPeriod], start_utc: int, count: int, zone: ZoneInfo) -> list[bool]:
    """Whether the house is in a set in force in each of the `count` hours from `start_utc`."""
    member = [False] * count
    for period in periods:
        first = max(0, -(-(local_midnight(period.start, zone) - start_utc) // HOUR))
        last = count if period.end is None else min(count, -(-(local_midnight(period.end, zone) - start_utc) // HOUR))
        if first < last:
            member[first:last] = [True] * (last - first)
    return member


def communities_during(periods: Sequence[MembershipPeriod], start_utc: int, end_utc: int, zone: ZoneInfo) -> list[str]:
    """The communities the house is in a set in force of during [start_utc, end_utc), in the periods' order."""
    during = [
        period.community_id
        for period in periods
        if local_midnight(period.start, zone) < end_utc
        and (period.end is None or local_midnight(period.end, zone) > start_utc)
    ]
    return list(dict.fromkeys(during))


def hourly_shares(
    sets: Sequence[StoredCoefficientSet], start_utc: int, generation: Sequence[int | None], zone: ZoneInfo
) -> dict[str, list[int | None]]:
    """Every house named in a set in force during the hours -> its Wh of each hour starting at
    `start_utc + i * 3600` (`generation[i]` split by `allocation.split_hour` among the members of the set in force
    at that hour); None where it is not a member then, or the production is missing."""
    count = len(generation)
    ordered = sorted(sets, key=lambda candidate: candidate.valid_from)
    starts = [local_midnight(candidate.valid_from, zone) for candidate in ordered]
    shares: dict[str, list[int | None]] = {}
    for position, candidate in enumerate(ordered):
        first = max(0, -(-(starts[position] - start_utc) // HOUR))
        last = count if position + 1 == len(ordered) else max(0, -(-(starts[position + 1] - start_utc) // HOUR))
        last = min(last, count)
        if first >= last:
            continue
        splitter = HourSplitter([member.coefficient for member in candidate.members])
        missing = [None] * len(candidate.members)
        splits = [missing if wh is None else splitter.split(wh) for wh in generation[first:last]]
        for member, column in zip(candidate.members, zip(*splits, strict=True), strict=True):
            shares.setdefault(member.house_id, [None] * count)[first:last] = column
    return shares


def house_shares(
    sets: Sequence[StoredCoefficientSet],
    house_id: str,
    start_utc: int,
    generation: Sequence[int | None],
    zone: ZoneInfo,
) -> list[int | None]:
    """`hourly_shares` of one house (None in every hour where it is in no set in force)."""
    return hourly_shares(sets, start_utc, generation, zone).get(house_id) or [None] * len(generation)
