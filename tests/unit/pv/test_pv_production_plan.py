"""Which whole months to ask a monitoring provider for: on link from the installation date or 12 months back, then
yesterday's month once a run, left-over months again, never past the day's budget."""

from datetime import date, timedelta

import pytest

from shared.pv.production_plan import DAILY_REQUEST_BUDGET, MonthPlan, month_bounds, month_of, plan_months

TODAY = date(2025, 3, 10)


def plan(
    *,
    today: date = TODAY,
    installed_on: date | None = None,
    backfill: bool = False,
    left_over: set[str] | None = None,
    requests_left: int = DAILY_REQUEST_BUDGET,
) -> MonthPlan:
    return plan_months(
        today=today,
        installed_on=installed_on,
        backfill=backfill,
        left_over=left_over or set(),
        requests_left=requests_left,
    )


def test_on_link_an_old_installation_is_read_12_months_back_up_to_this_one_oldest_first() -> None:
    linked = plan(installed_on=date(2019, 5, 20), backfill=True)
    assert linked.months == (
        "2024-04", "2024-05", "2024-06", "2024-07", "2024-08", "2024-09",
        "2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03",
    )  # fmt: skip
    assert linked.deferred == ()
    assert plan(installed_on=None, backfill=True) == linked  # a date not given: 12 months


@pytest.mark.parametrize(
    ("installed_on", "first"),
    [(date(2024, 11, 30), "2024-11"), (date(2025, 3, 1), "2025-03"), (date(2024, 4, 1), "2024-04")],
)
def test_on_link_a_newer_installation_is_read_from_its_installation_month(installed_on: date, first: str) -> None:
    months = plan(installed_on=installed_on, backfill=True).months
    assert (months[0], months[-1]) == (first, "2025-03")
    assert list(months) == sorted(set(months))


@pytest.mark.parametrize(
    ("today", "month"),
    [
        (date(2025, 3, 10), "2025-03"),  # yesterday and today so far, one request
        (date(2025, 3, 31), "2025-03"),
        (date(2025, 3, 1), "2025-02"),  # the 1st: the month that ended last night; today is read tomorrow
        (date(2025, 1, 1), "2024-12"),
        (date(2024, 3, 1), "2024-02"),  # a leap February
    ],
)
def test_afterwards_one_request_a_run_the_month_of_yesterday(today: date, month: str) -> None:
    assert plan(today=today, installed_on=date(2020, 1, 1)) == MonthPlan((month,), ())


def test_every_day_is_read_whole_by_the_run_after_it_ends() -> None:
    """Run daily, the run of each day asks for a month holding the day before it."""
    for offset in range(70):
        day = date(2024, 12, 25) + timedelta(days=offset)
        assert plan(today=day + timedelta(days=1), installed_on=date(2020, 1, 1)).months == (month_of(day),)


def test_months_an_earlier_run_could_not_read_are_asked_again_in_order() -> None:
    assert plan(left_over={"2024-07", "2025-02", "2023-11"}).months == ("2023-11", "2024-07", "2025-02", "2025-03")
    assert plan(left_over={"2025-03"}).months == ("2025-03",)  # once, however it is wanted


def test_nothing_before_the_installation_month_nor_after_this_one_is_asked() -> None:
    left_over = {"2024-01", "2024-06", "2025-04"}
    assert plan(installed_on=date(2024, 6, 15), left_over=left_over).months == ("2024-06", "2025-03")
    assert plan(today=date(2024, 6, 1), installed_on=date(2024, 6, 1)).months == ()  # yesterday was before it
    assert plan(installed_on=date(2025, 4, 1), backfill=True).months == ()  # a date in the future reads nothing


def test_past_the_days_budget_the_newest_months_go_first_and_the_rest_waits() -> None:
    months = plan(installed_on=date(2019, 5, 20), backfill=True, requests_left=5)
    assert months.months == ("2024-11", "2024-12", "2025-01", "2025-02", "2025-03")
    assert months.deferred == ("2024-04", "2024-05", "2024-06", "2024-07", "2024-08", "2024-09", "2024-10")

    next_day = plan(today=date(2025, 3, 11), left_over=set(months.deferred), requests_left=5)
    assert next_day.months == ("2024-07", "2024-08", "2024-09", "2024-10", "2025-03")
    assert next_day.deferred == ("2024-04", "2024-05", "2024-06")


@pytest.mark.parametrize("requests_left", [0, -3])
def test_a_spent_budget_defers_every_month(requests_left: int) -> None:
    assert plan(left_over={"2025-01"}, requests_left=requests_left) == MonthPlan((), ("2025-01", "2025-03"))


def test_a_backfill_fits_the_default_budget() -> None:
    linked = plan(installed_on=None, backfill=True, left_over={f"2023-{month:02d}" for month in range(1, 13)})
    assert (len(linked.months), linked.deferred) == (24, ())


@pytest.mark.parametrize("month", ["2025/03", "2025-3", "2025-13", "25-03", ""])
def test_a_left_over_month_that_is_not_yyyy_mm_is_an_error(month: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        plan(left_over={month})


@pytest.mark.parametrize(
    ("month", "bounds"),
    [
        ("2025-03", (date(2025, 3, 1), date(2025, 3, 31))),
        ("2024-02", (date(2024, 2, 1), date(2024, 2, 29))),
        ("2025-02", (date(2025, 2, 1), date(2025, 2, 28))),
        ("2024-12", (date(2024, 12, 1), date(2024, 12, 31))),
    ],
)
def test_a_months_bounds_are_its_first_and_last_day(month: str, bounds: tuple[date, date]) -> None:
    assert month_bounds(month) == bounds
    assert month_of(bounds[0]) == month_of(bounds[1]) == month
