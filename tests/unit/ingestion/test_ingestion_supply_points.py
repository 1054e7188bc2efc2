import io

from shared.metering.supply_point_counts import count_distinct, sorted_list


def test_supply_points_seen_by_several_chunks_count_once() -> None:
    chunk_lists = [sorted_list(points) for points in (["ES3", "ES1"], ["ES2", "ES1"], [], ["ES3"])]
    assert chunk_lists[0] == b"ES1\nES3\n"
    assert count_distinct(io.BytesIO(data) for data in chunk_lists) == 3


def test_no_chunk_no_supply_point() -> None:
    assert count_distinct([]) == 0
