"""moto's server in a process of its own, as AWS is a system of its own.

In the stack's process, moto and the functions would take turns on one interpreter lock: every AWS call
would wait for the functions' Python and the other way round. In a process of its own moto has a core to
itself (an import of 10,000 messages runs about 1.4 times as fast), and its patches stay where moto runs.

`AwsServer.start()` runs `python -m local.aws_server`, which serves on 127.0.0.1 (the given port, or a free
one) and prints its endpoint on a line of its own once it answers. The server stops when asked to
(SIGTERM) or when its standard input closes, so that it never outlives the stack, however the stack ends.
"""

from __future__ import annotations

import argparse
import logging
import selectors
import signal
import subprocess
import sys
import threading
import time

from moto.server import ThreadedMotoServer

from local.moto_patches import apply_moto_fixes
from local.s3_eventbridge import emit_aws_shaped_events

_READY = "aws endpoint: "
_START_TIMEOUT_SECONDS = 60.0  # importing moto on two busy cores
_STOP_TIMEOUT_SECONDS = 10.0


class AwsServerError(RuntimeError):
    """The server did not start; the message says why."""


class AwsServer:
    def __init__(self, process: subprocess.Popen[str], endpoint: str) -> None:
        self._process = process
        self.endpoint = endpoint

    @classmethod
    def start(cls, port: int = 0) -> AwsServer:
        process = subprocess.Popen(
            [sys.executable, "-m", "local.aws_server", "--port", str(port)],
            stdin=subprocess.PIPE,  # closed when this process ends, however it ends: the server then stops
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,  # Ctrl-C reaches the stack, which stops the server in its turn
        )
        try:
            return cls(process, _endpoint_announced_by(process))
        except BaseException:
            process.kill()
            process.wait()
            raise

    @property
    def pid(self) -> int:
        return self._process.pid

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=_STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                stream.close()


def _endpoint_announced_by(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + _START_TIMEOUT_SECONDS
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while (remaining := deadline - time.monotonic()) > 0:
            if not selector.select(timeout=remaining):
                break
            line = process.stdout.readline()
            if not line:
                raise AwsServerError(f"moto's server exited with code {process.wait()} (its errors are above)")
            if line.startswith(_READY):
                return line.removeprefix(_READY).strip()
    raise AwsServerError(f"moto's server did not answer within {_START_TIMEOUT_SECONDS:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    port = parser.parse_args().port
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's server logs every request
    apply_moto_fixes()  # where moto behaves unlike AWS in ways the code relies on
    emit_aws_shaped_events()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threading.Thread(target=_set_when_stdin_closes, args=(stop,), daemon=True).start()
    host, actual_port = server.get_host_and_port()
    print(f"{_READY}http://{host}:{actual_port}", flush=True)
    stop.wait()
    server.stop()


def _set_when_stdin_closes(event: threading.Event) -> None:
    sys.stdin.read()
    event.set()


if __name__ == "__main__":
    main()
