"""Which sync attempts a coordinator asks to see: by route, outcome and period, newest first.
The log holds no personal data; the same filter serves the screen and its export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from fieldreg.clock import parse_iso
from fieldreg.store.outbox import SyncAttempt

PERIODS = ("", "today", "7", "30")  # all, today, the last 7 or 30 days


@dataclass(frozen=True, slots=True)
class LogFilter:
    transport: str = ""  # "" for any
    outcome: str = ""
    period: str = ""
    today: dt.date | None = None  # the local day the period counts back from

    def since(self) -> dt.date | None:
        if not self.period or self.today is None:
            return None
        days = 0 if self.period == "today" else int(self.period) - 1
        return self.today - dt.timedelta(days=days)


def _local_day(moment: str) -> dt.date | None:
    try:
        return parse_iso(moment).astimezone().date()
    except ValueError:
        return None


def filter_attempts(attempts: Iterable[SyncAttempt], wanted: LogFilter) -> list[SyncAttempt]:
    """Those matching the filter, newest first."""
    since = wanted.since()
    kept = []
    for attempt in attempts:
        if wanted.transport and attempt.transport != wanted.transport:
            continue
        if wanted.outcome and attempt.outcome != wanted.outcome:
            continue
        if since is not None:
            day = _local_day(attempt.started_at)
            if day is None or day < since:
                continue
        kept.append(attempt)
    kept.reverse()
    return kept
