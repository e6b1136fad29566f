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
    if not name or len(name) > MAX_NAME_LENGTH or name != name.strip():
        raise StoreError("invalid_operator_name", name=name[:MAX_NAME_LENGTH])
    if any(unicodedata.category(char)[0] in "CZ" and char != " " for char in name):
        raise StoreError("invalid_operator_name", name=name[:MAX_NAME_LENGTH])
    if role not in ROLES:
        raise StoreError("invalid_role", role=role[:20])
    check_passphrase(passphrase, name)


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


def _wrapped_for(
    name: str, passphrase: str, data_key: bytes, kdf: crypto.KdfParams
) -> tuple[str, bytes, bytes]:
    salt = crypto.new_salt()
    wrapping_key = crypto.derive_passphrase_key(passphrase, salt, kdf)
    wrapped = crypto.wrap_key(wrapping_key, data_key, f"operator/{name}")
    return json.dumps(kdf.to_json()), salt, wrapped


def insert(
    db: Database,
    *,
    name: str,
    role: str,
    passphrase: str,
    data_key: bytes,
    kdf: crypto.KdfParams,
    now: dt.datetime,
) -> None:
    """Call inside a transaction. Argon2id runs here, so keep that transaction short otherwise."""
    check_new_operator(name, role, passphrase)
    if get(db, name) is not None:
        raise StoreError("operator_exists", name=name)
    kdf_json, salt, wrapped = _wrapped_for(name, passphrase, data_key, kdf)
    db.execute(
        "INSERT INTO operators (name, role, kdf, salt, wrapped_key, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [name, role, kdf_json, salt, wrapped, iso(now)],
    )


def set_passphrase(
    db: Database, *, name: str, passphrase: str, data_key: bytes, kdf: crypto.KdfParams
) -> None:
    """Re-wrap the data key for a new passphrase and clear failures, lock-out and disabling."""
    check_passphrase(passphrase, name)
    kdf_json, salt, wrapped = _wrapped_for(name, passphrase, data_key, kdf)
    db.execute(
        "UPDATE operators SET kdf = ?, salt = ?, wrapped_key = ?, failed_attempts = 0,"
        " retry_after = NULL, disabled = 0 WHERE name = ?",
        [kdf_json, salt, wrapped, name],
    )


def login(db: Database, name: str, passphrase: str, now: dt.datetime) -> bytes:
    """Unwrap the data key with the passphrase, or raise with the wait the user now faces.

    The whole attempt (the checks, Argon2id, the count) holds the store's write lock, so
    attempts made at the same moment take turns: every guess that reaches Argon2id is counted,
    the wait one failure sets holds the next guess off before its Argon2id, and two right
    passphrases typed at once both get in (the second a moment later)."""
    data_key: bytes | None = None
    with transaction(db):
        kdf_json, salt, wrapped, failed = _check_attempt(db, name, now)
        params = crypto.KdfParams(**json.loads(kdf_json))
        wrapping_key = crypto.derive_passphrase_key(passphrase, salt, params)
        try:
            data_key = crypto.unwrap_key(wrapping_key, wrapped, f"operator/{name}")
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
    if data_key is not None:
        return data_key
    if failed >= LOCK_OUT_AFTER:
        raise StoreError("locked_out", name=name)
    raise StoreError(
        "wrong_passphrase",
        name=name,
        seconds=backoff_seconds(failed),
        attempts_left=LOCK_OUT_AFTER - failed,
    )


def _check_attempt(db: Database, name: str, now: dt.datetime) -> tuple[str, bytes, bytes, int]:
    """Inside the login's transaction: refuse a disabled, locked-out or waiting operator;
    else the wrapped key and how many failures there have been."""
    row = db.execute(
        "SELECT kdf, salt, wrapped_key, disabled, failed_attempts, retry_after"
        " FROM operators WHERE name = ?",
        [name],
    ).fetchone()
    if row is None:
        raise StoreError("unknown_operator", name=name)
    kdf_json, salt, wrapped, disabled, failed, retry_after = row
    if disabled:
        raise StoreError("operator_disabled", name=name)
    if failed >= LOCK_OUT_AFTER:
        raise StoreError("locked_out", name=name)
    if retry_after and now < parse_iso(retry_after):
        wait = (parse_iso(retry_after) - now).total_seconds()
        raise StoreError("backoff", name=name, seconds=max(1, round(wait)))
    return kdf_json, salt, wrapped, failed
