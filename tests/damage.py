"""Damage a store file as a bad disk leaves it (for the salvage, restore and Repair tests)."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path


def damage_a_versions_page(path: Path) -> None:
    """Garbage over one leaf page of registration_versions, as a bad sector leaves it."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        leaves = [
            row[0]
            for row in db.execute(
                "SELECT pageno FROM dbstat WHERE name = 'registration_versions'"
                " AND pagetype = 'leaf' ORDER BY pageno"
            )
        ]
    page = leaves[len(leaves) // 2]
    with open(path, "r+b") as handle:
        handle.seek((page - 1) * page_size + 8)
        handle.write(b"\xa5" * (page_size - 8))


def leave_a_wal_behind(path: Path) -> None:
    """What a power cut leaves: a WAL file, so the next open checks the whole file (and a bad
    page anywhere makes the store refuse to open)."""
    Path(str(path) + "-wal").write_bytes(b"\x00" * 32)
