from shared.metering import layout

KEY = "raw/conn-1/out/F5D_0021_0762_20240403.0.bz2@4446-1712131200"


def test_a_file_id_is_stable_for_the_same_object_and_content() -> None:
    assert layout.file_id(KEY, "5d41402abc4b2a76b9719d911017c592") == layout.file_id(
        KEY, '"5d41402abc4b2a76b9719d911017c592"'
    )
    assert len(layout.file_id(KEY, "5d41402abc4b2a76b9719d911017c592")) == 32


def test_another_content_or_object_is_another_file() -> None:
    ids = {
        layout.file_id(KEY, "5d41402abc4b2a76b9719d911017c592"),
        layout.file_id(KEY, "7d793037a0760186574b0282f2f435e7"),
        layout.file_id(KEY.replace("conn-1", "conn-2"), "5d41402abc4b2a76b9719d911017c592"),
    }
    assert len(ids) == 3


def test_pieces_of_a_file_sort_by_chunk_beside_each_other() -> None:
    assert layout.chunk_key("abc", 7) == "chunks/abc/000007.gz"
    assert layout.supply_points_key("abc", 7) == "chunks/abc/000007.supply-points"
    assert layout.report_key("abc", 12) == "reports/abc/000012.csv"
    assert layout.report_key("abc", 12).startswith(layout.report_prefix("abc"))
    assert sorted([layout.chunk_key("a", 10), layout.chunk_key("a", 9)]) == [layout.chunk_key("a", n) for n in (9, 10)]
