"""Removable media, the device's side: the same signed batches and receipts as HTTPS, as
files on a USB stick. `export_batches` writes batch-<id>.frb; the hub (sync/hub/media.py)
writes receipt-<id>.json beside each; `import_receipts` applies them. Exactly-once holds
across transports because the hub deduplicates by batch id and by (record id, version).
"""

from __future__ import annotations

import errno
import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fieldreg.clock import iso
from fieldreg.errors import FieldRegError
from fieldreg.files import write_atomic
from fieldreg.store.database import StoreError
from fieldreg.store.outbox import SyncAttempt
from fieldreg.store.store import Store
from fieldreg.transfer.wire import WireError, decode_receipt

BATCH_PREFIX, RECEIPT_PREFIX = "batch-", "receipt-"
FILE_BATCH_SIZE = 1000
# What a stick may hand us, read no further: the hub's cap on one batch (as over HTTPS), and
# for a receipt far more than one for FILE_BATCH_SIZE packets needs (about 150 kB).
MAX_BATCH_FILE_BYTES = 16 * 1024 * 1024
MAX_RECEIPT_FILE_BYTES = 4 * 1024 * 1024
_READ_CHUNK = 1024 * 1024


def media_files(folder: Path, pattern: str) -> list[Path]:
    """The files in `folder` named like `pattern`, sorted; a folder that is not there, or
    holds none, is an error: an unmounted stick or a wrong folder must not look like "0"."""
    if not folder.is_dir():
        raise FieldRegError("invalid_folder", path=str(folder))
    found = sorted(folder.glob(pattern))
    if not found:
        raise FieldRegError("no_media_files", path=str(folder))
    return found


def read_media_file(path: Path, limit: int) -> bytes:
    """A regular file's bytes, never through a symlink (O_NOFOLLOW), never a FIFO or a device
    (O_NONBLOCK, then fstat), and never more than `limit` bytes read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise FieldRegError("not_a_regular_file", file=path.name) from None
        raise FieldRegError("unreadable_file", file=path.name) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FieldRegError("not_a_regular_file", file=path.name)
        if info.st_size > limit:
            raise FieldRegError("file_too_large", file=path.name, limit=limit)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(_READ_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # it grew after fstat
            raise FieldRegError("file_too_large", file=path.name, limit=limit)
        return b"".join(chunks)
    except OSError:
        raise FieldRegError("unreadable_file", file=path.name) from None
    finally:
        os.close(fd)


def export_batches(store: Store, out_dir: Path) -> list[Path]:
    """Every unacknowledged batch, plus new ones for every pending packet, as files in
    `out_dir`, which must exist: an unmounted stick's folder must not fill the laptop's disk."""
    if not out_dir.is_dir():
        raise FieldRegError("invalid_folder", path=str(out_dir))
    outbox, identity = store.outbox, store.device_identity()
    while outbox.form_batch(FILE_BATCH_SIZE) is not None:
        pass
    written = []
    for batch_id in outbox.open_batches():
        started = iso(store.clock())
        body = outbox.batch_bytes(batch_id, identity)
        path = out_dir / f"{BATCH_PREFIX}{batch_id}.frb"
        write_atomic(path, body)
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
    problems: list[FileProblem]

    @property
    def other_device(self) -> int:
        """Receipts for other laptops sharing the stick: left alone, not a problem."""
        return sum(1 for problem in self.problems if problem.code == "other_device")


@dataclass(frozen=True, slots=True)
class FileProblem:
    file: str  # the file's name on the stick
    code: str


def import_receipts(
    store: Store, in_dir: Path, *, monotonic: Callable[[], float] = time.monotonic
) -> ImportedReceipts:
    hub_key = store.trusted_hub_signing_key()
    if hub_key is None:
        raise StoreError("not_enrolled")
    applied = accepted = duplicate = rejected = 0
    problems = []
    for path in media_files(in_dir, f"{RECEIPT_PREFIX}*.json"):
        started, clock_start = iso(store.clock()), monotonic()
        data = b""
        try:
            data = read_media_file(path, MAX_RECEIPT_FILE_BYTES)
            receipt = decode_receipt(data, hub_key)
            if receipt.device_id != store.device_id:
                raise WireError("other_device")
        except FieldRegError as error:  # WireError is one: each bad file is reported, skipped
            problems.append(FileProblem(path.name, error.code))
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
            problems.append(FileProblem(path.name, "unknown_batch"))
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
