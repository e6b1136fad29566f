"""Key handling for the store: Argon2id key wrapping, AES-256-GCM fields, HMAC blind indexes.

One random data key encrypts every personal field. It is stored only sealed to public keys: each
operator's key pair (its private half wrapped under Argon2id of the passphrase) and the key pair
derived from the recovery key shown at `init`. So a coordinator can replace the data key
(rotation, when an operator is disabled or reset) and give the new one to everybody else without
knowing their passphrases or the recovery key. Stores from before rotation existed wrap the data
key under the passphrase and the recovery key directly; those wraps are upgraded on next use.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hpke import MLKEM768X25519PrivateKey, MLKEM768X25519PublicKey
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fieldreg.transfer.sealing import MLKEM_PUBLIC_BYTES, SUITE

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
RECOVERY_KEY_BYTES = 20  # 160 bits, 32 base32 characters
MLKEM_SEED_BYTES = 64
# Meta rows holding a secret wrapped under the data key (wrap_key(data_key, secret, label), the
# label being the name without "_key", base64 in the meta value): a rotation re-wraps each one.
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
    return opener(key)(sealed, associated_data)


def opener(key: bytes) -> Callable[[bytes, bytes], bytes]:
    """`open_sealed` under one key, its cipher made once: for reading many records in a row
    (a full recount of the figures)."""
    aead = AESGCM(key)

    def open_one(sealed: bytes, associated_data: bytes) -> bytes:
        if len(sealed) < NONCE_BYTES + TAG_BYTES:  # e.g. an emptied wrap: opens nothing
            raise WrongKey
        try:
            return aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], associated_data)
        except InvalidTag:
            raise WrongKey from None

    return open_one


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
        return blind_index(self.index_key, kind, value)

    def record_indexes(
        self, id_type: str, id_number: str, phone: str
    ) -> tuple[bytes | None, bytes]:
        return record_indexes(self.index_key, id_type, id_number, phone)


def blind_index(index_key: bytes, kind: str, value: str) -> bytes:
    """HMAC-SHA256 of a normalised value: equal values match, nothing else is revealed."""
    message = kind.encode("ascii") + b"\x00" + value.encode("utf-8")
    return hmac.new(index_key, message, hashlib.sha256).digest()[:16]


def record_indexes(
    index_key: bytes, id_type: str, id_number: str, phone: str
) -> tuple[bytes | None, bytes]:
    """A registration's (ID number, phone) blind indexes under `index_key` (a device's, or the
    hub's for cross-device duplicates): the values as validation normalised them (fieldreg/
    record.py); no ID number, no ID index."""
    id_index = blind_index(index_key, f"id/{id_type}", id_number) if id_number else None
    return id_index, blind_index(index_key, "phone", phone)


def version_aad(registration_id: str, version: int) -> bytes:
    return f"fieldreg/v1/registration/{registration_id}/{version}".encode("ascii")


def draft_aad(draft_id: str) -> bytes:
    return f"fieldreg/v1/draft/{draft_id}".encode("ascii")


def new_recovery_key() -> str:
    """A high-entropy key a coordinator keeps on paper: 8 groups of 4 base32 characters."""
    text = base64.b32encode(secrets.token_bytes(RECOVERY_KEY_BYTES)).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def _recovery_bytes(recovery_key: str) -> bytes:
    cleaned = recovery_key.upper().replace("-", "").replace(" ", "")
    try:
        raw = base64.b32decode(cleaned)
    except ValueError:
        raise WrongKey from None
    if len(raw) != RECOVERY_KEY_BYTES:
        raise WrongKey
    return raw


def recovery_wrapping_key(recovery_key: str) -> bytes:
    """The recovery key has 160 random bits, so HKDF (not Argon2id) is enough to stretch it.
    (The wrap of stores made before rotation; newer stores seal to `KeyPair.from_recovery_key`.)"""
    return _subkey(_recovery_bytes(recovery_key), b"fieldreg/v1/recovery")


def wrap_label(meta_name: str) -> str:
    """The wrap label of a WRAPPED_UNDER_DATA_KEY meta row: "audit_key" -> "audit"."""
    return meta_name.removesuffix("_key")


@dataclass(frozen=True, slots=True)
class KeyPair:
    """A key pair that data keys are sealed to: HPKE with the hybrid ML-KEM-768 + X25519 KEM
    (the suite hub packets use), so a copied file stays closed to a future quantum computer
    too. `secret` is the ML-KEM seed (64 bytes) then the X25519 private key (32 bytes)."""

    secret: bytes

    @classmethod
    def generate(cls) -> KeyPair:
        return cls(secrets.token_bytes(MLKEM_SEED_BYTES + KEY_BYTES))

    @classmethod
    def from_recovery_key(cls, recovery_key: str) -> KeyPair:
        """The recovery key pair: derived from the printed key, so only its public half is
        stored and the printed key still opens everything sealed to it after any rotation."""
        raw = _recovery_bytes(recovery_key)
        derived = HKDF(
            algorithm=hashes.SHA256(),
            length=MLKEM_SEED_BYTES + KEY_BYTES,
            salt=None,
            info=b"fieldreg/v1/recovery-key-pair",
        ).derive(raw)
        return cls(derived)

    def _private(self) -> MLKEM768X25519PrivateKey:
        return MLKEM768X25519PrivateKey(
            mlkem.MLKEM768PrivateKey.from_seed_bytes(self.secret[:MLKEM_SEED_BYTES]),
            x25519.X25519PrivateKey.from_private_bytes(self.secret[MLKEM_SEED_BYTES:]),
        )

    def public_bytes(self) -> bytes:
        mlkem_key = mlkem.MLKEM768PrivateKey.from_seed_bytes(self.secret[:MLKEM_SEED_BYTES])
        x_key = x25519.X25519PrivateKey.from_private_bytes(self.secret[MLKEM_SEED_BYTES:])
        return mlkem_key.public_key().public_bytes_raw() + x_key.public_key().public_bytes_raw()

    def open(self, sealed: bytes, label: str) -> bytes:
        try:
            return SUITE.decrypt(sealed, self._private(), info=_seal_info(label))
        except InvalidTag:
            raise WrongKey from None


def _seal_info(label: str) -> bytes:
    return b"fieldreg/seal/" + label.encode("utf-8")


def seal_to(public: bytes, data_key: bytes, label: str) -> bytes:
    """Seal a key to a KeyPair's public half: anyone may do it, only the pair opens it."""
    key = MLKEM768X25519PublicKey(
        mlkem.MLKEM768PublicKey.from_public_bytes(public[:MLKEM_PUBLIC_BYTES]),
        x25519.X25519PublicKey.from_public_bytes(public[MLKEM_PUBLIC_BYTES:]),
    )
    return SUITE.encrypt(data_key, key, info=_seal_info(label))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text)
