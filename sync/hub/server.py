"""Running the hub with uvicorn: in the foreground (`fieldreg-hub serve`) or in a background
thread (tests, benchmarks and `fieldreg --demo`), always on a socket we bind ourselves so that
port 0 works and the real port is known before the first request."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any, cast

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from sync.hub.app import create_app
from sync.hub.hub import Hub
from sync.hub.jobs import Drainer
from sync.hub.keys import KeyCustody, throwaway_custody
from sync.tls import pin_of_file

# Named limits for the server itself (body caps are the app's: sync/hub/app.py).
HEADER_TIMEOUT_S = 10.0  # a request's headers must be complete this long after it may start
KEEP_ALIVE_S = 30  # an idle connection between requests
LIMIT_CONCURRENCY = 100  # open connections or running requests; past it the hub answers 503
BACKLOG = 128  # connections waiting to be accepted
LINGER_S = 2.0  # after a closing answer, how long the rest of the client's request is dropped
LINGER_MAX_BYTES = 64 * 1024 * 1024  # ... and how much of it at most
# Whose X-Forwarded-For / X-Forwarded-Proto the hub believes (uvicorn's --forwarded-allow-ips):
# a reverse proxy on this machine. From anyone else the headers are ignored, so a device cannot
# claim another address or claim to have come over TLS.
TRUSTED_PROXIES = "127.0.0.1,::1"

TlsFiles = tuple[Path, Path]  # a certificate (PEM) and its private key (PEM)


class HeaderDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol, plus a deadline for each request's headers: a connection that
    has not sent complete headers HEADER_TIMEOUT_S after it opened (or after its last answer)
    is closed, so slow or silent sockets cannot hold the hub's connections."""

    header_timeout_s = HEADER_TIMEOUT_S
    _header_deadline: asyncio.TimerHandle | None = None
    _lingering = False  # the answer is out and the connection is closing
    _dropped = 0  # bytes of the request read and dropped since

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(cast(asyncio.Transport, _LingeringClose(transport, self)))
        self._arm_header_deadline()

    def data_received(self, data: bytes) -> None:
        if not self._lingering:
            super().data_received(data)
            return
        self._dropped += len(data)  # the rest of a refused body: read and dropped
        if self._dropped > LINGER_MAX_BYTES:
            self.transport.abort()

    def linger(self, transport: asyncio.Transport) -> None:
        """Close after an answer without losing it: send FIN, then drop what the client is
        still sending (bounded in time and bytes) instead of closing with unread input,
        which makes the kernel reset the connection and the client lose the answer."""
        self._lingering = True
        if transport.can_write_eof():
            transport.write_eof()  # TLS has no half-close: the answer's length ends it there
        transport.resume_reading()
        self.loop.call_later(LINGER_S, transport.close)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
        super().connection_lost(exc)

    def _arm_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
        self._header_deadline = self.loop.call_later(self.header_timeout_s, self._headers_late)

    def _headers_late(self) -> None:
        waiting_for_headers = self.cycle is None or self.cycle.response_complete
        if waiting_for_headers and not self.transport.is_closing():
            self.transport.close()


class _LingeringClose:
    """The transport uvicorn's protocol writes to, whose close() lingers (see
    HeaderDeadlineProtocol.linger); everything else is the real transport's."""

    def __init__(self, transport: asyncio.Transport, protocol: HeaderDeadlineProtocol) -> None:
        self._transport = transport
        self._protocol = protocol

    def close(self) -> None:
        transport = self._transport
        if transport.is_closing() or self._protocol._lingering:
            transport.close()
        else:
            self._protocol.linger(transport)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(BACKLOG)
    return sock


def _server(
    hub: Hub,
    mount_path: str,
    *,
    limit_concurrency: int = LIMIT_CONCURRENCY,
    header_timeout_s: float = HEADER_TIMEOUT_S,
    tls: TlsFiles | None = None,
    trusted_proxies: str = TRUSTED_PROXIES,
) -> uvicorn.Server:
    """uvicorn for this hub; with `tls` it serves HTTPS with that certificate and key, and
    the hub's enrolment strings pin that key. Requests from `trusted_proxies` (addresses,
    comma-separated) are taken to come from the address and scheme their proxy names."""
    deadline = header_timeout_s
    if tls is not None:
        hub.tls_pin = pin_of_file(tls[0])

    class Protocol(HeaderDeadlineProtocol):  # uvicorn takes a class: one with this deadline
        header_timeout_s = deadline

    config = uvicorn.Config(
        create_app(hub, mount_path=mount_path),
        http=Protocol,
        log_level="warning",
        access_log=False,
        timeout_keep_alive=KEEP_ALIVE_S,
        limit_concurrency=limit_concurrency,
        backlog=BACKLOG,
        proxy_headers=True,
        forwarded_allow_ips=trusted_proxies,
        ssl_certfile=None if tls is None else str(tls[0]),
        ssl_keyfile=None if tls is None else str(tls[1]),
    )
    return uvicorn.Server(config)


def start_drainer(hub: Hub) -> Drainer:
    """The thread that runs the hub's jobs (sync/hub/jobs.py) off the request path: woken
    after each ingest, and on a timer for jobs left by another process or a failed round."""
    drainer = Drainer(hub.drain_jobs).start()
    hub.wake_drainer = drainer.wake
    drainer.wake()  # jobs left from before this start
    return drainer


def serve_forever(
    hub: Hub,
    sock: socket.socket,
    *,
    mount_path: str = "",
    tls: TlsFiles | None = None,
    trusted_proxies: str = TRUSTED_PROXIES,
) -> None:
    drainer = start_drainer(hub)
    try:
        _server(hub, mount_path, tls=tls, trusted_proxies=trusted_proxies).run(sockets=[sock])
    finally:
        drainer.stop()


class BackgroundHub:
    """A real hub on 127.0.0.1 in a thread; stops when the `with` block ends. Its keys are
    unlocked with `custody`, by default a throwaway passphrase kept in `data_dir` (tests, the
    demo, the self-test: hubs whose folder is thrown away)."""

    def __init__(
        self,
        data_dir: Path,
        *,
        port: int = 0,
        mount_path: str = "",
        hub: Hub | None = None,
        custody: KeyCustody | None = None,
        limit_concurrency: int = LIMIT_CONCURRENCY,
        header_timeout_s: float = HEADER_TIMEOUT_S,
        tls: TlsFiles | None = None,
        database: str | None = None,
        drain_jobs: bool = True,
    ) -> None:
        """`drain_jobs` False runs no drainer: the jobs wait for `hub.drain_jobs()` (tests
        that check what happens before and after)."""
        self.hub = hub or Hub(data_dir, custody or throwaway_custody(data_dir), database=database)
        self._drain_jobs = drain_jobs
        self._drainer: Drainer | None = None
        self.scheme = "http" if tls is None else "https"
        self._sock = bind("127.0.0.1", port)
        self.port = self._sock.getsockname()[1]
        self.mount_path = mount_path
        self._server = _server(
            self.hub,
            mount_path,
            limit_concurrency=limit_concurrency,
            header_timeout_s=header_timeout_s,
            tls=tls,
        )
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def __enter__(self) -> BackgroundHub:
        if self._drain_jobs:
            self._drainer = start_drainer(self.hub)
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
        if self._drainer is not None:
            self._drainer.stop()
        self._sock.close()
        self.hub.close()
