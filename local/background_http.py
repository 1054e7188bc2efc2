"""An HTTP server answered from a daemon thread: the base of the local stack's API gateway, schedule
trigger and token endpoint."""

import threading
from http.server import ThreadingHTTPServer


class BackgroundHttpService:
    def __init__(self, server: ThreadingHTTPServer, *, thread_name: str) -> None:
        self._server = server
        self._thread_name = thread_name
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name=self._thread_name, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()
