"""Open a metering file, compressed or not, as a stream of text lines without loading it in memory.

The compression is told by the first bytes, not the name: distributors are inconsistent about suffixes.
"""

import bz2
import gzip
import io
import shutil
import tempfile
import zipfile
from collections.abc import Buffer, Iterator
from contextlib import ExitStack, contextmanager
from typing import IO, BinaryIO, TextIO

from shared.metering.errors import MeteringFileError

ENCODING = "iso-8859-15"
_BZ2 = b"BZh"
_GZIP = b"\x1f\x8b"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")  # an archive with files, an empty archive
_SNIFF_SIZE = 4
_CHUNK = 1 << 20


@contextmanager
def open_text(stream: BinaryIO) -> Iterator[TextIO]:
    """Decompressed ISO-8859-15 text of a plain, bz2, gzip or single-file zip stream.

    The stream may be non-seekable (an S3 body): bz2 and gzip decompress as they read; zip needs its
    central directory at the end, so a non-seekable zip is first copied to a temporary file (disk, not
    memory). The caller's stream is left open.
    """
    head = _read_head(stream)
    with ExitStack() as resources:
        binary: IO[bytes] | io.BufferedIOBase
        if head.startswith(_ZIP):
            binary = _zip_member(resources, _as_seekable(resources, stream, head))
        elif head.startswith(_BZ2):
            binary = bz2.BZ2File(_Rewound(head, stream))
        elif head.startswith(_GZIP):
            binary = gzip.GzipFile(fileobj=_Rewound(head, stream), mode="rb")
        else:
            binary = io.BufferedReader(_Rewound(head, stream), _CHUNK)
        yield resources.enter_context(io.TextIOWrapper(binary, encoding=ENCODING))


def _read_head(stream: BinaryIO) -> bytes:
    head = b""
    while len(head) < _SNIFF_SIZE:
        chunk = stream.read(_SNIFF_SIZE - len(head))
        if not chunk:
            break
        head += chunk
    return head


class _Rewound(io.RawIOBase):
    """The stream with the sniffed bytes put back in front, without needing seek."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Buffer) -> int:
        size = len(memoryview(buffer))
        if self._head:
            data, self._head = self._head[:size], self._head[size:]
        else:
            data = self._rest.read(size)
        memoryview(buffer)[: len(data)] = data
        return len(data)


def _as_seekable(resources: ExitStack, stream: BinaryIO, head: bytes) -> IO[bytes]:
    if stream.seekable():
        stream.seek(-len(head), io.SEEK_CUR)
        return stream
    spool = resources.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 - closed by the ExitStack
    spool.write(head)
    shutil.copyfileobj(stream, spool, _CHUNK)
    spool.seek(0)
    return spool


def _zip_member(resources: ExitStack, source: IO[bytes]) -> IO[bytes]:
    try:
        archive = resources.enter_context(zipfile.ZipFile(source))
    except zipfile.BadZipFile as error:
        raise MeteringFileError(f"not a readable zip archive: {error}") from None
    members = [member for member in archive.infolist() if not member.is_dir()]
    if len(members) != 1:
        raise MeteringFileError(f"a zipped metering file holds exactly one file, this archive holds {len(members)}")
    return resources.enter_context(archive.open(members[0]))
