"""The bytes that travel between a device and the hub, over HTTPS or on removable media.

A batch is binary so sealed packets travel without base64's third more bytes:

    b"FRB1" | u32 header length | header JSON | packet bytes ... | Ed25519 signature (64 B)

The header names the batch, the device and each packet (registration id, version, length);
the device signs everything before the signature. A receipt is JSON signed by the hub.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import struct
import uuid
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from fieldreg.errors import FieldRegError

BATCH_MAGIC = b"FRB1"
BATCH_CONTEXT = b"FieldReg batch v1\x00"
RECEIPT_CONTEXT = b"FieldReg receipt v1\x00"
SIGNATURE_BYTES = 64
MAX_HEADER_BYTES = 4 * 1024 * 1024
OUTCOMES = ("accepted", "duplicate", "rejected")


class WireError(FieldRegError, ValueError):
    """Malformed bytes. `code` is stable and goes into the hub's 4xx answer; `reason` is a
    short English note for logs and the answer's detail."""

    def __init__(self, code: str, reason: str = "") -> None:
        super().__init__(code, reason=reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Packet:
    registration_id: str
    version: int
    sealed: bytes


@dataclass(frozen=True, slots=True)
class Batch:
    batch_id: str
    device_id: str
    created_at: str
    packets: tuple[Packet, ...]


def encode_batch(batch: Batch, key: Ed25519PrivateKey) -> bytes:
    header = json.dumps(
        {
            "batch_id": batch.batch_id,
            "device_id": batch.device_id,
            "created_at": batch.created_at,
            "packets": [[p.registration_id, p.version, len(p.sealed)] for p in batch.packets],
        },
        separators=(",", ":"),
    ).encode("ascii")
    body = BATCH_MAGIC + struct.pack(">I", len(header)) + header
    body += b"".join(p.sealed for p in batch.packets)
    return body + key.sign(BATCH_CONTEXT + body)


def _uuid(value: Any) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise WireError("bad_header", "not a UUID") from None


def decode_batch(data: bytes) -> Batch:
    """Parse without trusting: every length is checked. The signature is checked separately,
    once the device's key is known from the header."""
    if len(data) < 8 + SIGNATURE_BYTES or not data.startswith(BATCH_MAGIC):
        raise WireError("not_a_batch")
    (header_length,) = struct.unpack(">I", data[4:8])
    if header_length > MAX_HEADER_BYTES or 8 + header_length > len(data) - SIGNATURE_BYTES:
        raise WireError("bad_header", "header length")
    try:
        header = json.loads(data[8 : 8 + header_length])
        entries = [(str(i), int(v), int(n)) for i, v, n in header["packets"]]
        batch_id, device_id = _uuid(header["batch_id"]), _uuid(header["device_id"])
        created_at = str(header["created_at"])
    except (ValueError, KeyError, TypeError):
        raise WireError("bad_header", "header JSON") from None
    offset, end = 8 + header_length, len(data) - SIGNATURE_BYTES
    packets = []
    for registration_id, version, length in entries:
        if length < 0 or offset + length > end or version < 1:
            raise WireError("bad_header", "packet length")
        packets.append(Packet(registration_id, version, data[offset : offset + length]))
        offset += length
    if offset != end:
        raise WireError("bad_header", "trailing bytes")
    return Batch(batch_id, device_id, created_at, tuple(packets))


def batch_signature_valid(data: bytes, device_key: Ed25519PublicKey) -> bool:
    try:
        device_key.verify(data[-SIGNATURE_BYTES:], BATCH_CONTEXT + data[:-SIGNATURE_BYTES])
    except InvalidSignature:
        return False
    return True


def batch_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- receipts -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PacketResult:
    registration_id: str
    version: int
    outcome: str  # accepted, duplicate or rejected
    code: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Receipt:
    batch_id: str
    device_id: str
    batch_sha256: str
    received_at: str
    results: tuple[PacketResult, ...]


def _receipt_json(receipt: Receipt) -> bytes:
    body = {
        "batch_id": receipt.batch_id,
        "device_id": receipt.device_id,
        "batch_sha256": receipt.batch_sha256,
        "received_at": receipt.received_at,
        "results": [
            {
                "id": r.registration_id,
                "version": r.version,
                "outcome": r.outcome,
                "code": r.code,
                "reason": r.reason,
            }
            for r in receipt.results
        ],
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def encode_receipt(receipt: Receipt, hub_key: Ed25519PrivateKey) -> bytes:
    body = _receipt_json(receipt)
    signature = base64.b64encode(hub_key.sign(RECEIPT_CONTEXT + body)).decode("ascii")
    return json.dumps({"receipt": json.loads(body), "signature": signature}).encode("ascii")


def decode_receipt(data: bytes, hub_key: Ed25519PublicKey) -> Receipt:
    """Only a receipt whose hub signature verifies comes back; anything else raises."""
    try:
        outer = json.loads(data)
        body = outer["receipt"]
        results = tuple(
            PacketResult(
                str(r["id"]), int(r["version"]), str(r["outcome"]), str(r["code"]), str(r["reason"])
            )
            for r in body["results"]
        )
        receipt = Receipt(
            str(body["batch_id"]),
            str(body["device_id"]),
            str(body["batch_sha256"]),
            str(body["received_at"]),
            results,
        )
        signature = base64.b64decode(outer["signature"], validate=True)
    except (ValueError, KeyError, TypeError, binascii.Error, RecursionError):
        raise WireError("bad_receipt") from None
    if any(r.outcome not in OUTCOMES for r in results):
        raise WireError("bad_receipt", "outcome")
    try:
        hub_key.verify(signature, RECEIPT_CONTEXT + _receipt_json(receipt))
    except InvalidSignature:
        raise WireError("receipt_signature") from None
    return receipt
