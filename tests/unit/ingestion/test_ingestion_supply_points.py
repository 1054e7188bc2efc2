import io
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO, cast

import pytest

from shared.metering import layout
from shared.metering.supply_point_counts import count_distinct, sorted_list


def test_supply_points_seen_by_several_chunks_count_once() -> None:
    chunk_lists = [sorted_list(points) for points in (["ES3", "ES1"], ["ES2", "ES1"], [], ["ES3"])]
    assert chunk_lists[0] == b"ES1\nES3\n"
    assert count_distinct(io.BytesIO(data) for data in chunk_lists) == 3


def test_no_chunk_no_supply_point() -> None:
    assert count_distinct([]) == 0


def test_a_file_of_more_than_a_thousand_chunks_is_counted_with_a_bounded_number_of_files_open(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from shared.metering.services import chunk_ingestion  # noqa: PLC0415 - the service, not only the pure merge

    chunks = 1_001  # Lambda lets a process hold 1,024 files open
    lists = {
        layout.supply_points_key("f", n): sorted_list([f"ES{n % 700:04d}", "ES9999"]) for n in range(1, chunks + 1)
    }

    class Lists:
        @contextmanager
        def reading(self, key: str) -> Iterator[BinaryIO]:
            yield io.BytesIO(lists[key])

    created: list[BinaryIO] = []
    peak = 0
    real_temporary_file = tempfile.TemporaryFile

    def temporary_file() -> BinaryIO:
        nonlocal peak
        created.append(real_temporary_file())
        peak = max(peak, sum(not file.closed for file in created))
        return created[-1]

    monkeypatch.setattr(chunk_ingestion.tempfile, "TemporaryFile", temporary_file)
    ingestion = chunk_ingestion.ChunkIngestion(cast(Any, Lists()), cast(Any, None))

    assert ingestion._count_supply_points("f", chunks) == 701
    assert peak <= 256
    assert all(file.closed for file in created)
