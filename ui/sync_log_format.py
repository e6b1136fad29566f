"""The sync log as CSV or JSON lines, and an atomic file write: shared by `fieldreg sync-log`
and the coordinator's Sync log screen, so both export exactly the same bytes. No Qt here.

The columns are `SyncAttempt`'s fields in order; the log holds no personal data."""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import os
from collections.abc import Iterable
from pathlib import Path

from fieldreg.store.outbox import SyncAttempt, attempt_json

FORMATS = ("csv", "json")
COLUMNS = tuple(SyncAttempt.__dataclass_fields__)


def sync_log_text(attempts: Iterable[SyncAttempt], fmt: str) -> str:
    """CSV with a header row, or one JSON object per line."""
    if fmt == "json":
        return "".join(attempt_json(attempt) + "\n" for attempt in attempts)
    if fmt != "csv":
        raise ValueError(f"unknown sync log format {fmt!r}")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(dataclasses.asdict(attempt) for attempt in attempts)
    return buffer.getvalue()


def write_text_atomically(path: Path, text: str, *, mode: int = 0o644) -> None:
    """All or nothing: a temp file beside the target (permissions set at creation), fsync,
    then rename over the target. A failure leaves the old file (or none) and no temp file."""
    partial = path.with_name(path.name + ".partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
