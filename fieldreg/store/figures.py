"""The device's aggregate table of M&E figures (issue 11), and the `Source`s read from it.

`figures` holds the cube rows `tally.cube()` makes from the facts of the current version of
every registration: (dimension, key fields, value) -> count. It is kept in the transaction that
finalises or corrects a registration, so it always equals a full recount, and it holds counts
of coded attributes only (no name, ID number, phone, date of birth, village or registration
id). `CubeSource` answers `evaluate()` with SQL over it; the operations come from two more
tables kept the same way: `figures_status` (sync statuses, by triggers) and `figures_lag`
(finalise -> acknowledgement minutes, at each receipt). A recount checks all three against
the decrypted records, the registrations and the outbox.

A store that held registrations before the table existed (migration 0005_figures) cannot be
counted without the data key: the migration leaves meta `figures_recount_needed`, and the
next login fills the table by a full recount (`Session.rebuild_figures`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fieldreg.clock import iso
from fieldreg.indicators.definitions import KEY_FIELDS
from fieldreg.indicators.evaluate import Key, Operations, evaluate
from fieldreg.indicators.facts import CAMBODIA, Fact, cells
from fieldreg.indicators.scope import FigureScope
from fieldreg.indicators.tally import CubeCounts, CubeKey, dimension_of, key_of
from fieldreg.store.database import Sql, read_meta
from fieldreg.store.schema import LAG_SELECT

RECOUNT_NEEDED = "figures_recount_needed"
_COLUMNS = (*KEY_FIELDS, "dimension", "value")  # a CubeKey's order (tally.cube)
_MARKS = ", ".join("?" * len(_COLUMNS))


# -- keeping the table ------------------------------------------------------------------------


def cube_rows(fact: Fact) -> list[CubeKey]:
    key = key_of(fact)
    return [key + cell for cell in cells(fact)]


def add(db: Sql, fact: Fact, delta: int = 1) -> None:
    """Add `delta` (1 at finalise, -1 for a version a correction replaces) to every cube row
    of `fact`; a row reaching 0 goes. Call inside the change's own transaction."""
    where = " AND ".join(f"{name} = ?" for name in _COLUMNS)
    for row in cube_rows(fact):
        if delta > 0:
            db.execute(
                f"INSERT INTO figures ({', '.join(_COLUMNS)}, count) VALUES ({_MARKS}, ?)"
                f" ON CONFLICT ({', '.join(_COLUMNS)}) DO UPDATE SET count = count + ?",
                [*row, delta, delta],
            )
            continue
        # a row going to 0 goes first; otherwise it is lowered (never both: one matches)
        db.execute(f"DELETE FROM figures WHERE {where} AND count <= ?", [*row, -delta])
        db.execute(
            f"UPDATE figures SET count = count + ? WHERE {where} AND count > ?",
            [delta, *row, -delta],
        )


def stored_cube(db: Sql) -> Counter[CubeKey]:
    """The whole table, as tally.cube() would give it."""
    rows = db.execute(f"SELECT {', '.join(_COLUMNS)}, count FROM figures")
    return Counter({tuple(row[:-1]): int(row[-1]) for row in rows})


def replace_cube(db: Sql, rows: Counter[CubeKey]) -> None:
    """Make the table hold exactly `rows` (inside the caller's transaction)."""
    db.execute("DELETE FROM figures")
    for key, number in rows.items():
        db.execute(
            f"INSERT INTO figures ({', '.join(_COLUMNS)}, count) VALUES ({_MARKS}, ?)",
            [*key, number],
        )
    db.execute("DELETE FROM meta WHERE key = ?", [RECOUNT_NEEDED])


def recount_needed(db: Sql) -> bool:
    return read_meta(db, RECOUNT_NEEDED) is not None


# -- reading it -------------------------------------------------------------------------------


def _utc_bound(day: str, end: bool) -> str:
    """The stored created_at (ISO UTC, `Z`) at which a Cambodia day starts (or, `end`, at
    which the next one starts)."""
    start = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), CAMBODIA)
    return iso(start + dt.timedelta(days=1) if end else start)


@dataclass(frozen=True, slots=True)
class _Where:
    sql: str
    params: list[Any]


def _cube_where(scope: FigureScope) -> _Where:
    """The scope on a table keyed by event and Cambodia day (the cube, lag and statuses)."""
    return _where(scope, "event", "day >= ?", "day <= ?", lambda day, _end: day)


def _registrations_where(scope: FigureScope) -> _Where:
    """The same scope on the registrations table: Cambodia days as UTC bounds on created_at
    (the text sorts as time), so the (event, created_at) index serves it."""
    return _where(scope, "r.event", "r.created_at >= ?", "r.created_at < ?", _utc_bound)


def _where(
    scope: FigureScope, event: str, since: str, until: str, bound: Callable[[str, bool], str]
) -> _Where:
    clauses, params = [], []
    if scope.events:
        clauses.append(f"{event} IN ({', '.join('?' * len(scope.events))})")
        params += list(scope.events)
    if scope.since:
        clauses.append(since)
        params.append(bound(scope.since, False))
    if scope.until:
        clauses.append(until)
        params.append(bound(scope.until, True))
    return _Where("".join(f" AND {clause}" for clause in clauses), params)


def statuses(db: Sql, scope: FigureScope, *, recount: bool = False) -> dict[str, int]:
    """Sync statuses of the registrations in scope: from the table the triggers keep, or,
    `recount`, counted from the registrations themselves."""
    where = _registrations_where(scope) if recount else _cube_where(scope)
    if recount:
        sql = "SELECT sync_status, count(*) FROM registrations r WHERE 1 = 1{} GROUP BY 1"
    else:
        sql = "SELECT status, sum(count) FROM figures_status WHERE 1 = 1{} GROUP BY 1"
    rows = db.execute(sql.format(where.sql), where.params)
    return {str(status): int(number) for status, number in rows if number}


def operations(db: Sql, scope: FigureScope) -> Operations:
    """Statuses, and the finalise -> acknowledgement lag of the first versions in scope
    from the `figures_lag` table kept at each receipt."""
    where = _cube_where(scope)
    rows = db.execute(
        f"SELECT minutes, sum(count) FROM figures_lag WHERE 1 = 1{where.sql} GROUP BY minutes",
        where.params,
    )
    return Operations(statuses(db, scope), {int(m): int(n) for m, n in rows})


def recounted_operations(db: Sql, scope: FigureScope) -> Operations:
    """The same from the outbox, its batches and the registrations themselves (a recount)."""
    where = _registrations_where(scope)
    rows = db.execute(
        f"SELECT minutes, sum(number) FROM ({LAG_SELECT} WHERE 1 = 1{where.sql}"
        " GROUP BY 1, 2, 3) GROUP BY minutes",
        where.params,
    )
    return Operations(statuses(db, scope, recount=True), {int(m): int(n) for m, n in rows})


def acknowledged(db: Sql, batch_id: str) -> None:
    """Count the lag of the first versions a receipt just acknowledged (its caller holds the
    transaction and calls this once per batch)."""
    db.execute(
        f"INSERT INTO figures_lag (event, day, minutes, count) {LAG_SELECT}"
        " WHERE b.batch_id = ? GROUP BY 1, 2, 3"
        " ON CONFLICT (event, day, minutes) DO UPDATE SET count = count + excluded.count",
        [batch_id],
    )


# what a recount checks besides the cube: each table, the SQL that counts it again from the
# registrations and the outbox, and its key columns
_KEPT = {
    "figures_lag": (
        f"{LAG_SELECT} WHERE 1 = 1 GROUP BY 1, 2, 3",
        ("event", "day", "minutes"),
    ),
    "figures_status": (
        "SELECT event, date(created_at, '+7 hours'), sync_status, count(*) FROM registrations"
        " GROUP BY 1, 2, 3",
        ("event", "day", "status"),
    ),
}


def kept_tables_match(db: Sql) -> bool:
    """Whether the lag and status tables hold what counting again gives."""
    for table, (counting, _keys) in _KEPT.items():
        stored = {tuple(row[:-1]): row[-1] for row in db.execute(f"SELECT * FROM {table}")}
        stored = {key: number for key, number in stored.items() if number}
        if stored != {tuple(row[:-1]): row[-1] for row in db.execute(counting)}:
            return False
    return True


def recount_kept_tables(db: Sql) -> None:
    """Fill the lag and status tables again from the registrations and the outbox."""
    for table, (counting, keys) in _KEPT.items():
        db.execute(f"DELETE FROM {table}")
        db.execute(f"INSERT INTO {table} ({', '.join(keys)}, count) {counting}")


class CubeSource:
    """`evaluate()`'s Source over the `figures` table, restricted to a scope.

    Rows of one dimension are read once per set of key fields, grouped by those fields, sex
    and the dimension's value: a count by fewer of those fields (province, district or
    commune, with or without sex, are all cut from the commune rows) is summed from what was
    read instead of asking SQLite again."""

    def __init__(self, db: Sql, scope: FigureScope) -> None:
        self._db = db
        self._scope = scope
        self._where = _cube_where(scope)
        self._read: dict[str, list[tuple[Key, list[tuple[Any, ...]]]]] = {}

    def count(self, by: Key) -> dict[Key, int]:
        name, dimension, cut = dimension_of(by)
        keys = tuple(field for field in by if field in KEY_FIELDS)
        fields, rows = self._rows(dimension, keys)
        positions = [fields.index(field) if field != name else -1 for field in by]
        counted: dict[Key, int] = defaultdict(int)
        for row in rows:
            value = row[-2][cut]
            counted[tuple(row[p] if p >= 0 else value for p in positions)] += row[-1]
        return dict(counted)

    def _rows(self, dimension: str, keys: Key) -> tuple[Key, list[tuple[Any, ...]]]:
        """Rows (key fields..., value, count) of `dimension` grouped by at least `keys`."""
        for fields, rows in self._read.get(dimension, []):
            if set(keys) <= set(fields):
                return fields, rows
        fields = keys if "sex" in keys else (*keys, "sex")
        group = ", ".join([*fields, "value"])
        # For some events, their rows are a range of the primary key (NOT INDEXED keeps
        # SQLite to it: without ANALYZE it would take the index); for all events, the
        # (dimension, sex, value) index reads a place or value breakdown already grouped.
        if self._scope.events:
            table = "figures NOT INDEXED"
        elif fields == ("sex",):
            table = "figures INDEXED BY figures_by_value"
        else:
            table = "figures"
        rows = self._db.execute(
            f"SELECT {group}, sum(count) FROM {table} WHERE dimension = ?{self._where.sql}"
            f" GROUP BY {group}",
            [dimension, *self._where.params],
        ).fetchall()
        self._read.setdefault(dimension, []).append((fields, rows))
        return fields, rows

    def operations(self) -> Operations:
        return operations(self._db, self._scope)


def in_scope(key: CubeKey, scope: FigureScope) -> bool:
    """Whether a cube row counts registrations of `scope` (its key starts day, event)."""
    day, event = key[0], key[1]
    return (
        (not scope.events or event in scope.events)
        and (not scope.since or day >= scope.since)
        and (not scope.until or day <= scope.until)
    )


def events(db: Sql) -> list[str]:
    """The events the store has registrations for, the most recently used first (registrations
    made with no event are not one): the few events from the cube, each one's newest
    registration found through the (event, created_at) index."""
    rows = db.execute(
        "SELECT e.event FROM (SELECT DISTINCT event FROM figures_status WHERE event <> '') e"
        " ORDER BY (SELECT max(r.created_at) FROM registrations r WHERE r.event = e.event) DESC,"
        " e.event"
    )
    return [str(row[0]) for row in rows]


def figures_of(db: Sql, scope: FigureScope, *, generated_at: str) -> dict[str, Any]:
    """The figures of `scope` from the aggregate table (not suppressed)."""
    return evaluate(CubeSource(db, scope), scope=scope.to_json(), generated_at=generated_at)


def recounted(
    db: Sql, rows: Counter[CubeKey], scope: FigureScope, *, generated_at: str
) -> dict[str, Any]:
    """The same figures computed from a recount's cube rows instead of the table."""
    scoped = Counter({key: number for key, number in rows.items() if in_scope(key, scope)})
    source = CubeCounts(scoped, recounted_operations(db, scope))
    return evaluate(source, scope=scope.to_json(), generated_at=generated_at)
