"""Device figures benchmark (issue 11): the Figures screen's data at 100,000 registrations.

    python -m benchmarks.bench_figures [--records N] [--quick] [--keep DIR]

Fills a store with N registrations (register_many in chunks, cheap Argon2id, sealed for a
test hub, about 70 % of them acknowledged, 30 days of 20 events on several channels), then
times, on the same store:

- `Desk.figures(scope)` for today's event and for everything: the first (cold) call and the
  median of 5 (target <= 100 ms);
- `Desk.recount_figures()`: every record decrypted and counted again (target <= 2 s);
- the peer way, what a coordinator does today: `fieldreg list --format csv` (decrypt every
  record into a CSV) and count it in Python as a spreadsheet pivot would;
- the aggregate table's share of one finalise (its ~10 upserts), per registration.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import statistics
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter_ns, process_time_ns
from typing import Any

from benchmarks.bench_store import RecordMaker, enrol_test_hub, validated
from benchmarks.common import NS_PER_MS, gc_paused, ms, seconds, size, table, verdict
from fieldreg.clock import iso
from fieldreg.desk import Desk
from fieldreg.desk.upkeep import BACKUP_EVERY
from fieldreg.exports import write_csv
from fieldreg.indicators.channels import BANKS, Channel
from fieldreg.indicators.facts import fact_of
from fieldreg.indicators.scope import FigureScope
from fieldreg.store import figures as store_figures
from fieldreg.store.crypto import KdfParams
from fieldreg.store.database import DB_FILENAME, transaction
from ui.cli.records import LIST_COLUMNS

OPERATOR = "Bench Coordinator"
PASSPHRASE = "benchmark-passphrase-1"
CHEAP_KDF = KdfParams(memory_kib=8 * 1024, iterations=1, lanes=1)
EVENTS = 20
DAYS = 30
CHUNK = 1000
CALLS = 5
SEED = 20261201
OPEN_TARGET_MS = 100.0
RECOUNT_TARGET_S = 2.0
START = dt.datetime(2026, 11, 1, 1, 0, tzinfo=dt.UTC)


class StepClock:
    """The registrations' clock: `records` finalises spread over about DAYS days (the store
    reads the clock about four times per finalise: record, packet, audit entry, batch)."""

    def __init__(self, records: int) -> None:
        self.now = START
        self.step = dt.timedelta(days=DAYS) / max(4 * records, 1)

    def __call__(self) -> dt.datetime:
        self.now += self.step
        return self.now


def _channel(rng: random.Random, n: int) -> Channel:
    if n % 4 == 1:
        return Channel("bank_branch", rng.choice(BANKS))
    return Channel("commune_office" if n % 4 == 2 else "outreach")


def fill(data_dir: Path, records: int, *, nationwide: bool = False) -> tuple[Desk, str]:
    """A store with `records` registrations; returns the coordinator's desk and the newest
    event (today's). An event registers people of one province (a campaign is local), or,
    `nationwide`, of any village in the country (the worst case for the commune rows)."""
    clock = StepClock(records)
    desk = Desk(data_dir, clock=clock, kdf=CHEAP_KDF)
    desk.create(OPERATOR, PASSPHRASE)
    desk.unlock(OPERATOR, PASSPHRASE)
    session = desk._unlocked  # noqa: SLF001 - the benchmark seals for a test hub
    session.set_device_setting(BACKUP_EVERY, 100_000)  # rolling backups would dominate
    enrol_test_hub(session)
    maker, rng = RecordMaker(SEED), random.Random(SEED)
    events = [f"Event {n:02d}" for n in range(EVENTS)]
    per_event = -(-records // EVENTS)
    everywhere = maker.villages
    for n, event in enumerate(events):  # one event after another, as a campaign moves
        province = rng.choice(everywhere)[:2]
        maker.villages = (
            everywhere if nationwide else [code for code in everywhere if code.startswith(province)]
        )
        left = min(per_event, records - n * per_event)
        for start in range(0, left, CHUNK):
            raws = maker.batch(min(CHUNK, left - start))
            desk.register_batch(validated(session, raws), event=event, channel=_channel(rng, n))
    acknowledge(desk, 0.7)
    return desk, events[-1]


def acknowledge(desk: Desk, share: float) -> None:
    """What a sync would leave: the oldest `share` of packets acknowledged in batches of
    1,000, each some minutes after its packets were finalised."""
    db = desk._unlocked.db  # noqa: SLF001 - the benchmark plays the hub's receipts
    outbox = desk._opened.outbox  # noqa: SLF001
    total = outbox.pending_count()
    done = 0
    while done < total * share and (batch := outbox.form_batch(1000)) is not None:
        newest = db.execute(
            "SELECT max(r.created_at) FROM outbox o JOIN registrations r"
            " ON r.id = o.registration_id WHERE o.batch_id = ?",
            [batch],
        ).fetchone()[0]
        acknowledged = iso(dt.datetime.fromisoformat(newest.replace("Z", "+00:00")))
        with transaction(db):
            db.execute("UPDATE outbox SET state = 'acknowledged' WHERE batch_id = ?", [batch])
            db.execute(
                "UPDATE sync_batches SET state = 'acknowledged', acknowledged_at ="
                " strftime('%Y-%m-%dT%H:%M:%fZ', ?, '+37 minutes') WHERE batch_id = ?",
                [acknowledged, batch],
            )
            db.execute(
                "UPDATE registrations SET sync_status = 'synced' WHERE id IN"
                " (SELECT registration_id FROM outbox WHERE batch_id = ?)",
                [batch],
            )
            store_figures.acknowledged(db, batch)  # as Outbox.apply_receipt does
        done += outbox.packet_count(batch)


@dataclass(frozen=True, slots=True)
class Took:
    wall_ms: float
    cpu_ms: float  # this process's CPU time: what a shared, loaded machine disturbs least


def timed(fn: Callable[[], Any]) -> tuple[Took, Any]:
    wall, cpu = perf_counter_ns(), process_time_ns()
    result = fn()
    took = Took((perf_counter_ns() - wall) / NS_PER_MS, (process_time_ns() - cpu) / NS_PER_MS)
    return took, result


def median_of(fn: Callable[[], Any], calls: int = CALLS) -> Took:
    with gc_paused():
        runs = [timed(fn)[0] for _ in range(calls)]
    return Took(
        statistics.median(r.wall_ms for r in runs), statistics.median(r.cpu_ms for r in runs)
    )


def _duration(took: Took) -> str:
    return f"{_ms_or_s(took.wall_ms)} (CPU {_ms_or_s(took.cpu_ms)})"


def _ms_or_s(value_ms: float) -> str:
    return seconds(value_ms / 1000) if value_ms >= 1000 else ms(value_ms)


def peer_way(desk: Desk) -> dict[str, Counter[str]]:
    """`fieldreg list --format csv`, then a pivot of the CSV: every record decrypted."""
    rows = [stored.to_json() for stored in desk.registrations()]
    text = io.StringIO()
    write_csv(text, LIST_COLUMNS, rows)
    text.seek(0)
    pivot: dict[str, Counter[str]] = {
        name: Counter() for name in ("sex", "category", "province", "event", "service")
    }
    for row in csv.DictReader(text):
        pivot["sex"][row["sex"]] += 1
        pivot["category"][row["category"]] += 1
        pivot["province"][row["village_code"][:2]] += 1
        pivot["event"][row["event"]] += 1
        for service in row["services"].split(";"):
            pivot["service"][service] += 1
    return pivot


def cube_update_ms(desk: Desk, samples: int = 500) -> float:
    """The aggregate table's part of one finalise: its upserts for one fact (median), each
    in its own transaction rolled back, so the store is left as it was."""
    session = desk._unlocked  # noqa: SLF001
    record = next(iter(session.registrations())).record
    durations = []
    for n in range(samples):
        fact = fact_of(
            record,
            created_at=iso(START + dt.timedelta(minutes=n)),
            event="Bench finalise",
            channel=Channel(),
            operator=OPERATOR,
            device=desk.device_id,
            duplicate=False,
        )
        session.db.conn.execute("BEGIN IMMEDIATE")
        start = perf_counter_ns()
        store_figures.add(session.db, fact)
        durations.append((perf_counter_ns() - start) / NS_PER_MS)
        session.db.conn.execute("ROLLBACK")
    return statistics.median(durations)


def reopen(data_dir: Path) -> tuple[Desk, str]:
    """A store `fill` made before (--keep, then --reuse): measure it again with this code."""
    desk = Desk(data_dir, kdf=CHEAP_KDF)
    desk.unlock(OPERATOR, PASSPHRASE)
    return desk, desk.figure_events()[0]


def run(records: int, data_dir: Path, *, nationwide: bool = False, reuse: bool = False) -> str:
    if reuse:
        built, (desk, today) = "store filled before", reopen(data_dir)
        records = desk.registration_count()
    else:
        took, (desk, today) = timed(lambda: fill(data_dir, records, nationwide=nationwide))
        built = f"filled in {seconds(took.wall_ms / 1000)}"
    db_size = (data_dir / DB_FILENAME).stat().st_size
    rows = desk._unlocked.db.execute("SELECT count(*) FROM figures").fetchone()[0]  # noqa: SLF001
    today_scope, everything = FigureScope(events=(today,)), FigureScope()
    cold_today, _ = timed(lambda: desk.figures(today_scope))
    cold_all, _ = timed(lambda: desk.figures(everything))
    warm_today = median_of(lambda: desk.figures(today_scope))
    warm_all = median_of(lambda: desk.figures(everything))
    events = median_of(desk.figure_events)
    recount_took, recount = timed(desk.recount_figures)
    assert recount.matches, "the aggregate table differs from the recount"
    peer_took, pivot = timed(lambda: peer_way(desk))
    assert sum(pivot["sex"].values()) == records
    update_ms = cube_update_ms(desk)
    desk.close()
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    return "\n".join(
        [
            f"Device figures at {records:,} registrations ({EVENTS} events over {DAYS} days, "
            f"people {'from anywhere in the country' if nationwide else 'of one province'} "
            f"per event, ~70 % acknowledged); store {size(db_size)}, figures table "
            f"{rows:,} rows; {built}. Load average at the end: {load} "
            f"({os.cpu_count()} CPUs).",
            "",
            table(
                ["What", "First call (CPU)", f"Median of {CALLS} (CPU)", "Target", "Verdict"],
                [
                    _row("Desk.figures, today's event", cold_today, warm_today, OPEN_TARGET_MS),
                    _row("Desk.figures, everything", cold_all, warm_all, OPEN_TARGET_MS),
                    ["Desk.figure_events", "", _duration(events), "", ""],
                    [
                        "Desk.recount_figures (decrypt all, compare)",
                        _duration(recount_took),
                        "",
                        "<= 2 s",
                        verdict(recount_took.wall_ms / 1000, RECOUNT_TARGET_S),
                    ],
                    [
                        "Peer way: `fieldreg list --format csv` + pivot",
                        _duration(peer_took),
                        "",
                        "",
                        "",
                    ],
                    ["Aggregate table's share of one finalise", "", ms(update_ms), "", ""],
                ],
                "lrrll",
            ),
        ]
    )


def _row(what: str, cold: Took, warm: Took, target_ms: float) -> list[str]:
    worst = max(cold.wall_ms, warm.wall_ms)
    return [
        what,
        _duration(cold),
        _duration(warm),
        f"<= {target_ms:.0f} ms",
        verdict(worst, target_ms),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="2,000 records")
    parser.add_argument(
        "--nationwide",
        action="store_true",
        help="each event's people from anywhere in the country (worst case), not one province",
    )
    parser.add_argument("--keep", type=Path, help="build the store here and keep it")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the store --keep names again, unfilled"
    )
    args = parser.parse_args()
    records = 2_000 if args.quick else args.records
    if args.keep:
        print(run(records, args.keep, nationwide=args.nationwide, reuse=args.reuse))
        return
    with tempfile.TemporaryDirectory(prefix="fieldreg-bench-figures-") as tmp:
        print(run(records, Path(tmp) / "data", nationwide=args.nationwide))


if __name__ == "__main__":
    main()
