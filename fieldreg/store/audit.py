"""Append-only, hash-chained audit log of who did what. Ids and counts only, never personal data.

Each entry's hash covers the previous entry's hash, so editing, deleting or reordering any row
breaks every link after it; `verify` names the first broken one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

GENESIS = "0" * 64


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
    db: Database,
    *,
    at: str,
    actor: str,
    action: str,
    subject: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    """Add one entry. Call inside the transaction that makes the change it records."""
    last = db.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    details_json = json.dumps(details or {}, sort_keys=True, separators=(",", ":"))
    entry_hash = _entry_hash(prev_hash, seq, at, actor, action, subject, details_json)
    db.execute(
        "INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [seq, at, actor, action, subject, details_json, prev_hash, entry_hash],
    )


@dataclass(frozen=True, slots=True)
class AuditCheck:
    entries: int
    broken_at: int | None = None  # seq of the first entry that does not verify
    problem: str = ""  # "missing", "prev_hash" or "hash"

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(db: Database) -> AuditCheck:
    expected_seq, prev_hash, count = 1, GENESIS, 0
    rows = db.execute(
        "SELECT seq, at, actor, action, subject, details, prev_hash, hash"
        " FROM audit_log ORDER BY seq"
    )
    for seq, at, actor, action, subject, details, stored_prev, stored_hash in rows:
        if seq != expected_seq:
            return AuditCheck(count, expected_seq, "missing")
        if stored_prev != prev_hash:
            return AuditCheck(count, seq, "prev_hash")
        if _entry_hash(prev_hash, seq, at, actor, action, subject, details) != stored_hash:
            return AuditCheck(count, seq, "hash")
        expected_seq, prev_hash, count = seq + 1, stored_hash, count + 1
    return AuditCheck(count)
