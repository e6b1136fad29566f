"""Many registrations in a hub, quickly, for export tests and the export benchmark.

A real device seals and signs each packet and the hub verifies each batch; at thousands of
records that is most of a test's time and none of what an export does. So this writes rows
straight into hub.db as an ingest leaves them: one device, one batch, each packet sealed to
the hub's own public key with the payload a device seals (fieldreg/store/session.py), and its
owner. The export opens every one of them, as it would a device's.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fieldreg.clock import iso
from fieldreg.transfer.sealing import HubPublicKey, packet_info
from sync.hub.hub import Hub
from sync.hub.storage.postgres import PgDb, translate
from tests.cli_runner import ensure_hub_user, hub_env
from tests.factories import NOW

FILL_DEVICE = "export-fill-device"
FILL_BATCH = "export-fill-batch"


def fill_hub(
    hub: Hub, record: dict[str, Any], count: int, *, event: str = "Export fill", chunk: int = 500
) -> None:
    """`count` accepted registrations of `record` (a Registration's to_json) from one device,
    received at NOW, committed every `chunk`."""
    public = HubPublicKey(hub.keys.sealing_public)
    at = iso(NOW)
    with hub.storage.write() as db:
        db.execute(
            "INSERT INTO devices (device_id, public_key, enrolled_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            [FILL_DEVICE, b"\0" * 32, at],
        )
        db.execute(
            "INSERT INTO batches (batch_id, device_id, sha256, received_at, transport,"
            " packets, receipt) VALUES (?, ?, '', ?, 'https', 0, ?) ON CONFLICT DO NOTHING",
            [FILL_BATCH, FILL_DEVICE, at, b""],
        )
    done = 0
    while done < count:
        rows = []
        for _ in range(min(chunk, count - done)):
            registration_id = str(uuid.uuid4())
            payload = {
                "id": registration_id,
                "version": 1,
                "change": "created",
                "record": record,
                "created_at": at,
                "operator": "Sokha",
                "event": event,
                "device_id": FILL_DEVICE,
            }
            sealed = public.seal(payload, packet_info(FILL_DEVICE, registration_id, 1))
            rows.append((registration_id, sealed))
        with hub.storage.write() as db:
            _many(
                db,
                "INSERT INTO packets (registration_id, version, device_id, batch_id, received_at,"
                " sealed, plaintext_sha256, outcome) VALUES (?, 1, ?, ?, ?, ?, '', 'accepted')",
                [(rid, FILL_DEVICE, FILL_BATCH, at, sealed) for rid, sealed in rows],
            )
            _many(
                db,
                "INSERT INTO owners (registration_id, device_id, claimed_at) VALUES (?, ?, ?)",
                [(rid, FILL_DEVICE, at) for rid, _ in rows],
            )
        done += len(rows)


def _many(db: Any, sql: str, rows: list[tuple[Any, ...]]) -> None:
    """executemany on either engine (a bulk fill, faster than a statement per row)."""
    if isinstance(db, PgDb):
        with db.conn.cursor() as cursor:
            cursor.executemany(translate(sql), rows)
    else:
        db.conn.executemany(sql, rows)


@dataclass(frozen=True, slots=True)
class ExportRun:
    seconds: float
    peak_rss_kib: int  # the export process's peak resident memory (Linux: ru_maxrss, KiB)


_MEASURE = """\
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
took = time.perf_counter() - start
assert done.returncode == 0, done.returncode
print(json.dumps([took, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))
"""


def measured_export(hub_dir: Path, *args: str) -> ExportRun:
    """`fieldreg-hub export ARGS` in a process of its own, its output thrown away, run from a
    small parent that reads the child's peak memory (RUSAGE_CHILDREN of a process that has
    no other child)."""
    command = [sys.executable, "-c", "from sync.hub.cli import main; raise SystemExit(main())"]
    ensure_hub_user(hub_dir)  # the export runs as the tests' hub user
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command, "export", *args],
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
        env=hub_env(hub_dir),
    )
    if result.returncode != 0:  # the export's own words, not only its exit status
        raise AssertionError(f"fieldreg-hub export {' '.join(args)}: {result.stderr[-2000:]}")
    took, peak = json.loads(result.stdout)
    return ExportRun(float(took), int(peak))
