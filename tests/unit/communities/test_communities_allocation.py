"""Each member's Wh of an hour: the whole part of generation x β, the Wh left over to the largest fractional parts
(ties by position), always adding up to the hour's generation."""

import random

import pytest

from shared.communities.allocation import HourSplitter, split_hour
from shared.communities.coefficients import ONE


def test_thirds_of_ten_wh_add_up_to_ten() -> None:
    assert split_hour(10, [333_333, 333_333, 333_334]) == [3, 3, 4]


def test_ties_go_to_the_first_members() -> None:
    assert split_hour(1, [500_000, 500_000]) == [1, 0]
    assert split_hour(2, [250_000, 250_000, 250_000, 250_000]) == [1, 1, 0, 0]


def test_exact_shares_need_no_rounding() -> None:
    assert split_hour(1000, [500_000, 300_000, 200_000]) == [500, 300, 200]
    assert split_hour(0, [500_000, 300_000, 200_000]) == [0, 0, 0]


def test_the_largest_remainders_get_the_left_over() -> None:
    # exact: 2.5, 1.5, 1.0 of 5 Wh with β .5 .3 .2 -> 2 + 1 + 1 = 4, one left to the largest remainder (tie: first)
    assert split_hour(5, [500_000, 300_000, 200_000]) == [3, 1, 1]
    # exact: 0.7, 0.2, 0.1 -> the 1 Wh to the first
    assert split_hour(1, [700_000, 200_000, 100_000]) == [1, 0, 0]


@pytest.mark.parametrize("seed", range(100))
def test_any_hour_any_set_adds_up_and_each_share_is_within_a_wh_of_exact(seed: int) -> None:
    chance = random.Random(seed)
    members = chance.randint(1, 120)
    cuts = sorted(chance.sample(range(1, ONE), members - 1))
    coefficients = [high - low for low, high in zip([0, *cuts], [*cuts, ONE], strict=True)]
    generation = chance.choice([0, 1, 7, chance.randrange(200_000)])
    shares = split_hour(generation, coefficients)
    assert sum(shares) == generation
    assert all(
        abs(share * ONE - generation * coefficient) < ONE
        for share, coefficient in zip(shares, coefficients, strict=True)
    )
    assert HourSplitter(coefficients).split(generation) == shares
