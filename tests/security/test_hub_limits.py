"""Issue 9, item 2: a body cap on every route, enforced while reading; a bound on concurrent
connections; connections that never finish their headers are closed. Real hub, real sockets."""

from __future__ import annotations

import selectors
import socket
import time
from pathlib import Path

import requests

from sync.hub.server import BackgroundHub
from tests.security.attack_support import SOCKET_BOUND_S, connect, read_answer

GIB = 1024 * 1024 * 1024


def _post_head(path: str, extra: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{extra}\r\n"
    ).encode("ascii")


def test_a_1_gib_enrol_body_is_refused_before_it_is_read(hub: BackgroundHub) -> None:
    with connect(hub.port) as sock:
        sock.sendall(_post_head("/v1/enrol", f"Content-Length: {GIB}\r\n"))
        sock.sendall(b'{"token": "' + b"a" * 65536)
        answer = read_answer(sock)  # the other 1 GiB is never sent
        hung_up = _closed_by_server([sock]) == 1  # and the hub does not wait for it
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"error":"too_large"' in answer
    assert hung_up


def test_a_streamed_enrol_body_is_cut_off_at_its_cap(hub: BackgroundHub) -> None:
    with connect(hub.port) as sock:
        sock.sendall(_post_head("/v1/enrol", "Transfer-Encoding: chunked\r\n"))
        chunk = b"a" * 16384
        # 80 KiB (over the 64 KiB cap) and no last chunk: the hub must answer without waiting
        # for the end. A client that kept sending after the answer would be reset by the
        # hub's close (that is TCP, not the hub): send what is over the cap, then listen.
        sock.sendall(b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(5)))
        answer = read_answer(sock)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"error":"too_large"' in answer


def test_a_batch_declared_over_16_mb_is_refused_before_it_is_read(hub: BackgroundHub) -> None:
    with connect(hub.port) as sock:
        sock.sendall(_post_head("/v1/batches", f"Content-Length: {GIB}\r\n"))
        answer = read_answer(sock)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def _closed_by_server(sockets: list[socket.socket]) -> int:
    """How many of `sockets` the server hangs up on within SOCKET_BOUND_S, all waited on
    together."""
    open_ones, closed = {sock.fileno(): sock for sock in sockets}, 0
    with selectors.DefaultSelector() as selector:
        for sock in sockets:
            selector.register(sock, selectors.EVENT_READ)
        deadline = time.monotonic() + SOCKET_BOUND_S
        while open_ones and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=deadline - time.monotonic()):
                sock = open_ones.pop(key.fd)
                selector.unregister(sock)
                try:
                    closed += sock.recv(1024) == b""
                except ConnectionResetError:
                    closed += 1
    return closed


def test_connections_that_never_finish_their_headers_are_closed(tmp_path: Path) -> None:
    # A 1 s header deadline, so the 20 s socket bound is a hang detector with a wide margin,
    # not a race with the hub's own 10 s timer on a busy machine.
    with BackgroundHub(tmp_path / "hub", header_timeout_s=1.0) as hub:
        slow = [connect(hub.port) for _ in range(40)]
        try:
            for sock in slow:
                sock.sendall(b"POST /v1/enrol HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no more
            closed = _closed_by_server(slow)
        finally:
            for sock in slow:
                sock.close()
        assert closed == len(slow)
        assert requests.get(hub.url + "/v1/hub", timeout=SOCKET_BOUND_S).status_code == 200


def test_connections_past_the_concurrency_limit_get_503_not_a_hang(tmp_path: Path) -> None:
    with BackgroundHub(tmp_path / "hub", limit_concurrency=4) as hub:
        held = [connect(hub.port) for _ in range(4)]
        try:
            # accepted in order, so when the last one asks, all four are open
            held[-1].sendall(b"GET /v1/hub HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            answer = held[-1].recv(65536)
        finally:
            for sock in held:
                sock.close()
        assert answer.startswith(b"HTTP/1.1 503"), answer[:200]
        after = requests.get(hub.url + "/v1/hub", timeout=SOCKET_BOUND_S)
    assert after.status_code == 200


def test_a_client_that_keeps_sending_after_a_refusal_is_cut_off(hub: BackgroundHub) -> None:
    """After a 413 the hub drops the rest of the request for a while, then hangs up: a client
    that never stops sending cannot hold the connection (or the hub's reading) forever."""
    chunk = b"a" * (1024 * 1024)
    sent_mib = 0
    with connect(hub.port) as sock:
        sock.sendall(_post_head("/v1/enrol", f"Content-Length: {GIB}\r\n"))
        while sent_mib < 512:  # far past the hub's bounds (2 s, 64 MiB)
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent_mib += 1
    assert sent_mib < 512, "the hub kept reading 512 MiB after refusing the request"
