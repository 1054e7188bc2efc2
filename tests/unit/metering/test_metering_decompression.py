import bz2
import io
import zipfile

import pytest
from metering_samples import OneWayStream, compress

from shared.metering.decompression import open_text
from shared.metering.errors import MeteringFileError

TEXT = "".join(f"ES0021000012345678LB0F;2024/04/01 {hour:02d}:00;1;{hour};0;;;;;1;1;FE/24€;\n" for hour in range(1, 24))
DATA = TEXT.encode("iso-8859-15")


@pytest.mark.parametrize("kind", ["plain", "bz2", "gzip", "zip"])
@pytest.mark.parametrize("seekable", [True, False])
def test_the_compression_is_told_by_the_first_bytes(kind: str, seekable: bool) -> None:
    packed = compress(DATA, kind)
    stream = io.BytesIO(packed) if seekable else OneWayStream(packed)
    with open_text(stream) as text:  # type: ignore[arg-type]
        assert text.read() == TEXT


def test_text_is_iso_8859_15() -> None:
    with open_text(io.BytesIO(b"\xa4;\xa6;\xbd\n")) as text:
        assert text.read() == "€;Š;œ\n"


def test_windows_line_ends_become_plain_newlines() -> None:
    with open_text(io.BytesIO(b"a;1;\r\nb;2;\r\n")) as text:
        assert text.readlines() == ["a;1;\n", "b;2;\n"]


def test_an_empty_stream_is_empty_text() -> None:
    with open_text(io.BytesIO(b"")) as text:
        assert text.read() == ""


def test_a_stream_already_partly_read_is_sniffed_from_where_it_stands() -> None:
    stream = io.BytesIO(b"HEADER" + bz2.compress(DATA))
    stream.read(6)
    with open_text(stream) as text:
        assert text.read() == TEXT


class CountingStream(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


@pytest.mark.parametrize("kind", ["plain", "bz2", "gzip"])
def test_the_stream_is_read_as_the_text_is_consumed_not_all_at_once(kind: str) -> None:
    lines = 200_000  # several bz2 blocks and gzip read buffers
    big = "".join(f"{number * 7_919 % 100_003};{number}\n" for number in range(lines)).encode()
    packed = compress(big, kind)
    stream = CountingStream(packed)
    with open_text(stream) as text:
        assert text.readline() == "0;0\n"
        assert stream.bytes_read < len(packed) / 2
        assert sum(1 for _ in text) == lines - 1
    assert stream.bytes_read == len(packed)


def test_the_callers_stream_is_left_open() -> None:
    for kind in ("plain", "bz2", "gzip", "zip"):
        stream = io.BytesIO(compress(DATA, kind))
        with open_text(stream) as text:
            text.read()
        assert not stream.closed


def zip_of(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, DATA)
    return buffer.getvalue()


@pytest.mark.parametrize(("names", "count"), [((), 0), (("a.0", "b.0"), 2)])
def test_a_zip_must_hold_exactly_one_file(names: tuple[str, ...], count: int) -> None:
    with (
        pytest.raises(MeteringFileError, match=f"exactly one file, this archive holds {count}"),
        open_text(io.BytesIO(zip_of(*names))),
    ):
        pass


def test_folders_inside_a_zip_do_not_count() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("F5D/", b"")
        archive.writestr("F5D/F5D_0021_0762_20240403.0", DATA)
    with open_text(io.BytesIO(buffer.getvalue())) as text:
        assert text.read() == TEXT


def test_a_broken_zip_is_a_file_error() -> None:
    with (
        pytest.raises(MeteringFileError, match="not a readable zip archive"),
        open_text(io.BytesIO(b"PK\x03\x04 truncated")),
    ):
        pass


def test_a_truncated_bz2_fails_while_reading() -> None:
    packed = bz2.compress(DATA * 100)
    with open_text(io.BytesIO(packed[: len(packed) // 2])) as text, pytest.raises(EOFError):
        text.read()
