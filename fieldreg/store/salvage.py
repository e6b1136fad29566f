"""A coordinator's way out of a damaged store: restore a backup, or salvage what still reads.

Salvage reads the damaged file row by row (rowid ranges, falling back to single rows; the
versions of each registration by its key), skips whatever raises, and writes every readable
row into a new store file with the current schema. Keys and operators come across as they are,
so operators log in with the same passphrases and every record still decrypts. A registration
is kept only with the version it points at; the rest are counted as lost. The damaged file is
kept aside, never deleted. Nothing is decrypted: the rows move as the ciphertext they are.

Both need a coordinator's login, checked against the damaged file while its operators still
read, else against the backup about to be restored; both are audited in the new file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from fieldreg.clock import iso
from fieldreg.files import atomic_path
from fieldreg.store import audit, operators
from fieldreg.store.database import (
    DB_FILENAME,
    DataDir,
    StoreError,
    apply_migrations,
    check_integrity,
    connect,
    open_database,
    restore_backup,
    transaction,
    write_meta,
)
from fieldreg.store.figures import RECOUNT_NEEDED

RANGE = 256  # rows read per rowid range before falling back to one at a time
ROW_TABLES_FIRST = ("meta", "operators", "registrations")  # what the others refer to


@dataclass(frozen=True, slots=True)
class Salvaged:
    """What a salvage saved and lost; `aside` is the damaged file, kept."""

    path: Path
    aside: Path | None
    registrations: int
    registrations_lost: int
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows recovered
    rows_lost: dict[str, int] = field(default_factory=dict)  # table -> rows that raised


def check_coordinator(path: Path, name: str, passphrase: str, now: dt.datetime) -> None:
    """A coordinator's login against the file at `path` (no integrity check: it may be the
    damaged one). Wrong passphrases count and back off as at any login."""
    with contextlib.closing(connect(path)) as db:
        operators.login(db, name, passphrase, now)
        found = operators.get(db, name)
    if found is None or not found.is_coordinator:
        raise StoreError("not_permitted", action="restore")


def store_is_healthy(data_dir: DataDir, now: dt.datetime) -> bool:
    """Opens, migrates and reads every page without an error."""
    try:
        db = open_database(data_dir, clock=lambda: now)
    except StoreError:
        return False
    try:
        check_integrity(db)
    except sqlite3.DatabaseError:
        return False
    finally:
        db.close()
    return True


def login_for_repair(
    data_dir: DataDir, name: str, passphrase: str, now: dt.datetime, backup: Path | None
) -> None:
    """The coordinator's login: on the live file while its operators read, else on `backup`."""
    try:
        if not data_dir.db_path.exists():
            raise sqlite3.DatabaseError("no live file")
        check_coordinator(data_dir.db_path, name, passphrase, now)
    except sqlite3.DatabaseError:
        if backup is None:
            raise
        check_coordinator(backup, name, passphrase, now)


def coordinators(data_dir: DataDir) -> list[str]:
    """Coordinators' names, from the live file while it reads, else from the newest backup
    (for a front end that must ask who is repairing a store it cannot open)."""
    for path in (data_dir.db_path, *data_dir.backups()[:1]):
        if not path.exists():
            continue
        try:
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
                rows = db.execute("SELECT name FROM operators WHERE role = 'coordinator'")
                return [row[0] for row in rows]
        except sqlite3.DatabaseError:
            continue
    return []


@dataclass(frozen=True, slots=True)
class BackupSummary:
    """The newest backup as a coordinator choosing a repair needs it: when it was taken, and
    how many registrations the live file holds beyond it (None when the live file does not
    say: then any made since may be lost)."""

    path: Path
    taken_at: dt.datetime
    registrations: int | None
    since: int | None


def newest_backup(data_dir: DataDir) -> BackupSummary | None:
    """The newest backup, read without opening the live store (it may be damaged).
    Registrations are never deleted, so the live count minus the backup's is what was
    registered after the backup."""
    backups = data_dir.backups()
    if not backups:
        return None
    path = backups[0]
    taken = _taken_at(path)
    in_backup, live = _registration_count(path), _registration_count(data_dir.db_path)
    since = None if in_backup is None or live is None else max(live - in_backup, 0)
    return BackupSummary(path, taken, in_backup, since)


def _taken_at(path: Path) -> dt.datetime:
    """From the name take_backup gives it (the store's clock, UTC), else the file's time."""
    stamp = path.stem.split("-")[1] if path.stem.count("-") >= 2 else ""
    try:
        return dt.datetime.strptime(stamp, "%Y%m%dT%H%M%S").replace(tzinfo=dt.UTC)
    except ValueError:
        return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)


def _registration_count(path: Path) -> int | None:
    if not path.exists():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            return int(db.execute("SELECT count(*) FROM registrations").fetchone()[0])
    except sqlite3.DatabaseError:
        return None


def restore(data_dir: DataDir, backup: Path, *, actor: str, forced: bool, now: dt.datetime) -> Path:
    """Put `backup` in place (the old file kept aside) and audit it in the restored file."""
    aside = restore_backup(data_dir, backup, now)
    with contextlib.closing(connect(data_dir.db_path)) as db, transaction(db):
        audit.append(
            db,
            at=iso(now),
            actor=actor,
            action="backup_restored",
            subject=backup.name,
            details={"forced": forced, "kept_aside": aside.name},
        )
    return aside


def salvage(
    data_dir: DataDir, *, actor: str, now: dt.datetime, out: DataDir | None = None
) -> Salvaged:
    """Rebuild the store from its readable rows: in place (the damaged file kept aside), or
    into the data directory `out`, leaving the damaged store as it is."""
    target = out or data_dir
    if out is not None:
        if out.db_path.exists():
            raise StoreError("already_initialised", path=str(out.db_path))
        out.root.mkdir(mode=0o700, parents=True, exist_ok=True)
    built = target.root / f"{DB_FILENAME}.salvaged"
    with atomic_path(built) as partial:
        result = _build(data_dir.db_path, partial, target, actor=actor, now=now)
    aside = None
    if out is None:
        aside = _keep_aside(data_dir, now)
    os.replace(built, target.db_path)
    return Salvaged(
        target.db_path,
        aside,
        result.registrations,
        result.registrations_lost,
        result.rows,
        result.rows_lost,
    )


def _build(
    damaged: Path, partial: Path, target: DataDir, *, actor: str, now: dt.datetime
) -> _Tally:
    """The new file at `partial`: the current schema, every readable row, an audit entry."""
    fresh = connect(partial)
    try:
        with contextlib.closing(sqlite3.connect(damaged)) as source:
            apply_migrations(fresh, target, backup=False, clock=lambda: now)
            result = _copy(source, fresh)
        with transaction(fresh):
            audit.append(
                fresh,
                at=iso(now),
                actor=actor,
                action="salvaged",
                details={
                    "registrations": result.registrations,
                    "registrations_lost": result.registrations_lost,
                },
            )
    finally:
        fresh.close()
    return result


def _keep_aside(data_dir: DataDir, now: dt.datetime) -> Path:
    aside = data_dir.root / f"{DB_FILENAME}.damaged-{now:%Y%m%dT%H%M%S}"
    for suffix in ("", "-wal", "-shm"):
        live = Path(str(data_dir.db_path) + suffix)
        if live.exists():
            os.replace(live, Path(str(aside) + suffix))
    return aside


# -- reading what still reads ---------------------------------------------------------------


@dataclass
class _Tally:
    registrations: int = 0
    registrations_lost: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    rows_lost: dict[str, int] = field(default_factory=dict)

    def count(self, table: str, recovered: int, lost: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + recovered
        self.rows_lost[table] = self.rows_lost.get(table, 0) + lost


def _copy(source: sqlite3.Connection, fresh: Database) -> _Tally:
    tally = _Tally()
    wanted = [name for name in fresh.table_names() if name != "_migrations"]
    present = set(_tables(source))
    order = [t for t in ROW_TABLES_FIRST if t in wanted] + [
        t for t in wanted if t not in ROW_TABLES_FIRST
    ]
    with transaction(fresh):
        for table in order:
            if table not in present or table in ("registration_versions", "figures"):
                continue
            if table == "registrations":
                _copy_registrations(source, fresh, tally)
            else:
                _copy_table(source, fresh, table, tally)
        if tally.registrations:  # the figures count what was saved: recounted at next login
            write_meta(fresh, RECOUNT_NEEDED, "1")
    return tally


def _tables(source: sqlite3.Connection) -> list[str]:
    try:
        listed = source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return [row[0] for row in listed]
    except sqlite3.DatabaseError:
        return list(ROW_TABLES_FIRST) + ["registration_versions"]


def _columns(source: sqlite3.Connection, fresh: Database, table: str) -> list[str]:
    old = {row[1] for row in source.execute(f"PRAGMA table_info({table})")}
    return [c.name for c in fresh[table].columns if c.name in old]


def _max_rowid(source: sqlite3.Connection, table: str) -> int | None:
    """The largest rowid; 0 when it does not read; None for a table without rowids."""
    try:
        return int(source.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0)
    except sqlite3.OperationalError as error:
        return None if "rowid" in str(error) else 0
    except sqlite3.DatabaseError:
        return 0


def _scanned_rows(source: sqlite3.Connection, table: str, columns: list[str]) -> Iterator[Any]:
    """A table without rowids (none of ours but registration_versions, read by key): in key
    order until the first row that raises, which stands for all it hides."""
    cursor = source.execute(f"SELECT {', '.join(columns)} FROM {table}")
    while True:
        try:
            row = cursor.fetchone()
        except sqlite3.DatabaseError:
            yield None
            return
        if row is None:
            return
        yield row


def _readable_rows(source: sqlite3.Connection, table: str, columns: list[str]) -> Iterator[Any]:
    """Every row that reads, by rowid ranges; a range that raises is read one rowid at a
    time. Yields rows, and None for each rowid that raised."""
    select = f"SELECT {', '.join(columns)} FROM {table} WHERE rowid"
    top = _max_rowid(source, table)
    if top is None:
        yield from _scanned_rows(source, table, columns)
        return
    for start in range(1, top + 1, RANGE):
        end = min(start + RANGE - 1, top)
        try:
            rows = source.execute(f"{select} BETWEEN ? AND ?", [start, end]).fetchall()
        except sqlite3.DatabaseError:
            rows = None
        if rows is not None:
            yield from rows
            continue
        for rowid in range(start, end + 1):
            try:
                yield from source.execute(f"{select} = ?", [rowid]).fetchall()
            except sqlite3.DatabaseError:
                yield None


def _insert(fresh: Database, table: str, columns: list[str], row: Any) -> bool:
    marks = ", ".join("?" for _ in columns)
    try:
        fresh.execute(
            f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES ({marks})", list(row)
        )
    except sqlite3.IntegrityError:
        return False
    return True


def _copy_table(source: sqlite3.Connection, fresh: Database, table: str, tally: _Tally) -> None:
    columns = _columns(source, fresh, table)
    recovered = lost = 0
    for row in _readable_rows(source, table, columns):
        if row is not None and _insert(fresh, table, columns, row):
            recovered += 1
        else:
            lost += 1
    tally.count(table, recovered, lost)


def _copy_registrations(source: sqlite3.Connection, fresh: Database, tally: _Tally) -> None:
    """A registration comes across only with the version it points at (else nothing would
    open it); its readable versions come with it, looked up by key."""
    columns = _columns(source, fresh, "registrations")
    version_columns = _columns(source, fresh, "registration_versions")
    id_at, version_at = columns.index("id"), columns.index("version")
    kept_at = version_columns.index("version")
    select = (
        f"SELECT {', '.join(version_columns)} FROM registration_versions"
        " WHERE registration_id = ? AND version = ?"
    )
    lost_rows = 0
    for row in _readable_rows(source, "registrations", columns):
        if row is None:
            tally.registrations_lost += 1
            continue
        versions = []
        for version in range(1, int(row[version_at]) + 1):
            try:
                versions += source.execute(select, [row[id_at], version]).fetchall()
            except sqlite3.DatabaseError:
                lost_rows += 1
        current = [v for v in versions if v[kept_at] == row[version_at]]
        if not current or not _insert(fresh, "registrations", columns, row):
            tally.registrations_lost += 1
            continue
        for version_row in versions:
            _insert(fresh, "registration_versions", version_columns, version_row)
        tally.registrations += 1
        tally.count("registration_versions", len(versions), 0)
    tally.count("registrations", tally.registrations, tally.registrations_lost)
    tally.count("registration_versions", 0, lost_rows)
