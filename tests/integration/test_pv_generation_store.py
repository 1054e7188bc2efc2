"""The generation store against moto: a month's read as one run of hours, the newest read of an hour winning
whatever the order the reads are saved in, hours a read had no value for leaving the earlier ones, ranges that cut
a run, and a month read every day kept as every read but read as one item."""

from datetime import UTC, datetime

import pytest

from local.deployment import Deployment
from shared.metering.readings import Quality, Source
from shared.pv.models import GeneratedHour

HOUR = 3600
START = int(datetime(2024, 4, 1, 0, tzinfo=UTC).timestamp()) - 2 * HOUR  # 2024-04-01 00:00 in Madrid
FIRST_READ = datetime(2024, 4, 2, 6, tzinfo=UTC)
SECOND_READ = datetime(2024, 4, 3, 6, tzinfo=UTC)


@pytest.fixture
def owner(deployment: Deployment, request: pytest.FixtureRequest) -> str:
    """An installation's owner of its own, once the deployment named the tables."""
    return f"house-{request.node.name}"


def save(owner: str, hours: list[GeneratedHour], read_at: datetime) -> int:
    from shared.pv.dal.generation import save_generation  # noqa: PLC0415 - once the deployment named the tables

    return save_generation(owner, hours, read_at)


def produced(owner: str, start: int, hours: int) -> list[tuple[int, Quality | None]]:
    from shared.pv.dal.generation import hourly_generation  # noqa: PLC0415

    read = hourly_generation(owner, start, start + hours * HOUR)
    assert set(read.source) <= {Source.MONITORING, None}
    assert read.surplus_wh == [0] * hours
    return list(zip(read.consumption_wh, read.quality, strict=True))


def test_a_read_comes_back_hour_by_hour_estimated_hours_marked(owner: str) -> None:
    hours = [GeneratedHour(START + i * HOUR, 100 * i, estimated=i == 2) for i in range(4)]
    assert save(owner, hours, FIRST_READ) == 4
    assert produced(owner, START - HOUR, 6) == [
        (0, None),
        (0, Quality.REAL),
        (100, Quality.REAL),
        (200, Quality.ESTIMATED),
        (300, Quality.REAL),
        (0, None),
    ]


def test_the_newest_read_wins_and_its_missing_hours_keep_the_older_values(owner: str) -> None:
    save(owner, [GeneratedHour(START + i * HOUR, 10, False) for i in range(4)], FIRST_READ)
    newer = [GeneratedHour(START, 20, False), GeneratedHour(START + 3 * HOUR, 50, False)]  # hours 1 and 2 not read
    save(owner, newer, SECOND_READ)
    assert [wh for wh, _ in produced(owner, START, 4)] == [20, 10, 10, 50]
    save(owner, newer, SECOND_READ)  # the same read again changes nothing
    assert [wh for wh, _ in produced(owner, START, 4)] == [20, 10, 10, 50]


def test_a_range_that_cuts_the_runs_gets_its_own_hours(owner: str) -> None:
    march_end = [GeneratedHour(START - (i + 1) * HOUR, 1_000 + i, False) for i in range(3)]
    april = [GeneratedHour(START + i * HOUR, i, False) for i in range(24 * 30)]
    save(owner, april + march_end, FIRST_READ)  # one read, two months' items
    assert produced(owner, START - 2 * HOUR, 4) == [
        (1_001, Quality.REAL),
        (1_000, Quality.REAL),
        (0, Quality.REAL),
        (1, Quality.REAL),
    ]
    assert [wh for wh, _ in produced(owner, START + 700 * HOUR, 30)] == [*range(700, 720), *([0] * 10)]


def test_an_older_read_saved_after_a_newer_one_changes_nothing(owner: str) -> None:
    older = [GeneratedHour(START + i * HOUR, 10, False) for i in range(3)]
    newer = [GeneratedHour(START + i * HOUR, 20, False) for i in range(2)]
    save(owner, newer, SECOND_READ)
    save(owner, older, FIRST_READ)  # a poll's message delivered late
    assert [wh for wh, _ in produced(owner, START, 3)] == [20, 20, 10]


def test_a_month_read_every_day_is_one_item_to_read_and_each_read_is_kept(owner: str) -> None:
    from shared.pv.dal.generation import GenerationReadRecord, GenerationRecord, generation_point  # noqa: PLC0415

    for day in range(1, 6):  # each day's poll reads the month so far, its last day 1 Wh off until the next read
        read = [GeneratedHour(START + i * HOUR, i + (i // 24 == day - 1), False) for i in range(24 * day)]
        save(owner, read, FIRST_READ.replace(day=day + 1))
    assert [wh for wh, _ in produced(owner, START, 24 * 5)] == [*range(24 * 4), *range(24 * 4 + 1, 24 * 5 + 1)]
    assert [record.slot for record in GenerationRecord.query(generation_point(owner))] == ["2024-04"]
    assert len(list(GenerationReadRecord.query(f"generation-read#{owner}"))) == 5


def test_a_month_made_of_more_reads_is_not_replaced_by_one_made_of_fewer(owner: str) -> None:
    from shared.pv.dal.generation import GenerationRecord, generation_point  # noqa: PLC0415

    save(owner, [GeneratedHour(START, 10, False)], FIRST_READ)
    made_by_a_racing_save = GenerationRecord.get(generation_point(owner), "2024-04")
    made_by_a_racing_save.update(actions=[GenerationRecord.reads.set(5)])  # as if it had merged 5 reads
    save(owner, [GeneratedHour(START, 20, False)], SECOND_READ)  # merges 2: loses to the one that saw more
    assert produced(owner, START, 1) == [(10, Quality.REAL)]
