"""A real OpenSSH server serving SFTP only on 127.0.0.1: for the tests, the benchmark and the local stack.

    with SftpServer() as server:                    # or server = SftpServer().start() ... server.stop()
        server.put("outbox/F5D_0021_0762_20240403.0.bz2", data)
        body = server.connection_body("0021", ["/outbox"])    # a PUT /distributor-connections/{id} body

It runs `sshd -D -e -f <its own config>` on a free port with its own Ed25519 host key, and accepts one user
signing in with a key generated for it (or a password, if one is given). Plain Python, no pytest needed.

- As root (tests, CI): the user is a dedicated system user (created if missing, no shell) chrooted into the
  server's own file tree, which sshd requires to be root-owned and outside /tmp: /srv/sftp-fixtures/<random>.
  Remote paths are then rooted there: `put("outbox/a")` is `/outbox/a` for the client.
- As anyone else (a developer's `make run`): sshd can only sign in the user it runs as, and cannot chroot.
  The tree lives in a temporary folder and remote paths are its absolute paths; `remote_path()` says which.

OpenSSH's traps handled here: the privilege separation folder /run/sshd must exist; keys in a temporary
folder need `StrictModes no` (and the folder 0755 so the user can read its authorized key); `useradd`
creates a locked account (`!`) that sshd refuses even with a key, so its password field is set to `*`.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

SSHD = Path("/usr/sbin/sshd")
DEFAULT_USER = "sftp-fixture"
CHROOT_BASE = Path("/srv/sftp-fixtures")
_PRIVILEGE_SEPARATION_DIR = Path("/run/sshd")
_NO_SHELL = "/usr/sbin/nologin"
_START_ATTEMPTS = 5
_STARTUP_SECONDS = 10.0


def sshd_available() -> bool:
    return SSHD.is_file()


class SftpServer:
    def __init__(self, *, user: str = DEFAULT_USER, password: str | None = None) -> None:
        """`user` applies when run as root; `password` also allows password sign-in (otherwise key only)."""
        self.as_root = os.geteuid() == 0
        self.user = user if self.as_root else getpass.getuser()
        self.password = password
        self.host = "127.0.0.1"
        self.port = 0
        self._state = Path(tempfile.mkdtemp(prefix="sshd-"))
        self._state.chmod(0o755)
        if self.as_root:
            CHROOT_BASE.mkdir(mode=0o755, parents=True, exist_ok=True)
            self.root = Path(tempfile.mkdtemp(prefix="root-", dir=CHROOT_BASE))
        else:
            self.root = self._state / "files"
            self.root.mkdir()
        self.root.chmod(0o755)
        self._process: subprocess.Popen[bytes] | None = None

    # ---------------------------------------------------------------- life cycle

    def start(self) -> SftpServer:
        if not sshd_available():
            raise RuntimeError(f"{SSHD} is missing: install the openssh-server package")
        if self.as_root:
            _PRIVILEGE_SEPARATION_DIR.mkdir(mode=0o755, parents=True, exist_ok=True)
        self._keygen("host_key")
        self._keygen("client_key")
        authorized = self._state / "authorized_keys"
        shutil.copy(self._state / "client_key.pub", authorized)
        authorized.chmod(0o644)
        if self.as_root:
            _ensure_user(self.user, self.password)
        for _ in range(_START_ATTEMPTS):
            if self._start_on_free_port():
                return self
        raise RuntimeError(f"sshd did not start:\n{self.log()}")

    def stop(self) -> None:
        if self._process is not None:
            self.kill_connections()
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        shutil.rmtree(self._state, ignore_errors=True)
        if self.as_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> SftpServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def kill_connections(self) -> None:
        """Drop every open client connection at once (the server keeps listening)."""
        if self._process is None:
            return
        for pid in _descendants(self._process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def log(self) -> str:
        log = self._state / "sshd.log"
        return log.read_text(errors="replace") if log.exists() else ""

    # ---------------------------------------------------------------- what a client needs

    @property
    def host_key(self) -> str:
        """The server's public host key as a known_hosts line without host names: `ssh-ed25519 AAAA...`."""
        key_type, data, *_ = (self._state / "host_key.pub").read_text().split()
        return f"{key_type} {data}"

    @property
    def client_key_path(self) -> Path:
        return self._state / "client_key"

    @property
    def client_private_key(self) -> str:
        return self.client_key_path.read_text()

    def connection_body(self, distributor_code: str, remote_dirs: Iterable[str], **settings: Any) -> dict[str, Any]:
        """A PUT /distributor-connections/{id} body for this server, signing in with the generated key."""
        return {
            "distributor_code": distributor_code,
            "host": self.host,
            "port": self.port,
            "username": self.user,
            "private_key": self.client_private_key,
            "host_key": self.host_key,
            "remote_dirs": list(remote_dirs),
            **settings,
        }

    # ---------------------------------------------------------------- the served files

    def remote_path(self, relative: str) -> str:
        """What a client calls the file at `relative` in the served tree."""
        relative = relative.strip("/")
        return f"/{relative}" if self.as_root else str(self.root / relative)

    def put(self, relative: str, data: bytes = b"", *, size: int | None = None, mtime: float | None = None) -> str:
        """Write a file (`data`, or `size` pseudo-random bytes); returns its remote path."""
        path = self._local(relative)
        for folder in reversed(path.relative_to(self.root).parents):
            (self.root / folder).mkdir(mode=0o755, exist_ok=True)
        with path.open("wb") as out:
            if size is None:
                out.write(data)
            else:
                _write_noise(out, size)
        path.chmod(0o644)
        if mtime is not None:
            self.set_mtime(relative, mtime)
        return self.remote_path(relative)

    def set_mtime(self, relative: str, mtime: float) -> None:
        os.utime(self._local(relative), (mtime, mtime))

    def remove(self, relative: str) -> None:
        self._local(relative).unlink()

    def _local(self, relative: str) -> Path:
        return self.root / relative.strip("/")

    # ---------------------------------------------------------------- internals

    def _keygen(self, name: str) -> None:
        subprocess.run(
            [
                "ssh-keygen",
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                f"sftp-fixture {name}",
                "-f",
                str(self._state / name),
            ],
            check=True,
            capture_output=True,
        )

    def _config(self) -> str:
        settings: Mapping[str, str] = {
            "ListenAddress": self.host,
            "Port": str(self.port),
            "HostKey": str(self._state / "host_key"),
            "PidFile": str(self._state / "sshd.pid"),
            "AuthorizedKeysFile": str(self._state / "authorized_keys"),
            "StrictModes": "no",
            "UsePAM": "no",
            "PubkeyAuthentication": "yes",
            "PasswordAuthentication": "yes" if self.password else "no",
            "KbdInteractiveAuthentication": "no",
            "PermitRootLogin": "no",
            "AllowUsers": self.user,
            "Subsystem": "sftp internal-sftp",
            "ForceCommand": "internal-sftp",
            "AllowTcpForwarding": "no",
            "X11Forwarding": "no",
            "PermitTTY": "no",
            "MaxStartups": "100",
            "LogLevel": "VERBOSE",
        }
        if self.as_root:
            settings = {**settings, "ChrootDirectory": str(self.root)}
        return "".join(f"{name} {value}\n" for name, value in settings.items())

    def _start_on_free_port(self) -> bool:
        """False if another process took the port between choosing and binding it."""
        self.port = _free_port(self.host)
        config = self._state / "sshd_config"
        config.write_text(self._config())
        log = (self._state / "sshd.log").open("ab")
        self._process = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(config)], stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + _STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._process = None
                if "Address already in use" in self.log():
                    return False
                raise RuntimeError(f"sshd exited at start:\n{self.log()}")
            if _answers(self.host, self.port):
                return True
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"sshd did not answer within {_STARTUP_SECONDS:g} s")


def _ensure_user(user: str, password: str | None) -> None:
    """A system user without home or shell. Racing creators (parallel test workers) retry."""
    for _ in range(20):
        exists = subprocess.run(["id", "-u", user], capture_output=True, check=False).returncode == 0
        created = exists or (
            subprocess.run(
                ["useradd", "--system", "--no-create-home", "--home-dir", "/", "--shell", _NO_SHELL, user],
                capture_output=True,
                check=False,
            ).returncode
            == 0
        )
        if created:
            break
        time.sleep(0.1)
    else:
        raise RuntimeError(f"could not create the user {user}")
    if password is None:
        # An account made by useradd is locked ('!'), which sshd refuses even for key sign-in.
        subprocess.run(["usermod", "-p", "*", user], check=True, capture_output=True)
    else:
        subprocess.run(["chpasswd"], input=f"{user}:{password}".encode(), check=True, capture_output=True)


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5) as connection:
            connection.settimeout(2)
            return connection.recv(4).startswith(b"SSH-")
    except OSError:
        return False


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # The command name is in parentheses and may contain spaces: the parent pid follows the last ')'.
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: list[int] = []
    pending = list(children.get(pid, []))
    while pending:
        child = pending.pop()
        found.append(child)
        pending.extend(children.get(child, []))
    return found


def _write_noise(out: BinaryIO, size: int) -> None:
    """`size` bytes that do not compress, without paying for `size` bytes of os.urandom."""
    block = os.urandom(1024 * 1024)
    written = 0
    while written < size:
        piece = block[: size - written]
        out.write(piece)
        written += len(piece)
        block = block[1:] + block[:1]  # no two blocks alike
