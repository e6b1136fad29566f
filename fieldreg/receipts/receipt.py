"""The signed receipt QR: what a registrant takes home, checkable offline by any FieldReg install.

The payload is `FRR1:` + base45 of a small binary record, so it is plain ASCII in QR
alphanumeric mode (every decoder reads it back the same) and fits a version 10 QR (57 x 57
modules) at error correction M, about 300 characters, when the device is enrolled:

    flags (1) | registration id (16) | date (2, days since 2020-01-01) | initials (1 + n)
    | device certificate (112) or, before enrolment, device id (16) + device public key (32)
    | Ed25519 signature (64) by the device key over a context string + everything before it

It carries nothing personal beyond what the registrant shows anyway (id, date, initials), so a
lost slip leaks nothing. The certificate is the hub's signature over the device key: an install
that pinned the hub's key at enrolment checks the chain without having met the device.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fieldreg.errors import FieldRegError
from fieldreg.scanning import base45
from fieldreg.store.device_identity import (
    CERTIFICATE_BYTES,
    DeviceCertificate,
    DeviceIdentity,
    public_bytes,
)

PREFIX = "FRR1:"
SIGNATURE_CONTEXT = b"FieldReg receipt v1\x00"
EPOCH = dt.date(2020, 1, 1)
MAX_INITIALS = 3
_HAS_CERTIFICATE = 0x01
_SIGNATURE_BYTES = 64
_UNENROLLED_KEY_BYTES = 16 + 32

# Verification outcomes, best first. The UI and the CLI turn them into words.
VALID = "valid"
INVALID_SIGNATURE = "invalid_signature"  # altered, or not signed by the key it names
DEVICE_NOT_CERTIFIED = "device_not_certified"  # the certificate is not from this hub
NOT_ENROLLED = "not_enrolled"  # signed by a device that had no hub certificate yet
HUB_UNKNOWN = "hub_unknown"  # this install has no hub key to check the certificate with


class ReceiptFormatError(FieldRegError, ValueError):
    """Not a well-formed receipt payload; `code` says what is wrong."""


@dataclass(frozen=True, slots=True)
class ReceiptClaim:
    """What a receipt says, before anyone has checked it."""

    registration_id: str
    date: dt.date
    initials: str
    device_id: str
    device_public_key: bytes
    certificate: DeviceCertificate | None

    def to_json(self) -> dict[str, Any]:
        return {
            "registration_id": self.registration_id,
            "date": self.date.isoformat(),
            "initials": self.initials,
            "device_id": self.device_id,
            "device_certified": self.certificate is not None,
        }


@dataclass(frozen=True, slots=True)
class ReceiptCheck:
    status: str  # one of the outcomes above
    claim: ReceiptClaim

    @property
    def valid(self) -> bool:
        return self.status == VALID


def initials_of(name_en: str) -> str:
    """First letters of the Latin name's words, A-Z only, at most three: 'Sok Dara' -> 'SD'."""
    letters = []
    for word in name_en.replace("-", " ").split():
        base = unicodedata.normalize("NFKD", word[0]).encode("ascii", "ignore").decode().upper()
        if base and "A" <= base[0] <= "Z":
            letters.append(base[0])
    return "".join(letters[:MAX_INITIALS])


def make_payload(
    identity: DeviceIdentity, registration_id: str, date: dt.date, initials: str
) -> str:
    """The signed QR text for one registration."""
    if not (len(initials) <= MAX_INITIALS and all("A" <= c <= "Z" for c in initials)):
        raise ValueError("initials are up to three letters A-Z")
    days = (date - EPOCH).days
    if not 0 <= days <= 0xFFFF:
        raise ValueError("receipt dates run from 2020 to 2199")
    body = bytearray([_HAS_CERTIFICATE if identity.certificate else 0])
    body += uuid.UUID(registration_id).bytes
    body += days.to_bytes(2, "big")
    body += bytes([len(initials)]) + initials.encode("ascii")
    if identity.certificate is not None:
        body += identity.certificate.to_bytes()
    else:
        body += uuid.UUID(identity.device_id).bytes
        body += public_bytes(identity.private_key.public_key())
    signature = identity.sign(SIGNATURE_CONTEXT + bytes(body))
    return PREFIX + base45.encode(bytes(body) + signature)


def is_receipt(text: str) -> bool:
    return text.startswith(PREFIX)


def read_payload(text: str) -> tuple[ReceiptClaim, bytes, bytes]:
    """(claim, signed bytes, signature). Raises ReceiptFormatError for anything malformed."""
    if not is_receipt(text):
        raise ReceiptFormatError("not_a_receipt")
    try:
        data = base45.decode(text[len(PREFIX) :])
    except base45.Base45Error:
        raise ReceiptFormatError("bad_encoding") from None
    reader = _Reader(data[:-_SIGNATURE_BYTES] if len(data) > _SIGNATURE_BYTES else b"")
    flags = reader.take(1)[0]
    if flags & ~_HAS_CERTIFICATE:
        raise ReceiptFormatError("unknown_flags")
    registration_id = str(uuid.UUID(bytes=reader.take(16)))
    date = EPOCH + dt.timedelta(days=int.from_bytes(reader.take(2), "big"))
    initials = reader.take(reader.take(1)[0]).decode("ascii", "replace")
    if len(initials) > MAX_INITIALS or not all("A" <= c <= "Z" for c in initials):
        raise ReceiptFormatError("bad_initials")
    certificate = None
    if flags & _HAS_CERTIFICATE:
        certificate = DeviceCertificate.from_bytes(reader.take(CERTIFICATE_BYTES))
        device_id, key = certificate.device_id, certificate.device_public_key
    else:
        raw = reader.take(_UNENROLLED_KEY_BYTES)
        device_id, key = str(uuid.UUID(bytes=raw[:16])), raw[16:]
    reader.finish()
    claim = ReceiptClaim(registration_id, date, initials, device_id, key, certificate)
    return claim, reader.data, data[-_SIGNATURE_BYTES:]


def verify(text: str, hub_key: Ed25519PublicKey | None) -> ReceiptCheck:
    """Check a receipt offline against the hub key this install trusts (None if it has none).
    Raises ReceiptFormatError if the payload is malformed."""
    claim, signed, signature = read_payload(text)
    try:
        device_key = Ed25519PublicKey.from_public_bytes(claim.device_public_key)
        device_key.verify(signature, SIGNATURE_CONTEXT + signed)
    except (InvalidSignature, ValueError):
        return ReceiptCheck(INVALID_SIGNATURE, claim)
    if claim.certificate is None:
        return ReceiptCheck(NOT_ENROLLED, claim)
    if hub_key is None:
        return ReceiptCheck(HUB_UNKNOWN, claim)
    if not claim.certificate.verify(hub_key):
        return ReceiptCheck(DEVICE_NOT_CERTIFIED, claim)
    return ReceiptCheck(VALID, claim)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self._at = 0

    def take(self, count: int) -> bytes:
        if self._at + count > len(self.data):
            raise ReceiptFormatError("truncated")
        chunk = self.data[self._at : self._at + count]
        self._at += count
        return chunk

    def finish(self) -> None:
        if self._at != len(self.data):
            raise ReceiptFormatError("trailing_bytes")
