import io
from collections.abc import Iterator

import pytest

from shared.metering import line_chunks
from shared.metering.errors import MeteringFileError
from shared.metering.line_chunks import MAX_LINE_BYTES, LineChunk, split_lines


def cut(data: bytes, lines_per_chunk: int, read_size: int | None = None) -> list[tuple[LineChunk, bytes]]:
    stream = io.BytesIO(data)
    written: list[tuple[LineChunk, bytes]] = []

    def read(size: int) -> bytes:
        return stream.read(read_size or size)

    def write(chunk: LineChunk, blocks: Iterator[bytes]) -> None:
        written.append((chunk, b"".join(blocks)))

    chunks = split_lines(read, lines_per_chunk, write)
    assert chunks == [chunk for chunk, _ in written]
    return written


def lines(count: int, start: int = 1) -> bytes:
    return b"".join(b"row %d;\n" % number for number in range(start, start + count))


@pytest.mark.parametrize("read_size", [None, 1, 5, 64], ids=["whole", "bytes", "tiny", "small"])
def test_chunks_hold_whole_lines_and_say_where_they_start(read_size: int | None) -> None:
    chunks = cut(lines(25), 10, read_size)
    assert [(chunk.number, chunk.first_line) for chunk, _ in chunks] == [(1, 1), (2, 11), (3, 21)]
    assert [data for _, data in chunks] == [lines(10), lines(10, 11), lines(5, 21)]


def test_a_block_holding_several_chunks_is_cut_at_each() -> None:
    chunks = cut(lines(1000), 7)
    assert len(chunks) == 143
    assert b"".join(data for _, data in chunks) == lines(1000)
    assert all(data.count(b"\n") == 7 for _, data in chunks[:-1])
    assert chunks[-1][0].first_line == 142 * 7 + 1


def test_a_last_line_without_newline_stays_in_the_last_chunk() -> None:
    data = lines(4) + b"last;"
    assert [data for _, data in cut(data, 2)] == [lines(2), lines(2, 3), b"last;"]


def test_no_empty_chunk_follows_a_file_ending_on_a_cut() -> None:
    assert len(cut(lines(20), 10)) == 2


def test_blank_lines_and_crlf_count_as_the_parser_counts_them() -> None:
    data = b"a;\r\n\nb;\r\nc;\n"
    assert [(chunk.first_line, data) for chunk, data in cut(data, 2)] == [(1, b"a;\r\n\n"), (3, b"b;\r\nc;\n")]


def test_an_empty_file_is_one_empty_chunk() -> None:
    assert cut(b"", 10) == [(LineChunk(1, 1), b"")]


def test_a_chunk_holds_at_least_one_line() -> None:
    with pytest.raises(ValueError, match="at least one line"):
        cut(b"a\n", 0)


@pytest.mark.parametrize("read_size", [None, 7, 1000])
def test_a_line_longer_than_the_cap_refuses_the_file_naming_it(read_size: int | None) -> None:
    longest = b"x" * MAX_LINE_BYTES + b"\n"
    assert len(cut(lines(3) + longest, 2, read_size)) == 2  # at the cap: fine
    with pytest.raises(MeteringFileError, match=f"line 4 is longer than {MAX_LINE_BYTES} bytes"):
        cut(lines(3) + b"y" + longest + lines(2), 2, read_size)
    with pytest.raises(MeteringFileError, match="line 2 is longer"):
        cut(lines(1) + b"z" * (3 * MAX_LINE_BYTES), 2, read_size)  # no newline ever comes


def test_a_file_decompressing_beyond_the_cap_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(line_chunks, "MAX_BYTES", 100)
    assert len(cut(lines(10)[:100], 5)) >= 1
    with pytest.raises(MeteringFileError, match="more than 100 bytes once decompressed"):
        cut(lines(20), 5, 10)
