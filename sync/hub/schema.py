"""The hub's SQLite schema as named migration steps (the same runner as the device's store)."""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database

from fieldreg.store.schema import statements_step

_INITIAL = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE tokens (
        token_hash TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT,
        used_by TEXT
    )""",
    """CREATE TABLE devices (
        device_id TEXT PRIMARY KEY,
        public_key BLOB NOT NULL,
        enrolled_at TEXT NOT NULL,
        revoked_at TEXT
    )""",
    """CREATE TABLE batches (
        batch_id TEXT PRIMARY KEY,
        device_id TEXT NOT NULL REFERENCES devices (device_id),
        sha256 TEXT NOT NULL,
        received_at TEXT NOT NULL,
        transport TEXT NOT NULL,
        client TEXT NOT NULL DEFAULT '',
        packets INTEGER NOT NULL,
        receipt BLOB NOT NULL
    )""",
    # Packets stay sealed at rest; the hub opens them to validate and to export.
    """CREATE TABLE packets (
        registration_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        device_id TEXT NOT NULL,
        batch_id TEXT NOT NULL,
        received_at TEXT NOT NULL,
        sealed BLOB NOT NULL,
        plaintext_sha256 TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
        code TEXT NOT NULL DEFAULT '',
        reason TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (registration_id, version)
    ) WITHOUT ROWID""",
    "CREATE INDEX packets_by_device ON packets (device_id, outcome)",
]


# The newest audit-chain head each device has sent (issue 9 item 12): signed back in the
# receipt, it lets the device prove its log was not cut or rewritten after the hub saw it.
# `conflicts` counts heads that came for a seq already anchored with another hash.
_AUDIT_ANCHOR = [
    """CREATE TABLE device_audit_anchors (
        device_id TEXT PRIMARY KEY REFERENCES devices (device_id),
        seq INTEGER NOT NULL,
        head TEXT NOT NULL,
        batch_id TEXT NOT NULL,
        received_at TEXT NOT NULL,
        conflicts INTEGER NOT NULL DEFAULT 0
    )""",
]


HUB_MIGRATIONS: list[tuple[str, Callable[[Database], None]]] = [
    ("hub_0001_initial", statements_step(_INITIAL)),
    ("hub_0005_audit_anchor", statements_step(_AUDIT_ANCHOR)),
]
