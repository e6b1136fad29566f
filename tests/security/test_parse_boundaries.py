"""Issue 9, item 4: client input that used to reach a 500. Every parse boundary answers a 4xx
with a code (or, for one packet inside a good batch, a rejection with a code in the receipt)."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldreg.store.device_identity import public_bytes
from fieldreg.transfer.enrolment_string import parse_enrolment
from fieldreg.transfer.sealing import HubPublicKey, packet_info
from sync.hub.server import BackgroundHub
from tests.security.attack_support import SOCKET_BOUND_S, enrolled_key, signed_batch


def _refused(answer: requests.Response, code: str | None = None) -> str:
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text[:300])
    error = answer.json()["error"]
    assert isinstance(error, str) and error
    if code is not None:
        assert error == code, answer.text[:300]
    return error


def _post_enrol(hub: BackgroundHub, raw: bytes) -> requests.Response:
    return requests.post(
        hub.url + "/v1/enrol",
        data=raw,
        headers={"Content-Type": "application/json"},
        timeout=SOCKET_BOUND_S,
    )


def test_deep_json_in_an_enrol_body(hub: BackgroundHub) -> None:
    _refused(_post_enrol(hub, b'{"token": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"))


def test_a_lone_surrogate_in_the_enrol_token(hub: BackgroundHub) -> None:
    key = base64.b64encode(public_bytes(Ed25519PrivateKey.generate().public_key())).decode()
    body = '{"token": "\\ud800", "device_id": "%s", "device_public_key": "%s"}'
    _refused(_post_enrol(hub, (body % (uuid.uuid4(), key)).encode()))


def test_a_lone_surrogate_in_a_good_token_enrols_nothing(hub: BackgroundHub) -> None:
    enrolment, _ = parse_enrolment(hub.hub.issue_token(hub.url))
    assert enrolment is not None
    key = base64.b64encode(public_bytes(Ed25519PrivateKey.generate().public_key())).decode()
    body = '{"token": "%s\\udfff", "device_id": "%s", "device_public_key": "%s"}'
    _refused(_post_enrol(hub, (body % (enrolment.token, uuid.uuid4(), key)).encode()))
    assert hub.hub.devices() == []


def _post_batch(hub: BackgroundHub, data: bytes) -> requests.Response:
    return requests.post(hub.url + "/v1/batches", data=data, timeout=SOCKET_BOUND_S)


def _header(**changes: object) -> dict[str, object]:
    return {
        "batch_id": str(uuid.uuid4()),
        "device_id": str(uuid.uuid4()),
        "created_at": "2026-11-30T00:00:00Z",
        "packets": [],
    } | changes


@pytest.mark.parametrize(
    "raw_header",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"packets": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        json.dumps(_header(packets=[[str(uuid.uuid4()), 1, 0]])).replace(" 1,", " Infinity,"),
        json.dumps(_header(packets=[[str(uuid.uuid4()), 1, 0]])).replace(" 1,", " NaN,"),
        json.dumps(_header(packets=[[str(uuid.uuid4()), 1, 0]])).replace(" 1,", " 1e400,"),
        json.dumps(_header(packets=[[str(uuid.uuid4()), 1, 0]])).replace(" 0]", " -Infinity]"),
        json.dumps(_header(packets=[[str(uuid.uuid4()), 2**63, 0]])),
        json.dumps(_header(packets=[[str(uuid.uuid4()), 1, 2**70]])),
        json.dumps(_header(packets=[[{"id": 1}, 1, 0]])),
        json.dumps(_header(created_at=1700000000)),
        json.dumps(_header(created_at=None)),
        json.dumps(_header(packets={"a": 1})),
    ],
    ids=[
        "deep",
        "deep-packets",
        "infinity",
        "nan",
        "1e400",
        "minus-infinity",
        "version-2**63",
        "length-2**70",
        "id-object",
        "created-at-int",
        "created-at-null",
        "packets-object",
    ],
)
def test_bad_batch_headers_are_refused_with_a_code(hub: BackgroundHub, raw_header: object) -> None:
    header = raw_header.encode() if isinstance(raw_header, str) else raw_header
    assert isinstance(header, bytes)
    _refused(_post_batch(hub, signed_batch(header, b"", Ed25519PrivateKey.generate())))


def test_a_signed_batch_with_version_2_63_from_an_enrolled_device(hub: BackgroundHub) -> None:
    device_id, key = enrolled_key(hub)
    header = _header(device_id=device_id, packets=[[str(uuid.uuid4()), 2**63, 1]])
    answer = _post_batch(hub, signed_batch(json.dumps(header).encode(), b"x", key))
    _refused(answer, "bad_header")


def test_a_packet_whose_created_at_is_an_int_is_rejected_in_the_receipt(
    hub: BackgroundHub,
) -> None:
    device_id, key = enrolled_key(hub)
    registration_id = str(uuid.uuid4())
    payload = {
        "id": registration_id,
        "version": 1,
        "device_id": device_id,
        "created_at": 1700000000,
        "operator": "x",
        "event": "x",
        "record": {},
    }
    sealed = HubPublicKey(hub.hub.sealing_public).seal(
        payload, packet_info(device_id, registration_id, 1)
    )
    header = _header(device_id=device_id, packets=[[registration_id, 1, len(sealed)]])
    answer = _post_batch(hub, signed_batch(json.dumps(header).encode(), sealed, key))
    assert answer.status_code == 200, answer.text[:300]
    [result] = answer.json()["receipt"]["results"]
    assert (result["outcome"], result["code"]) == ("rejected", "bad_payload")
