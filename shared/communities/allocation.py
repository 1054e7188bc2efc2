"""Each member's share of an hour's production, in whole Wh that add up exactly to the hour's production.

A member's exact share is `generation x β`; with β in millionths that is `generation x β / 1,000,000` Wh, a fraction.
Rounding each share on its own can lose or invent a Wh (three members at 1/3 of 10 Wh). So the hour is split by the
largest remainder (Hamilton's method): every member gets the whole part of its share, and the Wh left over (fewer
than the members) go one each to the members with the largest fractional parts; of equal fractional parts, the member
that comes first in the set's order (by CUPS, as in the distributor's file) gets it. The split of an hour depends only
on its production and the set, so it is the same whoever asks and whenever.
"""

from collections.abc import Sequence

from shared.communities.coefficients import ONE


def split_hour(generation_wh: int, coefficients: Sequence[int]) -> list[int]:
    """Each member's Wh of an hour producing `generation_wh` (>= 0), for coefficients in millionths summing to 1,
    in the members' order; the shares add up to `generation_wh`."""
    products = [generation_wh * coefficient for coefficient in coefficients]
    shares = [product // ONE for product in products]
    left_over = generation_wh - sum(shares)
    if left_over:
        remainders = [product % ONE for product in products]
        # sorted is stable, also in reverse: of equal remainders the first member comes first
        for position in sorted(range(len(shares)), key=remainders.__getitem__, reverse=True)[:left_over]:
            shares[position] += 1
    return shares


class HourSplitter:
    """`split_hour` of one set for many hours, each distinct production split once (a year of hours repeats
    the same values: every night hour is 0)."""

    def __init__(self, coefficients: Sequence[int]) -> None:
        self._coefficients = tuple(coefficients)
        self._splits: dict[int, list[int]] = {}

    def split(self, generation_wh: int) -> list[int]:
        split = self._splits.get(generation_wh)
        if split is None:
            split = self._splits[generation_wh] = split_hour(generation_wh, self._coefficients)
        return split
