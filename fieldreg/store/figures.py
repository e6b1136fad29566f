"""The device's aggregate table of M&E figures (issue 11), and the `Source`s read from it.

`figures` holds the cube rows `tally.cube()` makes from the facts of the current version of
every registration: (dimension, key fields, value) -> count. It is kept in the transaction that
finalises or corrects a registration, so it always equals a full recount, and it holds counts
of coded attributes only (no name, ID number, phone, date of birth, village or registration
id). `CubeSource` answers `evaluate()` with SQL over it; the operations (sync statuses, the
finalise -> acknowledgement lag) come from the registrations and outbox tables.

A store that held registrations before the table existed (migration 0005_figures) cannot be
counted without the data key: the migration leaves meta `figures_recount_needed`, and the
next login fills the table by a full recount (`rebuild`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fieldreg.clock import iso
from fieldreg.indicators.definitions import KEY_FIELDS
from fieldreg.indicators.evaluate import Key, Operations, evaluate
from fieldreg.indicators.facts import CAMBODIA, Fact, cells
from fieldreg.indicators.scope import FigureScope
from fieldreg.indicators.tally import CubeKey, FactCounts, dimension_of, key_of
from fieldreg.store.database import Sql, read_meta
from fieldreg.store.schema import LAG_SELECT

log = logging.getLogger(__name__)

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
    for chunk in _chunks(list(rows.items()), 1000):
        for key, number in chunk:
            db.execute(
                f"INSERT INTO figures ({', '.join(_COLUMNS)}, count) VALUES ({_MARKS}, ?)",
                [*key, number],
            )
    db.execute("DELETE FROM meta WHERE key = ?", [RECOUNT_NEEDED])


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def recount_needed(db: Sql) -> bool:
    return read_meta(db, RECOUNT_NEEDED) is not None


# -- reading it -------------------------------------------------------------------------------


def _utc_bound(day: str, *, end: bool) -> str:
    """The stored created_at (ISO UTC, `Z`) at which a Cambodia day starts (or, `end`, at
    which the next one starts)."""
    start = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), CAMBODIA)
    return iso(start + dt.timedelta(days=1) if end else start)


@dataclass(frozen=True, slots=True)
class _Where:
    sql: str
    params: list[Any]


def _cube_where(scope: FigureScope) -> _Where:
    clauses, params = [], []
    if scope.events:
        clauses.append(f"event IN ({', '.join('?' * len(scope.events))})")
        params += list(scope.events)
    if scope.since:
        clauses.append("day >= ?")
        params.append(scope.since)
    if scope.until:
        clauses.append("day <= ?")
        params.append(scope.until)
    return _Where("".join(f" AND {clause}" for clause in clauses), params)


def _registrations_where(scope: FigureScope, table: str = "r") -> _Where:
    """The same scope on the registrations table: Cambodia days as UTC bounds on created_at
    (the text sorts as time), so the (event, created_at) index serves it."""
    clauses, params = [], []
    if scope.events:
        clauses.append(f"{table}.event IN ({', '.join('?' * len(scope.events))})")
        params += list(scope.events)
    if scope.since:
        clauses.append(f"{table}.created_at >= ?")
        params.append(_utc_bound(scope.since, end=False))
    if scope.until:
        clauses.append(f"{table}.created_at < ?")
        params.append(_utc_bound(scope.until, end=True))
    return _Where("".join(f" AND {clause}" for clause in clauses), params)


def statuses(db: Sql, scope: FigureScope) -> dict[str, int]:
    """Sync statuses of the registrations in scope (an index holds all three columns)."""
    where = _registrations_where(scope)
    rows = db.execute(
        f"SELECT sync_status, count(*) FROM registrations r WHERE 1 = 1{where.sql}"
        " GROUP BY sync_status",
        where.params,
    )
    return {str(status): int(number) for status, number in rows}


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
    return Operations(statuses(db, scope), {int(m): int(n) for m, n in rows})


def acknowledged(db: Sql, batch_id: str) -> None:
    """Count the lag of the first versions a receipt just acknowledged (its caller holds the
    transaction and calls this once per batch)."""
    db.execute(
        f"INSERT INTO figures_lag (event, day, minutes, count) {LAG_SELECT}"
        " WHERE b.batch_id = ? GROUP BY 1, 2, 3"
        " ON CONFLICT (event, day, minutes) DO UPDATE SET count = count + excluded.count",
        [batch_id],
    )


LagKey = tuple[str, str, int]


def stored_lag(db: Sql) -> Counter[LagKey]:
    rows = db.execute("SELECT event, day, minutes, count FROM figures_lag")
    return Counter({(str(e), str(d), int(m)): int(n) for e, d, m, n in rows})


def counted_lag(db: Sql) -> Counter[LagKey]:
    rows = db.execute(f"{LAG_SELECT} WHERE 1 = 1 GROUP BY 1, 2, 3")
    return Counter({(str(e), str(d), int(m)): int(n) for e, d, m, n in rows})


def replace_lag(db: Sql, rows: Counter[LagKey]) -> None:
    db.execute("DELETE FROM figures_lag")
    for (event, day, minutes), number in rows.items():
        db.execute(
            "INSERT INTO figures_lag (event, day, minutes, count) VALUES (?, ?, ?, ?)",
            [event, day, minutes, number],
        )


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
        rows = self._db.execute(
            f"SELECT {group}, sum(count) FROM figures WHERE dimension = ?{self._where.sql}"
            f" GROUP BY {group}",
            [dimension, *self._where.params],
        ).fetchall()
        self._read.setdefault(dimension, []).append((fields, rows))
        return fields, rows

    def operations(self) -> Operations:
        return operations(self._db, self._scope)


def in_scope(fact: Fact, scope: FigureScope) -> bool:
    return (
        (not scope.events or fact.event in scope.events)
        and (not scope.since or fact.day >= scope.since)
        and (not scope.until or fact.day <= scope.until)
    )


def events(db: Sql) -> list[str]:
    """The events the store has registrations for, the most recently used first (registrations
    made with no event are not one)."""
    rows = db.execute(
        "SELECT event FROM registrations WHERE event <> '' GROUP BY event"
        " ORDER BY max(created_at) DESC, event"
    )
    return [str(row[0]) for row in rows]


def figures_of(db: Sql, scope: FigureScope, *, generated_at: str) -> dict[str, Any]:
    """The figures of `scope` from the aggregate table (not suppressed)."""
    return evaluate(CubeSource(db, scope), scope=scope.to_json(), generated_at=generated_at)


def recounted(
    db: Sql, facts: Iterable[Fact], scope: FigureScope, *, generated_at: str
) -> dict[str, Any]:
    """The same figures computed from facts (a full recount) instead of the table."""
    source = FactCounts((f for f in facts if in_scope(f, scope)), recounted_operations(db, scope))
    return evaluate(source, scope=scope.to_json(), generated_at=generated_at)
