"""The hub's own audit log: what its operators did, in the hub's database.

The same append-only hash chain as a device's log (fieldreg/store/audit.py writes and checks
both), so an edited, deleted or reordered entry fails `fieldreg-hub audit --verify`. Entries
name device ids, token-hash prefixes and counts, never a registration's contents. Until the
hub has user accounts, the actor is the operating-system user who ran `fieldreg-hub`.
"""

from __future__ import annotations

import getpass
import json
import os
from typing import Any

from sqlite_utils import Database

from fieldreg.store import audit as chain

# the actions the hub records
TOKEN_ISSUED = "token_issued"
DEVICE_REVOKED = "device_revoked"
DEVICE_REKEYED = "device_rekeyed"  # a re-key token replaced a device's key
DEVICE_QUARANTINED = "device_quarantined"
DEVICE_RELEASED = "device_released"
EXPORT = "export"
IMPORT = "import"

record = chain.append  # call inside the transaction that makes the change it records
verify = chain.verify


def os_user() -> str:
    """Who runs this process, as the OS knows them (a container's user may have no name)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def entries(db: Database) -> list[dict[str, Any]]:
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
