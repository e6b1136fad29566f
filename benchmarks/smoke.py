"""A quick run of the benchmark harness for CI (well under 30 s): does it still work?

    python -m benchmarks.smoke

Small sizes, output printed, docs/benchmarks.md left alone. The verdicts are not checked:
timings on a shared CI runner say little, so this exits 0 unless the harness itself breaks.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import time

from benchmarks import bench_store


def main() -> int:
    start = time.perf_counter()
    print(bench_store.run(records=1000, samples=100))
    if importlib.util.find_spec("benchmarks.bench_gazetteer") is not None:
        bench_gazetteer = importlib.import_module("benchmarks.bench_gazetteer")
        print()
        print(bench_gazetteer.run())
    for name in (
        "bench_scan",
        "bench_sync",
        "bench_startup",
        "bench_ui",
        "bench_rotation",
        "bench_export",
        "bench_hub_scale",
    ):
        if importlib.util.find_spec(f"benchmarks.{name}") is not None:
            print()
            print(importlib.import_module(f"benchmarks.{name}").run(quick=True))
    print(f"\nbenchmark smoke run: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
