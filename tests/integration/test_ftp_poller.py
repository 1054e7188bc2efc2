"""The SFTP poller against a real OpenSSH server on loopback, with S3 and DynamoDB in moto.

Each test has its own connection id and its own folder on one shared server. The poll is run through the
scheduled handler, or through the polling service when a test needs its own store, clock or timeouts."""

import hashlib
import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from local.deployment import Deployment
from local.events import scheduled_event
from local.sftp_server import SftpServer, sshd_available
from tests.integration.conftest import REGION, Caller, FunctionsApi

MIB = 1024 * 1024
PART = 5 * MIB  # the smallest part S3 accepts, so a few MiB make a multipart upload
PLENTY_OF_TIME = 600.0
T0 = 1_712_000_000  # a remote modification time


@pytest.fixture(scope="module")
def sftp_server() -> Iterator[SftpServer]:
    if not sshd_available():
        pytest.skip("OpenSSH server not installed (/usr/sbin/sshd): apt-get install openssh-server")
    with SftpServer() as server:
        yield server


@pytest.fixture(scope="module")
def bucket(deployment: Deployment) -> str:
    return str(deployment.ref("MeteringFilesBucket"))


@pytest.fixture(scope="module")
def s3(deployment: Deployment) -> Any:
    return boto3.client("s3", region_name=REGION)


@pytest.fixture
def register(api: FunctionsApi, operator: Caller) -> Iterator[Callable[[str, dict[str, Any]], None]]:
    """Register connections through the API; they are disabled afterwards, so that later scheduled polls
    do not visit them."""
    registered: list[tuple[str, dict[str, Any]]] = []

    def register(connection_id: str, body: dict[str, Any]) -> None:
        reply = api.request("PUT", f"/distributor-connections/{connection_id}", operator, json_body=body)
        assert reply.status == 201, reply.body
        registered.append((connection_id, body))

    yield register
    for connection_id, body in registered:
        api.request("PUT", f"/distributor-connections/{connection_id}", operator, json_body=body | {"enabled": False})


@dataclass(frozen=True)
class Distributor:
    """One test's connection to the shared server, and the folder on it that the connection polls."""

    id: str
    folder: str
    server: SftpServer

    @property
    def remote_dir(self) -> str:
        return self.server.remote_path(self.folder)

    def put(self, name: str, data: bytes = b"", *, size: int | None = None, mtime: float = T0) -> str:
        return self.server.put(f"{self.folder}/{name}", data, size=size, mtime=mtime)

    def key(self, name: str, size: int, mtime: int = T0) -> str:
        return f"raw/{self.id}/{self.remote_dir.lstrip('/')}/{name}@{size}-{mtime}"


def new_distributor(
    server: SftpServer, register: Callable[[str, dict[str, Any]], None], **settings: Any
) -> Distributor:
    tag = uuid.uuid4().hex[:10]
    distributor = Distributor(id=f"dist-{tag}", folder=f"{tag}/outbox", server=server)
    register(distributor.id, server.connection_body("0021", [distributor.remote_dir]) | settings)
    return distributor


@pytest.fixture
def distributor(sftp_server: SftpServer, register: Callable[[str, dict[str, Any]], None]) -> Distributor:
    return new_distributor(sftp_server, register)


@pytest.fixture(scope="module")
def polling(deployment: Deployment) -> Any:
    from shared.metering.services import polling  # noqa: PLC0415 - its tables are bound at import, after the deployment

    return polling


@pytest.fixture(scope="module")
def connections(deployment: Deployment) -> Any:
    from shared.metering.dal import connections as distributor_connections  # noqa: PLC0415 - as above

    return distributor_connections


@pytest.fixture
def poll(polling: Any, connections: Any, bucket: str) -> Callable[..., dict[str, Any]]:
    """Poll the given connections in this order, with the store, clock and timeouts given."""
    from shared.metering.clients.raw_files import RawFileStore  # noqa: PLC0415
    from shared.metering.clients.sftp import DEFAULT_TIMEOUTS  # noqa: PLC0415

    def poll(
        *connection_ids: str,
        store: Any = None,
        remaining: Callable[[], float] = lambda: PLENTY_OF_TIME,
        timeouts: Any = DEFAULT_TIMEOUTS,
    ) -> dict[str, Any]:
        records = [connections.get_connection(connection_id) for connection_id in connection_ids]
        store = store or RawFileStore(bucket, part_size=PART)
        return dict(polling.poll_connections(records, store, polling.TimeBudget(remaining), timeouts))

    return poll


def keys_under(s3: Any, bucket: str, prefix: str) -> list[str]:
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    return sorted(item["Key"] for item in listed)


def content(s3: Any, bucket: str, key: str) -> bytes:
    return bytes(s3.get_object(Bucket=bucket, Key=key)["Body"].read())


def records_of(connection_id: str) -> list[Any]:
    from shared.metering.dal.files import MeteringFileRecord  # noqa: PLC0415

    return sorted(MeteringFileRecord.by_connection.query(connection_id), key=lambda record: record.object_key)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- copying


def test_the_scheduled_poll_copies_new_matching_files_once(
    api: FunctionsApi, operator: Caller, deployment: Deployment, s3: Any, bucket: str, distributor: Distributor
) -> None:
    wanted = {
        "F5D_0021_0762_20240403.0.bz2": b"BZh91AY&SY f5d",
        "RF5D_0021_0762_20240403.1.gz": b"\x1f\x8b\x08 rf5d",
        "P5D_0021_0762_20240403.0.zip": b"PK\x03\x04 p5d",
        "F5D_0021_0762_20240404.0": b"ES0021000012345678LB0F;2024/04/04 01:00;0;120;;;;;0;0;\n",
    }
    ignored = {"F1_0021_20240403_20240404.0": b"f1", "README.txt": b"hi", "f5d_0021_lowercase.0": b"x"}
    for name, data in (wanted | ignored).items():
        distributor.put(name, data)
    distributor.server.put(f"{distributor.folder}/archive/F5D_0021_0762_20240101.0", b"in a subfolder")
    before = {name: (distributor.server.root / distributor.folder / name).stat() for name in wanted}
    poller = api.runtimes["FtpPollerFunction"]
    rule_arn = f"arn:aws:events:{REGION}:123456789012:rule/poll"

    outcome = poller.invoke(scheduled_event(rule_arn, region=REGION))[distributor.id]

    assert outcome["files_copied"] == len(wanted) and outcome["error"] is None
    expected_keys = sorted(distributor.key(name, len(data)) for name, data in wanted.items())
    assert keys_under(s3, bucket, f"raw/{distributor.id}/") == expected_keys
    for name, data in wanted.items():
        assert content(s3, bucket, distributor.key(name, len(data))) == data
    records = records_of(distributor.id)
    assert [(r.name, r.size, r.remote_mtime, r.status) for r in records] == sorted(
        (name, len(data), T0, "copied") for name, data in wanted.items()
    )
    # the remote files are left as they were
    for name, stat in before.items():
        after = (distributor.server.root / distributor.folder / name).stat()
        assert (after.st_mtime, after.st_size, after.st_ino) == (stat.st_mtime, stat.st_size, stat.st_ino)

    again = poller.invoke(scheduled_event(rule_arn, region=REGION))[distributor.id]
    assert again["files_copied"] == 0 and again["error"] is None
    assert len(records_of(distributor.id)) == len(wanted)

    shown = api.request("GET", f"/distributor-connections/{distributor.id}", operator).body
    assert shown["last_poll"]["files_copied"] == 0 and shown["last_poll"]["error"] is None
    files = api.request("GET", f"/distributor-connections/{distributor.id}/files", operator).body["items"]
    assert sorted(file["name"] for file in files) == sorted(wanted)
    assert {file["status"] for file in files} == {"copied"}


def test_a_resent_file_with_another_time_or_size_is_copied_again(
    poll: Callable[..., dict[str, Any]], s3: Any, bucket: str, distributor: Distributor
) -> None:
    name = "F5D_0021_0762_20240403.0"
    distributor.put(name, b"first version")
    assert poll(distributor.id)[distributor.id].files_copied == 1

    distributor.put(name, b"first version", mtime=T0 + 3600)  # same bytes, sent again later
    assert poll(distributor.id)[distributor.id].files_copied == 1
    distributor.put(name, b"corrected version", mtime=T0 + 3600)
    assert poll(distributor.id)[distributor.id].files_copied == 1
    assert poll(distributor.id)[distributor.id].files_copied == 0

    assert keys_under(s3, bucket, f"raw/{distributor.id}/") == sorted(
        [
            distributor.key(name, 13),
            distributor.key(name, 13, T0 + 3600),
            distributor.key(name, 17, T0 + 3600),
        ]
    )
    assert content(s3, bucket, distributor.key(name, 17, T0 + 3600)) == b"corrected version"


def test_only_the_connection_patterns_are_copied(
    poll: Callable[..., dict[str, Any]],
    s3: Any,
    bucket: str,
    sftp_server: SftpServer,
    register: Callable[[str, dict[str, Any]], None],
) -> None:
    distributor = new_distributor(sftp_server, register, patterns=["P5D_0021_*", "*.csv"])
    for name in ("P5D_0021_0762_20240403.0.bz2", "P5D_0031_0762_20240403.0", "F5D_0021_0762_20240403.0", "x.csv"):
        distributor.put(name, b"data")

    assert poll(distributor.id)[distributor.id].files_copied == 2
    assert keys_under(s3, bucket, f"raw/{distributor.id}/") == sorted(
        [distributor.key("P5D_0021_0762_20240403.0.bz2", 4), distributor.key("x.csv", 4)]
    )


def test_a_large_file_is_streamed_in_parts_intact(
    poll: Callable[..., dict[str, Any]], s3: Any, bucket: str, distributor: Distributor
) -> None:
    name, size = "F5D_0021_0762_20240405.0", 3 * PART + 12345
    distributor.put(name, size=size)

    assert poll(distributor.id)[distributor.id].files_copied == 1

    original = (distributor.server.root / distributor.folder / name).read_bytes()
    assert sha256(content(s3, bucket, distributor.key(name, size))) == sha256(original)


def test_password_sign_in(poll: Callable[..., dict[str, Any]], register: Callable[[str, dict[str, Any]], None]) -> None:
    if not sshd_available():
        pytest.skip("OpenSSH server not installed")
    password = uuid.uuid4().hex
    with SftpServer(user="sftp-fixture-pw", password=password) as server:
        distributor = new_distributor(server, register, private_key=None, password=password)
        distributor.put("F5D_0021_0762_20240403.0", b"data")
        outcome = poll(distributor.id)[distributor.id]
    assert (outcome.files_copied, outcome.error) == (1, None)


# ---------------------------------------------------------------- trust and failures


def test_a_server_presenting_another_host_key_is_refused_before_signing_in(
    poll: Callable[..., dict[str, Any]],
    s3: Any,
    bucket: str,
    sftp_server: SftpServer,
    register: Callable[[str, dict[str, Any]], None],
) -> None:
    with SftpServer() as impostor_keys:  # any other ed25519 host key will do
        other_key = impostor_keys.host_key
    distributor = new_distributor(sftp_server, register, host_key=other_key)
    distributor.put("F5D_0021_0762_20240403.0", b"data")
    sign_ins = sftp_server.log().count("Accepted publickey")

    outcome = poll(distributor.id)[distributor.id]

    assert outcome.files_copied == 0
    assert outcome.error.startswith(f"host key mismatch: 127.0.0.1:{sftp_server.port} presented ssh-ed25519 SHA256:")
    assert keys_under(s3, bucket, f"raw/{distributor.id}/") == [] and records_of(distributor.id) == []
    assert sftp_server.log().count("Accepted publickey") == sign_ins


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never says anything (no SSH banner)."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_broken_connections_are_reported_and_do_not_stop_the_others(
    poll: Callable[..., dict[str, Any]],
    sftp_server: SftpServer,
    register: Callable[[str, dict[str, Any]], None],
    silent_server: int,
) -> None:
    from shared.metering.clients.sftp import Timeouts  # noqa: PLC0415

    with SftpServer() as other:
        stranger_key = other.client_private_key
    closed_port = unused_port()
    unknown_host = new_distributor(sftp_server, register, host="sftp.distributor.invalid")
    refused = new_distributor(sftp_server, register, port=closed_port)
    silent = new_distributor(sftp_server, register, port=silent_server)
    wrong_key = new_distributor(sftp_server, register, private_key=stranger_key)
    missing_dir = new_distributor(sftp_server, register)
    healthy = new_distributor(sftp_server, register)
    healthy.put("F5D_0021_0762_20240403.0", b"data")
    ids = [unknown_host.id, refused.id, silent.id, wrong_key.id, missing_dir.id, healthy.id]

    outcomes = poll(*ids, timeouts=Timeouts(connect=2, banner=1, key_exchange=2, authentication=2, channel=2))

    errors = {connection_id: outcome.error for connection_id, outcome in outcomes.items()}
    assert errors[unknown_host.id] == "cannot resolve host name sftp.distributor.invalid"
    assert errors[refused.id].startswith(f"cannot connect to 127.0.0.1:{closed_port}")
    assert errors[silent.id].startswith(f"SSH handshake with 127.0.0.1:{silent_server} failed")
    assert errors[wrong_key.id] == f"127.0.0.1:{sftp_server.port} refused authentication as {sftp_server.user}"
    assert errors[missing_dir.id] == f"{missing_dir.remote_dir}: no such directory on the server"
    assert (errors[healthy.id], outcomes[healthy.id].files_copied) == (None, 1)


def test_a_dropped_connection_leaves_no_partial_copy_and_the_file_follows_next_time(
    poll: Callable[..., dict[str, Any]], s3: Any, bucket: str, distributor: Distributor
) -> None:
    from shared.metering.clients.raw_files import RawFileStore  # noqa: PLC0415

    size = 4 * PART + 1
    distributor.put("F5D_0021_0762_20240406.0", size=size)

    class DroppingAfterFirstPart(RawFileStore):
        def _upload_part(self, key: str, upload_id: str, number: int, body: bytes) -> Any:
            if number == 1:
                distributor.server.kill_connections()
            return super()._upload_part(key, upload_id, number, body)

    dropped = poll(distributor.id, store=DroppingAfterFirstPart(bucket, part_size=PART))[distributor.id]

    assert dropped.files_copied == 0 and "connection" in dropped.error
    assert keys_under(s3, bucket, f"raw/{distributor.id}/") == []
    assert s3.list_multipart_uploads(Bucket=bucket, Prefix=f"raw/{distributor.id}/").get("Uploads", []) == []
    assert records_of(distributor.id) == []

    recovered = poll(distributor.id)[distributor.id]
    assert (recovered.files_copied, recovered.error) == (1, None)
    key = distributor.key("F5D_0021_0762_20240406.0", size)
    assert keys_under(s3, bucket, f"raw/{distributor.id}/") == [key]
    assert len(content(s3, bucket, key)) == size
    assert poll(distributor.id)[distributor.id].files_copied == 0


# ---------------------------------------------------------------- time and overlap


def test_no_file_is_started_with_too_little_time_left_and_the_rest_follow(
    poll: Callable[..., dict[str, Any]], s3: Any, bucket: str, distributor: Distributor
) -> None:
    names = [f"F5D_0021_0762_2024040{day}.0" for day in range(1, 6)]
    for day, name in enumerate(names):
        distributor.put(name, b"data", mtime=T0 + day)

    def remaining() -> float:  # time is short once two files are copied
        return 30.0 if len(keys_under(s3, bucket, f"raw/{distributor.id}/")) >= 2 else PLENTY_OF_TIME

    first = poll(distributor.id, remaining=remaining)[distributor.id]
    assert (first.files_copied, first.error) == (2, None)
    assert keys_under(s3, bucket, f"raw/{distributor.id}/") == sorted(
        distributor.key(n, 4, T0 + d) for d, n in enumerate(names[:2])
    )

    second = poll(distributor.id)[distributor.id]
    assert (second.files_copied, second.error) == (3, None)
    assert len(records_of(distributor.id)) == 5


def test_a_transfer_still_running_at_the_stop_margin_is_abandoned_cleanly(
    poll: Callable[..., dict[str, Any]], s3: Any, bucket: str, distributor: Distributor
) -> None:
    from shared.metering.clients.raw_files import RawFileStore  # noqa: PLC0415

    distributor.put("F5D_0021_0762_20240407.0", size=3 * PART)
    parts_sent: list[int] = []

    class CountingParts(RawFileStore):
        def _upload_part(self, key: str, upload_id: str, number: int, body: bytes) -> Any:
            parts_sent.append(number)
            return super()._upload_part(key, upload_id, number, body)

    outcome = poll(
        distributor.id,
        store=CountingParts(bucket, part_size=PART),
        remaining=lambda: 5.0 if parts_sent else PLENTY_OF_TIME,
    )[distributor.id]

    assert (outcome.files_copied, outcome.error) == (0, None)
    assert keys_under(s3, bucket, f"raw/{distributor.id}/") == []
    assert s3.list_multipart_uploads(Bucket=bucket, Prefix=f"raw/{distributor.id}/").get("Uploads", []) == []
    assert poll(distributor.id)[distributor.id].files_copied == 1


def test_overlapping_polls_copy_and_count_each_file_once(
    poll: Callable[..., dict[str, Any]], s3: Any, bucket: str, distributor: Distributor
) -> None:
    from shared.metering.clients.raw_files import RawFileStore  # noqa: PLC0415

    names = [f"F5D_0021_0762_202404{day:02}.0" for day in range(1, 7)]
    for name in names:
        distributor.put(name, name.encode())
    both_listed = threading.Barrier(2, timeout=30)

    class WaitingForTheOtherPoll(RawFileStore):
        """Both polls have listed the files before either copies one."""

        def write_once(self, key: str, chunks: Iterable[bytes]) -> bool:
            if not hasattr(self, "waited"):
                self.waited = True
                both_listed.wait()
            return super().write_once(key, chunks)

    outcomes: list[Any] = []

    def run() -> None:
        outcomes.append(poll(distributor.id, store=WaitingForTheOtherPoll(bucket, part_size=PART))[distributor.id])

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [outcome.error for outcome in outcomes] == [None, None]
    assert sum(outcome.files_copied for outcome in outcomes) == len(names)
    assert [record.name for record in records_of(distributor.id)] == sorted(names)
    for name in names:
        assert content(s3, bucket, distributor.key(name, len(name))) == name.encode()


def test_reads_stay_prefetched_when_the_request_thread_falls_behind(
    poll: Callable[..., dict[str, Any]],
    s3: Any,
    bucket: str,
    distributor: Distributor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """paramiko's prefetch race (see shared.integrations.sftp): its request-sending thread pauses midway
    while every request sent so far is answered; no read may then fall back to a round trip per 32 KB."""
    import paramiko  # noqa: PLC0415 - only the poller's tests load paramiko
    from paramiko.sftp import CMD_READ  # noqa: PLC0415

    send_requests = getattr(paramiko.SFTPFile, "_prefetch_thread")  # noqa: B009 - private, not in the stubs

    def pausing(file: Any, chunks: list[tuple[int, int]], max_concurrent_requests: Any) -> None:
        send_requests(file, chunks[:4], max_concurrent_requests)
        time.sleep(0.5)
        send_requests(file, chunks[4:], max_concurrent_requests)

    one_at_a_time: list[Any] = []
    request = getattr(paramiko.SFTPClient, "_request")  # noqa: B009 - as above

    def counting(client: Any, kind: int, *arguments: Any) -> Any:
        if kind == CMD_READ:
            one_at_a_time.append(arguments)
        return request(client, kind, *arguments)

    monkeypatch.setattr(paramiko.SFTPFile, "_prefetch_thread", pausing)
    monkeypatch.setattr(paramiko.SFTPClient, "_request", counting)
    name, size = "F5D_0021_0762_20240408.0", 2 * MIB
    distributor.put(name, size=size)

    assert poll(distributor.id)[distributor.id].files_copied == 1
    assert one_at_a_time == []
    original = (distributor.server.root / distributor.folder / name).read_bytes()
    assert content(s3, bucket, distributor.key(name, size)) == original


# ---------------------------------------------------------------- files that cannot be copied


def files_shown(api: FunctionsApi, operator: Caller, distributor: Distributor) -> dict[str, dict[str, Any]]:
    reply = api.request("GET", f"/distributor-connections/{distributor.id}/files", operator)
    return {file["name"]: file for file in reply.body["items"]}


def test_an_unreadable_file_fails_alone_and_is_quarantined_after_three_polls(
    api: FunctionsApi, operator: Caller, poll: Callable[..., dict[str, Any]], distributor: Distributor
) -> None:
    unreadable = "F5D_0021_0762_20240401.0"
    distributor.put(unreadable, b"secret", mtime=T0)  # the oldest: tried first on every poll
    (distributor.server.root / distributor.folder / unreadable).chmod(0o000)
    distributor.put("F5D_0021_0762_20240402.0", b"data", mtime=T0 + 1)

    first = poll(distributor.id)[distributor.id]
    assert first.files_copied == 1
    assert first.error == (
        f"{distributor.remote_dir}/{unreadable}: permission denied (failed poll 1 of 3 before quarantine)"
    )
    assert "2 of 3" in poll(distributor.id)[distributor.id].error
    assert unreadable not in files_shown(api, operator, distributor)

    third = poll(distributor.id)[distributor.id]
    assert "quarantined after 3 failed polls" in third.error
    shown = files_shown(api, operator, distributor)[unreadable]
    assert shown["status"] == "failed"
    assert (
        shown["error"] == f"quarantined after 3 failed polls: {distributor.remote_dir}/{unreadable}: permission denied"
    )
    assert poll(distributor.id)[distributor.id].error is None  # no longer tried


def test_files_refused_by_their_listing_are_quarantined_at_once_and_the_rest_copied(
    api: FunctionsApi,
    operator: Caller,
    poll: Callable[..., dict[str, Any]],
    s3: Any,
    bucket: str,
    distributor: Distributor,
) -> None:
    refused = {
        "F5D_0021_0762_20240403 (copy).0": "is not letters, digits",
        "F5D_0021_0762_2024040\u00f1.0": "is not letters, digits",
        "F5D_0031_0762_20240403.0": "the name says distributor 0031, this connection is distributor 0021",
        "F5D_0021_0762_20991231.0": "generated on 2099-12-31 by its name: later than tomorrow",
    }
    for name in refused:
        distributor.put(name, b"forged")
    distributor.put("F5D_0021_0762_20240404.0", b"data", mtime=T0 + 1)

    outcome = poll(distributor.id)[distributor.id]

    assert outcome.files_copied == 1 and outcome.error.count("quarantined") == len(refused)
    assert keys_under(s3, bucket, f"raw/{distributor.id}/") == [distributor.key("F5D_0021_0762_20240404.0", 4, T0 + 1)]
    shown = files_shown(api, operator, distributor)
    for name, reason in refused.items():
        assert shown[name]["status"] == "failed" and reason in shown[name]["error"], name
    again = poll(distributor.id)[distributor.id]
    assert (again.files_copied, again.error) == (0, None)


def test_the_poll_publishes_files_copied_and_poll_errors_per_connection(
    api: FunctionsApi, distributor: Distributor, capsys: pytest.CaptureFixture[str]
) -> None:
    distributor.put("F5D_0021_0762_20240403.0", b"data")
    distributor.put("F5D_0031_0762_20240403.0", b"forged")
    capsys.readouterr()

    api.runtimes["FtpPollerFunction"].invoke(
        scheduled_event("arn:aws:events:eu-west-1:123456789012:rule/poll", region=REGION)
    )

    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    per_connection = [metric for metric in emitted if metric.get("connection_id") == distributor.id]
    assert [metric["PollErrors"] for metric in per_connection] == [[1.0]]
    [totals] = [metric for metric in emitted if "FilesCopied" in metric]
    assert totals["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "HouseEnergy"
    assert sum(totals["FilesCopied"]) >= 1 and sum(totals["PollErrors"]) >= 1


def test_a_name_that_is_not_utf8_is_quarantined_and_the_directory_still_copied(
    api: FunctionsApi, operator: Caller, poll: Callable[..., dict[str, Any]], distributor: Distributor
) -> None:
    latin1 = os.fsdecode("F5D_0021_0762_2024040ñ.0".encode("latin-1"))  # a byte that is no UTF-8
    distributor.put(latin1, b"data")
    distributor.put("F5D_0021_0762_20240404.0", b"data", mtime=T0 + 1)

    outcome = poll(distributor.id)[distributor.id]

    assert outcome.files_copied == 1
    shown = files_shown(api, operator, distributor)
    assert shown["F5D_0021_0762_2024040\\xf1.0"]["status"] == "failed"
    assert "is not letters, digits" in shown["F5D_0021_0762_2024040\\xf1.0"]["error"]
    assert poll(distributor.id)[distributor.id].error is None
