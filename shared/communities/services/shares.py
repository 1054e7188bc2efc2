"""A member house's share of its communities' production, as its consumption shows it, apart from the communities'
routes so that the consumption route imports none of them. The computed share is `timeline.hourly_shares` (whole
Wh, the members' shares adding up to the hour's production); the distributor's is its B5D figure (the `ae` field),
stored under `B5D#<supply point>`."""

from dataclasses import dataclass
from itertools import compress
from operator import and_, is_not
from zoneinfo import ZoneInfo

from shared.communities import dal, timeline
from shared.communities.models import MembershipPeriod
from shared.metering.dal import metering
from shared.metering.readings import Source, StoredHours, curve_point
from shared.pv.services.generation import community_generation

COMPUTED = "computed"
DISTRIBUTOR = Source.B5D.value


@dataclass(frozen=True)
class HouseShares:
    """A member house's share of each hour: Wh (None: not a member then, or no production read and no B5D figure),
    and where it came from (`computed`, `B5D`, None)."""

    wh: list[int | None]
    source: list[str | None]


def reported_shares(supply_point: str, start_utc: int, end_utc: int) -> StoredHours:
    """The distributor's B5D figures for the supply point (in `surplus_wh`, hours without one have no quality)."""
    return metering.stored_hours(curve_point(Source.B5D, supply_point), start_utc, end_utc)


def house_shares(
    house_id: str,
    periods: tuple[MembershipPeriod, ...],
    supply_point: str,
    start_utc: int,
    end_utc: int,
    zone: ZoneInfo,
) -> HouseShares:
    """The house's share of each hour of [start_utc, end_utc) it was a member in: computed from the community it
    was in then (a query of its sets and one of its production), the distributor's B5D figure where one was
    stored."""
    count = (end_utc - start_utc) // timeline.HOUR
    member = timeline.member_hours(periods, start_utc, count, zone)
    wh: list[int | None] = [None] * count
    for community_id in timeline.communities_during(periods, start_utc, end_utc, zone):
        generation = community_generation(community_id, start_utc, end_utc)
        shares = timeline.house_shares(dal.coefficient_sets(community_id), house_id, start_utc, generation, zone)
        for position in compress(range(count), map(is_not, shares, [None] * count)):
            wh[position] = shares[position]
    source: list[str | None] = [None if value is None else COMPUTED for value in wh]
    if any(member):
        reported = reported_shares(supply_point, start_utc, end_utc)
        for position in compress(range(count), map(and_, member, map(bool, reported.quality))):
            wh[position], source[position] = reported.surplus_wh[position], DISTRIBUTOR
    return HouseShares(wh, source)
