"""Hub export at scale: `fieldreg-hub export` of 100,000 registrations, rows/s and peak memory.

    python -m benchmarks.bench_export [--quick]

A hub is filled with sealed registrations as an ingest leaves them (tests/export_support.py:
one device, each packet sealed to the hub's key), then the real CLI exports them in a process
of its own, output thrown away, once per format, at a small size and at the full size. Every
row is opened (HPKE) and written; the peak resident memory should not move with the row count
(the 2,000,000-row target of issue 10 is this, 20 times longer).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks.common import seconds, size, standalone, table
from sync.hub.hub import Hub
from sync.hub.keys import throwaway_custody
from tests.export_support import ExportRun, fill_hub, measured_export
from tests.factories import raw_record
from tests.sync_support import Device

FULL_RECORDS, QUICK_RECORDS = 100_000, 1_000
BASELINE_RECORDS = 1_000  # the small size (at most a quarter) the full one is compared with
FORMATS = ("csv", "jsonl", "json-array")
MEMORY_GROWTH_TARGET_KIB = 8 * 1024  # at most this much more at the full size than the small


def measure(root: Path, records: int) -> dict[tuple[str, int], ExportRun]:
    device = Device(root / "device")
    try:
        template = device.session.validate(raw_record()).record
    finally:
        device.store.close()
    assert template is not None
    hub_dir = root / "hub"
    hub = Hub(hub_dir, throwaway_custody(hub_dir))
    results: dict[tuple[str, int], ExportRun] = {}
    try:
        baseline = min(BASELINE_RECORDS, records // 4)
        fill_hub(hub, template.to_json(), baseline)
        for fmt in FORMATS:
            results[fmt, baseline] = measured_export(hub_dir, "--format", fmt)
        fill_hub(hub, template.to_json(), records - baseline)
    finally:
        hub.close()
    for fmt in FORMATS:
        results[fmt, records] = measured_export(hub_dir, "--format", fmt)
    return results


def report(results: dict[tuple[str, int], ExportRun], records: int) -> str:
    baseline = min(BASELINE_RECORDS, records // 4)
    rows = []
    for fmt in FORMATS:
        small, large = results[fmt, baseline], results[fmt, records]
        growth = (large.peak_rss_kib - small.peak_rss_kib) * 1024
        rows.append(
            [
                fmt,
                f"{records:,}",
                seconds(large.seconds),
                f"{records / large.seconds:,.0f}",
                f"{(records - baseline) / max(large.seconds - small.seconds, 1e-9):,.0f}",
                size(large.peak_rss_kib * 1024),
                size(small.peak_rss_kib * 1024),
                ("+" if growth >= 0 else "-") + size(abs(growth)),
                "pass" if growth <= MEMORY_GROWTH_TARGET_KIB * 1024 else "**FAIL**",
            ]
        )
    return "\n\n".join(
        [
            "## Hub export at scale",
            f"`fieldreg-hub export` of {records:,} registrations from SQLite, each opened and"
            " written, output to /dev/null; peak memory is the export process's maximum"
            f" resident set, against the same export of {baseline:,} rows (target: it grows by"
            f" at most {size(MEMORY_GROWTH_TARGET_KIB * 1024)}). Rows/s include the process"
            ' start and unlocking the hub\'s keys; "after the start" is the rows beyond the'
            " small export over the time beyond it.",
            table(
                [
                    "Format",
                    "Rows",
                    "Time",
                    "Rows/s",
                    "Rows/s after the start",
                    "Peak memory",
                    f"… at {baseline:,} rows",
                    "Growth",
                    "Flat",
                ],
                rows,
                "lrrrrrrrc",
            ),
        ]
    )


def run(records: int | None = None, *, quick: bool = False) -> str:
    count = records or (QUICK_RECORDS if quick else FULL_RECORDS)
    with tempfile.TemporaryDirectory(prefix="fieldreg-bench-export-") as tmp:
        return report(measure(Path(tmp), count), count)


def main(argv: Sequence[str] | None = None) -> int:
    return standalone(run, __doc__, argv, quick_help=f"{QUICK_RECORDS:,} records, not 100,000")


if __name__ == "__main__":
    sys.exit(main())
