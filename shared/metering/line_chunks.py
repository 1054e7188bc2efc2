"""Cuts a decompressed file into chunks of a fixed number of lines without holding it: the bytes pass
through in blocks, and a cut always falls right after a newline, so every chunk parses on its own.

Lines are counted by `\\n` as the parser counts them (`\\r\\n` is one line, a blank line is a line), which
makes the line number of a chunk's first line `(chunk - 1) * lines_per_chunk + 1`.

A file is refused (MeteringFileError) once it has decompressed to more than MAX_BYTES, or has a line longer than
MAX_LINE_BYTES: an archive that inflates without end (a zip bomb) or a file without newlines would otherwise
hold a function, or the parser's memory, for nothing; a distributor's row is some 100 bytes.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from shared.metering.errors import MeteringFileError

BLOCK_SIZE = 1 << 20
MAX_BYTES = 16 << 30
MAX_LINE_BYTES = 4096

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
        self._bytes = 0  # read so far
        self._line = 1  # the number of the line the last block ended in
        self._line_bytes = 0  # of it, read so far

    def exhausted(self) -> bool:
        if not self._pending:
            self._pending = self._read(BLOCK_SIZE)
            self._check(self._pending)
        return not self._pending

    def _check(self, block: bytes) -> None:
        self._bytes += len(block)
        if self._bytes > MAX_BYTES:
            raise MeteringFileError(f"more than {MAX_BYTES} bytes once decompressed")
        lengths = [len(line) for line in block.split(b"\n")]
        lengths[0] += self._line_bytes
        longest = max(lengths[:-1], default=0)
        if max(longest, lengths[-1]) > MAX_LINE_BYTES:
            too_long = self._line + (lengths.index(longest) if longest > MAX_LINE_BYTES else len(lengths) - 1)
            raise MeteringFileError(f"line {too_long} is longer than {MAX_LINE_BYTES} bytes")
        self._line += len(lengths) - 1
        self._line_bytes = lengths[-1]

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
