"""The tariff of each day of a range: the contract in force, else 2.0TD assumed."""

from datetime import date

from shared.tariffs import Tariff, TariffSpan, tariff_spans

JAN, FEB, MAR, APR = (date(2025, month, 1) for month in (1, 2, 3, 4))
T20, T30 = Tariff.T20TD, Tariff.T30TD


def test_no_contract_is_2_0td_assumed_all_along() -> None:
    assert tariff_spans(JAN, APR, []) == [TariffSpan(JAN, APR, T20, assumed=True)]


def test_one_contract_over_the_range_is_clipped_to_it() -> None:
    assert tariff_spans(FEB, MAR, [TariffSpan(JAN, APR, T30)]) == [TariffSpan(FEB, MAR, T30)]


def test_a_change_of_tariff_splits_the_range_in_time_order() -> None:
    contracts = [TariffSpan(FEB, date(2026, 1, 1), T30), TariffSpan(date(2024, 6, 1), FEB, T20)]
    assert tariff_spans(JAN, APR, contracts) == [TariffSpan(JAN, FEB, T20), TariffSpan(FEB, APR, T30)]


def test_days_without_a_contract_are_assumed_and_merge_with_a_neighbouring_2_0td() -> None:
    assert tariff_spans(JAN, APR, [TariffSpan(FEB, MAR, T30)]) == [
        TariffSpan(JAN, FEB, T20, assumed=True),
        TariffSpan(FEB, MAR, T30),
        TariffSpan(MAR, APR, T20, assumed=True),
    ]
    assert tariff_spans(JAN, APR, [TariffSpan(FEB, MAR, T20)]) == [TariffSpan(JAN, APR, T20, assumed=True)]


def test_contracts_outside_the_range_are_left_out() -> None:
    assert tariff_spans(FEB, MAR, [TariffSpan(JAN, FEB, T30), TariffSpan(MAR, APR, T30)]) == [
        TariffSpan(FEB, MAR, T20, assumed=True)
    ]
