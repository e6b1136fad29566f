"""The storage interface the hub calls; the engines are sqlite.py and postgres.py."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from fieldreg.errors import FieldRegError
from fieldreg.store.database import Sql


class StorageError(FieldRegError):
    """The database cannot serve: `database_unavailable` (it is down or unreachable),
    `hub_busy` (every connection is in use), `database_url_invalid`."""


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


# A connection inside a transaction: the one method the hub's SQL needs.
Db = Sql


class Storage(Protocol):
    dialect: str  # "sqlite" or "postgresql"

    def write(self) -> AbstractContextManager[Db]:
        """A transaction that may write, committed when the block ends without an error.
        SQLite: the process lock and BEGIN IMMEDIATE (one writer at a time). PostgreSQL: a
        pooled connection; concurrent writers meet at unique constraints and `serialize`."""
        ...

    def read(self) -> AbstractContextManager[Db]:
        """A connection for reading, in one consistent snapshot."""
        ...

    def serialize(self, db: Db, name: str) -> None:
        """Inside `write()`: wait until no other transaction holds `name`, then hold it until
        this one ends (PostgreSQL: a transaction-level advisory lock; SQLite: already so)."""
        ...

    def execute_many(self, db: Db, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Inside `write()`: one statement for many rows (PostgreSQL pipelines them in one
        round trip and parses the statement once)."""
        ...

    def stream(self, sql: str, parameters: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
        """Rows one at a time, never all in memory (a server-side cursor on PostgreSQL, a
        second read connection on SQLite), so an export of millions stays flat."""
        ...

    def compact(self) -> None:
        """Make freed bytes unreadable in the database files (SQLite: VACUUM and the WAL)."""
        ...

    def close(self) -> None: ...
