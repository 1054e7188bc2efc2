"""Cuts a decompressed file into chunks of a fixed number of lines without holding it: the bytes pass
through in blocks, and a cut always falls right after a newline, so every chunk parses on its own.

Lines are counted by `\\n` as the parser counts them (`\\r\\n` is one line, a blank line is a line), which
makes the line number of a chunk's first line `(chunk - 1) * lines_per_chunk + 1`.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

BLOCK_SIZE = 1 << 20

Read = Callable[[int], bytes]


@dataclass(frozen=True, slots=True)
class LineChunk:
    number: int  # from 1
    first_line: int  # line number in the file of the chunk's first line, from 1


# Receives a chunk and its bytes as blocks; must consume them all before returning.
WriteChunk = Callable[[LineChunk, Iterator[bytes]], None]


def split_lines(read: Read, lines_per_chunk: int, write_chunk: WriteChunk) -> list[LineChunk]:
    """Hands `write_chunk` one chunk after another; returns them all. An empty source is one empty chunk, so
    every file has at least one chunk to settle its outcome."""
    if lines_per_chunk < 1:
        raise ValueError(f"a chunk holds at least one line, not {lines_per_chunk}")
    source = _Lines(read)
    chunks: list[LineChunk] = []
    while not chunks or not source.exhausted():
        chunk = LineChunk(len(chunks) + 1, len(chunks) * lines_per_chunk + 1)
        write_chunk(chunk, source.blocks_of(lines_per_chunk))
        chunks.append(chunk)
    return chunks


class _Lines:
    def __init__(self, read: Read) -> None:
        self._read = read
        self._pending = b""  # read but not yet handed out

    def exhausted(self) -> bool:
        if not self._pending:
            self._pending = self._read(BLOCK_SIZE)
        return not self._pending

    def blocks_of(self, lines: int) -> Iterator[bytes]:
        """The next `lines` lines (fewer at the end), as blocks of the source cut at most once."""
        remaining = lines
        while remaining and not self.exhausted():
            block, self._pending = self._pending, b""
            newlines = block.count(b"\n")
            if newlines < remaining:
                remaining -= newlines
                yield block
                continue
            cut = _after_newline(block, remaining)
            self._pending = block[cut:]
            remaining = 0
            yield block[:cut]


def _after_newline(block: bytes, count: int) -> int:
    """Offset just past the `count`-th newline of `block` (which has at least that many)."""
    offset = 0
    for _ in range(count):
        offset = block.index(b"\n", offset) + 1
    return offset
