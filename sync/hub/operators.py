"""The people who run the hub (issue 10 item 5): accounts with a role, logins, HTTP sessions.

An account is a name, a role (`admin`: issue enrolment tokens, revoke and quarantine devices,
export, read the audit log, manage accounts; `viewer`: list devices and read the figures) and a
passphrase kept only as an Argon2id hash (its salt and cost beside it; compared in constant
time). A login is counted before its Argon2id runs and the next one waits (the device's
back-off, fieldreg.store.operators.backoff_seconds), so guesses take turns however many arrive
at once; each login, right or wrong, is an entry in the hub's audit log (never the passphrase).
A name the hub does not know costs no Argon2id and no entry: nothing to count it against.

Over HTTP a login opens a session: a random bearer token, kept only as its SHA-256 with an
expiry (SESSION_LIFETIME), closed by logging out, by disabling the account or by changing its
passphrase. On the command line every command that needs an account logs in again.

The first admin: while no enabled admin exists, whoever unlocks the hub (its passphrase, which
already opens every packet) may add one; that is also the way back when the last admin is gone.

Database access is the small functions below, each on a `db` with `.execute` only; HubOperators
holds them together in the storage's transactions (sync/hub/storage/) and writes the audit entries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, TypeVar

from fieldreg.clock import iso, parse_iso
from fieldreg.store.crypto import KdfParams, derive_passphrase_key, new_salt
from fieldreg.store.database import StoreError
from fieldreg.store.operators import backoff_seconds, check_name, check_passphrase
from sync.hub.hub import Hub, HubError
from sync.hub.storage.base import Db

ADMIN, VIEWER = "admin", "viewer"
ROLES = (ADMIN, VIEWER)
SESSION_LIFETIME = dt.timedelta(hours=8)
SESSION_TOKEN_BYTES = 32
USERS_LOCK = "hub-users"  # `storage.serialize`: first admin, one user's login attempts
T = TypeVar("T")

# the actions the hub records about its accounts
USER_ADDED = "user_added"
USER_DISABLED = "user_disabled"
USER_PASSPHRASE_CHANGED = "user_passphrase_changed"
LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGOUT = "logout"


@dataclass(frozen=True, slots=True)
class HubUser:
    name: str
    role: str
    disabled: bool
    failed_attempts: int

    @property
    def actor(self) -> str:
        """How the audit log names this user."""
        return f"user:{self.name}"

    def may(self, role: str) -> bool:
        """An admin may do everything a viewer may."""
        return self.role == ADMIN or role == VIEWER

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "disabled": self.disabled,
            "failed_attempts": self.failed_attempts,
        }


@dataclass(frozen=True, slots=True)
class Hashed:
    """A passphrase as the hub keeps it: Argon2id's cost (JSON), salt and derived value."""

    kdf: str
    salt: bytes
    value: bytes


@dataclass(frozen=True, slots=True)
class Session:
    token: str
    user: HubUser
    expires_at: str


def hash_passphrase(passphrase: str, kdf: KdfParams) -> Hashed:
    salt = new_salt()
    return Hashed(json.dumps(kdf.to_json()), salt, derive_passphrase_key(passphrase, salt, kdf))


def passphrase_matches(passphrase: str, hashed: Hashed) -> bool:
    params = KdfParams(**json.loads(hashed.kdf))
    derived = derive_passphrase_key(passphrase, hashed.salt, params)
    return hmac.compare_digest(derived, hashed.value)


def token_hash(token: str) -> str:
    # a lone surrogate cannot be a token we issued (they are URL-safe base64)
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


# -- database access (each on a `db` with `.execute`; the caller holds the transaction) ---------

_USER = "SELECT name, role, disabled_at IS NOT NULL, failed_attempts FROM hub_users"


def _user(row: Any) -> HubUser:
    return HubUser(str(row[0]), str(row[1]), bool(row[2]), int(row[3]))


def get_user(db: Db, name: str) -> HubUser | None:
    row = db.execute(f"{_USER} WHERE name = ?", [name]).fetchone()
    return None if row is None else _user(row)


def list_users(db: Db) -> list[HubUser]:
    return [_user(row) for row in db.execute(f"{_USER} ORDER BY name").fetchall()]


def enabled_admins(db: Db) -> int:
    row = db.execute(
        "SELECT count(*) FROM hub_users WHERE role = ? AND disabled_at IS NULL", [ADMIN]
    ).fetchone()
    return int(row[0])


def insert_user(db: Db, name: str, role: str, hashed: Hashed, now: str) -> None:
    db.execute(
        "INSERT INTO hub_users (name, role, kdf, salt, passphrase_hash, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [name, role, hashed.kdf, hashed.salt, hashed.value, now],
    )


def replace_hash(db: Db, name: str, hashed: Hashed) -> None:
    """A new passphrase; the failures counted under the old one are cleared."""
    db.execute(
        "UPDATE hub_users SET kdf = ?, salt = ?, passphrase_hash = ?, failed_attempts = 0,"
        " retry_after = NULL WHERE name = ?",
        [hashed.kdf, hashed.salt, hashed.value, name],
    )


def disable_user(db: Db, name: str, now: str) -> bool:
    changed = db.execute(
        "UPDATE hub_users SET disabled_at = ? WHERE name = ? AND disabled_at IS NULL", [now, name]
    ).rowcount
    return bool(changed)


@dataclass(frozen=True, slots=True)
class _LoginState:
    hashed: Hashed
    disabled: bool
    failed_attempts: int
    retry_after: str | None


def login_state(db: Db, name: str) -> _LoginState | None:
    row = db.execute(
        "SELECT kdf, salt, passphrase_hash, disabled_at IS NOT NULL, failed_attempts,"
        " retry_after FROM hub_users WHERE name = ?",
        [name],
    ).fetchone()
    if row is None:
        return None
    kdf, salt, value, disabled, failed, retry_after = row
    return _LoginState(
        Hashed(str(kdf), bytes(salt), bytes(value)), bool(disabled), failed, retry_after
    )


def count_attempt(db: Db, name: str, failed: int, retry_after: str) -> None:
    db.execute(
        "UPDATE hub_users SET failed_attempts = ?, retry_after = ? WHERE name = ?",
        [failed, retry_after, name],
    )


def clear_attempts(db: Db, name: str) -> None:
    db.execute(
        "UPDATE hub_users SET failed_attempts = 0, retry_after = NULL WHERE name = ?", [name]
    )


def insert_session(db: Db, hashed_token: str, name: str, now: str, expires_at: str) -> None:
    db.execute("DELETE FROM hub_sessions WHERE expires_at <= ?", [now])  # the expired ones
    db.execute(
        "INSERT INTO hub_sessions (token_hash, user_name, created_at, expires_at)"
        " VALUES (?, ?, ?, ?)",
        [hashed_token, name, now, expires_at],
    )


def session_user(db: Db, hashed_token: str, now: str) -> HubUser | None:
    """The enabled user whose unexpired session this is, or None."""
    row = db.execute(
        "SELECT u.name, u.role, u.disabled_at IS NOT NULL, u.failed_attempts"
        " FROM hub_sessions s JOIN hub_users u ON u.name = s.user_name"
        " WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled_at IS NULL",
        [hashed_token, now],
    ).fetchone()
    return None if row is None else _user(row)


def delete_session(db: Db, hashed_token: str) -> None:
    db.execute("DELETE FROM hub_sessions WHERE token_hash = ?", [hashed_token])


def delete_sessions_of(db: Db, name: str) -> None:
    db.execute("DELETE FROM hub_sessions WHERE user_name = ?", [name])


# -- the accounts, under the hub's lock, audited -----------------------------------------------


def check_role(user: HubUser, role: str) -> None:
    if not user.may(role):
        raise HubError(403, "role_refused", f"{user.name} is a {user.role}; this needs an {role}")


class HubOperators:
    """The hub's accounts and sessions. `kdf` is the Argon2id cost of new passphrases (each
    hash keeps its own, so cheaper test hashes still verify); the clock is the hub's."""

    def __init__(
        self,
        hub: Hub,
        *,
        kdf: KdfParams | None = None,
        session_lifetime: dt.timedelta = SESSION_LIFETIME,
    ) -> None:
        self._hub = hub
        self._kdf = kdf or KdfParams()
        self._lifetime = session_lifetime

    def _write(self) -> AbstractContextManager[Db]:
        return self._hub.storage.write()

    def _audit(self, db: Db, actor: str | None, action: str, subject: str, **details: Any) -> None:
        self._hub._audit(db, actor, action, subject, **details)  # inside _write

    def _now(self) -> dt.datetime:
        return self._hub.clock()

    def users(self) -> list[HubUser]:
        with self._hub.storage.read() as db:
            return list_users(db)

    def needs_first_admin(self) -> bool:
        """No enabled admin: whoever unlocks the hub may add one."""
        with self._hub.storage.read() as db:
            return enabled_admins(db) == 0

    def add(self, name: str, role: str, passphrase: str, *, by: HubUser | None) -> HubUser:
        """A new account. `by` is the admin adding it; None is the hub passphrase's holder,
        allowed only while there is no enabled admin, and only to add an admin."""
        check_name(name)
        if role not in ROLES:
            raise StoreError("invalid_role", role=role[:20])
        if by is None and role != ADMIN:
            raise HubError(403, "role_refused", "the hub's first user must be an admin")
        if by is not None:
            check_role(by, ADMIN)
        check_passphrase(passphrase, name)
        hashed = hash_passphrase(passphrase, self._kdf)  # Argon2id outside the lock
        with self._write() as db:
            self._hub.storage.serialize(db, USERS_LOCK)  # two first admins at once: one wins
            if by is None and enabled_admins(db):
                raise HubError(401, "login_required", "the hub has an admin: log in as one")
            if get_user(db, name) is not None:
                raise HubError(409, "hub_user_exists", f"there is already a hub user {name}")
            insert_user(db, name, role, hashed, iso(self._now()))
            first = {"first_admin": True} if by is None else {}
            self._audit(db, None if by is None else by.actor, USER_ADDED, name, role=role, **first)
            added = get_user(db, name)
        assert added is not None
        return added

    def disable(self, name: str, *, by: HubUser) -> bool:
        """Disable an account and close its sessions; False if it already was."""
        check_role(by, ADMIN)
        with self._write() as db:
            if get_user(db, name) is None:
                raise HubError(404, "unknown_hub_user", f"no hub user {name}")
            changed = disable_user(db, name, iso(self._now()))
            delete_sessions_of(db, name)
            if changed:
                self._audit(db, by.actor, USER_DISABLED, name)
        return changed

    def set_passphrase(self, name: str, passphrase: str, *, by: HubUser) -> None:
        """A new passphrase for `name` (by an admin, or by that user); closes its sessions."""
        if by.name != name:
            check_role(by, ADMIN)
        check_passphrase(passphrase, name)
        hashed = hash_passphrase(passphrase, self._kdf)
        with self._write() as db:
            if get_user(db, name) is None:
                raise HubError(404, "unknown_hub_user", f"no hub user {name}")
            replace_hash(db, name, hashed)
            delete_sessions_of(db, name)
            self._audit(db, by.actor, USER_PASSPHRASE_CHANGED, name)

    # -- logging in --------------------------------------------------------------------------

    def login(self, name: str, passphrase: str, *, via: str) -> HubUser:
        """The user, if this is their passphrase (a command-line login: no session)."""
        return self._authenticate(name, passphrase, via, lambda _db, user: user)

    def open_session(self, name: str, passphrase: str) -> Session:
        """Log in over HTTP: a new bearer token, valid for the session lifetime."""
        token = secrets.token_urlsafe(SESSION_TOKEN_BYTES)
        now = self._now()
        expires_at = iso(now + self._lifetime)

        def opened(db: Db, user: HubUser) -> Session:
            insert_session(db, token_hash(token), user.name, iso(now), expires_at)
            return Session(token, user, expires_at)

        return self._authenticate(name, passphrase, "http", opened, expires=expires_at)

    def _authenticate(
        self,
        name: str,
        passphrase: str,
        via: str,
        then: Callable[[Db, HubUser], T],
        **details: Any,
    ) -> T:
        """Count the attempt and set the wait before Argon2id runs (outside the lock, so a
        login never stalls ingest), then clear the count if it was right; audit either way.
        `then` runs in the transaction of a right login."""
        now = self._now()
        with self._write() as db:
            # instances count one user's attempts in turn: none is lost to a race
            self._hub.storage.serialize(db, f"{USERS_LOCK}:{name}")
            state = login_state(db, name)
            if state is None:
                raise HubError(401, "login_failed", "unknown name or wrong passphrase")
            if state.disabled:
                raise HubError(403, "hub_user_disabled", f"hub user {name} is disabled")
            if state.retry_after is not None and now < parse_iso(state.retry_after):
                wait = max(1, round((parse_iso(state.retry_after) - now).total_seconds()))
                raise HubError(429, "login_backoff", f"wait {wait} s before the next try")
            failed = state.failed_attempts + 1
            retry_after = now + dt.timedelta(seconds=backoff_seconds(failed))
            count_attempt(db, name, failed, iso(retry_after))
        right = passphrase_matches(passphrase, state.hashed)
        with self._write() as db:
            user = get_user(db, name)
            if right and user is not None and not user.disabled:
                clear_attempts(db, name)
                user = get_user(db, name)
                assert user is not None
                result = then(db, user)
                self._audit(db, user.actor, LOGIN, name, via=via, **details)
                return result
            self._audit(db, f"user:{name}", LOGIN_FAILED, name, via=via, failed=failed)
        raise HubError(
            401,
            "login_failed",
            f"unknown name or wrong passphrase; the next try waits {backoff_seconds(failed)} s",
        )

    # -- sessions ----------------------------------------------------------------------------

    def session_user(self, token: str | None, role: str) -> HubUser:
        """Whose session this bearer token is, if they may act as `role`."""
        if not token:
            raise HubError(401, "login_required", "log in: POST /v1/admin/session")
        with self._hub.storage.read() as db:
            user = session_user(db, token_hash(token), iso(self._now()))
        if user is None:
            raise HubError(401, "login_required", "no such session, or it expired: log in again")
        check_role(user, role)
        return user

    def close_session(self, token: str | None) -> None:
        user = self.session_user(token, VIEWER)
        with self._write() as db:
            delete_session(db, token_hash(token or ""))
            self._audit(db, user.actor, LOGOUT, user.name)
