"""Issue 9, item 3: decompression bombs both ways. The hub inflates a sealed packet only up to
a cap; the device reads at most a capped number of bytes of any hub answer, gzip or not."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import json
import threading
import uuid
import zlib
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldreg.store.device_identity import public_bytes
from fieldreg.store.sync_settings import SyncSettings
from fieldreg.transfer.enrolment_string import parse_enrolment
from fieldreg.transfer.sealing import SUITE, HubPublicKey, packet_info
from sync.client import HubClient, HubRefused
from sync.hub.server import BackgroundHub
from tests.security.attack_support import SOCKET_BOUND_S, enrolled_key, fake_hub, signed_batch

MIB = 1024 * 1024
BOMB_BYTES = 64 * MIB  # far past every cap, small enough for a test machine


def _deflated_zeros(total: int, compressor: zlib._Compress) -> bytes:
    zeros = bytes(MIB)
    return b"".join(compressor.compress(zeros) for _ in range(total // MIB)) + compressor.flush()


@pytest.fixture
def hub(tmp_path: Path):
    with BackgroundHub(tmp_path / "hub") as running:
        yield running


def test_a_sealed_packet_that_inflates_past_the_cap_is_refused(hub: BackgroundHub) -> None:
    device_id, key = enrolled_key(hub)
    registration_id = str(uuid.uuid4())
    bomb = _deflated_zeros(BOMB_BYTES, zlib.compressobj(9))
    sealed = SUITE.encrypt(
        bomb,
        HubPublicKey(hub.hub.sealing_public)._key,
        info=packet_info(device_id, registration_id, 1),
    )
    header = json.dumps(
        {
            "batch_id": str(uuid.uuid4()),
            "device_id": device_id,
            "created_at": "2026-11-30T00:00:00Z",
            "packets": [[registration_id, 1, len(sealed)]],
        }
    ).encode()
    answer = requests.post(
        hub.url + "/v1/batches", data=signed_batch(header, sealed, key), timeout=SOCKET_BOUND_S
    )
    assert answer.status_code == 413, answer.text[:200]
    assert answer.json()["error"] == "too_large"
    assert hub.hub.counts() == {"accepted": 0, "rejected": 0}


def _client(url: str) -> HubClient:
    return HubClient(SyncSettings(hub_url=url))


def test_the_device_refuses_a_gzip_answer_that_inflates_past_the_cap() -> None:
    bomb = _deflated_zeros(BOMB_BYTES, zlib.compressobj(9, zlib.DEFLATED, 31))

    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(bomb)))
        handler.end_headers()
        handler.wfile.write(bomb)

    with fake_hub(answer) as url, pytest.raises(HubRefused) as refused:
        _client(url).hub_info()
    assert refused.value.code == "too_large"


def test_the_device_stops_reading_an_endless_answer() -> None:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.end_headers()  # no length: the body runs until the connection closes
        zeros = bytes(MIB)
        try:
            for _ in range(BOMB_BYTES // MIB):
                handler.wfile.write(zeros)
        except OSError:
            pass  # the device hung up, as it should

    with fake_hub(answer) as url, pytest.raises(HubRefused) as refused:
        _client(url).hub_info()
    assert refused.value.code == "too_large"


def test_the_device_refuses_a_declared_length_past_the_cap() -> None:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(1024 * MIB))
        handler.end_headers()
        with contextlib.suppress(OSError):
            handler.wfile.write(b"{")

    with fake_hub(answer) as url, pytest.raises(HubRefused) as refused:
        _client(url).upload_batch(b"x")
    assert refused.value.code == "too_large"


class _GatedOpener:
    """The hub's sealing key, held at the first packet until the test lets it go."""

    def __init__(self, real: object) -> None:
        self.real = real
        self.entered, self.release = threading.Event(), threading.Event()

    def open(self, sealed: bytes, info: bytes, *args: object) -> bytes:
        self.entered.set()
        assert self.release.wait(3 * SOCKET_BOUND_S), "never released"  # outlasts the enrol
        return self.real.open(sealed, info, *args)  # type: ignore[attr-defined]

    def public_bytes(self) -> bytes:
        return self.real.public_bytes()  # type: ignore[attr-defined]


def test_opening_a_batch_does_not_hold_up_other_devices(
    hub: BackgroundHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    device_id, key = enrolled_key(hub)
    token = parse_enrolment(hub.hub.issue_token(hub.url))[0]
    assert token is not None
    registration_id = str(uuid.uuid4())
    sealed = HubPublicKey(hub.hub.sealing_public).seal(
        {"id": registration_id}, packet_info(device_id, registration_id, 1)
    )
    header = json.dumps(
        {
            "batch_id": str(uuid.uuid4()),
            "device_id": device_id,
            "created_at": "2026-11-30T00:00:00Z",
            "packets": [[registration_id, 1, len(sealed)]],
        }
    ).encode()
    gate = _GatedOpener(hub.hub.keys.sealing)
    monkeypatch.setattr(hub.hub, "_keys", dataclasses.replace(hub.hub.keys, sealing=gate))
    with ThreadPoolExecutor(1) as pool:
        upload = pool.submit(
            requests.post,
            hub.url + "/v1/batches",
            data=signed_batch(header, sealed, key),
            timeout=SOCKET_BOUND_S,
        )
        try:
            assert gate.entered.wait(SOCKET_BOUND_S), "the hub never opened the packet"
            # while that packet is being opened, another device enrols (which takes the lock)
            other = base64.b64encode(public_bytes(Ed25519PrivateKey.generate().public_key()))
            enrol = requests.post(
                hub.url + "/v1/enrol",
                json={
                    "token": token.token,
                    "device_id": str(uuid.uuid4()),
                    "device_public_key": other.decode(),
                },
                timeout=SOCKET_BOUND_S,
            )
        finally:
            gate.release.set()
        assert enrol.status_code == 200, enrol.text
        assert upload.result().status_code == 200
