"""Removable media: the same signed batches and receipts as HTTPS, as files on a USB stick.

Device: `export_batches` writes batch-<id>.frb; the hub's `import_batches_for_hub` writes
receipt-<id>.json beside each; the device's `import_receipts` applies them. Exactly-once holds
across transports because the hub deduplicates by batch id and by (record id, version).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fieldreg.clock import iso
from fieldreg.store.outbox import SyncAttempt
from fieldreg.store.store import Store
from fieldreg.transfer.wire import WireError, decode_receipt
from sync.hub.hub import Hub, HubError

BATCH_PREFIX, RECEIPT_PREFIX = "batch-", "receipt-"
FILE_BATCH_SIZE = 1000


def _write_atomically(path: Path, data: bytes) -> None:
    """Permissions first, fsync, rename; a failed write leaves no partial file behind."""
    partial = path.with_name(path.name + ".partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def export_batches(store: Store, out_dir: Path) -> list[Path]:
    """Every unacknowledged batch, plus new ones for every pending packet, as files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    outbox, identity = store.outbox, store.device_identity()
    while outbox.form_batch(FILE_BATCH_SIZE) is not None:
        pass
    written = []
    for batch_id in outbox.open_batches():
        started = iso(store.clock())
        body = outbox.batch_bytes(batch_id, identity)
        path = out_dir / f"{BATCH_PREFIX}{batch_id}.frb"
        _write_atomically(path, body)
        written.append(path)
        outbox.log_attempt(
            SyncAttempt(
                started,
                iso(store.clock()),
                "file-out",
                batch_id,
                packets=outbox.packet_count(batch_id),
                bytes_sent=len(body),
            )
        )
    return written


@dataclass(frozen=True, slots=True)
class ImportedReceipts:
    applied: int
    accepted: int
    duplicate: int
    rejected: int
    problems: list[str]


def import_receipts(
    store: Store, in_dir: Path, *, monotonic: Callable[[], float] = time.monotonic
) -> ImportedReceipts:
    hub_key = store.trusted_hub_signing_key()
    if hub_key is None:
        return ImportedReceipts(0, 0, 0, 0, ["this device is not enrolled with a hub"])
    applied = accepted = duplicate = rejected = 0
    problems = []
    for path in sorted(in_dir.glob(f"{RECEIPT_PREFIX}*.json")):
        started, clock_start = iso(store.clock()), monotonic()
        data = path.read_bytes()
        try:
            receipt = decode_receipt(data, hub_key)
            if receipt.device_id != store.device_id:
                raise WireError("other_device")
        except WireError as error:
            problems.append(f"{path.name}: {error.code}")
            store.outbox.log_attempt(
                SyncAttempt(
                    started,
                    iso(store.clock()),
                    "file-in",
                    bytes_received=len(data),
                    outcome="error",
                    error=error.code,
                )
            )
            continue
        counts = store.outbox.apply_receipt(receipt)
        if counts.unknown_batch:
            problems.append(f"{path.name}: unknown_batch")
            continue
        applied += 1
        accepted, duplicate = accepted + counts.accepted, duplicate + counts.duplicate
        rejected += counts.rejected
        store.outbox.log_attempt(
            SyncAttempt(
                started,
                iso(store.clock()),
                "file-in",
                receipt.batch_id,
                packets=len(receipt.results),
                accepted=counts.accepted,
                duplicate=counts.duplicate,
                rejected=counts.rejected,
                bytes_received=len(data),
                duration_ms=round((monotonic() - clock_start) * 1000),
            )
        )
    return ImportedReceipts(applied, accepted, duplicate, rejected, problems)


def import_batches_for_hub(hub: Hub, in_dir: Path) -> list[str]:
    """Hub side: one line per batch file; a receipt file beside each one accepted."""
    lines = []
    for path in sorted(in_dir.glob(f"{BATCH_PREFIX}*.frb")):
        batch_id = path.stem[len(BATCH_PREFIX) :]
        try:
            receipt = hub.receive_batch(path.read_bytes(), transport="file")
        except HubError as error:
            lines.append(f"{path.name}: refused ({error.code})")
            continue
        _write_atomically(in_dir / f"{RECEIPT_PREFIX}{batch_id}.json", receipt)
        lines.append(f"{path.name}: receipt written")
    return lines
