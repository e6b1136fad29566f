"""`fieldreg-hub export`: the decrypted registrations, streamed row by row (issue 10 item 7).

Nothing here holds more than one row: the hub's cursor is iterated, each packet is opened as
it comes, and every format writes a row before the next is read. So 2 million registrations
take the memory of one.

Formats: `json` (the default, as before: one JSON object per line), `jsonl` (the same bytes
under the name JSON-lines tools expect), `json-array` (one JSON array, written element by
element) and `csv` (formula cells neutralised, fieldreg/exports.py).

Filters: `--since`/`--until` on the time the hub received the packet (in clear at the hub:
filtered in SQL), `--province` (the first two digits of the record's village code) and
`--event` (the event the device registered under); those two are inside the sealed payload,
so they are applied after opening it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from fieldreg.clock import iso
from fieldreg.exports import write_csv
from fieldreg.record import Registration
from sync.hub import audit

if TYPE_CHECKING:
    from sync.hub.hub import Hub

FORMATS = ("json", "jsonl", "json-array", "csv")
# the record's keys in their declared order, then what the hub knows of where it came from
EXPORT_COLUMNS = [
    "id",
    *(field.name for field in dataclasses.fields(Registration)),
    "version",
    "created_at",
    "operator",
    "event",
    "device_id",
    "received_at",
    "batch_id",
    "transport",
    "device_revoked",
    "quarantined",
]
_PROVINCE = re.compile(r"[0-9]{2}")


class FilterError(ValueError):
    """A filter value the export cannot use; its text is the one line the operator sees."""


@dataclass(frozen=True, slots=True)
class ExportFilter:
    since: str | None = None  # received_at >= since (ISO, UTC, as the hub stores it)
    until: str | None = None  # received_at < until
    province: str | None = None  # two digits: the village code starts with them
    event: str | None = None  # the event, exactly (surrounding spaces aside)

    @classmethod
    def parse(
        cls,
        *,
        since: str | None = None,
        until: str | None = None,
        province: str | None = None,
        event: str | None = None,
    ) -> ExportFilter:
        """From the command line's text; a bad value raises FilterError."""
        if province is not None and not _PROVINCE.fullmatch(province.strip()):
            raise FilterError(f"--province wants a province's 2-digit code, not {province!r}")
        if event is not None and not event.strip():
            raise FilterError("--event wants the event's name, not an empty text")
        chosen = cls(
            since=None if since is None else _moment("--since", since, end_of_day=False),
            until=None if until is None else _moment("--until", until, end_of_day=True),
            province=None if province is None else province.strip(),
            event=None if event is None else event.strip(),
        )
        if chosen.since and chosen.until and chosen.since >= chosen.until:
            raise FilterError(f"--since {since} is not before --until {until}")
        return chosen

    def keeps(self, row: Mapping[str, Any]) -> bool:
        """Whether an opened row passes the filters applied after decryption."""
        if self.province is not None and not str(row.get("village_code", "")).startswith(
            self.province
        ):
            return False
        return self.event is None or str(row.get("event", "")).strip() == self.event

    def audit_details(self) -> dict[str, str]:
        """The filters given, for the audit entry: times, a province code, an event name."""
        given = {
            "since": self.since,
            "until": self.until,
            "province": self.province,
            "event": self.event,
        }
        return {key: value for key, value in given.items() if value is not None}


def _moment(option: str, text: str, *, end_of_day: bool) -> str:
    """`2026-11-30` (midnight UTC; for --until the end of that day) or an ISO date and time
    (UTC unless it carries an offset), as the hub's received_at text sorts."""
    value = text.strip()
    try:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            day = dt.date.fromisoformat(value) + dt.timedelta(days=1 if end_of_day else 0)
            moment = dt.datetime.combine(day, dt.time(), dt.UTC)
        else:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
        return iso(moment)
    except (ValueError, OverflowError):
        raise FilterError(
            f"{option} wants a date (2026-11-30) or a date and time (2026-11-30T08:00Z),"
            f" not {text!r}"
        ) from None


def write_rows(out: TextIO, fmt: str, columns: list[str], rows: Iterable[dict[str, Any]]) -> None:
    """Each row written before the next is read, in `fmt` (one of FORMATS)."""
    if fmt in ("json", "jsonl"):
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt == "json-array":
        separator = "[\n"
        for row in rows:
            out.write(separator + json.dumps(row, ensure_ascii=False))
            separator = ",\n"
        out.write("[]\n" if separator == "[\n" else "\n]\n")
    elif fmt == "csv":
        write_csv(out, columns, rows)
    else:
        raise ValueError(f"unknown export format {fmt!r}")


class CountedRows:
    """The registrations an export keeps, one at a time, counted as the writer takes them: the
    audit entry says how many were handed over, also when the export was cut short."""

    def __init__(self, hub: Hub, chosen: ExportFilter, *, include_quarantined: bool) -> None:
        self.hub = hub
        self.chosen = chosen
        self.include_quarantined = include_quarantined
        self.written = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        rows = self.hub.registrations(
            include_quarantined=self.include_quarantined,
            received_from=self.chosen.since,
            received_before=self.chosen.until,
        )
        for row in rows:
            if self.chosen.keeps(row):
                yield row
                self.written += 1  # the writer came back for more: this row is out


def record_export(hub: Hub, counted: CountedRows, *, fmt: str, actor: str | None) -> None:
    """The export's audit entry: who, the format, how many rows, the filters."""
    hub.record_action(
        audit.EXPORT,
        actor=actor,
        format=fmt,
        registrations=counted.written,
        include_quarantined=counted.include_quarantined,
        **counted.chosen.audit_details(),
    )
