"""Export formats: every CSV the project writes, and the sync log as CSV or JSON lines.

One CSV writer for `fieldreg list`, `fieldreg sync-log`, the Sync log screen and
`fieldreg-hub export`, so each is UTF-8, has a header row, and is safe to open in a
spreadsheet: a text cell that a spreadsheet would run as a formula (it starts with = + - @,
tab or carriage return; OWASP's list) gets a leading apostrophe. That includes phone numbers
in E.164 (`'+85512345678`): a spreadsheet shows the apostrophe-prefixed text as the number.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from fieldreg.csv_cells import csv_cell
from fieldreg.store.outbox import SyncAttempt, attempt_json

SYNC_LOG_FORMATS = ("csv", "json")
SYNC_LOG_COLUMNS = tuple(SyncAttempt.__dataclass_fields__)  # the log holds no personal data


def write_csv(out: TextIO, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> None:
    """A header row, then one line per row ending in `\\n`; a key not in `columns` is an
    error."""
    # The csv module quotes a cell holding a character of its line terminator, so a row is
    # made with "\r\n" (a cell with a bare \r is quoted too) and written with "\n".
    line = io.StringIO()
    writer = csv.DictWriter(line, fieldnames=list(columns), lineterminator="\r\n")

    def emit() -> None:
        out.write(line.getvalue().removesuffix("\r\n") + "\n")
        line.seek(0)
        line.truncate()

    writer.writeheader()
    emit()
    for row in rows:
        writer.writerow({key: csv_cell(value) for key, value in row.items()})
        emit()


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    write_csv(buffer, columns, rows)
    return buffer.getvalue()


def sync_log_text(attempts: Iterable[SyncAttempt], fmt: str) -> str:
    """CSV with a header row, or one JSON object per line: the same bytes from the CLI and
    the Sync log screen."""
    if fmt == "json":
        return "".join(attempt_json(attempt) + "\n" for attempt in attempts)
    if fmt != "csv":
        raise ValueError(f"unknown sync log format {fmt!r}")
    return csv_text(SYNC_LOG_COLUMNS, (dataclasses.asdict(attempt) for attempt in attempts))
