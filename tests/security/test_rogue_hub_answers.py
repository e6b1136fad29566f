"""Issue 9, item 4, the device's side: what a rogue or broken hub answers is parsed without
trusting it, and every failure is a coded error, never a crash of the sync thread."""

from __future__ import annotations

import base64
import json
from http.server import BaseHTTPRequestHandler

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldreg.store.sync_settings import SyncSettings
from fieldreg.transfer.wire import RECEIPT_CONTEXT, WireError, decode_receipt
from sync.client import HubClient, HubRefused
from tests.security.attack_support import fake_hub


def _answering(body: bytes, status: int = 200):
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return answer


DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize("body", [DEEP, b"[1, 2]", b"\xff\xfe"])
def test_hub_info_that_is_not_a_json_object_is_not_a_hub(body: bytes) -> None:
    with fake_hub(_answering(body)) as url, pytest.raises(HubRefused) as refused:
        HubClient(SyncSettings(hub_url=url)).hub_info()
    assert refused.value.code == "not_a_hub"


@pytest.mark.parametrize("body", [DEEP, b"{}", b'{"certificate": 5}', b'{"certificate": "%%"}'])
def test_an_enrol_answer_without_a_certificate_is_refused_with_a_code(body: bytes) -> None:
    with fake_hub(_answering(body)) as url, pytest.raises(HubRefused) as refused:
        HubClient(SyncSettings(hub_url=url)).enrol("t", "d", bytes(32))
    assert refused.value.code == "bad_certificate"


def test_a_deep_refusal_body_is_still_a_coded_refusal() -> None:
    with fake_hub(_answering(DEEP, status=403)) as url, pytest.raises(HubRefused) as refused:
        HubClient(SyncSettings(hub_url=url)).upload_batch(b"x")
    assert (refused.value.status, refused.value.code) == (403, "refused")


@pytest.mark.parametrize("version", ["1e400", "Infinity", "NaN"])
def test_a_receipt_with_a_number_past_float_is_a_bad_receipt(version: str) -> None:
    hub_key = Ed25519PrivateKey.generate()
    result = {"id": "i", "version": "VERSION", "outcome": "accepted", "code": "", "reason": ""}
    fields = {"batch_id": "b", "device_id": "d", "batch_sha256": "s", "received_at": "r"}
    body = json.dumps(fields | {"results": [result]}).replace('"VERSION"', version)
    signature = base64.b64encode(hub_key.sign(RECEIPT_CONTEXT + body.encode())).decode()
    receipt = json.dumps({"receipt": "BODY", "signature": signature}).replace('"BODY"', body)
    with pytest.raises(WireError) as refused:
        decode_receipt(receipt.encode(), hub_key.public_key())
    assert refused.value.code == "bad_receipt"


def test_a_deeply_nested_receipt_is_a_bad_receipt() -> None:
    with pytest.raises(WireError) as refused:
        decode_receipt(DEEP, Ed25519PrivateKey.generate().public_key())
    assert refused.value.code == "bad_receipt"
