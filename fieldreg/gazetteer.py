"""Cambodia's administrative gazetteer: province > district > commune > village.

Loads the four CSVs in resources/data/gazetteer (codes kept as text) and answers
look-ups, lineage and type-ahead search. Standard library only; no Qt.

Search keeps one sorted list of normalised name keys, so a query is two `bisect`
calls plus a sort of the matching row numbers, never a scan of every name.
"""

from __future__ import annotations

import csv
import re
import threading
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter
from pathlib import Path

from fieldreg.resources import resource_path

LEVELS = ("province", "district", "commune", "village")
_LEVEL_BY_LENGTH = {2: "province", 4: "district", 6: "commune", 8: "village"}
_LENGTH_BY_LEVEL = {level: n for n, level in _LEVEL_BY_LENGTH.items()}
_FILES = ("provinces.csv", "districts.csv", "communes.csv", "villages.csv")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\ufeff]")
_LATIN_MARKS = re.compile("[\u0300-\u036f]")  # combining accents, split off by NFKD
_TOP = "\U0010ffff"  # sorts after every character: key < q + _TOP for every key starting with q

# Match ranks, best first.
_EXACT, _PREFIX, _WORD = 0, 1, 2


def normalise(text: str) -> str:
    """The search key for a name or for the user's input (both go through this)."""
    if text.isascii():
        return " ".join(text.lower().split())
    text = _ZERO_WIDTH.sub("", text).casefold()
    text = _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", text))
    return " ".join(text.split())


def level_of(code: str) -> str:
    """'province', 'district', 'commune' or 'village' from the length of a code."""
    try:
        return _LEVEL_BY_LENGTH[len(code)]
    except KeyError:
        raise ValueError(f"not a gazetteer code: {code!r}") from None


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    parent_code: str  # "" for provinces
    name_km: str
    name_en: str  # "" for the one village without a Latin name (02010508)
    type: str
    type_km: str
    type_latin: str
    level: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", level_of(self.code))


def display_name(place: Place, lang: str = "km") -> str:
    """'km': unit word + Khmer name (ស្រុកមង្គលបូរី); otherwise the Latin name.

    661 village names already start with ភូមិ (ភូមិ ២), so the word is not doubled.
    The Latin name falls back to the Khmer one when it is empty.
    """
    if lang == "km":
        if place.name_km.startswith(place.type_km):
            return place.name_km
        return place.type_km + place.name_km
    return place.name_en or place.name_km


class Gazetteer:
    def __init__(self, places: Iterable[Place]) -> None:
        # Row order is (level, code): a level, or the descendants of a code at one
        # level, is then one contiguous run of row numbers.
        self._places = sorted(places, key=lambda p: (len(p.code), p.code))
        self._codes = [p.code for p in self._places]
        self._by_code = {p.code: p for p in self._places}
        self._children: dict[str, list[Place]] = {}
        for place in self._places:
            self._children.setdefault(place.parent_code, []).append(place)
        self._level_rows = _level_rows(self._places)
        names, words = _search_keys(self._places)
        self._names, self._name_rows = _sorted_index(names)
        self._words, self._word_rows = _sorted_index(words)

    @classmethod
    def from_csv(cls, directory: Path) -> Gazetteer:
        return cls(place for name in _FILES for place in _read_places(directory / name))

    def __len__(self) -> int:
        return len(self._places)

    def get(self, code: str) -> Place | None:
        return self._by_code.get(code)

    def children(self, code: str) -> list[Place]:
        """The units directly under `code` in code order; the provinces for ""."""
        return list(self._children.get(code, ()))

    def lineage(self, code: str) -> list[Place]:
        """Province, district, ... down to the place itself; [] for an unknown code."""
        if code not in self._by_code:
            return []
        return [self._by_code[code[:n]] for n in range(2, len(code) + 1, 2)]

    def is_village(self, code: str) -> bool:
        place = self._by_code.get(code)
        return place is not None and place.level == "village"

    def count(self, level: str) -> int:
        start, stop = self._level_rows[level]
        return stop - start

    def search(
        self, text: str, *, level: str | None = None, within: str | None = None, limit: int = 20
    ) -> list[Place]:
        """Type-ahead search on the start of the Khmer or Latin name, or of a Latin word.

        Order: exact name, then name prefix, then word prefix; inside each, provinces
        before districts before communes before villages, then by code. `within`
        keeps the places strictly below that code.
        """
        query = normalise(text)
        if not query or limit <= 0:
            return []
        lo, hi = _prefix_range(self._names, query)
        exact_end = bisect_right(self._names, query, lo, hi)
        exact = set(self._name_rows[lo:exact_end])
        prefix = set(self._name_rows[exact_end:hi]) - exact
        word_lo, word_hi = _prefix_range(self._words, query)
        word = set(self._word_rows[word_lo:word_hi]) - exact - prefix
        allowed = self._allowed_rows(level, within)
        rows: list[int] = []
        for group in (exact, prefix, word):
            rows += _take(sorted(group), allowed, limit - len(rows))
            if len(rows) >= limit:
                break
        return [self._places[row] for row in rows]

    def _allowed_rows(self, level: str | None, within: str | None) -> list[tuple[int, int]]:
        """Ascending, disjoint row ranges that pass the `level` and `within` filters."""
        if level is not None and level not in self._level_rows:
            raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}")
        ranges: list[tuple[int, int]] = []
        for name in [level] if level else LEVELS:
            start, stop = self._level_rows[name]
            if within is not None:
                if _LENGTH_BY_LEVEL[name] <= len(within):
                    continue
                start, stop = _prefix_range(self._codes, within, start, stop)
            ranges.append((start, stop))
        return ranges


def _prefix_range(
    keys: list[str], prefix: str, lo: int = 0, hi: int | None = None
) -> tuple[int, int]:
    """Start and stop of the keys that start with `prefix` in a sorted list."""
    hi = len(keys) if hi is None else hi
    return bisect_left(keys, prefix, lo, hi), bisect_left(keys, prefix + _TOP, lo, hi)


def _level_rows(places: list[Place]) -> dict[str, tuple[int, int]]:
    """Start and stop row of each level in rows sorted by (level, code)."""
    rows = dict.fromkeys(LEVELS, (0, 0))
    for row, place in enumerate(places):
        start = rows[place.level][0] if rows[place.level][1] else row
        rows[place.level] = (start, row + 1)
    return rows


def _take(rows: list[int], allowed: list[tuple[int, int]], limit: int) -> list[int]:
    """Up to `limit` of the sorted `rows` that fall inside the allowed ranges, in order."""
    taken: list[int] = []
    for start, stop in allowed:
        taken += rows[bisect_left(rows, start) : bisect_left(rows, stop)]
        if len(taken) >= limit:
            break
    return taken[:limit]


def _search_keys(places: list[Place]) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(key, row) pairs: every Khmer and Latin name, and every Latin name from its
    second word on ('penh' for 'Phnom Penh')."""
    names: list[tuple[str, int]] = []
    words: list[tuple[str, int]] = []
    for row, place in enumerate(places):
        names.append((normalise(place.name_km), row))
        if not place.name_en:
            continue
        latin = normalise(place.name_en)
        names.append((latin, row))
        space = latin.find(" ")
        while space >= 0:
            words.append((latin[space + 1 :], row))
            space = latin.find(" ", space + 1)
    return names, words


def _sorted_index(pairs: list[tuple[str, int]]) -> tuple[list[str], list[int]]:
    """Keys in sorted order, and the row each one belongs to."""
    keys = [key for key, _ in pairs]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    return [keys[i] for i in order], [pairs[i][1] for i in order]


_COLUMNS = ("code", "parent_code", "name_km", "name_en", "type", "type_km", "type_latin")


def _read_places(path: Path) -> list[Place]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        header = next(rows)
        at = [header.index(column) for column in _COLUMNS]
        pick = itemgetter(*at)
        return [Place(*pick(row)) for row in rows]


_LOADING = threading.Lock()


def load_gazetteer() -> Gazetteer:
    """The shipped gazetteer, loaded once per process: the first of the threads that ask at
    once loads it, the others wait for it (each loading its own copy took 20 copies' memory
    and CPU when a hub's first batches arrived together)."""
    with _LOADING:
        return _load_gazetteer()


@cache
def _load_gazetteer() -> Gazetteer:
    return Gazetteer.from_csv(resource_path("data", "gazetteer"))


@cache
def load_isic_sections() -> dict[str, str]:
    """ISIC Rev.4 section letter -> English title ('A' -> 'Agriculture, forestry and fishing')."""
    path = resource_path("data", "reference", "isic4_sections.csv")
    with path.open(encoding="utf-8", newline="") as f:
        return {r["section"]: r["title_en"] for r in csv.DictReader(f)}
