"""Which access tariff splits each day of a range: the one of the electricity contract in force that day, or 2.0TD,
the domestic tariff, assumed where no contract covers it. Pure: the caller reads the contracts."""

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from shared.tariffs.periods import Tariff

ASSUMED = Tariff.T20TD


class TariffSpan(NamedTuple):
    """Days [first_day, end_day) under one tariff."""

    first_day: date
    end_day: date  # exclusive
    tariff: Tariff
    assumed: bool = False  # some of its days had no contract, and the tariff was assumed


def tariff_spans(first_day: date, end_day: date, contracts: Iterable[TariffSpan]) -> list[TariffSpan]:
    """The days of [first_day, end_day) in runs of one tariff, in order: `contracts` (never overlapping, in any
    order, possibly reaching beyond the range) clipped to the range, the days between them 2.0TD assumed, and
    neighbours of the same tariff merged (assumed when either was)."""
    spans: list[TariffSpan] = []
    day = first_day

    def add(span: TariffSpan) -> None:
        if spans and spans[-1].tariff is span.tariff:
            last = spans.pop()
            span = TariffSpan(last.first_day, span.end_day, span.tariff, last.assumed or span.assumed)
        spans.append(span)

    for contract in sorted(contracts):
        start, end = max(contract.first_day, day), min(contract.end_day, end_day)
        if start >= end:
            continue
        if start > day:
            add(TariffSpan(day, start, ASSUMED, assumed=True))
        add(TariffSpan(start, end, contract.tariff))
        day = end
    if day < end_day:
        add(TariffSpan(day, end_day, ASSUMED, assumed=True))
    return spans
