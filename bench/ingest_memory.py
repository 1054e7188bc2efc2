"""Peak memory of the metering pipeline splitting and ingesting files of 250k, 1M and 4M rows, with the split's
throughput and each chunk's ingest time.

Each size runs in a fresh process, whose ru_maxrss is that run's peak; S3, SQS and DynamoDB are a moto server
in another process, so the figure is the pipeline's memory alone (the stored data lives in the server). Files
are monthly F5D (744 rows per CUPS), bz2-compressed as distributors send them. Goal: peaks within 20% of each
other and under 300 MB.

    .venv/bin/python bench/ingest_memory.py [--sizes 250000,1000000,4000000]   (from the repository root)
"""

import argparse
import importlib
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.metering_storage import (  # noqa: E402 - needs the repository on sys.path
    REGION,
    copy_to_raw,
    curve_lines,
    deploy,
    month_of_days,
    split_and_ingest,
    write_bz2,
)

HOURS_PER_CUPS = 744  # May
PIPELINE_MODULES = (
    "shared.metering.services.splitting",
    "shared.metering.services.chunk_ingestion",
    "shared.metering.dal.metering",
)
PEAK_GOAL_MB = 300
FLAT_GOAL = 1.2
# Lambda gives a function CPU in proportion to its memory: one vCPU at 1,769 MB, so 1,024 MB is ~0.58 of one.
LAMBDA_CPU_SHARE = 1024 / 1769
BIG_FILE_MB = 1800  # 1,000,000 CUPS-days: 24 million rows


def child(object_key: str, etag: str) -> None:
    """One run in this fresh process; prints its figures as JSON."""
    for module in PIPELINE_MODULES:  # what every invocation has loaded before its first record
        importlib.import_module(module)
    baseline_mb = _current_rss_mb()
    run = split_and_ingest(object_key, etag)
    assert run.status == "parsed", run.status
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    print(json.dumps({"baseline_mb": baseline_mb, "peak_mb": peak_mb, **run.__dict__}))


def _current_rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    kilobytes = next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(kilobytes) / 1024


@contextmanager
def moto_server() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait()


def measure(rows_wanted: int, folder: Path) -> dict[str, Any]:
    cups = max(1, round(rows_wanted / HOURS_PER_CUPS))
    name = f"F5D_0021_0762_20240601.{cups}.bz2"  # a version per size: files of their own
    path = folder / name
    rows, text_bytes = write_bz2(path, curve_lines(cups, month_of_days(date(2024, 5, 1), 31)))
    object_key, etag = copy_to_raw(name, path)
    ran = subprocess.run(
        [sys.executable, __file__, "--child", object_key, etag], capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    figures: dict[str, Any] = json.loads(ran.stdout.strip().splitlines()[-1])
    return figures | {"rows": rows, "text_mb": text_bytes / 1e6, "bz2_mb": path.stat().st_size / 1e6}


def report(results: list[dict[str, Any]]) -> None:
    first_peak = results[0]["peak_mb"]
    for result in results:
        chunks = result["chunk_seconds"]
        split_rate = result["text_mb"] / result["split_seconds"]
        peak, baseline = result["peak_mb"], result["baseline_mb"]
        print(
            f"  {result['rows']:>9,} rows ({result['text_mb']:6.1f} MB text, {result['bz2_mb']:5.2f} MB bz2):"
            f" peak RSS {peak:6.1f} MB (after imports {baseline:5.1f} MB, +{peak - baseline:5.1f}),"
            f" ratio to smallest {peak / first_peak:.2f}"
        )
        print(
            f"      split {result['split_seconds']:5.1f} s = {split_rate:5.1f} MB/s of text;"
            f" {len(chunks)} chunks, ingest per chunk max {max(chunks):4.1f} s, mean {sum(chunks) / len(chunks):4.1f} s"
        )
    peaks = [result["peak_mb"] for result in results]
    largest = results[-1]
    rate = largest["text_mb"] / largest["split_seconds"]
    lambda_seconds = BIG_FILE_MB / (rate * LAMBDA_CPU_SHARE)
    print(
        f"  peak spread max/min {max(peaks) / min(peaks):.2f} (goal <= {FLAT_GOAL}); largest {max(peaks):.0f} MB"
        f" (goal < {PEAK_GOAL_MB} MB)"
    )
    print(
        f"  split of a {BIG_FILE_MB} MB file at {rate:.1f} MB/s here: {BIG_FILE_MB / rate:.0f} s;"
        f" at 1,024 MB Lambda's ~{LAMBDA_CPU_SHARE:.2f} vCPU: ~{lambda_seconds:.0f} s of the 900 s timeout"
        f" (ratio {lambda_seconds / 900:.2f})"
    )


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--sizes", default="250000,1000000,4000000", help="rows, comma-separated")
    options.add_argument("--child", nargs=2, metavar=("OBJECT_KEY", "ETAG"), help=argparse.SUPPRESS)
    args = options.parse_args()
    if args.child:
        child(*args.child)
        return
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION=REGION)
    print("split + ingest: peak memory per file size (fresh process each, moto server in another process)")
    with moto_server() as endpoint, tempfile.TemporaryDirectory() as folder:
        os.environ["AWS_ENDPOINT_URL"] = endpoint
        deploy("memory")
        report([measure(int(rows), Path(folder)) for rows in args.sizes.split(",")])


if __name__ == "__main__":
    main()
