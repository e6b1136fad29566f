"""Opening the SQLite file: pragmas, integrity check, named migrations and rolling backups.

Migrations are named steps; each runs in the same transaction as the row that records it, and
a shipped step is never edited. A file that has a step this version does not know was written
by a newer FieldReg and is refused rather than guessed at.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlite_utils import Database

from fieldreg.errors import FieldRegError
from fieldreg.files import atomic_path, write_atomic
from fieldreg.store.schema import MIGRATIONS

DB_FILENAME = "fieldreg.db"
BACKUP_DIRNAME = "backups"
BACKUPS_KEPT = 5  # rolling and pre-migration backups alike, newest first
FULL_MARGIN_BYTES = 1 << 20  # an I/O error with less free than this is a full disk


class StoreError(FieldRegError):
    """The store's and the desk's refusals."""


@dataclass(frozen=True, slots=True)
class DataDir:
    root: Path

    @property
    def db_path(self) -> Path:
        return self.root / DB_FILENAME

    @property
    def backup_dir(self) -> Path:
        return self.root / BACKUP_DIRNAME

    def backups(self) -> list[Path]:
        """Backups, newest first."""
        if not self.backup_dir.is_dir():
            return []
        found = [
            (path.stat().st_mtime_ns, path.name, path)
            for path in self.backup_dir.glob("fieldreg-*.db")
        ]
        return [path for _mtime, _name, path in sorted(found, reverse=True)]


def connect(path: Path) -> Database:
    # isolation_level=None: we issue BEGIN IMMEDIATE ourselves (see transaction()).
    conn = sqlite3.connect(path, timeout=15, isolation_level=None, check_same_thread=False)
    db = Database(conn, execute_plugins=False)
    db.enable_wal()
    # FULL makes each WAL commit durable across power loss, not only across a crash.
    for pragma in ("synchronous=FULL", "foreign_keys=ON", "secure_delete=ON", "temp_store=MEMORY"):
        db.execute(f"PRAGMA {pragma}")
    return db


@contextlib.contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """BEGIN IMMEDIATE ... COMMIT: take the write lock up front so two processes never deadlock."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


class Sql(Protocol):
    """What SQL written for both of the hub's engines needs of a connection (a sqlite_utils
    Database, or sync/hub/storage/postgres.py's PgDb): `execute` with `?` placeholders."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Any: ...


def read_meta(db: Sql, key: str) -> str | None:
    """A value from the `meta` table (device and hub alike), or None."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return None if row is None else str(row[0])


def write_meta(db: Sql, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )


def create_database(data_dir: DataDir) -> Database:
    if data_dir.db_path.exists():
        raise StoreError("already_initialised", path=str(data_dir.db_path))
    data_dir.root.mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir.root, 0o700)
    db = connect(data_dir.db_path)
    os.chmod(data_dir.db_path, 0o600)
    apply_migrations(db, data_dir, backup=False)
    return db


Migration = tuple[str, Callable[[Database], None]]


def open_database(
    data_dir: DataDir,
    *,
    clock: Callable[[], dt.datetime],
    migrations: list[Migration] = MIGRATIONS,
    before_migrations: Callable[[Database], object] | None = None,
) -> Database:
    """Open the store, letting SQLite recover first: after a stop mid-way (a crash, or a full
    disk mid-checkpoint) the WAL holds the newest pages and the main file may be shorter than
    its header says until the WAL is checkpointed. Only then is the file checked. A checkpoint
    that meets a full disk is `disk_full` (free space and open again), never `damaged`.
    `before_migrations` runs before any migration, so the backup a migration takes already has
    what it changed (the signing key moved out of the file)."""
    path = data_dir.db_path
    if not path.exists():
        raise StoreError("not_initialised", path=str(data_dir.root))
    try:
        _check_header(path)
        crashed = wal_left_behind(path)
        db = connect(path)
        if not crashed or _checkpoint(db):
            _check_size(path)
        if crashed:
            check_integrity(db)
        if before_migrations is not None:
            before_migrations(db)
        apply_migrations(db, data_dir, backup=True, clock=clock, migrations=migrations)
    except sqlite3.Error as error:
        raise storage_error(data_dir, error) from error
    return db


def _checkpoint(db: Database) -> bool:
    """Copy the WAL's pages into the main file without waiting on anyone (PASSIVE). True when
    all of them moved; False when another connection still needs some (then the WAL covers
    the file's tail, and the integrity check is what tells damage apart)."""
    busy, in_log, moved = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return not busy and in_log == moved


def damaged(data_dir: DataDir, error: sqlite3.DatabaseError) -> StoreError:
    """The error for a damaged file, naming it and the newest backup to restore."""
    backups = data_dir.backups()
    return StoreError(
        "damaged",
        path=str(data_dir.db_path),
        reason=str(error),
        backup=str(backups[0]) if backups else "",
    )


def storage_error(data_dir: DataDir, error: sqlite3.Error) -> StoreError:
    """What a failure inside SQLite means to the user; nothing from sqlite3 crosses the store's
    boundary. A full disk and a busy file are not damage: say so, keep the backup advice for
    real damage."""
    code = getattr(error, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_FULL or (
        code is not None and code & 0xFF == sqlite3.SQLITE_IOERR and disk_is_full(data_dir.root)
    ):
        return StoreError("disk_full", path=str(data_dir.root))
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return StoreError("store_busy", path=str(data_dir.db_path))
    if isinstance(error, sqlite3.DatabaseError):
        return damaged(data_dir, error)
    return damaged(data_dir, sqlite3.DatabaseError(str(error)))


@contextlib.contextmanager
def storage_boundary(root: Path) -> Iterator[None]:
    """Nothing from sqlite3 crosses the store's boundary: inside this block, any SQLite
    failure becomes the store's coded error for the data directory `root`."""
    try:
        yield
    except sqlite3.Error as error:
        raise storage_error(DataDir(root), error) from error


def free_bytes(root: Path) -> int:
    """Free space on the disk holding the data directory (its parent before it exists)."""
    for folder in (root, *root.parents):
        if folder.exists():
            return shutil.disk_usage(folder).free
    return 0


def disk_is_full(root: Path) -> bool:
    """Some writes fail as an I/O error (a truncate, the shared-memory file) rather than as
    SQLITE_FULL; with less than this left, the cause is the full disk."""
    try:
        return free_bytes(root) < FULL_MARGIN_BYTES
    except OSError:
        return False


def wal_left_behind(path: Path) -> bool:
    """A clean close checkpoints and removes the WAL; one left behind means the last run
    stopped mid-way (or another process has the store open): then the file gets checked."""
    wal = Path(str(path) + "-wal")
    return wal.exists() and wal.stat().st_size > 0


def _check_header(path: Path) -> None:
    with open(path, "rb") as handle:
        header = handle.read(100)
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        raise sqlite3.DatabaseError("file is not a database")


def _check_size(path: Path) -> None:
    """Cheap truncation check: the header says how many pages the file must have. Valid only
    when no WAL frames remain to be checkpointed (see open_database)."""
    with open(path, "rb") as handle:
        header = handle.read(100)
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if pages and pages * page_size > path.stat().st_size:
        raise sqlite3.DatabaseError("file is shorter than its header says (truncated)")


def check_integrity(db: Database) -> None:
    """PRAGMA quick_check reads every page: ~0.4 s per 100,000 registrations when cached,
    seconds when not. Run after an unclean stop, and on demand (`fieldreg check`)."""
    result = db.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise sqlite3.DatabaseError(result)


def applied_migrations(db: Database) -> list[str]:
    if "_migrations" not in db.table_names():
        return []
    return [row["name"] for row in db.query("SELECT name FROM _migrations ORDER BY rowid")]


def apply_migrations(
    db: Database,
    data_dir: DataDir,
    *,
    backup: bool,
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    migrations: list[Migration] = MIGRATIONS,
) -> list[str]:
    """Run the steps this file has not had yet. Returns the names applied."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    done = applied_migrations(db)
    known = [name for name, _ in migrations]
    unknown = [name for name in done if name not in known]
    if unknown:
        raise StoreError("newer_version", path=str(data_dir.db_path), migration=unknown[0])
    pending = [(name, step) for name, step in migrations if name not in done]
    if pending and done and backup:
        take_backup(db, data_dir, f"before-{pending[0][0]}", clock())
    for name, step in pending:
        with transaction(db):
            step(db)
            db.execute(
                "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                [name, clock().isoformat()],
            )
    return [name for name, _ in pending]


def take_backup(
    db: Database, data_dir: DataDir, label: str, now: dt.datetime, *, keep_free: int = 0
) -> Path:
    """Copy the live file with SQLite's backup API (consistent even mid-WAL, and the same
    bytes as the store: personal fields stay encrypted), owner-only; keep the newest few.
    Refused (`disk_nearly_full`) when the copy would leave less than `keep_free` bytes free:
    a backup must never be what fills the disk."""
    data_dir.backup_dir.mkdir(mode=0o700, exist_ok=True)
    size = sum(
        Path(str(data_dir.db_path) + suffix).stat().st_size
        for suffix in ("", "-wal")
        if Path(str(data_dir.db_path) + suffix).exists()
    )
    free = free_bytes(data_dir.root)
    if keep_free and free - size < keep_free:
        raise StoreError("disk_nearly_full", path=str(data_dir.root), free_mb=free >> 20)
    stem = f"fieldreg-{now:%Y%m%dT%H%M%S}-{label}"
    target = data_dir.backup_dir / f"{stem}.db"
    for n in range(2, 100):  # the same second and label twice (a fast test, a fast hand)
        if not target.exists():
            break
        target = data_dir.backup_dir / f"{stem}-{n}.db"
    with atomic_path(target) as partial, contextlib.closing(sqlite3.connect(partial)) as copy:
        db.conn.backup(copy)
    for old in data_dir.backups()[BACKUPS_KEPT:]:
        old.unlink()
    return target


def drop_backups_except(data_dir: DataDir, kept: Path) -> None:
    """Delete every backup but `kept` (after a data-key rotation: the older ones still open
    with the passphrase of someone who was disabled)."""
    for old in data_dir.backups():
        if old != kept:
            old.unlink()


def restore_backup(data_dir: DataDir, backup: Path, now: dt.datetime) -> Path:
    """Put a backup in place of the live file. The damaged file is kept aside, never deleted."""
    if not backup.is_file():
        raise StoreError("backup_missing", path=str(backup))
    aside = data_dir.root / f"{DB_FILENAME}.damaged-{now:%Y%m%dT%H%M%S}"
    for suffix in ("", "-wal", "-shm"):
        live = Path(str(data_dir.db_path) + suffix)
        if live.exists():
            os.replace(live, Path(str(aside) + suffix))
    write_atomic(data_dir.db_path, backup.read_bytes())
    return aside
