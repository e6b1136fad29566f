"""Sealing finalised registrations to the hub: HPKE (RFC 9180) with the ML-KEM-768 + X25519
hybrid KEM, HKDF-SHA256 and AES-256-GCM, from `cryptography.hazmat.primitives.hpke`.

A packet is zlib-compressed JSON, then sealed (compress before sealing, never after); the HPKE
`info` binds it to the device and the record id and version, so a packet cannot be replayed
under another identity. Only the hub's private key opens it.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519

SUITE = hpke.Suite(hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
SUITE_NAME = "HPKE(ML-KEM-768+X25519, HKDF-SHA256, AES-256-GCM)"
MLKEM_PUBLIC_BYTES = 1184
X25519_BYTES = 32
# A registration is a few KB of JSON; a packet inflating past this is a bomb, not a record.
MAX_PACKET_PLAINTEXT_BYTES = 256 * 1024


class PacketTooLarge(ValueError):
    """A sealed packet that inflates past MAX_PACKET_PLAINTEXT_BYTES; nothing past it was
    inflated."""


def inflate(data: bytes, max_bytes: int) -> bytes:
    """zlib-inflate at most `max_bytes`; raise PacketTooLarge rather than inflate more, and
    zlib.error for a broken or truncated stream."""
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, max_bytes)
    if inflater.eof:
        return out
    if inflater.unconsumed_tail or inflater.decompress(b"", 1):
        raise PacketTooLarge(max_bytes)
    raise zlib.error("truncated packet")


def packet_info(device_id: str, registration_id: str, version: int) -> bytes:
    return f"fieldreg/v1/packet/{device_id}/{registration_id}/{version}".encode("ascii")


@lru_cache(maxsize=4)
def _private_key(mlkem_seed: bytes, x25519_raw: bytes) -> hpke.MLKEM768X25519PrivateKey:
    """The key object, built once per process: expanding the ML-KEM seed took ~170 us, half
    the cost of opening a packet, when it was redone for every packet (docs/benchmarks.md)."""
    return hpke.MLKEM768X25519PrivateKey(
        mlkem.MLKEM768PrivateKey.from_seed_bytes(mlkem_seed),
        x25519.X25519PrivateKey.from_private_bytes(x25519_raw),
    )


@dataclass(frozen=True, slots=True)
class HubPrivateKey:
    """The hub's HPKE key pair, kept as the ML-KEM seed (64 bytes) and the X25519 key."""

    mlkem_seed: bytes
    x25519_raw: bytes

    @classmethod
    def generate(cls) -> HubPrivateKey:
        return cls(
            mlkem.MLKEM768PrivateKey.generate().private_bytes_raw(),
            x25519.X25519PrivateKey.generate().private_bytes_raw(),
        )

    def _key(self) -> hpke.MLKEM768X25519PrivateKey:
        return _private_key(self.mlkem_seed, self.x25519_raw)

    def public_bytes(self) -> bytes:
        mlkem_key = mlkem.MLKEM768PrivateKey.from_seed_bytes(self.mlkem_seed)
        x_key = x25519.X25519PrivateKey.from_private_bytes(self.x25519_raw)
        return mlkem_key.public_key().public_bytes_raw() + x_key.public_key().public_bytes_raw()

    def open(
        self, sealed: bytes, info: bytes, max_bytes: int = MAX_PACKET_PLAINTEXT_BYTES
    ) -> bytes:
        return inflate(SUITE.decrypt(sealed, self._key(), info=info), max_bytes)


class HubPublicKey:
    """The hub's HPKE public key as devices pin it: ML-KEM-768 public (1,184 B) + X25519 (32 B)."""

    def __init__(self, raw: bytes) -> None:
        if len(raw) != MLKEM_PUBLIC_BYTES + X25519_BYTES:
            raise ValueError("not a hub sealing key")
        self.raw = raw
        self._key = hpke.MLKEM768X25519PublicKey(
            mlkem.MLKEM768PublicKey.from_public_bytes(raw[:MLKEM_PUBLIC_BYTES]),
            x25519.X25519PublicKey.from_public_bytes(raw[MLKEM_PUBLIC_BYTES:]),
        )

    def seal(self, payload: dict[str, Any], info: bytes) -> bytes:
        plaintext = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return SUITE.encrypt(zlib.compress(plaintext.encode("utf-8"), 9), self._key, info=info)


def hub_fingerprint(sealing_public: bytes, signing_public: bytes) -> str:
    """What an enrolment token pins: SHA-256 over both hub public keys, hex."""
    return hashlib.sha256(b"fieldreg hub keys v1\x00" + sealing_public + signing_public).hexdigest()
