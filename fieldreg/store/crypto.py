"""Key handling for the store: Argon2id key wrapping, AES-256-GCM fields, HMAC blind indexes.

One random data key encrypts every personal field. It is stored only wrapped: once per operator
(under Argon2id of the passphrase) and once under the recovery key shown at `init`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import asdict, dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12
RECOVERY_KEY_BYTES = 20  # 160 bits, 32 base32 characters
# meta rows holding a secret wrapped under the data key: a data-key rotation re-wraps each one
WRAPPED_UNDER_DATA_KEY: tuple[str, ...] = ("audit_key",)


class WrongKey(Exception):
    """The passphrase or recovery key does not unwrap the data key."""


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id cost. The default takes ~0.3 s on the reference laptop (docs/benchmarks.md)."""

    memory_kib: int = 128 * 1024
    iterations: int = 4
    lanes: int = 2

    def to_json(self) -> dict[str, int]:
        return asdict(self)


def derive_passphrase_key(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    return Argon2id(
        salt=salt,
        length=KEY_BYTES,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    ).derive(passphrase.encode("utf-8"))


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def new_salt() -> bytes:
    return secrets.token_bytes(16)


def seal(key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    """AES-256-GCM; returns nonce || ciphertext+tag."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated_data)


def open_sealed(key: bytes, sealed: bytes, associated_data: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], associated_data)
    except InvalidTag:
        raise WrongKey from None


def wrap_key(wrapping_key: bytes, data_key: bytes, label: str) -> bytes:
    return seal(wrapping_key, data_key, b"fieldreg/wrap/" + label.encode("utf-8"))


def unwrap_key(wrapping_key: bytes, wrapped: bytes, label: str) -> bytes:
    return open_sealed(wrapping_key, wrapped, b"fieldreg/wrap/" + label.encode("utf-8"))


def _subkey(data_key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose).derive(
        data_key
    )


@dataclass(frozen=True, slots=True)
class DataKeys:
    """The keys an unlocked store works with, derived once from the one data key."""

    data_key: bytes
    record_key: bytes
    index_key: bytes

    @classmethod
    def from_data_key(cls, data_key: bytes) -> DataKeys:
        return cls(
            data_key=data_key,
            record_key=_subkey(data_key, b"fieldreg/v1/records"),
            index_key=_subkey(data_key, b"fieldreg/v1/blind-index"),
        )

    def blind_index(self, kind: str, value: str) -> bytes:
        """HMAC-SHA256 of a normalised value: equal values match, nothing else is revealed."""
        message = kind.encode("ascii") + b"\x00" + value.encode("utf-8")
        return hmac.new(self.index_key, message, hashlib.sha256).digest()[:16]


def new_recovery_key() -> str:
    """A high-entropy key a coordinator keeps on paper: 8 groups of 4 base32 characters."""
    text = base64.b32encode(secrets.token_bytes(RECOVERY_KEY_BYTES)).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def recovery_wrapping_key(recovery_key: str) -> bytes:
    """The recovery key has 160 random bits, so HKDF (not Argon2id) is enough to stretch it."""
    cleaned = recovery_key.upper().replace("-", "").replace(" ", "")
    try:
        raw = base64.b32decode(cleaned)
    except ValueError:
        raise WrongKey from None
    if len(raw) != RECOVERY_KEY_BYTES:
        raise WrongKey
    return _subkey(raw, b"fieldreg/v1/recovery")
