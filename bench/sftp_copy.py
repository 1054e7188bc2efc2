"""Speed and memory of the poller's copy of one file from SFTP to S3.

Speed: the poller's copy path (shared.metering.clients.sftp `connect` + `read_chunks` into
RawFileStore.write_once, as ConnectionPoll runs it for each file) fetching a file from an OpenSSH sshd on
loopback, against OpenSSH's own client (`sftp -b`, `get` to /dev/null) fetching the same file from the same
server; runs interleaved, medians; both timings include connecting and signing in. Goal: ratio >= 0.7.

Memory: the same copy of a small and a large file, each in a fresh process: the tracemalloc peak of the
copy, and the process's peak resident memory (VmHWM, imports included; ru_maxrss would count the parent
process, which Linux carries over into it). Goal: the same for both sizes.

S3: by default a sink that takes the upload's calls like S3 and keeps nothing (computing the CRC32 that
boto3 would), so the figures are the poller's own; `--s3 moto` uploads to moto in-process instead (speed
only: moto keeps every object in memory).

Needs root (the server's dedicated, chrooted SFTP user) and /usr/sbin/sshd.

    .venv/bin/python bench/sftp_copy.py [--size-mb 200] [--small-mb 50] [--runs 3] [--s3 sink|moto]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
import zlib
from contextlib import closing
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from local.sftp_server import SftpServer  # noqa: E402
from shared.metering.clients import sftp  # noqa: E402 - needs the repository on sys.path
from shared.metering.clients.raw_files import RawFileStore  # noqa: E402
from shared.metering.ssh_keys import parse_host_key  # noqa: E402

MB = 1_000_000
BUCKET = "bench-metering-files"


class DiscardingS3:
    """The S3 calls RawFileStore makes, answered as S3 answers them; the bytes are checksummed and dropped."""

    def put_object(self, **request: Any) -> dict[str, Any]:
        zlib.crc32(request["Body"])
        return {}

    def create_multipart_upload(self, **request: Any) -> dict[str, Any]:
        return {"UploadId": "bench"}

    def upload_part(self, **request: Any) -> dict[str, Any]:
        checksum = zlib.crc32(request["Body"]).to_bytes(4, "big").hex()
        return {"ETag": f'"{request["PartNumber"]}"', "ChecksumCRC32": checksum}

    def complete_multipart_upload(self, **request: Any) -> dict[str, Any]:
        return {}

    def abort_multipart_upload(self, **request: Any) -> dict[str, Any]:
        return {}


def endpoint_of(server: dict[str, Any]) -> sftp.SftpEndpoint:
    return sftp.SftpEndpoint(
        host=server["host"],
        port=server["port"],
        username=server["user"],
        host_key=parse_host_key(server["host_key"]),
        private_key=Path(server["client_key_path"]).read_text(),
    )


def poller_copy(server: dict[str, Any], remote_path: str, store: RawFileStore) -> float:
    """Seconds to connect, sign in and copy the file as the poller does."""
    started = time.perf_counter()
    with sftp.connect(endpoint_of(server)) as session:
        directory, _, name = remote_path.rpartition("/")
        file = next(file for file in session.list_files(directory) if file.name == name)
        with closing(session.read_chunks(file)) as chunks:
            store.write_once(f"raw/bench/{name}@{time.time_ns()}", chunks)
    return time.perf_counter() - started


def openssh_copy(server: dict[str, Any], remote_path: str) -> float:
    known_hosts = Path(server["client_key_path"]).with_name("known_hosts")
    known_hosts.write_text(f"[{server['host']}]:{server['port']} {server['host_key']}\n")
    command = ["sftp", "-q", "-b", "-", "-i", server["client_key_path"], "-P", str(server["port"])]
    command += ["-o", f"UserKnownHostsFile={known_hosts}", "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes"]
    started = time.perf_counter()
    subprocess.run(
        [*command, f"{server['user']}@{server['host']}"],
        input=f"get {remote_path} /dev/null\n".encode(),
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def store_for(kind: str) -> RawFileStore:
    if kind == "sink":
        # The sink has only the five calls RawFileStore makes, not the whole of the stubs' S3Client.
        return RawFileStore(BUCKET, client=DiscardingS3())  # type: ignore[arg-type]
    import boto3  # noqa: PLC0415 - only with --s3 moto, inside mock_aws

    client = boto3.client("s3", region_name="eu-west-1")
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    return RawFileStore(BUCKET, client=client)


def measure_memory_in_this_process(server: dict[str, Any], remote_path: str, traced: bool) -> None:
    """Child process: one copy; prints its tracemalloc peak or its peak resident memory, in bytes."""
    store = store_for("sink")
    if traced:
        tracemalloc.start()
    poller_copy(server, remote_path, store)
    peak = tracemalloc.get_traced_memory()[1] if traced else peak_resident_bytes()
    print(json.dumps({"peak": peak}))


def peak_resident_bytes() -> int:
    status = Path("/proc/self/status").read_text()
    kilobytes = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(kilobytes) * 1024


def memory_of_copy(server: dict[str, Any], remote_path: str, traced: bool) -> int:
    mode = "traced" if traced else "rss"
    result = subprocess.run(
        [sys.executable, __file__, "--child", mode, json.dumps(server), remote_path],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(json.loads(result.stdout.strip().splitlines()[-1])["peak"])


def rate(size: int, seconds: list[float]) -> float:
    return size / statistics.median(seconds) / MB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--small-mb", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--s3", choices=["sink", "moto"], default="sink")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "SERVER", "PATH"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        mode, server, remote_path = arguments.child
        measure_memory_in_this_process(json.loads(server), remote_path, traced=mode == "traced")
        return

    size, small = arguments.size_mb * MB, arguments.small_mb * MB
    with SftpServer() as running:
        server = {
            "host": running.host,
            "port": running.port,
            "user": running.user,
            "host_key": running.host_key,
            "client_key_path": str(running.client_key_path),
        }
        large_path = running.put("bench/F5D_0021_0762_20240501.0", size=size)
        small_path = running.put("bench/F5D_0021_0762_20240502.0", size=small)

        if arguments.s3 == "moto":
            os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="eu-west-1")
            from moto import mock_aws  # noqa: PLC0415

            mock_aws().start()
        store = store_for(arguments.s3)
        openssh_times, poller_times = [], []
        for _ in range(arguments.runs):
            openssh_times.append(openssh_copy(server, large_path))
            poller_times.append(poller_copy(server, large_path, store))
        openssh_rate, poller_rate = rate(size, openssh_times), rate(size, poller_times)
        print(f"copy of {arguments.size_mb} MB over loopback, median of {arguments.runs} (S3: {arguments.s3})")
        print(f"  OpenSSH sftp client  {openssh_rate:7.1f} MB/s   runs (s): {[round(t, 2) for t in openssh_times]}")
        print(f"  poller               {poller_rate:7.1f} MB/s   runs (s): {[round(t, 2) for t in poller_times]}")
        print(f"  ratio poller/OpenSSH {poller_rate / openssh_rate:7.2f}   (goal >= 0.7)")

        print("memory of one copy, fresh process each (S3: sink)")
        for label, path in ((f"{arguments.small_mb} MB", small_path), (f"{arguments.size_mb} MB", large_path)):
            traced = memory_of_copy(server, path, traced=True)
            rss = memory_of_copy(server, path, traced=False)
            print(f"  {label:>7}: tracemalloc peak {traced / MB:6.1f} MB   peak resident {rss / MB:6.1f} MB")


if __name__ == "__main__":
    main()
