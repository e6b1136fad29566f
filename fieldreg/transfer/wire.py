"""The bytes that travel between a device and the hub, over HTTPS or on removable media.

A batch is binary so sealed packets travel without base64's third more bytes:

    b"FRB1" | u32 header length | header JSON | packet bytes ... | Ed25519 signature (64 B)

The header names the batch, the device and each packet (registration id, version, length);
the device signs everything before the signature. A receipt is JSON signed by the hub.

Since issue 9 item 12 a batch header may carry `audit`: [seq, head], the head of the device's
audit hash chain when the batch was formed; the receipt's `audit_anchor` is the newest head
the hub holds for that device, signed. Both keys are optional, so devices and hubs of the
previous release still talk: an old hub ignores the header key, and an old device never sends
one (so it never gets a receipt with an anchor, which it could not verify).
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
ANCHOR_CONTEXT = b"FieldReg audit anchor v1\x00"
SIGNATURE_BYTES = 64
MAX_HEADER_BYTES = 4 * 1024 * 1024
# versions are counted per record from 1; the hub stores them as SQLite integers (64-bit)
MAX_VERSION = 2**31 - 1
MAX_AUDIT_SEQ = 2**63 - 1
_HEX = frozenset("0123456789abcdef")
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
class AuditAnchor:
    """A device's audit chain head: entry `seq` has hash `head`. In a batch it is unsigned (the
    batch signature covers it); in a receipt `signature` is the hub's over `anchor_statement`."""

    seq: int
    head: str
    signature: bytes = b""


@dataclass(frozen=True, slots=True)
class Batch:
    batch_id: str
    device_id: str
    created_at: str
    packets: tuple[Packet, ...]
    audit: AuditAnchor | None = None


def anchor_statement(device_id: str, seq: int, head: str) -> bytes:
    """What the hub signs for an anchor: this device's chain had hash `head` at entry `seq`."""
    return ANCHOR_CONTEXT + json.dumps([device_id, seq, head], separators=(",", ":")).encode()


def sign_anchor(hub_key: Ed25519PrivateKey, device_id: str, anchor: AuditAnchor) -> AuditAnchor:
    signature = hub_key.sign(anchor_statement(device_id, anchor.seq, anchor.head))
    return AuditAnchor(anchor.seq, anchor.head, signature)


def anchor_signature_valid(hub_key: Ed25519PublicKey, device_id: str, anchor: AuditAnchor) -> bool:
    try:
        hub_key.verify(anchor.signature, anchor_statement(device_id, anchor.seq, anchor.head))
    except InvalidSignature:
        return False
    return True


def _audit_head(value: Any) -> AuditAnchor:
    """[seq, head] from a batch header or a receipt: a positive integer and 64 hex digits."""
    seq, head = value
    seq, head = _integer(seq), _text(head)
    if not 1 <= seq <= MAX_AUDIT_SEQ or len(head) != 64 or not set(head) <= _HEX:
        raise ValueError("not an audit head")
    return AuditAnchor(seq, head)


def encode_batch(batch: Batch, key: Ed25519PrivateKey) -> bytes:
    fields: dict[str, Any] = {
        "batch_id": batch.batch_id,
        "device_id": batch.device_id,
        "created_at": batch.created_at,
        "packets": [[p.registration_id, p.version, len(p.sealed)] for p in batch.packets],
    }
    if batch.audit is not None:
        fields["audit"] = [batch.audit.seq, batch.audit.head]
    header = json.dumps(fields, separators=(",", ":")).encode("ascii")
    body = BATCH_MAGIC + struct.pack(">I", len(header)) + header
    body += b"".join(p.sealed for p in batch.packets)
    return body + key.sign(BATCH_CONTEXT + body)


def _uuid(value: Any) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise WireError("bad_header", "not a UUID") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _integer(value: Any) -> int:
    """A JSON integer, never a float, a bool or a numeric string."""
    if type(value) is not int:
        raise TypeError("not an integer")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    value.encode("utf-8")  # a lone surrogate raises UnicodeEncodeError, a ValueError
    return value


def decode_batch(data: bytes) -> Batch:
    """Parse without trusting: every length is checked. The signature is checked separately,
    once the device's key is known from the header."""
    if len(data) < 8 + SIGNATURE_BYTES or not data.startswith(BATCH_MAGIC):
        raise WireError("not_a_batch")
    (header_length,) = struct.unpack(">I", data[4:8])
    if header_length > MAX_HEADER_BYTES or 8 + header_length > len(data) - SIGNATURE_BYTES:
        raise WireError("bad_header", "header length")
    try:
        header = json.loads(data[8 : 8 + header_length], parse_constant=_no_constant)
        entries = [(_text(i), _integer(v), _integer(n)) for i, v, n in header["packets"]]
        batch_id, device_id = _uuid(header["batch_id"]), _uuid(header["device_id"])
        created_at = _text(header["created_at"])
        audit = None if header.get("audit") is None else _audit_head(header["audit"])
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError):
        # RecursionError: deeply nested JSON; OverflowError: 1e400 and the like
        raise WireError("bad_header", "header JSON") from None
    offset, end = 8 + header_length, len(data) - SIGNATURE_BYTES
    packets = []
    for registration_id, version, length in entries:
        if length < 0 or offset + length > end or not 1 <= version <= MAX_VERSION:
            raise WireError("bad_header", "packet length or version")
        packets.append(Packet(registration_id, version, data[offset : offset + length]))
        offset += length
    if offset != end:
        raise WireError("bad_header", "trailing bytes")
    return Batch(batch_id, device_id, created_at, tuple(packets), audit)


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
    audit_anchor: AuditAnchor | None = None  # the device's newest audit head, signed by the hub


def _receipt_json(receipt: Receipt) -> bytes:
    body: dict[str, Any] = {
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
    if receipt.audit_anchor is not None:  # absent from receipts for batches without one
        anchor = receipt.audit_anchor
        body["audit_anchor"] = {
            "seq": anchor.seq,
            "head": anchor.head,
            "signature": base64.b64encode(anchor.signature).decode("ascii"),
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
            _signed_anchor(body.get("audit_anchor")),
        )
        signature = base64.b64decode(outer["signature"], validate=True)
    except (
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        binascii.Error,
        OverflowError,
        RecursionError,
    ):
        raise WireError("bad_receipt") from None
    if any(r.outcome not in OUTCOMES for r in results):
        raise WireError("bad_receipt", "outcome")
    try:
        hub_key.verify(signature, RECEIPT_CONTEXT + _receipt_json(receipt))
    except InvalidSignature:
        raise WireError("receipt_signature") from None
    anchor = receipt.audit_anchor
    if anchor is not None and not anchor_signature_valid(hub_key, receipt.device_id, anchor):
        raise WireError("receipt_signature", "audit anchor")
    return receipt


def _signed_anchor(value: Any) -> AuditAnchor | None:
    if value is None:
        return None
    anchor = _audit_head([value["seq"], value["head"]])
    signature = base64.b64decode(value["signature"], validate=True)
    return AuditAnchor(anchor.seq, anchor.head, signature)
