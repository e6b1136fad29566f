"""Operator accounts: passphrase-wrapped data keys, roles, offline login with back-off."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass

from sqlite_utils import Database
from zxcvbn import zxcvbn

from fieldreg.clock import iso, parse_iso
from fieldreg.store import audit, crypto
from fieldreg.store.database import StoreError, transaction

ROLES = ("registrar", "coordinator")
MIN_PASSPHRASE_LENGTH = 10
# zxcvbn's score: 3 means about 10^8 guesses or more ("safely unguessable" offline with a slow
# hash such as our Argon2id); 'aaaaaaaaaa', '1234567890' and 'passwordpassword' score 0.
MIN_PASSPHRASE_STRENGTH = 3
STRENGTH_CHECKED_CHARACTERS = 100  # zxcvbn slows down on long input; the start decides anyway
MAX_NAME_LENGTH = 64
LOCK_OUT_AFTER = 10  # failed attempts in a row; then a coordinator or the recovery key must reset
MAX_BACKOFF_SECONDS = 300


@dataclass(frozen=True, slots=True)
class Operator:
    name: str
    role: str
    disabled: bool
    failed_attempts: int

    @property
    def is_coordinator(self) -> bool:
        return self.role == "coordinator"


def backoff_seconds(failed_attempts: int) -> int:
    """1, 2, 4, 8 ... seconds after each failure in a row, capped at five minutes."""
    if failed_attempts <= 0:
        return 0
    return int(min(2 ** (failed_attempts - 1), MAX_BACKOFF_SECONDS))


def check_new_operator(name: str, role: str, passphrase: str) -> None:
    check_name(name)
    if role not in ROLES:
        raise StoreError("invalid_role", role=role[:20])
    check_passphrase(passphrase, name)


def check_name(name: str) -> None:
    """The one rule for a person's account name (a device's operators, the hub's users): not
    empty, not too long, no surrounding spaces, no control or separator characters but the
    plain space."""
    if not name or len(name) > MAX_NAME_LENGTH or name != name.strip():
        raise StoreError("invalid_operator_name", name=name[:MAX_NAME_LENGTH])
    if any(unicodedata.category(char)[0] in "CZ" and char != " " for char in name):
        raise StoreError("invalid_operator_name", name=name[:MAX_NAME_LENGTH])


def check_passphrase(passphrase: str, name: str = "") -> None:
    """The one rule for a new passphrase (store, CLI and screens): long enough, and not
    easy to guess by zxcvbn's estimate (repeats, sequences, common words, the user's name)."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise StoreError("passphrase_too_short", minimum=MIN_PASSPHRASE_LENGTH)
    estimate = zxcvbn(passphrase[:STRENGTH_CHECKED_CHARACTERS], user_inputs=[name, "fieldreg"])
    if estimate["score"] < MIN_PASSPHRASE_STRENGTH:
        raise StoreError("weak_passphrase")


def get(db: Database, name: str) -> Operator | None:
    row = db.execute(
        "SELECT name, role, disabled, failed_attempts FROM operators WHERE name = ?", [name]
    ).fetchone()
    return Operator(row[0], row[1], bool(row[2]), row[3]) if row else None


def list_all(db: Database) -> list[Operator]:
    rows = db.execute("SELECT name, role, disabled, failed_attempts FROM operators ORDER BY name")
    return [Operator(row[0], row[1], bool(row[2]), row[3]) for row in rows]


@dataclass(frozen=True, slots=True)
class Unlocked:
    """What a right passphrase opens: the data key and the operator's own key pair (which
    opens the next data key after a rotation, without asking for the passphrase again)."""

    data_key: bytes
    key_pair: crypto.KeyPair


def _store_key_material(
    db: Database,
    name: str,
    data_key: bytes,
    kdf: crypto.KdfParams,
    salt: bytes,
    wrapping_key: bytes,
) -> crypto.KeyPair:
    """A new key pair: the private half wrapped under the passphrase's key, the public half in
    clear, the data key sealed to it; any pre-rotation wrap of the data key emptied."""
    pair = crypto.KeyPair.generate()
    public = pair.public_bytes()
    db.execute(
        "UPDATE operators SET kdf = ?, salt = ?, wrapped_key = X'', wrapped_private = ?,"
        " public_key = ?, sealed_key = ? WHERE name = ?",
        [
            json.dumps(kdf.to_json()),
            salt,
            crypto.wrap_key(wrapping_key, pair.secret, f"operator-private/{name}"),
            public,
            crypto.seal_to(public, data_key, f"operator/{name}"),
            name,
        ],
    )
    return pair


def _new_passphrase(
    db: Database, name: str, passphrase: str, data_key: bytes, kdf: crypto.KdfParams
) -> crypto.KeyPair:
    salt = crypto.new_salt()
    wrapping_key = crypto.derive_passphrase_key(passphrase, salt, kdf)
    return _store_key_material(db, name, data_key, kdf, salt, wrapping_key)


def seal_for(db: Database, name: str, data_key: bytes) -> None:
    """Give an operator (enabled again) the current data key; one with no key pair yet (none
    since before rotation existed) needs a reset by a coordinator."""
    row = db.execute("SELECT public_key FROM operators WHERE name = ?", [name]).fetchone()
    if row is None or row[0] is None:
        raise StoreError("operator_needs_reset", name=name)
    sealed = crypto.seal_to(row[0], data_key, f"operator/{name}")
    db.execute("UPDATE operators SET sealed_key = ? WHERE name = ?", [sealed, name])


def insert(
    db: Database,
    *,
    name: str,
    role: str,
    passphrase: str,
    data_key: bytes,
    kdf: crypto.KdfParams,
    now: dt.datetime,
) -> crypto.KeyPair:
    """Call inside a transaction. Argon2id runs here, so keep that transaction short otherwise."""
    check_new_operator(name, role, passphrase)
    if get(db, name) is not None:
        raise StoreError("operator_exists", name=name)
    db.execute(
        "INSERT INTO operators (name, role, kdf, salt, wrapped_key, created_at)"
        " VALUES (?, ?, '{}', X'', X'', ?)",
        [name, role, iso(now)],
    )
    return _new_passphrase(db, name, passphrase, data_key, kdf)


def set_passphrase(
    db: Database, *, name: str, passphrase: str, data_key: bytes, kdf: crypto.KdfParams
) -> crypto.KeyPair:
    """A new key pair under a new passphrase, the data key sealed to it; clear failures,
    lock-out and disabling. The old passphrase opens nothing here any more."""
    check_passphrase(passphrase, name)
    pair = _new_passphrase(db, name, passphrase, data_key, kdf)
    db.execute(
        "UPDATE operators SET failed_attempts = 0, retry_after = NULL, disabled = 0 WHERE name = ?",
        [name],
    )
    return pair


def login(db: Database, name: str, passphrase: str, now: dt.datetime) -> Unlocked:
    """Open the data key with the passphrase, or raise with the wait the user now faces.

    The whole attempt (the checks, Argon2id, the count) holds the store's write lock, so
    attempts made at the same moment take turns: every guess that reaches Argon2id is counted,
    the wait one failure sets holds the next guess off before its Argon2id, and two right
    passphrases typed at once both get in (the second a moment later)."""
    unlocked: Unlocked | None = None
    with transaction(db):
        kdf_json, salt, failed = _check_attempt(db, name, now)
        params = crypto.KdfParams(**json.loads(kdf_json))
        wrapping_key = crypto.derive_passphrase_key(passphrase, salt, params)
        try:
            unlocked = _open_keys(db, name, wrapping_key, salt, params)
        except crypto.WrongKey:
            failed += 1
            db.execute(
                "UPDATE operators SET failed_attempts = ?, retry_after = ? WHERE name = ?",
                [failed, iso(now + dt.timedelta(seconds=backoff_seconds(failed))), name],
            )
            action = "locked_out" if failed >= LOCK_OUT_AFTER else "login_failed"
            audit.append(db, at=iso(now), actor=name, action=action, details={"failed": failed})
        else:
            db.execute(
                "UPDATE operators SET failed_attempts = 0, retry_after = NULL WHERE name = ?",
                [name],
            )
            audit.append(db, at=iso(now), actor=name, action="login")
    if unlocked is not None:
        return unlocked
    if failed >= LOCK_OUT_AFTER:
        raise StoreError("locked_out", name=name)
    raise StoreError(
        "wrong_passphrase",
        name=name,
        seconds=backoff_seconds(failed),
        attempts_left=LOCK_OUT_AFTER - failed,
    )


def _open_keys(
    db: Database, name: str, wrapping_key: bytes, salt: bytes, kdf: crypto.KdfParams
) -> Unlocked:
    """The data key through the operator's key pair. An operator from before rotation has only
    the data key wrapped under the passphrase: their key pair is made now (migration at the
    first login), and the old wrap emptied."""
    wrapped_key, wrapped_private, sealed = db.execute(
        "SELECT wrapped_key, wrapped_private, sealed_key FROM operators WHERE name = ?", [name]
    ).fetchone()
    if wrapped_private is None:
        data_key = crypto.unwrap_key(wrapping_key, wrapped_key, f"operator/{name}")
        return Unlocked(data_key, _store_key_material(db, name, data_key, kdf, salt, wrapping_key))
    pair = crypto.KeyPair(
        crypto.unwrap_key(wrapping_key, wrapped_private, f"operator-private/{name}")
    )
    return Unlocked(pair.open(sealed, f"operator/{name}"), pair)


def _check_attempt(db: Database, name: str, now: dt.datetime) -> tuple[str, bytes, int]:
    """Inside the login's transaction: refuse a disabled, locked-out or waiting operator, or
    one whose key was taken away by a rotation; else the KDF and how many failures so far."""
    row = db.execute(
        "SELECT kdf, salt, disabled, failed_attempts, retry_after, wrapped_key, sealed_key"
        " FROM operators WHERE name = ?",
        [name],
    ).fetchone()
    if row is None:
        raise StoreError("unknown_operator", name=name)
    kdf_json, salt, disabled, failed, retry_after, wrapped_key, sealed = row
    if disabled:
        raise StoreError("operator_disabled", name=name)
    if not wrapped_key and sealed is None:
        raise StoreError("operator_needs_reset", name=name)
    if failed >= LOCK_OUT_AFTER:
        raise StoreError("locked_out", name=name)
    if retry_after and now < parse_iso(retry_after):
        wait = (parse_iso(retry_after) - now).total_seconds()
        raise StoreError("backoff", name=name, seconds=max(1, round(wait)))
    return kdf_json, salt, failed
