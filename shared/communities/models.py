"""Energy communities' shapes: the community and its coefficient sets as the API takes and shows them, the allocation
report, a house's membership as the House shows it, and what the dal stores and returns."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, StringConstraints, TypeAdapter

from shared.communities.coefficients import decimal_text
from shared.core.models import RequestBody, Timestamp
from shared.pv.models import Monitoring, MonitoringPut, PeakPower, PvLastPoll, ReadProgress

CommunityName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
CoefficientText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=20),
    Field(description="A decimal with at most 6 decimals, > 0", examples=["0.333333"]),
]


# ---------------------------------------------------------------- the community


class EnergyCommunityCreate(RequestBody):
    name: CommunityName
    cau: Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, min_length=1, max_length=40)] = Field(
        description="The shared installation's CAU: a 22-character CUPS, A and 3 digits; one community per CAU"
    )
    peak_power_kwp: PeakPower | None = None
    monitoring: MonitoringPut | None = None

    def monitoring_settings(self) -> Monitoring | None:
        monitoring = self.monitoring
        return Monitoring(provider=monitoring.provider, site_id=monitoring.site_id) if monitoring else None


class CommunityMember(BaseModel):
    house_id: str
    cups: str = Field(description="The member's electricity CUPS, 22 characters, as the distributor's file names it")
    coefficient: str = Field(description="β with 6 decimals", examples=["0.500000"])


class EnergyCommunity(BaseModel):
    id: str
    name: str
    cau: str
    peak_power_kwp: float | None
    monitoring: Monitoring | None
    last_poll: PvLastPoll | None = Field(description="The last read of the shared installation's production")
    members: list[CommunityMember] = Field(description="The members of the coefficient set in force today")
    created_at: Timestamp


class CoefficientSetCreate(RequestBody):
    valid_from: date = Field(description="The first day the set is in force; it stays in force until the next set")
    coefficients: dict[str, CoefficientText] = Field(
        description="Member house id -> β; at most 6 decimals each, > 0, summing to exactly 1"
    )


class CoefficientSet(BaseModel):
    community_id: str
    valid_from: date
    coefficients: dict[str, str] = Field(description="Member house id -> β with 6 decimals")
    members: list[CommunityMember] = Field(
        description="The members sorted by CUPS, as the distributor's file lists them"
    )
    created_at: Timestamp


# ---------------------------------------------------------------- each member's share


class MemberAllocation(BaseModel):
    house_id: str
    cups: str
    computed_kwh: float = Field(description="The community's generation x the member's β, hour by hour")
    distributor_kwh: float | None = Field(description="The distributor's B5D figures (null: no B5D hour in the range)")
    hours_reported: int = Field(description="Hours the distributor reported a share for (and generation was read)")
    difference_kwh: float | None = Field(
        description="Distributor's minus computed share over the hours the distributor reported"
    )
    difference_percent: float | None = Field(
        description="difference_kwh as a percentage of the computed share of those hours (null when it is 0)"
    )


class CommunityAllocation(BaseModel):
    community_id: str
    from_day: date
    to_day: date = Field(description="Exclusive")
    timezone: str
    generation_kwh: float = Field(description="The shared installation's production over the hours read")
    hours_missing: int = Field(description="Hours without production read")
    members: list[MemberAllocation]


# ---------------------------------------------------------------- a house's membership


class HouseCommunity(BaseModel):
    """What the House shows as its `energy_community`: the community whose set in force today names it."""

    id: str
    name: str
    coefficient: str = Field(description="β in force today, 6 decimals")


@dataclass(frozen=True)
class MembershipPeriod:
    """Days a house is in a community's set in force, with its coefficient: [start, end), end None while the set
    is the community's latest. Kept on the house (the House, consumption and the one-community rule read it)."""

    community_id: str
    community_name: str
    start: date
    end: date | None
    coefficient: int  # millionths

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def overlaps(self, other: "MembershipPeriod") -> bool:
        return (other.end is None or self.start < other.end) and (self.end is None or other.start < self.end)


@cache
def _periods_adapter() -> TypeAdapter[tuple[MembershipPeriod, ...]]:
    """Built on first use: every function that reads a house imports this module, few read a member's periods."""
    return TypeAdapter(tuple[MembershipPeriod, ...])


def periods_json(periods: tuple[MembershipPeriod, ...]) -> str:
    return _periods_adapter().dump_json(periods).decode()


def periods_from_json(text: str) -> tuple[MembershipPeriod, ...]:
    return _periods_adapter().validate_json(text)


COMMUNITY_ZONE = ZoneInfo("Europe/Madrid")  # the zone of the days coefficient sets start on


def current_community(periods: Sequence[MembershipPeriod], today: date | None = None) -> HouseCommunity | None:
    """The House's `energy_community` on `today` (default: today in Europe/Madrid)."""
    day = today or datetime.now(COMMUNITY_ZONE).date()
    period = next((period for period in periods if period.covers(day)), None)
    if period is None:
        return None
    return HouseCommunity(
        id=period.community_id, name=period.community_name, coefficient=decimal_text(period.coefficient)
    )


# ---------------------------------------------------------------- as stored


@dataclass(frozen=True)
class StoredCommunity:
    id: str
    name: str
    cau: str
    peak_power_kwp: float | None
    monitoring: Monitoring | None
    secret_name: str | None  # the monitoring API key (Secrets Manager)
    created_at: datetime
    last_poll: PvLastPoll | None = None
    progress: ReadProgress = field(default_factory=ReadProgress)


@dataclass(frozen=True)
class SetMember:
    house_id: str
    cups: str  # 22 characters
    coefficient: int  # millionths


@dataclass(frozen=True)
class StoredCoefficientSet:
    community_id: str
    valid_from: date
    members: tuple[SetMember, ...]  # sorted by CUPS
    created_at: datetime
