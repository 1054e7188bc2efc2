"""Speed and memory of the metering-file parser.

Speed: rows/s of `read_metering_file` against a bare `csv.reader` loop over the same decompressed bytes,
in the same run (repetitions interleaved, medians). Memory: tracemalloc peak while streaming bz2 files of
two sizes from disk; the peak must not grow with the file.

    .venv/bin/python bench/parse_speed.py [--rows 1000000] [--repeat 5]      (from the repository root)
"""

import argparse
import bz2
import csv
import io
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from stdnum.es import cups as stdnum_cups

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from shared.metering.hour_labels import MADRID  # noqa: E402 - needs the repository on sys.path
from shared.metering.parser import read_metering_file  # noqa: E402 - needs the repository on sys.path
from shared.metering.readings import Rejection  # noqa: E402 - needs the repository on sys.path

NAME = "F5D_0021_0762_20240501.0"
HOURS_PER_CUPS = 720  # one month, as distributors send them


def f5d_lines(rows: int) -> Iterator[str]:
    """REE-variant F5D rows for April 2024: one CUPS after another, 720 hours each."""
    start = datetime(2024, 3, 31, 22, tzinfo=UTC)  # 2024-04-01 00:00 in Madrid
    labels = []
    for hour in range(HOURS_PER_CUPS):
        end = (start + timedelta(hours=hour + 1)).astimezone(MADRID)
        labels.append(f"{end:%Y/%m/%d %H:%M};{int(bool(end.dst()))}")
    for index in range(rows):
        point, hour = divmod(index, HOURS_PER_CUPS)
        digits = f"ES0021{point:012d}"
        cups = f"{digits}{stdnum_cups.calc_check_digits(digits + 'XX')}0F"
        method, firm = ("5", "0") if hour % 97 == 0 else ("1", "1")
        yield f"{cups};{labels[hour]};{(hour * 37 + point) % 900};0;;;;;{method};{firm};FE24A0001234;\n"


def seconds(run: Callable[[], int], expected_rows: int) -> float:
    began = time.perf_counter()
    rows = run()
    elapsed = time.perf_counter() - began
    assert rows == expected_rows, (rows, expected_rows)
    return elapsed


def csv_baseline(data: bytes) -> int:
    count = 0
    for _row in csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="iso-8859-15"), delimiter=";"):
        count += 1
    return count


def parser_run(data: bytes) -> int:
    rejections: list[Rejection] = []
    count = 0
    for _reading in read_metering_file(NAME, io.BytesIO(data), on_reject=rejections.append):
        count += 1
    assert not rejections, rejections[:3]
    return count


def write_bz2(path: Path, rows: int) -> int:
    """Writes the file a line at a time and returns its decompressed size."""
    compressor = bz2.BZ2Compressor()
    text_bytes = 0
    with path.open("wb") as out:
        for line in f5d_lines(rows):
            data = line.encode("iso-8859-15")
            text_bytes += len(data)
            out.write(compressor.compress(data))
        out.write(compressor.flush())
    return text_bytes


def streamed_peak(path: Path) -> tuple[int, int]:
    rejections: list[Rejection] = []
    count = 0
    with path.open("rb") as stream:
        tracemalloc.start()
        for _reading in read_metering_file(NAME + ".bz2", stream, on_reject=rejections.append):
            count += 1
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert not rejections, rejections[:3]
    return count, peak


def speed(rows: int, repeat: int) -> None:
    data = "".join(f5d_lines(rows)).encode("iso-8859-15")
    print(f"speed: {rows:,} F5D rows, {len(data) / 1e6:.1f} MB decompressed, {repeat} repetitions")
    baseline_times, parser_times = [], []
    for _ in range(repeat):  # interleaved, so that machine noise hits both alike
        baseline_times.append(seconds(lambda: csv_baseline(data), rows))
        parser_times.append(seconds(lambda: parser_run(data), rows))
    baseline_rate = rows / statistics.median(baseline_times)
    parser_rate = rows / statistics.median(parser_times)
    print(f"  csv.reader baseline: {baseline_rate:>12,.0f} rows/s")
    print(f"  metering parser:     {parser_rate:>12,.0f} rows/s")
    print(f"  ratio parser/baseline: {parser_rate / baseline_rate:.2f}")


def memory(sizes: tuple[int, ...]) -> None:
    print("memory: tracemalloc peak while streaming a bz2 file from disk")
    with tempfile.TemporaryDirectory() as folder:
        for rows in sizes:
            path = Path(folder) / f"{rows}.bz2"
            text_bytes = write_bz2(path, rows)
            count, peak = streamed_peak(path)
            print(
                f"  {count:>10,} rows, {text_bytes / 1e6:5.1f} MB of text ({path.stat().st_size / 1e6:.2f} MB bz2):"
                f" peak {peak / 1e6:.2f} MB"
            )


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--rows", type=int, default=1_000_000)
    options.add_argument("--repeat", type=int, default=5)
    args = options.parse_args()
    speed(args.rows, args.repeat)
    memory((args.rows // 4, args.rows))


if __name__ == "__main__":
    main()
