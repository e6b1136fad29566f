"""Counting facts directly: the reference `Source` (a full recount on the device, the tests'
oracle) and the cube rows that aggregate tables store.

A cube row is (key fields..., dimension, value) -> count, where the key is every field of
`definitions.KEY_FIELDS` and (dimension, value) one of `facts.cells(fact)`. Summing cube rows
gives any count a `Source` answers, as long as it names at most one dimension field.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from fieldreg.errors import FieldRegError
from fieldreg.indicators.channels import Channel
from fieldreg.indicators.definitions import DIMENSION_FIELDS, KEY_FIELDS
from fieldreg.indicators.evaluate import Key, Operations
from fieldreg.indicators.facts import (
    ALL,
    CATEGORY,
    COMMUNE,
    DIMENSIONS,
    DUPLICATE,
    HOUR,
    SERVICE,
    Fact,
    cells,
)
from fieldreg.record import SERVICES

CubeKey = tuple[str, ...]  # KEY_FIELDS values, then dimension and value

# a dimension field -> (the cube dimension it reads, how its value is cut from the row's)
_DIMENSION_OF = {
    "category": ("category", slice(None)),
    "commune": (COMMUNE, slice(None)),
    "district": (COMMUNE, slice(0, 4)),
    "province": (COMMUNE, slice(0, 2)),
    "hour": (HOUR, slice(None)),
    "service": (SERVICE, slice(None)),
    "duplicate": (DUPLICATE, slice(None)),
}


def key_of(fact: Fact) -> tuple[str, ...]:
    return (fact.day, fact.event, fact.channel, fact.bank, fact.operator, fact.device, fact.sex)


def cube(facts: Iterable[Fact]) -> Counter[CubeKey]:
    """The cube rows of these facts, summed."""
    rows: Counter[CubeKey] = Counter()
    for fact in facts:
        key = key_of(fact)
        for dimension, value in cells(fact):
            rows[key + (dimension, value)] += 1
    return rows


class Recount:
    """The cube rows of many registrations, added one at a time from their coded attributes
    (what `cube` gives for their Facts), cheaply: each dimension's (key, value) pairs are
    listed, and counted together (in C) at each `flush`."""

    def __init__(self) -> None:
        self._pairs: dict[str, list[tuple[CubeKey, Any]]] = {d: [] for d in DIMENSIONS}
        self._counted: dict[str, Counter[tuple[CubeKey, Any]]] = {d: Counter() for d in DIMENSIONS}

    def add(
        self, key: CubeKey, category: str, commune: str, hour: str, services: Iterable[str],
        duplicate: bool,
    ) -> None:  # fmt: skip
        """One registration: `key` as `key_of` gives it, `hour` two digits."""
        pairs = self._pairs
        pairs[ALL].append((key, ""))
        pairs[CATEGORY].append((key, category))
        pairs[COMMUNE].append((key, commune))
        pairs[HOUR].append((key, hour))
        pairs[SERVICE].append((key, tuple(services)))  # spread in `rows`, once per kind
        if duplicate:
            pairs[DUPLICATE].append((key, ""))

    def flush(self) -> None:
        for dimension, pairs in self._pairs.items():
            self._counted[dimension].update(pairs)
            pairs.clear()

    def rows(self) -> Counter[CubeKey]:
        self.flush()
        rows: Counter[CubeKey] = Counter()
        for dimension, counted in self._counted.items():
            for (key, value), number in counted.items():
                if dimension == ALL:
                    Channel(key[2], key[3])  # a valid channel, as a Fact's
                if dimension != SERVICE:
                    rows[key + (dimension, value)] += number
                    continue
                for service in SERVICES:  # as fact_of: known ones, each once
                    if service in value:
                        rows[key + (SERVICE, service)] += number
        return rows


def dimension_of(by: Key) -> tuple[str, str, slice]:
    """The one dimension field in `by` (or `all`): (field, cube dimension, cut)."""
    named = [name for name in by if name in DIMENSION_FIELDS]
    if len(named) > 1:
        raise FieldRegError("unsupported_breakdown", fields="+".join(named))
    unknown = [name for name in by if name not in DIMENSION_FIELDS and name not in KEY_FIELDS]
    if unknown:
        raise FieldRegError("unsupported_breakdown", fields="+".join(unknown))
    if not named:
        return "", ALL, slice(None)
    dimension, cut = _DIMENSION_OF[named[0]]
    return named[0], dimension, cut


def count_cube(rows: Iterable[tuple[CubeKey, int]], by: Key) -> dict[Key, int]:
    """`Source.count` over cube rows (key fields, dimension, value) -> count."""
    name, dimension, cut = dimension_of(by)
    positions = [KEY_FIELDS.index(f) if f in KEY_FIELDS else -1 for f in by]
    counted: dict[Key, int] = defaultdict(int)
    for row, number in rows:
        if row[-2] != dimension:
            continue
        value = row[-1][cut]
        counted[tuple(row[p] if p >= 0 else value for p in positions)] += number
    return dict(counted)


class CubeCounts:
    """A `Source` over cube rows in memory: what a full recount computes."""

    def __init__(self, rows: Counter[CubeKey], operations: Operations | None = None) -> None:
        self._cube = rows
        self._operations = operations or Operations()

    def count(self, by: Key) -> dict[Key, int]:
        return count_cube(self._cube.items(), by)

    def operations(self) -> Operations:
        return self._operations

    @property
    def rows(self) -> Counter[CubeKey]:
        return self._cube


class FactCounts(CubeCounts):
    """A `Source` over facts in memory (the tests' oracle)."""

    def __init__(self, facts: Iterable[Fact], operations: Operations | None = None) -> None:
        super().__init__(cube(facts), operations)
