"""Which registrations a set of figures covers."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from fieldreg.errors import FieldRegError


@dataclass(frozen=True, slots=True)
class FigureScope:
    """Registrations of these events (all when empty), from `since` to `until` inclusive
    (Cambodia days, YYYY-MM-DD; open when empty). The hub narrows further by place and group."""

    events: tuple[str, ...] = ()
    since: str = ""
    until: str = ""

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value:
                try:
                    dt.date.fromisoformat(value)
                except ValueError:
                    raise FieldRegError("invalid_date", field=name) from None
        if self.since and self.until and self.since > self.until:
            raise FieldRegError("invalid_date", field="until")

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "events": list(self.events)}
