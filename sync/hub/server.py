"""Running the hub with uvicorn: in the foreground (`fieldreg-hub serve`) or in a background
thread (tests, benchmarks and `fieldreg --demo`), always on a socket we bind ourselves so that
port 0 works and the real port is known before the first request."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from types import TracebackType

import uvicorn

from sync.hub.app import create_app
from sync.hub.hub import Hub


def bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


def _server(hub: Hub, mount_path: str) -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(hub, mount_path=mount_path),
        log_level="warning",
        access_log=False,
        timeout_keep_alive=30,
    )
    return uvicorn.Server(config)


def serve_forever(hub: Hub, sock: socket.socket, *, mount_path: str = "") -> None:
    _server(hub, mount_path).run(sockets=[sock])


class BackgroundHub:
    """A real hub on 127.0.0.1 in a thread; stops when the `with` block ends."""

    def __init__(
        self, data_dir: Path, *, port: int = 0, mount_path: str = "", hub: Hub | None = None
    ) -> None:
        self.hub = hub or Hub(data_dir)
        self._sock = bind("127.0.0.1", port)
        self.port = self._sock.getsockname()[1]
        self.mount_path = mount_path
        self._server = _server(self.hub, mount_path)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> BackgroundHub:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()
        self.hub.close()
