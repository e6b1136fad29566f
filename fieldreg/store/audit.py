"""Append-only, hash-chained audit log of who did what. Ids and counts only, never personal data.

Each entry's hash covers the previous entry's hash, so editing, deleting or reordering any row
breaks every link after it; `verify` names the first broken one.

The plain chain alone can be recomputed by anyone who can write the file, so it is also keyed
and anchored (issue 9 item 12):
- Seals: an unlocked session seals every entry it writes, and the head at unlock, with
  HMAC-SHA256 under the audit key (random, stored only wrapped under the data key). A seal at
  entry N vouches for entries 1..N through the chain. Entries written while no key is
  available (failed logins, the login itself, enrolment) wait for the next unlock's seal;
  an unsealed entry of any other kind means seals were removed, and is reported.
- Anchors: every batch carries the chain head; the hub signs it into its receipt, and the
  device keeps it. The chain must still hold each anchor's (seq, hash), so truncating or
  rewriting entries the hub has seen fails even for someone holding the data key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlite_utils import Database

from fieldreg.store import crypto
from fieldreg.store.database import Sql
from fieldreg.transfer.wire import AuditAnchor, anchor_signature_valid

GENESIS = "0" * 64
AUDIT_KEY_META = "audit_key"
_SEAL_CONTEXT = b"fieldreg/v1/audit-seal\x00"
# What is written while the store is locked (no audit key): these alone may follow the last
# seal. A session writes everything else, sealed in the same transaction. A repair
# (restore-backup, salvage) checks a coordinator's passphrase but opens no session.
WRITTEN_LOCKED = frozenset(
    {
        "login",
        "login_failed",
        "locked_out",
        "enrolled",
        "recovery_key_used",
        "backup_restored",
        "salvaged",
    }
)


def _entry_hash(
    prev_hash: str, seq: int, at: str, actor: str, action: str, subject: str, details: str
) -> str:
    payload = json.dumps(
        [prev_hash, seq, at, actor, action, subject, details],
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


def append(
    db: Sql,
    *,
    at: str,
    actor: str,
    action: str,
    subject: str = "",
    details: dict[str, Any] | None = None,
    key: bytes | None = None,
) -> None:
    """Add one entry. Call inside the transaction that makes the change it records; an
    unlocked session passes its audit `key`, which seals the entry."""
    seq, prev_hash = head(db)
    seq += 1
    details_json = json.dumps(details or {}, sort_keys=True, separators=(",", ":"))
    entry_hash = _entry_hash(prev_hash, seq, at, actor, action, subject, details_json)
    db.execute(
        "INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [seq, at, actor, action, subject, details_json, prev_hash, entry_hash],
    )
    if key is not None:
        seal(db, key, seq, entry_hash)


def head(db: Sql) -> tuple[int, str]:
    """(seq, hash) of the newest entry; (0, GENESIS) for an empty log. Needs no key."""
    last = db.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return (int(last[0]), str(last[1])) if last else (0, GENESIS)


def seal_mac(key: bytes, seq: int, entry_hash: str) -> str:
    """The seal of entry (seq, hash) under `key`: HMAC-SHA256 with a fixed context."""
    message = _SEAL_CONTEXT + f"{seq}:{entry_hash}".encode("ascii")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def seal(db: Sql, key: bytes, seq: int, entry_hash: str) -> None:
    """Seal entry (seq, hash); call inside a transaction. An entry already sealed keeps its seal."""
    db.execute(
        "INSERT INTO audit_seals (seq, mac) VALUES (?, ?) ON CONFLICT (seq) DO NOTHING",
        [seq, seal_mac(key, seq, entry_hash)],
    )


def open_key(db: Database, data_key: bytes) -> bytes | None:
    """At unlock, inside a transaction: the audit key (made and wrapped under the data key the
    first time) and the head sealed. Returns None when the key is gone although seals exist,
    or does not unwrap: then nothing is sealed and `verify` reports `no_key`."""
    stored = db.execute("SELECT value FROM meta WHERE key = ?", [AUDIT_KEY_META]).fetchone()
    if stored is not None:
        try:
            key = crypto.unwrap_key(data_key, base64.b64decode(stored[0]), "audit")
        except (crypto.WrongKey, binascii.Error):
            return None
    elif db.execute("SELECT 1 FROM audit_seals LIMIT 1").fetchone() is not None:
        return None  # seals exist, so the key was removed
    else:  # a new store, or the first unlock after 0004_audit_key: the chain so far is trusted
        key = crypto.new_key()
        wrapped = base64.b64encode(crypto.wrap_key(data_key, key, "audit")).decode("ascii")
        db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", [AUDIT_KEY_META, wrapped])
        return _seal_head(db, key)
    if _unsealed_tail_is_locked_only(db):
        _seal_head(db, key)
    return key


def _seal_head(db: Sql, key: bytes) -> bytes:
    seq, entry_hash = head(db)
    if seq:
        seal(db, key, seq, entry_hash)
    return key


def _unsealed_tail_is_locked_only(db: Sql) -> bool:
    """Whether every entry after the newest seal is of a kind written while locked (sealing
    over anything else would bless entries whose seals were removed)."""
    last_seal = db.execute("SELECT max(seq) FROM audit_seals").fetchone()[0] or 0
    actions = db.execute("SELECT DISTINCT action FROM audit_log WHERE seq > ?", [last_seal])
    return all(row[0] in WRITTEN_LOCKED for row in actions)


@dataclass(frozen=True, slots=True)
class AuditCheck:
    entries: int
    broken_at: int | None = None  # seq of the first entry that does not verify
    # "missing", "prev_hash", "hash"; keyed: "seal", "unsealed", "no_key"; anchored: "anchor"
    # (the hub acknowledged entry `anchor_seq` with another hash, or the chain ends before it);
    # the hub's own log: "head" (the newest entry is not the one last sealed as the head)
    problem: str = ""
    keyed: bool = False  # whether the seals were checked (it needs an unlocked session)
    anchor_seq: int = 0  # the newest entry the hub acknowledged, 0 if none

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def anchors(db: Sql) -> dict[int, AuditAnchor]:
    rows = db.execute("SELECT seq, head, signature FROM audit_anchors")
    return {seq: AuditAnchor(seq, head, bytes.fromhex(signature)) for seq, head, signature in rows}


def keep_anchor(db: Database, anchor: AuditAnchor, *, batch_id: str, at: str) -> None:
    """An anchor from a verified receipt; call inside the transaction applying it. The hub's
    word replaces an anchor for the same entry: it is the witness the log is checked against."""
    db.execute(
        "INSERT OR REPLACE INTO audit_anchors (seq, head, batch_id, acknowledged_at, signature)"
        " VALUES (?, ?, ?, ?, ?)",
        [anchor.seq, anchor.head, batch_id, at, anchor.signature.hex()],
    )


def verify(
    db: Sql,
    *,
    key: bytes | None = None,
    hub_key: Ed25519PublicKey | None = None,
    device_id: str = "",
    written_locked: frozenset[str] = WRITTEN_LOCKED,
    anchored: bool = True,
) -> AuditCheck:
    """Walk the chain; with the audit `key` check the seals, and check every anchor the hub
    acknowledged (its signature too, given the pinned `hub_key` and this `device_id`).
    `written_locked`: the kinds that may follow the last seal; `anchored` False for a log
    that has no anchors (the hub's own, which seals every entry: sync/hub/audit.py)."""
    acknowledged = anchors(db) if anchored else {}
    newest_anchor = max(acknowledged, default=0)
    seals = {seq: mac for seq, mac in db.execute("SELECT seq, mac FROM audit_seals")}
    keyed = key is not None

    def broken(count: int, seq: int, problem: str) -> AuditCheck:
        return AuditCheck(count, seq, problem, keyed, newest_anchor)

    expected_seq, prev_hash, count, unsealed_from = 1, GENESIS, 0, 0
    rows = db.execute(
        "SELECT seq, at, actor, action, subject, details, prev_hash, hash"
        " FROM audit_log ORDER BY seq"
    )
    for seq, at, actor, action, subject, details, stored_prev, stored_hash in rows:
        if seq != expected_seq:
            return broken(count, expected_seq, "missing")
        if stored_prev != prev_hash:
            return broken(count, seq, "prev_hash")
        if _entry_hash(prev_hash, seq, at, actor, action, subject, details) != stored_hash:
            return broken(count, seq, "hash")
        anchor = acknowledged.get(seq)
        if anchor is not None and (
            anchor.head != stored_hash
            or (hub_key is not None and not anchor_signature_valid(hub_key, device_id, anchor))
        ):
            return broken(count, seq, "anchor")
        if key is not None and seq in seals:
            if not hmac.compare_digest(seals[seq], seal_mac(key, seq, stored_hash)):
                return broken(count, seq, "seal")
            unsealed_from = 0
        elif key is not None and action not in written_locked and not unsealed_from:
            unsealed_from = seq
        expected_seq, prev_hash, count = seq + 1, stored_hash, count + 1
    if newest_anchor >= expected_seq:  # cut off after entries the hub already saw
        return broken(count, expected_seq, "anchor")
    if seals and max(seals) >= expected_seq:
        return broken(count, expected_seq, "missing")
    if unsealed_from:
        return broken(count, unsealed_from, "unsealed")
    return AuditCheck(count, keyed=keyed, anchor_seq=newest_anchor)


def verify_unlocked(
    db: Database, key: bytes | None, *, hub_key: Ed25519PublicKey | None, device_id: str
) -> AuditCheck:
    """`verify` for an unlocked session; a session without an audit key (it was removed)
    cannot vouch for any entry, so the check fails at the first."""
    check = verify(db, key=key, hub_key=hub_key, device_id=device_id)
    if key is not None or not check.ok:
        return check
    return AuditCheck(check.entries, 1, "no_key", False, check.anchor_seq)
