"""Gazetteer load time and type-ahead search latency.

Run: python -m benchmarks.bench_gazetteer   (prints a Markdown section; `run()` returns it)

Queries are what someone types into the village box: prefixes of 1..6 characters of
real Khmer and Latin village names, and prefixes of later Latin words ("penh"), each
searched once without a level and once with level="village". The index is compared
with the naive way: a linear scan with str.startswith over every normalised name.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

from benchmarks.common import Timings, gc_paused, ms, table, verdict
from fieldreg.gazetteer import LEVELS, Gazetteer, Place, normalise
from fieldreg.resources import resource_path

SEED = 2026
SAMPLE_VILLAGES = 150  # about 2,200 queries, 4,400 searches
NAIVE_EVERY = 8  # the naive scan takes ~15 ms a search, so it runs on every 8th
LOAD_RUNS = 5
TARGET_P95_MS = 5.0
TARGET_LOAD_MS = 200.0


class NaiveScan:
    """The floor: normalise every name once, then scan them all for each query."""

    def __init__(self, places: list[Place]) -> None:
        self.rows: list[tuple[int, Place, list[str], list[str]]] = []
        for place in places:
            latin = normalise(place.name_en)
            words = latin.split(" ")
            names = [n for n in (normalise(place.name_km), latin) if n]
            suffixes = [" ".join(words[i:]) for i in range(1, len(words))]
            self.rows.append((LEVELS.index(place.level), place, names, suffixes))

    def search(self, text: str, *, level: str | None = None, limit: int = 20) -> list[Place]:
        query = normalise(text)
        if not query:
            return []
        ranked = []
        for level_index, place, names, suffixes in self.rows:
            if level is not None and place.level != level:
                continue
            if query in names:
                rank = 0
            elif any(name.startswith(query) for name in names):
                rank = 1
            elif any(suffix.startswith(query) for suffix in suffixes):
                rank = 2
            else:
                continue
            ranked.append((rank, level_index, place.code, place))
        ranked.sort(key=lambda r: r[:3])
        return [r[3] for r in ranked[:limit]]


def make_queries(villages: list[Place]) -> list[str]:
    """What the box receives while someone types village names: one query per keystroke
    (prefixes of 1..6 characters) of the Khmer name, the Latin name and a later Latin
    word of random villages, in a fixed random order."""
    rng = random.Random(SEED)
    queries: list[str] = []
    for village in rng.sample(villages, SAMPLE_VILLAGES):
        later_words = village.name_en.split()[1:]
        typed = [village.name_km, village.name_en, *later_words[:1]]
        for name in filter(None, typed):
            queries.extend(dict.fromkeys(name[:n] for n in range(1, 7)))
    rng.shuffle(queries)
    return queries


def time_searches(
    search: Callable[..., list[Place]], searches: list[tuple[str, str | None]]
) -> tuple[Timings, list[list[str]]]:
    """The duration of each search, and the codes each one returned."""
    times, results = [], []
    with gc_paused():
        for text, level in searches:
            start = time.perf_counter_ns()
            found = search(text, level=level)
            times.append(time.perf_counter_ns() - start)
            results.append([p.code for p in found])
    return Timings(tuple(times)), results


def time_load() -> tuple[float, Gazetteer]:
    directory = resource_path("data", "gazetteer")
    times, gaz = [], None
    for _ in range(LOAD_RUNS):
        start = time.perf_counter()
        gaz = Gazetteer.from_csv(directory)
        times.append((time.perf_counter() - start) * 1000)
    assert gaz is not None
    return statistics.median(times), gaz


def run() -> str:
    load_ms, gaz = time_load()
    places = [p for level in LEVELS for p in _all(gaz, level)]
    villages = [p for p in places if p.level == "village"]
    queries = make_queries(villages)
    searches = [(q, level) for q in queries for level in (None, "village")]
    naive = NaiveScan(places)

    time_searches(gaz.search, searches[:200])  # warm up
    fast, fast_results = time_searches(gaz.search, searches)
    subset = searches[::NAIVE_EVERY]
    slow, slow_results = time_searches(naive.search, subset)
    if slow_results != fast_results[::NAIVE_EVERY]:
        raise AssertionError("the index and the naive scan disagree")
    short = Timings(
        tuple(t for t, (q, _) in zip(fast.samples_ns, searches, strict=True) if len(q) == 1)
    )
    rows = [
        ["searches", f"{fast.count:,}", f"{slow.count:,}", ""],
        ["p50", ms(fast.p50_ms), ms(slow.p50_ms), ""],
        [
            "p95",
            ms(fast.p95_ms),
            ms(slow.p95_ms),
            f"≤ {TARGET_P95_MS:g} ms: " + verdict(fast.p95_ms, TARGET_P95_MS),
        ],
        ["max", ms(fast.max_ms), ms(slow.max_ms), ""],
        ["p95, 1-character queries", ms(short.p95_ms), "", ""],
        [
            "load CSVs + build index",
            ms(load_ms),
            "",
            f"≤ {TARGET_LOAD_MS:g} ms: " + verdict(load_ms, TARGET_LOAD_MS),
        ],
    ]
    return "\n".join(
        [
            "## Gazetteer type-ahead",
            "",
            f"`Gazetteer.search` over {len(places):,} places ({len(villages):,} villages). "
            f"Queries: {len(queries):,} keystrokes typing the first 1-6 characters of the "
            f"Khmer name, the Latin name and a later Latin word of {SAMPLE_VILLAGES} random "
            'villages; each searched without a level and with `level="village"`, limit 20. '
            "The naive "
            "floor normalises every name once, then scans them all with `str.startswith` per "
            f"query; it ran on every {NAIVE_EVERY}th search and returned exactly the same "
            f"results. Load time is the median of {LOAD_RUNS} runs of `Gazetteer.from_csv`.",
            "",
            table(
                ["measure", "index (`bisect`)", "naive scan", "target"],
                rows,
                "lrrl",
            ),
            "",
        ]
    )


def _all(gaz: Gazetteer, level: str) -> list[Place]:
    places = gaz.children("")
    for _ in range(LEVELS.index(level)):
        places = [child for p in places for child in gaz.children(p.code)]
    return places


if __name__ == "__main__":
    print(run())
