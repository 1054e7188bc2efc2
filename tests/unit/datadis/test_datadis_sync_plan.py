"""Which months to ask Datadis for: 24 months on connection, then the previous and the current one, never a query
identical to one sent in the last 24 hours."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from shared.datadis.models import ConsumptionQuery, SentQuery
from shared.datadis.sync_plan import months_wanted, plan_months

SUPPLY: dict[str, Any] = {
    "cups": "ES0021000087654321MF0F",
    "distributor_code": "8",
    "point_type": 5,
    "authorized_nif": "12345678Z",
}
NOW = datetime(2025, 3, 10, 8, tzinfo=UTC)


def sent(month: str, ago: timedelta, **changes: Any) -> SentQuery:
    return SentQuery(ConsumptionQuery(**(SUPPLY | {"month": month} | changes)), NOW - ago)


def plan(*sent_queries: SentQuery, backfill: bool = False, now: datetime = NOW, **options: Any) -> list[str]:
    return plan_months(**SUPPLY, backfill=backfill, now=now, sent=sent_queries, **options)


def test_on_connection_the_24_months_up_to_this_one_oldest_first() -> None:
    months = months_wanted(date(2025, 3, 10), backfill=True)
    assert len(months) == 24
    assert (months[0], months[9], months[10], months[-1]) == ("2023/04", "2024/01", "2024/02", "2025/03")
    assert months == sorted(months)


@pytest.mark.parametrize(
    ("today", "months"),
    [(date(2025, 3, 10), ["2025/02", "2025/03"]), (date(2025, 1, 1), ["2024/12", "2025/01"])],
)
def test_afterwards_the_previous_month_and_this_one(today: date, months: list[str]) -> None:
    assert months_wanted(today, backfill=False) == months


def test_the_month_is_madrids() -> None:
    new_years_eve = datetime(2024, 12, 31, 23, 30, tzinfo=UTC)  # 00:30 on 1 January in Madrid
    assert plan(now=new_years_eve) == ["2024/12", "2025/01"]


def test_a_backfill_asks_every_month_not_sent_in_the_last_24_hours() -> None:
    months = plan(sent("2024/05", timedelta(hours=3)), backfill=True)
    assert len(months) == 23
    assert "2024/05" not in months


@pytest.mark.parametrize(
    ("ago", "asked"),
    [(timedelta(hours=23, minutes=59), False), (timedelta(hours=24), True), (timedelta(days=3), True)],
)
def test_an_identical_query_waits_24_hours(ago: timedelta, asked: bool) -> None:
    assert ("2025/03" in plan(sent("2025/03", ago))) is asked


@pytest.mark.parametrize(
    "change",
    [
        {"distributor_code": "2"},
        {"point_type": 4},
        {"authorized_nif": "87654321X"},
        {"cups": "ES0021000087654321MF"},
        {"measurement_type": 1},
    ],
)
def test_a_query_that_differs_in_any_parameter_is_not_identical(change: dict[str, Any]) -> None:
    assert plan(sent("2025/03", timedelta(hours=1), **change)) == ["2025/02", "2025/03"]


def test_months_an_earlier_run_could_not_read_are_asked_again_in_order() -> None:
    left_over = {"2024/07", "2025/02", "2023/11"}
    assert plan(left_over=left_over) == ["2023/11", "2024/07", "2025/02", "2025/03"]
    assert plan(sent("2024/07", timedelta(hours=2)), left_over=left_over) == ["2023/11", "2025/02", "2025/03"]
