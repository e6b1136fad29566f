"""What the attacks need: a device key the hub enrolled, signed batches built by hand, raw
sockets, a hub that answers whatever a test wants, and an audit log rewritten in the file."""

from __future__ import annotations

import base64
import socket
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldreg.store import audit
from fieldreg.store.device_identity import public_bytes
from fieldreg.transfer.enrolment_string import parse_enrolment
from fieldreg.transfer.wire import BATCH_CONTEXT, BATCH_MAGIC
from sync.hub.server import BackgroundHub

SOCKET_BOUND_S = 20.0  # how long a test waits on a socket before calling it a hang


def enrolled_key(hub: BackgroundHub) -> tuple[str, Ed25519PrivateKey]:
    """A device id and key the hub enrolled over HTTP, as a rogue device would hold them."""
    enrolment, _ = parse_enrolment(hub.hub.issue_token(hub.url))
    assert enrolment is not None
    key = Ed25519PrivateKey.generate()
    device_id = str(uuid.uuid4())
    answer = requests.post(
        hub.url + "/v1/enrol",
        json={
            "token": enrolment.token,
            "device_id": device_id,
            "device_public_key": base64.b64encode(public_bytes(key.public_key())).decode(),
        },
        timeout=SOCKET_BOUND_S,
    )
    assert answer.status_code == 200, answer.text
    return device_id, key


def signed_batch(header: bytes, packets: bytes, key: Ed25519PrivateKey) -> bytes:
    """A batch with a header written by hand (any JSON, valid or not), signed by `key`."""
    body = BATCH_MAGIC + len(header).to_bytes(4, "big") + header + packets
    return body + key.sign(BATCH_CONTEXT + body)


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=SOCKET_BOUND_S)
    sock.settimeout(SOCKET_BOUND_S)
    return sock


def read_answer(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes (bounded by the socket timeout)."""
    data = b""
    for _ in range(10_000):
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
        if b"\r\n\r\n" in data and b'"}' in data:
            break
    return data


@contextmanager
def fake_hub(answer: Callable[[BaseHTTPRequestHandler], None]) -> Iterator[str]:
    """A server on 127.0.0.1 (port 0) whose every GET and POST is answered by `answer`."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            answer(self)

        def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
            # read what the device sent first: closing on unread bytes would reset the answer
            self.rfile.read(min(int(self.headers.get("Content-Length", 0)), 1024 * 1024))
            answer(self)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


Rows = list[list[object]]


def rewrite_chain(db_path: Path, edit: Callable[[Rows], Rows]) -> None:
    """What an attacker with write access does: change the entries, then recompute every
    plain hash so the chain links up again (the triggers are no obstacle to them)."""
    with closing(sqlite3.connect(db_path)) as db:
        db.execute("DROP TRIGGER IF EXISTS audit_log_append_only")
        db.execute("DROP TRIGGER IF EXISTS audit_log_kept")
        rows = edit(
            [
                list(row)
                for row in db.execute(
                    "SELECT seq, at, actor, action, subject, details FROM audit_log ORDER BY seq"
                )
            ]
        )
        db.execute("DELETE FROM audit_log")
        prev_hash = audit.GENESIS
        for seq, (_, at, actor, action, subject, details) in enumerate(rows, start=1):
            entry_hash = audit._entry_hash(prev_hash, seq, at, actor, action, subject, details)
            db.execute(
                "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [seq, at, actor, action, subject, details, prev_hash, entry_hash],
            )
            prev_hash = entry_hash
        db.commit()


def drop_seals_from(db_path: Path, seq: int) -> None:
    with closing(sqlite3.connect(db_path)) as db:
        db.execute("DELETE FROM audit_seals WHERE seq >= ?", [seq])
        db.commit()
