"""The hub's M&E figures at 2,000,000 registrations (issue 11): the `figures_refresh` job and
`GET /v1/indicators` answers, PostgreSQL and SQLite; and the peer way (an export, decrypted,
counted) measured at 20,000 and extrapolated.

    python -m benchmarks.bench_hub_figures [--quick] [--records N] [--engines postgresql,sqlite]

The facts are synthetic (sync/hub/figures.py FACT_COLUMNS, the rows ingest writes), COPYed
into hub_facts of a real hub (its migrations, its job, its HTTP API on 127.0.0.1): 400 desks,
two operators each, in the 25 provinces, over the year 2026, each desk's events a month long,
60% outreach, 25% at one of the six partner banks, 15% at commune offices; random sex, target
group, commune of the desk's province, services and lag. PostgreSQL is a throwaway cluster
(tests/pg_support.py) with fsync on. Each answer is a real request with a viewer's session over
loopback; the figures are small-cell suppressed as any answer is.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from benchmarks.common import percentile, table
from fieldreg.clock import iso
from fieldreg.gazetteer import load_gazetteer
from fieldreg.indicators.channels import BANKS, Channel
from fieldreg.indicators.evaluate import Operations, evaluate, suppressed
from fieldreg.indicators.facts import fact_of
from fieldreg.indicators.tally import FactCounts
from fieldreg.record import CATEGORIES, SERVICES, SEXES, validate
from fieldreg.transfer.sealing import HubPublicKey, packet_info
from sync.hub import figures
from sync.hub.hub import Hub
from sync.hub.keys import THROWAWAY_KDF, throwaway_custody
from sync.hub.operators import ADMIN, HubOperators
from sync.hub.server import BackgroundHub
from tests.factories import raw_record
from tests.pg_support import PgCluster

REPO = Path(__file__).resolve().parent.parent
RECORDS = 2_000_000
QUICK_RECORDS = 200_000
PEER_RECORDS = 20_000
QUICK_PEER_RECORDS = 2_000
DESKS = 400
REFRESH_TARGET_S = 5.0
ANSWER_TARGET_MS = 100.0
ANSWERS = 20  # requests per view, after one not counted
REFRESHES = 3
YEAR = dt.date(2026, 1, 1)
COPY_ROWS = 100_000
USER, PASSPHRASE = "bench", "figures-bench-lantern-5"


def communes_by_province() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    with (REPO / "resources/data/gazetteer/communes.csv").open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            found.setdefault(row["code"][:2], []).append(row["code"])
    return found


def synthetic_facts(count: int, seed: int = 11) -> Iterator[tuple[Any, ...]]:
    """`count` hub_facts rows (FACT_COLUMNS order), reproducible from `seed`."""
    rng = random.Random(seed)
    places = communes_by_province()
    provinces = sorted(places)
    desks = []
    for n in range(DESKS):
        province = provinces[n % len(provinces)]
        roll = rng.random()
        kind, bank = (
            ("outreach", "")
            if roll < 0.6
            else ("bank_branch", rng.choice(BANKS))
            if roll < 0.85
            else ("commune_office", "")
        )
        desks.append(
            (
                str(uuid.UUID(int=rng.getrandbits(128))),
                province,
                rng.sample(places[province], min(8, len(places[province]))),
                kind,
                bank,
                (f"operator-{n}-a", f"operator-{n}-b"),
            )
        )
    for n in range(count):
        device, province, communes, kind, bank, operators = desks[rng.randrange(DESKS)]
        day = YEAR + dt.timedelta(days=rng.randrange(365))
        hour = rng.randint(7, 17)
        created = dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)
        lag = int(rng.expovariate(1 / 300))
        mask = sum(1 << bit for bit in range(len(SERVICES)) if rng.random() < 0.3)
        yield (
            f"{n:012d}-{device[:8]}",
            1,
            device,
            day.isoformat(),
            f"{hour:02d}",
            f"{province} {kind} {device[:4]} {day.month:02d}",  # a month-long event per desk
            kind,
            bank,
            operators[n % 2],
            rng.choice(SEXES),
            rng.choice(CATEGORIES),
            province,
            rng.choice(communes),
            mask,
            int(rng.random() < 0.02),
            lag,
            iso(created - dt.timedelta(hours=7) + dt.timedelta(minutes=lag)),
        )


def load_facts(hub: Hub, count: int) -> float:
    """The synthetic facts into hub_facts; seconds taken."""
    started = time.perf_counter()
    rows = synthetic_facts(count)
    columns = ", ".join(figures.FACT_COLUMNS)
    if hub.storage.dialect == "postgresql":
        with hub.storage.write() as db:
            conn = db.conn  # type: ignore[attr-defined]
            with (
                conn.cursor() as cursor,
                cursor.copy(f"COPY hub_facts ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        with hub.storage.write() as db:
            db.execute("ANALYZE hub_facts")
    else:
        marks = ", ".join("?" * len(figures.FACT_COLUMNS))
        while True:
            chunk = [row for _, row in zip(range(COPY_ROWS), rows, strict=False)]
            if not chunk:
                break
            with hub.storage.write() as db:
                hub.storage.execute_many(
                    db, f"INSERT INTO hub_facts ({columns}) VALUES ({marks})", chunk
                )
    return time.perf_counter() - started


def time_refreshes(hub: Hub, times: int) -> list[float]:
    """Each: a refresh job enqueued, then the drain that runs it (claim, rebuild, commit)."""
    taken = []
    for _ in range(times):
        with hub.storage.write() as db:
            figures.enqueue_refresh(db, iso(hub.clock()))
        started = time.perf_counter()
        report = hub.drain_jobs()
        taken.append(time.perf_counter() - started)
        assert report.done == 1 and report.failed == 0, report
    return taken


def national_bytes(hub: Hub) -> int:
    """How large the national answer is (JSON, before HTTP compression)."""
    with hub.storage.read() as db:
        (text,) = db.execute("SELECT published FROM hub_figures WHERE scope = ''").fetchone()
        return len(str(text).encode("utf-8"))


def time_answers(
    hub: Hub, views: dict[str, dict[str, str]], answers: int = ANSWERS
) -> dict[str, list[float]]:
    """Milliseconds of each view's answers over loopback, a viewer's session, JSON."""
    operators = HubOperators(hub, kdf=THROWAWAY_KDF)
    if operators.needs_first_admin():
        operators.add(USER, ADMIN, PASSPHRASE, by=None)
    token = operators.open_session(USER, PASSPHRASE).token
    taken: dict[str, list[float]] = {}
    with (
        BackgroundHub(hub.data_dir, hub=hub, drain_jobs=False) as running,
        httpx.Client(base_url=running.url, headers={"Authorization": f"Bearer {token}"}) as client,
    ):
        for name, params in views.items():
            client.get("/v1/indicators", params=params, timeout=120).raise_for_status()
            samples = []
            for _ in range(answers):
                started = time.perf_counter()
                answer = client.get("/v1/indicators", params=params, timeout=120)
                samples.append((time.perf_counter() - started) * 1000)
                answer.raise_for_status()
            taken[name] = samples
    return taken


def views_for(count: int) -> dict[str, dict[str, str]]:
    return {
        "national": {},
        "province 12": {"province": "12"},
        "one week": {"since": "2026-06-01", "until": "2026-06-07"},
        "province 12, women, one week": {
            "province": "12",
            "sex": "F",
            "since": "2026-06-01",
            "until": "2026-06-07",
        },
    }


def peer_way(root: Path, count: int) -> tuple[float, float]:
    """An export of `count` sealed registrations, decrypted, then counted (the figures a
    ministry would otherwise compute from `fieldreg-hub export`): (export s, count s)."""
    hub = Hub(root, throwaway_custody(root))
    try:
        public = HubPublicKey(hub.sealing_public)
        device = str(uuid.uuid4())
        now = iso(hub.clock())
        rng = random.Random(5)
        with (REPO / "resources/data/gazetteer/villages.csv").open(encoding="utf-8") as lines:
            villages = [line["code"] for line in csv.DictReader(lines)]
        with hub.storage.write() as db:
            db.execute(
                "INSERT INTO devices (device_id, public_key, enrolled_at) VALUES (?, ?, ?)",
                [device, b"\0" * 32, now],
            )
            db.execute(
                "INSERT INTO batches (batch_id, device_id, sha256, received_at, transport,"
                " packets, receipt) VALUES ('b', ?, '', ?, 'http', ?, x'')",
                [device, now, count],
            )
            packets, owners = [], []
            for _ in range(count):
                rid = str(uuid.UUID(int=rng.getrandbits(128)))
                record = raw_record(
                    sex=rng.choice(SEXES),
                    category=rng.choice(CATEGORIES),
                    village_code=rng.choice(villages),
                )
                payload = {
                    "id": rid,
                    "version": 1,
                    "change": "created",
                    "record": record,
                    "created_at": now,
                    "operator": "bench",
                    "event": "peer",
                    "device_id": device,
                }
                sealed = public.seal(payload, packet_info(device, rid, 1))
                packets.append((rid, 1, device, "b", now, sealed, "", "accepted", "", ""))
                owners.append((rid, device, now))
            hub.storage.execute_many(
                db,
                "INSERT INTO packets (registration_id, version, device_id, batch_id, received_at,"
                " sealed, plaintext_sha256, outcome, code, reason) VALUES (?, ?, ?, ?, ?, ?, ?,"
                " ?, ?, ?)",
                packets,
            )
            hub.storage.execute_many(
                db,
                "INSERT INTO owners (registration_id, device_id, claimed_at) VALUES (?, ?, ?)",
                owners,
            )
        started = time.perf_counter()
        rows = list(hub.registrations())
        exported = time.perf_counter() - started
        started = time.perf_counter()
        facts, fields, gazetteer = [], set(raw_record()), load_gazetteer()
        for row in rows:
            given = {k: v for k, v in row.items() if k in fields}
            checked = validate(given, today=dt.date.today(), villages=gazetteer).record
            assert checked is not None
            facts.append(
                fact_of(
                    checked,
                    created_at=row["created_at"],
                    event=row["event"],
                    channel=Channel.from_payload(row),
                    operator=row["operator"],
                    device=row["device_id"],
                    duplicate=False,
                )
            )
        suppressed(evaluate(FactCounts(facts, Operations({"synced": len(facts)}))))
        counted = time.perf_counter() - started
        return exported, counted
    finally:
        hub.close()


def measure(
    engine: str, count: int, root: Path, cluster: PgCluster | None, answers: int
) -> dict[str, Any]:
    database = None if cluster is None else cluster.database()
    hub = Hub(root / engine, throwaway_custody(root / engine), database=database)
    try:
        loaded = load_facts(hub, count)
        refreshes = time_refreshes(hub, REFRESHES)
        size = national_bytes(hub)
        print(
            f"{engine}: loaded in {loaded:.1f} s, refreshes {refreshes}, answer {size} B",
            flush=True,
        )
        taken = time_answers(hub, views_for(count), answers)  # the hub is closed when it ends
        return {
            "engine": engine,
            "records": count,
            "load_s": loaded,
            "refresh_s": refreshes,
            "national_bytes": size,
            "answers_ms": taken,
        }
    finally:
        hub.close()


def report(results: list[dict[str, Any]], peer: tuple[int, float, float], total: int) -> str:
    lines = []
    rows = []
    for result in results:
        refresh = result["refresh_s"]
        rows.append(
            [
                result["engine"],
                f"{result['records']:,}",
                f"{result['national_bytes'] / 1e6:.1f} MB",
                f"{statistics.median(refresh):.2f} s (of {', '.join(f'{s:.2f}' for s in refresh)})",
                f"<= {REFRESH_TARGET_S:.0f} s",
            ]
        )
    lines.append(
        table(["engine", "registrations", "national answer", "refresh job", "target"], rows)
    )
    lines.append("")
    rows = []
    for result in results:
        for view, samples in result["answers_ms"].items():
            rows.append(
                [
                    result["engine"],
                    view,
                    f"{statistics.median(samples):.1f} ms",
                    f"{percentile(samples, 95):.1f} ms",
                    f"<= {ANSWER_TARGET_MS:.0f} ms",
                ]
            )
    lines.append(table(["engine", "GET /v1/indicators", "median", "p95", "target"], rows))
    peer_count, exported, counted = peer
    scale = total / peer_count
    lines.append("")
    lines.append(
        table(
            ["the peer way (export, decrypt, count)", "measured", f"extrapolated to {total:,}"],
            [
                [
                    f"export of {peer_count:,} (decrypting)",
                    f"{exported:.1f} s",
                    f"~{exported * scale:,.0f} s",
                ],
                [f"counting {peer_count:,} rows", f"{counted:.1f} s", f"~{counted * scale:,.0f} s"],
            ],
        )
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--records", type=int)
    parser.add_argument("--engines", default="postgresql,sqlite")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument(
        "--answers", type=int, default=ANSWERS, help=f"requests per view (default {ANSWERS})"
    )
    parser.add_argument("--no-peer", action="store_true", help="skip the peer way")
    args = parser.parse_args(argv)
    count = args.records or (QUICK_RECORDS if args.quick else RECORDS)
    peer_count = QUICK_PEER_RECORDS if args.quick else PEER_RECORDS
    results = []
    with tempfile.TemporaryDirectory(prefix="fieldreg-figures-") as folder:
        root = Path(folder)
        for engine in args.engines.split(","):
            with contextlib.ExitStack() as stack:
                cluster = None
                if engine == "postgresql":
                    cluster = stack.enter_context(PgCluster(fsync=True))
                results.append(measure(engine, count, root, cluster, args.answers))
                print(json.dumps(results[-1]), flush=True)
        exported, counted = (0.0, 0.0) if args.no_peer else peer_way(root / "peer", peer_count)
    text = report(results, (peer_count, exported, counted), count)
    print(text)
    if args.json:
        args.json.write_text(
            json.dumps({"results": results, "peer": [peer_count, exported, counted]})
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
