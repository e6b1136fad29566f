"""The hub's own audit log: what its operators did, in the hub's database.

The same append-only hash chain as a device's log (fieldreg/store/audit.py writes and checks
both), so an edited, deleted or reordered entry fails `fieldreg-hub audit --verify`. Entries
name device ids, token-hash prefixes and counts, never a registration's contents. The actor is
the hub user who logged in ("user:NAME", sync/hub/operators.py); for what needs no hub user (an
import, the first admin's creation, the app's own in-process hub) the operating-system user.

Keyed (issue 9 item 12): only an unlocked hub writes entries, and it seals each one in the
same transaction (the device's seal, under a key derived from the hub's private keys, so not
in hub.db). It also seals the newest entry as the head, under a second derived key, in meta
`audit_head_seal`: a log cut short no longer ends at the sealed head, unless it is put back as
a whole from an older copy of hub.db (that needs an anchor outside the file: the head printed
by `fieldreg-hub audit --verify`, noted elsewhere). Entries written before the key existed are
sealed at the first unlocked start, and that start is itself an entry (`audit_sealed`).
"""

from __future__ import annotations

import getpass
import hmac
import json
import os
from dataclasses import dataclass
from typing import Any

from fieldreg.store import audit as chain
from fieldreg.store.database import read_meta, write_meta
from sync.hub.keys import HubKeys
from sync.hub.storage.base import Db

# the actions the hub records
TOKEN_ISSUED = "token_issued"
DEVICE_REVOKED = "device_revoked"
DEVICE_REKEYED = "device_rekeyed"  # a re-key token replaced a device's key
DEVICE_QUARANTINED = "device_quarantined"
DEVICE_RELEASED = "device_released"
EXPORT = "export"
IMPORT = "import"
INDICATORS = "indicators"  # the M&E figures read (GET /v1/indicators, `fieldreg-hub indicators`)
AUDIT_SEALED = "audit_sealed"  # the entries written before the audit key, sealed at one start

HEAD_SEAL_META = "audit_head_seal"  # "seq:mac" of the newest entry, under the head key
UNSEALED_META = "audit_unsealed_entries"  # set by hub_0007: entries 1..N predate the key
_SEAL_PURPOSE = b"fieldreg/v1/hub-audit-seal"
_HEAD_PURPOSE = b"fieldreg/v1/hub-audit-head"
NOTHING_LOCKED: frozenset[str] = frozenset()  # every hub entry is written by an unlocked hub


@dataclass(frozen=True, slots=True)
class AuditKey:
    """The keys of the hub's audit seals, derived from its private keys. Two, so that no
    entry's seal can pass for the head's."""

    seal: bytes
    head: bytes

    @classmethod
    def of(cls, keys: HubKeys) -> AuditKey:
        return cls(keys.derived_key(_SEAL_PURPOSE), keys.derived_key(_HEAD_PURPOSE))


def record(
    db: Db,
    key: AuditKey,
    *,
    at: str,
    actor: str,
    action: str,
    subject: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    """One sealed entry, and the head sealed at it. Call inside the transaction that makes the
    change it records."""
    chain.append(
        db, at=at, actor=actor, action=action, subject=subject, details=details, key=key.seal
    )
    _seal_head(db, key)


def _seal_head(db: Db, key: AuditKey) -> None:
    seq, entry_hash = chain.head(db)
    write_meta(db, HEAD_SEAL_META, f"{seq}:{chain.seal_mac(key.head, seq, entry_hash)}")


def open_seals(db: Db, key: AuditKey, *, at: str, actor: str) -> None:
    """At an unlocked start, inside a transaction: seal the entries written before the hub had
    an audit key (counted by the migration that made the seals table), once. This trusts
    hub.db as it is at that start; the `audit_sealed` entry says how many it sealed."""
    counted = read_meta(db, UNSEALED_META)
    if counted is None:
        return
    rows = db.execute("SELECT seq, hash FROM audit_log WHERE seq <= ?", [int(counted)])
    for seq, entry_hash in rows.fetchall():
        chain.seal(db, key.seal, seq, entry_hash)
    db.execute("DELETE FROM meta WHERE key = ?", [UNSEALED_META])
    record(db, key, at=at, actor=actor, action=AUDIT_SEALED, details={"entries": int(counted)})


def verify(db: Db, key: AuditKey | None) -> chain.AuditCheck:
    """The chain; with the key also every entry's seal (an entry no seal covers fails as
    `unsealed`) and the sealed head (`head`: the log does not end where it was last sealed)."""
    check = chain.verify(
        db, key=None if key is None else key.seal, written_locked=NOTHING_LOCKED, anchored=False
    )
    if key is None or not check.ok:
        return check
    seq, entry_hash = chain.head(db)
    sealed_seq, _, mac = (read_meta(db, HEAD_SEAL_META) or "0:").partition(":")
    if not sealed_seq.isdigit() or int(sealed_seq) != seq:
        # cut short: the entry after the last one left is missing; else the head is not sealed
        missing = sealed_seq.isdigit() and int(sealed_seq) > seq
        return chain.AuditCheck(check.entries, seq + 1 if missing else max(seq, 1), "head", True)
    if seq and not hmac.compare_digest(mac, chain.seal_mac(key.head, seq, entry_hash)):
        return chain.AuditCheck(check.entries, seq, "head", True)
    return check


def os_user() -> str:
    """Who runs this process, as the OS knows them (a container's user may have no name)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def entries(db: Db) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT seq, at, actor, action, subject, details, hash FROM audit_log ORDER BY seq"
    )
    return [
        {
            "seq": seq,
            "at": at,
            "actor": actor,
            "action": action,
            "subject": subject,
            "details": _details(details),
            "hash": entry_hash,
        }
        for seq, at, actor, action, subject, details, entry_hash in rows
    ]


def _details(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:  # an edited entry is still listed; --verify says it is broken
        return text
