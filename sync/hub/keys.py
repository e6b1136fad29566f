"""The hub's private keys, kept out of hub.db: wrapped under the hub passphrase in a key file.

The HPKE key opens every packet and the Ed25519 key certifies devices and signs receipts, so
neither may sit in the database: a copy of hub.db (a backup, a disk image) must reveal nothing
and certify nothing. The key file holds them wrapped (Argon2id of the passphrase, AES-256-GCM)
beside their public halves in clear; hub.db keeps only the fingerprint, so a hub never starts
with another hub's key file and never makes new keys for a hub that already has some.

Hubs made before this kept the keys in clear in hub.db's `meta`; the first start with a
passphrase moves them into the key file and erases them from the database file and its WAL.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fieldreg.errors import FieldRegError
from fieldreg.files import PRIVATE, write_text_atomic
from fieldreg.store.crypto import (
    KdfParams,
    WrongKey,
    derive_passphrase_key,
    new_salt,
    unwrap_key,
    wrap_key,
)
from fieldreg.store.database import read_meta, write_meta
from fieldreg.store.device_identity import public_bytes
from fieldreg.store.operators import check_passphrase
from fieldreg.transfer.sealing import HubPrivateKey, hub_fingerprint
from sync.hub.storage.base import Db, Storage

KEY_FILE_NAME = "hub-keys.json"
KEY_FILE_FORMAT = "fieldreg-hub-keys/1"
FINGERPRINT_META = "hub_fingerprint"
# where hubs before the key file kept their private keys, in clear (meta, base64)
CLEAR_KEY_META = ("hpke_mlkem_seed", "hpke_x25519", "signing_key")
THROWAWAY_PASSPHRASE_FILE = "throwaway-passphrase"
KEYS_LOCK = "hub-keys"  # instances starting together: only the first makes keys
# A throwaway passphrase is 256 random bits: stretching it buys nothing, so Argon2id runs cheap.
THROWAWAY_KDF = KdfParams(memory_kib=8 * 1024, iterations=1, lanes=1)


class HubKeyError(FieldRegError):
    """The hub's keys cannot be had: `hub_keys_missing`, `hub_wrong_passphrase`,
    `hub_keys_mismatch`, `hub_key_file_damaged`, `hub_passphrase_needed`,
    `passphrases_differ` (detail: path of the key file where it helps)."""


@dataclass(frozen=True, slots=True)
class HubKeys:
    """The hub's private keys, unlocked."""

    sealing: HubPrivateKey
    signing: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> HubKeys:
        return cls(HubPrivateKey.generate(), Ed25519PrivateKey.generate())

    @classmethod
    def from_secrets(cls, secrets_: dict[str, bytes]) -> HubKeys:
        sealing = HubPrivateKey(secrets_["hpke_mlkem_seed"], secrets_["hpke_x25519"])
        return cls(sealing, Ed25519PrivateKey.from_private_bytes(secrets_["signing_key"]))

    def secrets(self) -> dict[str, bytes]:
        return {
            "hpke_mlkem_seed": self.sealing.mlkem_seed,
            "hpke_x25519": self.sealing.x25519_raw,
            "signing_key": self.signing.private_bytes_raw(),
        }

    def derived_key(self, purpose: bytes) -> bytes:
        """A 256-bit key for `purpose` (a distinct label per use), HKDF-SHA256 from the Ed25519
        private key: it lives wherever the keys live, so never in hub.db, and the key file
        format stays as it is."""
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
            self.signing.private_bytes_raw()
        )

    @property
    def sealing_public(self) -> bytes:
        return self.sealing.public_bytes()

    @property
    def signing_public(self) -> bytes:
        return public_bytes(self.signing.public_key())

    @property
    def fingerprint(self) -> str:
        return hub_fingerprint(self.sealing_public, self.signing_public)


@dataclass(frozen=True, slots=True)
class KeyCustody:
    """Where the hub's key file is and the passphrase that opens it, handed to the Hub by
    whoever starts it: the CLI reads the passphrase from FIELDREG_HUB_PASSPHRASE or a prompt,
    throwaway hubs (tests, the demo) make one up (`throwaway_custody`). `kdf` is the Argon2id
    cost used when a key file is written."""

    key_file: Path
    passphrase: str
    kdf: KdfParams = KdfParams()

    def unlock(self, storage: Storage) -> HubKeys:
        """The hub's keys: from the key file; made (or moved out of an old hub.db) and written
        to a new key file on the first start. The database keeps only their fingerprint.
        Instances starting together take turns, so only the first makes keys."""
        with storage.write() as db:
            storage.serialize(db, KEYS_LOCK)
            known = read_meta(db, FINGERPRINT_META)
            clear = _clear_keys(db)
            if self.key_file.exists():
                keys = read_key_file(self.key_file, self.passphrase)
            elif known is not None:
                raise HubKeyError("hub_keys_missing", path=str(self.key_file))
            else:
                check_passphrase(self.passphrase)
                keys = clear or HubKeys.generate()
                write_key_file(self.key_file, keys, self.passphrase, self.kdf)
            expected = known or (clear.fingerprint if clear else None)
            if expected is not None and keys.fingerprint != expected:
                raise HubKeyError("hub_keys_mismatch", path=str(self.key_file))
            if known is None:
                write_meta(db, FINGERPRINT_META, keys.fingerprint)
            if clear is not None:
                _delete_clear_keys(db)
        if clear is not None:
            storage.compact()  # the deleted keys' bytes gone from the files too
        return keys


def default_key_file(data_dir: Path) -> Path:
    return data_dir / KEY_FILE_NAME


def throwaway_custody(data_dir: Path) -> KeyCustody:
    """For hubs that live in a throwaway folder (tests, the demo, the self-test): a random
    passphrase, made once and kept beside the keys in that folder, which therefore protects
    nothing. Never for a hub whose data matters."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    kept = data_dir / THROWAWAY_PASSPHRASE_FILE
    if not kept.exists():
        write_text_atomic(kept, secrets.token_urlsafe(32), mode=PRIVATE)
    return KeyCustody(default_key_file(data_dir), kept.read_text().strip(), THROWAWAY_KDF)


# -- the key file ----------------------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _label(fingerprint: str) -> str:
    # the public half is bound to the wrapped private half: edit one and nothing unwraps
    return f"hub-keys/{fingerprint}"


def write_key_file(path: Path, keys: HubKeys, passphrase: str, kdf: KdfParams) -> None:
    salt = new_salt()
    secret = json.dumps({name: _b64(raw) for name, raw in keys.secrets().items()}).encode()
    wrapped = wrap_key(
        derive_passphrase_key(passphrase, salt, kdf), secret, _label(keys.fingerprint)
    )
    document = {
        "format": KEY_FILE_FORMAT,
        "fingerprint": keys.fingerprint,
        "sealing_public_key": _b64(keys.sealing_public),
        "signing_public_key": _b64(keys.signing_public),
        "kdf": kdf.to_json(),
        "salt": _b64(salt),
        "wrapped_private_keys": _b64(wrapped),
    }
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_text_atomic(path, json.dumps(document, indent=1) + "\n", mode=PRIVATE)


def read_key_file(path: Path, passphrase: str) -> HubKeys:
    document = _read_document(path)
    try:
        kdf = KdfParams(**document["kdf"])
        salt = base64.b64decode(document["salt"], validate=True)
        wrapped = base64.b64decode(document["wrapped_private_keys"], validate=True)
        fingerprint = str(document["fingerprint"])
    except (KeyError, TypeError, ValueError):
        raise HubKeyError("hub_key_file_damaged", path=str(path)) from None
    try:
        secret = unwrap_key(
            derive_passphrase_key(passphrase, salt, kdf), wrapped, _label(fingerprint)
        )
    except WrongKey:
        raise HubKeyError("hub_wrong_passphrase", path=str(path)) from None
    keys = HubKeys.from_secrets(
        {name: base64.b64decode(text) for name, text in json.loads(secret).items()}
    )
    if keys.fingerprint != fingerprint:
        raise HubKeyError("hub_key_file_damaged", path=str(path))
    return keys


def _read_document(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_bytes())
    except (OSError, ValueError):
        raise HubKeyError("hub_key_file_damaged", path=str(path)) from None
    if not isinstance(document, dict) or document.get("format") != KEY_FILE_FORMAT:
        raise HubKeyError("hub_key_file_damaged", path=str(path))
    return document


# -- hub.db ----------------------------------------------------------------------------------


def _clear_keys(db: Db) -> HubKeys | None:
    """The private keys an old hub.db still holds in clear, or None."""
    values = {name: read_meta(db, name) for name in CLEAR_KEY_META}
    if any(value is None for value in values.values()):
        return None
    return HubKeys.from_secrets({k: base64.b64decode(v or "") for k, v in values.items()})


def _delete_clear_keys(db: Db) -> None:
    """Delete an old hub.db's clear private keys; `Storage.compact` then makes their bytes
    unreadable in the file and its WAL."""
    db.execute(
        f"DELETE FROM meta WHERE key IN ({', '.join('?' * len(CLEAR_KEY_META))})",
        list(CLEAR_KEY_META),
    )
