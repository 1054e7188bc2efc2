"""The allocation report of a community (operators): per member of a set in force during the days, its computed
share of the production, the distributor's (B5D) and the difference over the hours the distributor reported."""

from datetime import date, timedelta
from itertools import compress

from shared.communities import dal, timeline
from shared.communities.models import COMMUNITY_ZONE, CommunityAllocation, MemberAllocation, StoredCoefficientSet
from shared.communities.services.communities import existing_community
from shared.communities.services.shares import reported_shares
from shared.core.auth import Caller
from shared.core.errors import InvalidInputError
from shared.pv.services.generation import community_generation
from shared.supply_points.cups import supply_point_key

MAX_DAYS = 366


def allocation(caller: Caller, community_id: str, first_day: date, end_day: date) -> CommunityAllocation:
    """Per member of a set in force during the days: the computed share, the distributor's (B5D) and the
    difference over the hours the distributor reported."""
    if end_day <= first_day:
        raise InvalidInputError.on("to", "must be after from (from is inclusive, to exclusive)")
    if end_day - first_day > timedelta(days=MAX_DAYS):
        raise InvalidInputError.on("to", f"at most {MAX_DAYS} days after from")
    community = existing_community(caller, community_id)
    zone = COMMUNITY_ZONE
    start_utc, end_utc = timeline.local_midnight(first_day, zone), timeline.local_midnight(end_day, zone)
    sets = dal.coefficient_sets(community.id)
    generation = community_generation(community.id, start_utc, end_utc)
    shares = timeline.hourly_shares(sets, start_utc, generation, zone)
    cups = _cups_of(sets)
    periods = timeline.membership_periods(community.id, community.name, sets)
    count = len(generation)
    members = [
        _member(
            house_id,
            cups[house_id],
            column,
            timeline.member_hours(periods[house_id], start_utc, count, zone),
            start_utc,
            end_utc,
        )
        for house_id, column in sorted(shares.items())
    ]
    return CommunityAllocation(
        community_id=community.id,
        from_day=first_day,
        to_day=end_day,
        timezone=zone.key,
        generation_kwh=sum(filter(None, generation)) / 1000,
        hours_missing=generation.count(None),
        members=sorted(members, key=lambda member: member.cups),
    )


def _member(
    house_id: str, cups: str, computed: list[int | None], member: list[bool], start_utc: int, end_utc: int
) -> MemberAllocation:
    """The member's figures over the hours it was in a set in force (`member`)."""
    reported = reported_shares(supply_point_key(cups), start_utc, end_utc)
    in_force = [bool(quality) and is_member for quality, is_member in zip(reported.quality, member, strict=True)]
    hours = [position for position in compress(range(len(computed)), in_force) if computed[position] is not None]
    distributor = sum(compress(reported.surplus_wh, in_force))
    compared = sum(computed[position] or 0 for position in hours)
    difference = sum(reported.surplus_wh[position] for position in hours) - compared
    any_reported = any(in_force)
    return MemberAllocation(
        house_id=house_id,
        cups=cups,
        computed_kwh=sum(filter(None, computed)) / 1000,
        distributor_kwh=distributor / 1000 if any_reported else None,
        hours_reported=len(hours),
        difference_kwh=difference / 1000 if hours else None,
        difference_percent=round(difference * 100 / compared, 2) if hours and compared else None,
    )


def _cups_of(sets: list[StoredCoefficientSet]) -> dict[str, str]:
    """Each house's CUPS as its latest set names it."""
    ordered = sorted(sets, key=lambda stored: stored.valid_from)
    return {member.house_id: member.cups for stored in ordered for member in stored.members}
