"""Coefficient sets on time: the set in force on a day, each house's periods, the one-community rule, and each
member's share of every hour (sets change at local midnight, a DST day included), adding up to the generation."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from shared.communities.models import (
    MembershipPeriod,
    SetMember,
    StoredCoefficientSet,
    current_community,
)
from shared.communities.timeline import (
    clash,
    communities_during,
    hourly_shares,
    house_shares,
    in_force,
    local_midnight,
    member_hours,
    membership_periods,
    with_periods,
)

MADRID = ZoneInfo("Europe/Madrid")
CREATED = datetime(2025, 1, 1, tzinfo=UTC)


def coefficient_set(day: date, *members: tuple[str, int]) -> StoredCoefficientSet:
    return StoredCoefficientSet(
        "c1",
        day,
        tuple(SetMember(house, f"ES00210000000000{i:02d}XX0F", value) for i, (house, value) in enumerate(members)),
        CREATED,
    )


FIRST = coefficient_set(date(2025, 3, 1), ("a", 500_000), ("b", 300_000), ("c", 200_000))
SECOND = coefficient_set(date(2025, 3, 30), ("a", 700_000), ("b", 300_000))  # the spring-forward day


def test_the_set_in_force_is_the_latest_started() -> None:
    assert in_force([SECOND, FIRST], date(2025, 2, 28)) is None
    assert in_force([SECOND, FIRST], date(2025, 3, 29)) == FIRST
    assert in_force([SECOND, FIRST], date(2025, 3, 30)) == SECOND
    assert in_force([SECOND, FIRST], date(2030, 1, 1)) == SECOND


def test_each_house_s_periods_end_where_the_next_set_starts() -> None:
    periods = membership_periods("c1", "Barrio", [SECOND, FIRST])
    assert periods["c"] == [MembershipPeriod("c1", "Barrio", date(2025, 3, 1), date(2025, 3, 30), 200_000)]
    assert periods["a"] == [
        MembershipPeriod("c1", "Barrio", date(2025, 3, 1), date(2025, 3, 30), 500_000),
        MembershipPeriod("c1", "Barrio", date(2025, 3, 30), None, 700_000),
    ]
    assert current_community(periods["a"], date(2025, 3, 29)).coefficient == "0.500000"  # type: ignore[union-attr]
    assert current_community(periods["c"], date(2025, 3, 30)) is None


def test_a_house_in_another_community_s_set_on_one_of_the_days_clashes() -> None:
    elsewhere = MembershipPeriod("c2", "Other", date(2025, 1, 1), date(2025, 3, 15), 1_000_000)
    ours = membership_periods("c1", "Barrio", [FIRST])["a"]
    assert clash([elsewhere], "c1", ours) == elsewhere
    ended = MembershipPeriod("c2", "Other", date(2025, 1, 1), date(2025, 3, 1), 1_000_000)
    assert clash([ended], "c1", ours) is None  # it left the other community the day it joins this one
    assert clash(ours, "c1", ours) is None  # its own community's periods are replaced, not compared
    assert with_periods([ended, *ours], "c1", []) == (ended,)


def test_shares_follow_the_set_in_force_each_hour_and_add_up_to_the_generation() -> None:
    start = local_midnight(date(2025, 3, 29), MADRID)
    hours = 24 + 23  # the 29th and the spring-forward 30th
    generation: list[int | None] = [hour * 7 for hour in range(hours)]
    generation[3] = None

    shares = hourly_shares([FIRST, SECOND], start, generation, MADRID)

    assert set(shares) == {"a", "b", "c"}
    for hour in range(hours):
        column = [shares[house][hour] for house in "abc"]
        if generation[hour] is None:
            assert column == [None, None, None]
        else:
            assert sum(value or 0 for value in column) == generation[hour]
    assert shares["c"][23] is not None
    assert shares["c"][24:] == [None] * 23  # not in the set from the 30th
    assert shares["a"][24 + 10] == round(generation[24 + 10] * 0.7)  # type: ignore[operator]


def test_hours_before_the_first_set_are_no_one_s() -> None:
    start = local_midnight(date(2025, 2, 28), MADRID)
    shares = house_shares([FIRST], "a", start, [100] * 48, MADRID)
    assert shares[:24] == [None] * 24
    assert shares[24:] == [50] * 24
    assert house_shares([FIRST], "nobody", start, [100] * 48, MADRID) == [None] * 48


def test_member_hours_and_the_communities_of_a_range() -> None:
    periods = membership_periods("c1", "Barrio", [FIRST, SECOND])["c"]  # the 1st to the 30th of March
    start = local_midnight(date(2025, 3, 29), MADRID)
    assert member_hours(periods, start, 48, MADRID) == [True] * 24 + [False] * 24
    assert communities_during(periods, start, start + 48 * 3600, MADRID) == ["c1"]
    later = local_midnight(date(2025, 3, 30), MADRID)
    assert communities_during(periods, later, later + 24 * 3600, MADRID) == []
