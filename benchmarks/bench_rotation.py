"""Data-key rotation at scale: disabling an operator on a store of 100,000 registrations.

    python -m benchmarks.bench_rotation [--quick]

Measures the rotation itself (one transaction: new key sealed to each operator and the
recovery key), the re-encryption that follows (chunks of `REPROTECT_CHUNK` rows, each its own
transaction: records/s and how long one chunk holds the write lock), and the latency of a
registration made meanwhile from a second connection, against the same without a rotation.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter_ns

from benchmarks.bench_store import RecordMaker, validated
from benchmarks.common import NS_PER_MS, Timings, gc_paused, ms, seconds, standalone, table
from fieldreg.store import crypto
from fieldreg.store.key_rotation import REPROTECT_CHUNK
from fieldreg.store.store import Store

COORDINATOR, REGISTRAR = "Bench Coordinator", "Bench Registrar"
PASSPHRASES = {COORDINATOR: "bench-coordinator-lantern-41", REGISTRAR: "bench-registrar-river-73"}
FULL_RECORDS, QUICK_RECORDS = 100_000, 1_000
PROBES = 200  # registrations timed without a rotation (and at most this many during one)


@dataclass
class Results:
    records: int
    rotate_ns: int = 0
    reprotect_ns: int = 0
    chunks: Timings = Timings((0,))
    idle_register: Timings = Timings((0,))
    busy_register: Timings = Timings((0,))


def _register_probes(
    store: Store, maker: RecordMaker, count: int, stop: threading.Event
) -> Timings:
    """Register one record at a time (each its own transaction) through `store`'s connection,
    timing each call, until `count` are done or `stop` is set."""
    session = store.unlock(REGISTRAR, PASSPHRASES[REGISTRAR])
    records = validated(session, maker.batch(count))
    samples = []
    for record in records:
        if stop.is_set():
            break
        start = perf_counter_ns()
        session.register(record, event="Benchmark probe")
        samples.append(perf_counter_ns() - start)
    return Timings(tuple(samples or [0]))


def measure(root: Path, records: int) -> Results:
    res = Results(records)
    kdf = crypto.KdfParams(memory_kib=8 * 1024, iterations=1, lanes=1)  # logins are not measured
    store, _ = Store.create(
        root, operator=COORDINATOR, passphrase=PASSPHRASES[COORDINATOR], kdf=kdf
    )
    coordinator = store.unlock(COORDINATOR, PASSPHRASES[COORDINATOR])
    coordinator.add_operator(REGISTRAR, "registrar", PASSPHRASES[REGISTRAR])
    coordinator.add_operator("Leaving", "registrar", "bench-leaving-mountain-58")
    maker = RecordMaker()
    for start in range(0, records, 10_000):
        batch = maker.batch(min(10_000, records - start))
        coordinator.register_many(validated(coordinator, batch), event="Benchmark bulk load")
    probe_store = Store.open(root, kdf=kdf)
    res.idle_register = _register_probes(probe_store, maker, PROBES, threading.Event())

    with gc_paused():
        start = perf_counter_ns()
        coordinator.set_operator_disabled("Leaving", True)
        res.rotate_ns = perf_counter_ns() - start

    stop = threading.Event()
    busy: list[Timings] = []
    prober = threading.Thread(
        target=lambda: busy.append(_register_probes(probe_store, maker, PROBES, stop))
    )
    chunks = []
    start = perf_counter_ns()
    prober.start()
    while True:
        chunk_start = perf_counter_ns()
        progress = coordinator.reprotect()
        chunks.append(perf_counter_ns() - chunk_start)
        if progress.finished:
            break
    res.reprotect_ns = perf_counter_ns() - start
    stop.set()
    prober.join()
    res.chunks = Timings(tuple(chunks))
    res.busy_register = busy[0]
    probe_store.close()
    store.close()
    return res


def report(res: Results) -> str:
    versions = res.records + res.idle_register.count  # made under the old key
    rate = versions / (res.reprotect_ns / 1e9)
    rows = [
        ("Rotation (new key sealed to 2 operators + recovery)", ms(res.rotate_ns / NS_PER_MS)),
        (
            f"Re-encryption of {versions:,} registrations (chunks of {REPROTECT_CHUNK})",
            seconds(res.reprotect_ns / 1e9),
        ),
        ("Registrations re-encrypted per second", f"{rate:,.0f}"),
        (
            f"One chunk: p50 / p95 / max ({res.chunks.count} chunks)",
            f"{ms(res.chunks.p50_ms)} / {ms(res.chunks.p95_ms)} / {ms(res.chunks.max_ms)}",
        ),
        (
            f"Register, no rotation: p50 / p95 / max ({res.idle_register.count})",
            f"{ms(res.idle_register.p50_ms)} / {ms(res.idle_register.p95_ms)}"
            f" / {ms(res.idle_register.max_ms)}",
        ),
        (
            f"Register during re-encryption: p50 / p95 / max ({res.busy_register.count})",
            f"{ms(res.busy_register.p50_ms)} / {ms(res.busy_register.p95_ms)}"
            f" / {ms(res.busy_register.max_ms)}",
        ),
    ]
    return (
        f"## Data-key rotation ({res.records:,} registrations)\n\n"
        + table(("Measure", "Value"), rows, "lr")
        + "\n\nRegistrations during the re-encryption come from a second connection (as"
        " another process would); in the app both share the one store worker, so a"
        " registration waits for at most one chunk.\n"
    )


def run(records: int | None = None, *, quick: bool = False) -> str:
    count = records or (QUICK_RECORDS if quick else FULL_RECORDS)
    with tempfile.TemporaryDirectory(prefix="fieldreg-bench-rotation-") as tmp:
        return report(measure(Path(tmp) / "store", count))


def main(argv: Sequence[str] | None = None) -> int:
    return standalone(run, __doc__, argv, quick_help=f"{QUICK_RECORDS:,} records, not 100,000")


if __name__ == "__main__":
    sys.exit(main())
