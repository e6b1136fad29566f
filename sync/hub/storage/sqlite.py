"""The SQLite engine: one file, hub.db, in the hub's data directory (the embedded default)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from fieldreg.store.database import DataDir, apply_migrations, connect, transaction
from sync.hub.schema import HUB_MIGRATIONS

HUB_DB = "hub.db"


class SqliteStorage:
    """One connection shared by the process's threads under a lock; BEGIN IMMEDIATE makes
    every write transaction the only writer, across processes too (several `serve` processes
    on one file agree, as the ownership tests show)."""

    dialect = "sqlite"

    def __init__(self, path: Path, db: Database) -> None:
        self.path = path
        self._db = db
        self._lock = threading.RLock()

    @classmethod
    def open(cls, data_dir: Path) -> SqliteStorage:
        path = data_dir / HUB_DB
        db = connect(path)
        os.chmod(path, 0o600)
        try:
            apply_migrations(db, DataDir(data_dir), backup=False, migrations=HUB_MIGRATIONS)
        except BaseException:
            db.close()
            raise
        return cls(path, db)

    @contextlib.contextmanager
    def write(self) -> Iterator[Database]:
        with self._lock, transaction(self._db):
            yield self._db

    @contextlib.contextmanager
    def read(self) -> Iterator[Database]:
        with self._lock:
            if self._db.conn.in_transaction:  # inside write(): its snapshot already
                yield self._db
                return
            self._db.conn.execute("BEGIN")  # one snapshot for every statement of the block
            try:
                yield self._db
            finally:
                self._db.conn.execute("COMMIT")

    def serialize(self, db: Any, name: str) -> None:
        """BEGIN IMMEDIATE already made this transaction the only writer."""

    def execute_many(self, db: Any, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        db.conn.executemany(sql, rows)

    def stream(self, sql: str, parameters: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
        # its own read connection: the export never holds the lock other requests need
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        try:
            yield from conn.execute(sql, list(parameters))
        finally:
            conn.close()

    def compact(self) -> None:
        """secure_delete (set by `connect`) zeroes freed cells; checkpoint and truncate the
        WAL, VACUUM rewrites every page, and truncate the WAL again."""
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self._db.close()
