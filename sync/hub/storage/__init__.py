"""Where the hub keeps its data, behind one interface (`Storage`) with two engines: SQLite in
the hub's data directory (the default: one command, nothing to install) and PostgreSQL for a
national hub with several stateless instances (issue 10 item 1). The hub's SQL is written once,
with `?` placeholders and the subset both engines share (ON CONFLICT, CASE, coalesce)."""

from __future__ import annotations

import os
from pathlib import Path

from sync.hub.storage.base import Storage, StorageError

DATABASE_VARIABLE = "FIELDREG_HUB_DATABASE"
SCHEMES = ("postgresql", "postgres")

__all__ = ["DATABASE_VARIABLE", "Storage", "StorageError", "database_from_env", "open_storage"]


def database_from_env() -> str | None:
    return os.environ.get(DATABASE_VARIABLE) or None


def open_storage(data_dir: Path, database: str | None = None) -> Storage:
    """The hub's storage: PostgreSQL when `database` is a postgresql:// URL, else SQLite in
    `data_dir`. The schema is brought up to date (once, however many instances start)."""
    if database:
        scheme = database.partition("://")[0].lower()
        if scheme not in SCHEMES:
            raise StorageError("database_url_invalid", expected="postgresql://user@host:port/db")
        from sync.hub.storage.postgres import PostgresStorage  # psycopg only when asked for

        return PostgresStorage.open(database)
    from sync.hub.storage.sqlite import SqliteStorage

    return SqliteStorage.open(data_dir)
