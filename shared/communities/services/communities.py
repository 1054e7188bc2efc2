"""Energy communities (operators only): a community on a shared installation's CAU, its coefficient sets and the
distributor's file of the set in force on a day.

A set is written once, then projected on its member houses: each house keeps its periods in the community (what
the House shows as `energy_community`, what consumption reads, what the one-community rule checks). The projection
is recomputed from every set of the community, so it is the same however often it runs: posting the same set again
(same day, same coefficients) answers the stored set and completes a projection an earlier attempt left unfinished.
"""

import uuid
from dataclasses import replace
from datetime import date, datetime

from shared.communities import dal, distributor_file, timeline
from shared.communities.coefficients import InvalidCoefficientsError, checked_coefficients, decimal_text
from shared.communities.models import (
    COMMUNITY_ZONE,
    CoefficientSet,
    CoefficientSetCreate,
    CommunityMember,
    EnergyCommunity,
    EnergyCommunityCreate,
    SetMember,
    StoredCoefficientSet,
    StoredCommunity,
)
from shared.core.auth import Caller
from shared.core.clients.secrets import Secrets, delete_secret
from shared.core.errors import ConflictError, FieldProblem, InvalidInputError, NotFoundError, UniqueValueTakenError
from shared.core.models import Page
from shared.core.paging import PageRequest
from shared.houses.models import StoredHouse
from shared.houses.service import stored_houses
from shared.pv.cau import InvalidSelfConsumptionError, normalise_cau
from shared.supply_points.cups import Energy, supply_point_key

_PROJECTION_ATTEMPTS = 3  # a member house changed by another request meanwhile is read again


def create_community(caller: Caller, body: EnergyCommunityCreate, secrets: Secrets, now: datetime) -> EnergyCommunity:
    caller.require_operator()
    try:
        cau = normalise_cau(body.cau)
    except InvalidSelfConsumptionError as invalid:
        raise InvalidInputError(str(invalid), problems=list(invalid.problems)) from None
    community_id = str(uuid.uuid4())
    secret_name = (
        secrets.store(f"community-{community_id}", body.monitoring.api_key.get_secret_value())
        if body.monitoring
        else None
    )
    community = StoredCommunity(
        id=community_id,
        name=body.name,
        cau=cau,
        peak_power_kwp=body.peak_power_kwp,
        monitoring=body.monitoring_settings(),
        secret_name=secret_name,
        created_at=now,
    )
    try:
        dal.create_community(community)
    except UniqueValueTakenError as taken:
        if secret_name:
            delete_secret(secret_name)
        message = f"the CAU {cau} is already the installation of community {taken.owner_id}"
        raise ConflictError(message, problems=[FieldProblem("cau", message)]) from None
    return _shown(community, [], now)


def list_communities(caller: Caller, page: PageRequest, now: datetime) -> Page[EnergyCommunity]:
    caller.require_operator()
    communities, cursor = dal.list_communities(page)
    items = [_shown(community, dal.coefficient_sets(community.id), now) for community in communities]
    return Page[EnergyCommunity](items=items, next_cursor=cursor)


def get_community(caller: Caller, community_id: str, now: datetime) -> EnergyCommunity:
    community = existing_community(caller, community_id)
    return _shown(community, dal.coefficient_sets(community.id), now)


def list_sets(caller: Caller, community_id: str) -> Page[CoefficientSet]:
    """Every set, newest first (a community keeps a few a year: one page)."""
    community = existing_community(caller, community_id)
    sets = sorted(dal.coefficient_sets(community.id), key=lambda stored: stored.valid_from, reverse=True)
    return Page[CoefficientSet](items=[_shown_set(stored) for stored in sets], next_cursor=None)


def create_set(caller: Caller, community_id: str, body: CoefficientSetCreate, now: datetime) -> CoefficientSet:
    community = existing_community(caller, community_id)
    try:
        coefficients = checked_coefficients(body.coefficients)
    except InvalidCoefficientsError as invalid:
        raise InvalidInputError(str(invalid), problems=list(invalid.problems)) from None
    houses = stored_houses(coefficients)
    new_set = StoredCoefficientSet(
        community_id=community.id,
        valid_from=body.valid_from,
        members=_members(coefficients, houses),
        created_at=now,
    )
    sets = dal.coefficient_sets(community.id)
    same_day = next((stored for stored in sets if stored.valid_from == body.valid_from), None)
    if same_day is not None:
        if same_day.members != new_set.members:
            raise _day_taken(body.valid_from)
        _project(community, sets)  # a retry: finish what the first attempt may have left
        return _shown_set(same_day)
    sets = [*sets, new_set]
    periods = timeline.membership_periods(community.id, community.name, sets)
    for member in new_set.members:
        other = timeline.clash(houses[member.house_id].community_periods, community.id, periods[member.house_id])
        if other is not None:
            until = f"until {other.end}" if other.end else "with no end"
            message = (
                f"house {member.house_id} is in community {other.community_id}'s coefficients from {other.start} "
                f"{until}: a house is in one community's set in force on any day"
            )
            raise ConflictError(message, problems=[FieldProblem(f"coefficients.{member.house_id}", message)])
    if not dal.save_set(new_set):
        raise _day_taken(body.valid_from)
    _project(community, sets)
    return _shown_set(new_set)


def distributor_file_of(caller: Caller, community_id: str, day: date | None, now: datetime) -> tuple[str, bytes]:
    """The file name and content of the set in force on `day` (default today)."""
    community = existing_community(caller, community_id)
    day = day or now.astimezone(COMMUNITY_ZONE).date()
    in_force = timeline.in_force(dal.coefficient_sets(community.id), day)
    if in_force is None:
        raise NotFoundError(f"community {community_id} has no coefficient set in force on {day}")
    content = distributor_file.render({member.cups: member.coefficient for member in in_force.members})
    return distributor_file.file_name(community.cau, day.year), content


def existing_community(caller: Caller, community_id: str) -> StoredCommunity:
    """The community, for an operator; ForbiddenError for anyone else, NotFoundError when there is none."""
    caller.require_operator()
    community = dal.get_community(community_id)
    if community is None:
        raise NotFoundError(f"energy community {community_id} not found")
    return community


def _members(coefficients: dict[str, int], houses: dict[str, StoredHouse]) -> tuple[SetMember, ...]:
    """The members sorted by CUPS (22 characters); InvalidInputError naming each house that does not exist, has
    no electricity CUPS, or shares its supply point with another member."""
    problems: list[FieldProblem] = []
    members: list[SetMember] = []
    seen: dict[str, str] = {}
    for house_id, coefficient in coefficients.items():
        field = f"coefficients.{house_id}"
        house = houses.get(house_id)
        link = house.link(Energy.ELECTRICITY) if house else None
        if house is None:
            problems.append(FieldProblem(field, f"no house {house_id}"))
        elif link is None:
            problems.append(FieldProblem(field, "the house has no electricity CUPS: link one first"))
        elif (holder := seen.setdefault(supply_point_key(link.cups), house_id)) != house_id:
            problems.append(FieldProblem(field, f"the same CUPS {link.cups} as house {holder}"))
        else:
            members.append(SetMember(house_id, distributor_file.full_cups(link.cups), coefficient))
    if problems:
        raise InvalidInputError("invalid coefficients: " + ", ".join(p.field for p in problems), problems=problems)
    return tuple(sorted(members, key=lambda member: member.cups))


def _project(community: StoredCommunity, sets: list[StoredCoefficientSet]) -> None:
    """Every house named in one of the community's sets keeps its periods in the community as `sets` give them."""
    periods = timeline.membership_periods(community.id, community.name, sets)
    pending = set(periods)
    for _ in range(_PROJECTION_ATTEMPTS):
        conflicts: set[str] = set()
        for house_id, house in stored_houses(pending).items():
            projected = timeline.with_periods(house.community_periods, community.id, periods[house_id])
            if projected == house.community_periods:
                continue
            try:
                dal.save_house_periods(replace(house, community_periods=projected))
            except ConflictError:
                conflicts.add(house_id)
        if not conflicts:
            return
        pending = conflicts
    raise ConflictError("member houses were changed by other requests meanwhile: send the same set again")


def _day_taken(day: date) -> ConflictError:
    message = f"a coefficient set already starts on {day}; sets are never changed: start a new one another day"
    return ConflictError(message, problems=[FieldProblem("valid_from", message)])


def _shown_set(stored: StoredCoefficientSet) -> CoefficientSet:
    members = _shown_members(stored)
    return CoefficientSet(
        community_id=stored.community_id,
        valid_from=stored.valid_from,
        coefficients={member.house_id: member.coefficient for member in members},
        members=members,
        created_at=stored.created_at,
    )


def _shown_members(stored: StoredCoefficientSet | None) -> list[CommunityMember]:
    if stored is None:
        return []
    return [
        CommunityMember(house_id=member.house_id, cups=member.cups, coefficient=decimal_text(member.coefficient))
        for member in stored.members
    ]


def _shown(community: StoredCommunity, sets: list[StoredCoefficientSet], now: datetime) -> EnergyCommunity:
    return EnergyCommunity(
        id=community.id,
        name=community.name,
        cau=community.cau,
        peak_power_kwp=community.peak_power_kwp,
        monitoring=community.monitoring,
        last_poll=community.last_poll,
        members=_shown_members(timeline.in_force(sets, now.astimezone(COMMUNITY_ZONE).date())),
        created_at=community.created_at,
    )
