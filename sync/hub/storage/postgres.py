"""The PostgreSQL engine (>= 15) through psycopg 3 and psycopg-pool: the national hub, any
number of stateless `serve` processes on one database.

Correctness never rests on a lock inside one process: unique constraints with ON CONFLICT
decide races between instances, and the few read-then-write steps (a device's batches, the
audit chain, a token's one use) take a transaction-level advisory lock named after what they
protect. Migrations run once under a session-level advisory lock, however many instances
start together."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import psycopg
import psycopg_pool

from sync.hub.schema import HUB_MIGRATIONS_PG
from sync.hub.storage.base import Db, StorageError

POOL_MIN = 1
POOL_MAX = 10  # per instance; PostgreSQL's default max_connections (100) serves ~9 instances
POOL_TIMEOUT_S = 10.0  # waiting for a free connection, then 503 hub_busy
CONNECT_TIMEOUT_S = 5
STREAM_ROWS = 500  # rows fetched per round trip by a server-side cursor
MIGRATION_LOCK = "fieldreg-hub/migrations"
_PLACEHOLDER = re.compile(r"\?")

Step = Callable[["PgDb"], None]


def _lock_key(name: str) -> int:
    """A signed 64-bit advisory-lock key for a name (the same in every instance)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def _where(url: str) -> str:
    """postgresql://host:port/db of a connection URL, never its user's password."""
    try:
        parts = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql"
    return f"postgresql://{parts.get('host', '')}:{parts.get('port', '')}/{parts.get('dbname', '')}"


def translate(sql: str) -> str:
    """The hub's `?` placeholders as psycopg's `%s` (a literal % doubled first)."""
    return _PLACEHOLDER.sub("%s", sql.replace("%", "%%"))


class PgDb:
    """A connection inside a transaction, speaking the hub's SQL."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> psycopg.Cursor[Any]:
        return self.conn.execute(translate(sql), list(parameters))


@contextlib.contextmanager
def _unavailable() -> Iterator[None]:
    """The database's failures as the hub's answers: 503s a device retries later."""
    try:
        yield
    except psycopg_pool.PoolTimeout:
        raise StorageError("hub_busy", reason="every database connection is in use") from None
    except psycopg.OperationalError:
        raise StorageError("database_unavailable", reason="the database is unreachable") from None


class PostgresStorage:
    dialect = "postgresql"

    def __init__(self, pool: psycopg_pool.ConnectionPool[Any], where: str = "") -> None:
        self._pool = pool
        self.where = where  # the database's address without its password, for messages

    @classmethod
    def open(
        cls, url: str, *, max_size: int = POOL_MAX, timeout_s: float = POOL_TIMEOUT_S
    ) -> PostgresStorage:
        pool: psycopg_pool.ConnectionPool[Any] = psycopg_pool.ConnectionPool(
            url,
            min_size=POOL_MIN,
            max_size=max_size,
            timeout=timeout_s,
            # a connection broken by a database restart is replaced, not handed out
            check=psycopg_pool.ConnectionPool.check_connection,
            kwargs={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "fieldreg-hub"},
            open=False,
        )
        try:
            pool.open(wait=True, timeout=CONNECT_TIMEOUT_S * 2)
        except (psycopg_pool.PoolTimeout, psycopg.OperationalError):
            # no connection could be made at all: the database is away, not busy
            pool.close()
            raise StorageError(
                "database_unavailable", reason="the database is unreachable"
            ) from None
        storage = cls(pool, _where(url))
        try:
            storage.migrate()
        except BaseException:
            pool.close()
            raise
        return storage

    @contextlib.contextmanager
    def write(self) -> Iterator[PgDb]:
        with _unavailable(), self._pool.connection() as conn, conn.transaction():
            yield PgDb(conn)

    @contextlib.contextmanager
    def read(self) -> Iterator[PgDb]:
        with _unavailable(), self._pool.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")  # one snapshot
            yield PgDb(conn)

    def serialize(self, db: Db, name: str) -> None:
        db.execute("SELECT pg_advisory_xact_lock(?)", [_lock_key(name)])

    def execute_many(self, db: Db, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        assert isinstance(db, PgDb)
        with db.conn.cursor() as cursor:
            cursor.executemany(translate(sql), rows)

    def stream(self, sql: str, parameters: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
        with (
            _unavailable(),
            self._pool.connection() as conn,
            conn.transaction(),
            conn.cursor(name="fieldreg_stream") as cursor,
        ):
            cursor.itersize = STREAM_ROWS
            cursor.execute(translate(sql), list(parameters))
            yield from cursor

    def compact(self) -> None:
        """Nothing the hub keeps here ever held a private key (PostgreSQL hubs start after
        the key file existed)."""

    def migrate(self) -> list[str]:
        """Run the steps this database has not had; one instance at a time."""
        applied: list[str] = []
        with _unavailable(), self._pool.connection() as conn:
            conn.autocommit = True
            conn.execute("SELECT pg_advisory_lock(%s)", [_lock_key(MIGRATION_LOCK)])
            try:
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS _migrations"
                    " (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
                )
                done = {row[0] for row in conn.execute("SELECT name FROM _migrations")}
                known = [name for name, _ in HUB_MIGRATIONS_PG]
                unknown = sorted(done - set(known))
                if unknown:
                    raise StorageError("newer_version", path=self.where, migration=unknown[0])
                for name, step in HUB_MIGRATIONS_PG:
                    if name in done:
                        continue
                    with conn.transaction():
                        step(PgDb(conn))
                        conn.execute(
                            "INSERT INTO _migrations (name, applied_at) VALUES (%s, %s)",
                            [name, dt.datetime.now(dt.UTC).isoformat()],
                        )
                    applied.append(name)
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", [_lock_key(MIGRATION_LOCK)])
                conn.autocommit = False
        return applied

    def close(self) -> None:
        self._pool.close()
