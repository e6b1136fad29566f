"""The M&E figures at the hub (issue 11): facts kept at ingest, a cube rebuilt by a job, and the
answers `GET /v1/indicators` and `fieldreg-hub indicators` give.

At ingest, in its transaction, each registration's newest accepted version from its owner
leaves one row in `hub_facts`: the non-personal `Fact` of fieldreg/indicators/facts.py (sex,
target group, commune code, services as bits, channel, event, operator, device, Cambodia day
and hour, whether it was registered despite a possible duplicate), how many minutes passed from
finalise to receipt, and when the hub received it. No name, ID number, phone, date of birth or
village. The same transaction enqueues a `figures_refresh` job, at most one waiting (a partial
unique index on the job table), so a burst of batches costs one refresh.

The refresh (off the request path) rebuilds `hub_figures` from the facts in one transaction:
rows keyed by the dashboard's filters (day, event, channel, bank, province, target group, sex)
with one (dimension, value) each: `all`, `commune`, `hour`, `service` (a bit test on the
mask), `duplicate`, and `desk` (operator and device by hour, for people per hour: without sex
and target group, which would multiply its rows). Quarantined devices' registrations are left
out, as from the export. The same transaction computes the national answer (no filter) and
keeps it in `hub_figures_state` with the time of the refresh, so the national view costs one
row read; a filtered answer is computed from the cube, one grouped query per count
`evaluate` asks for.

Every figure is computed by fieldreg/indicators/evaluate.py `evaluate`; what leaves the hub is
`suppressed` (counts under 5 shown as "<5").
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fieldreg.clock import parse_iso
from fieldreg.errors import FieldRegError
from fieldreg.gazetteer import display_name, load_gazetteer
from fieldreg.indicators.channels import BANK_BRANCH, BANKS, CHANNELS
from fieldreg.indicators.definitions import INDICATORS, Indicator
from fieldreg.indicators.evaluate import Key, Operations, evaluate, suppressed
from fieldreg.indicators.facts import Fact
from fieldreg.indicators.scope import FigureScope
from fieldreg.record import CATEGORIES, SERVICES, SEXES
from sync.hub.jobs import Db, enqueue

JOB_KIND = "figures_refresh"
BACKFILL_KIND = "figures_backfill"  # left by the hub_0010 migration on a hub with data
BACKFILL_CHUNK = 500  # registrations opened per backfill job
LOCK = "figures"  # storage.serialize: one refresh at a time, in whichever instance
MAX_EVENT = 256  # an event filter's length (events are operator-typed names)
_CHUNK = 200  # rows per multi-row statement

FACT_COLUMNS = (
    "registration_id",
    "version",
    "device",
    "day",
    "hour",
    "event",
    "channel",
    "bank",
    "operator",
    "sex",
    "category",
    "province",
    "commune",
    "services",
    "duplicate",
    "lag_minutes",
    "received_at",
)
FactRow = tuple[Any, ...]  # FACT_COLUMNS' values
ExecuteMany = Callable[[Db, str, list[FactRow]], None]  # Storage.execute_many
# (registration_id, version, device_id, sealed packet, received_at) -> its facts row, or None
StoredFacts = Callable[[str, int, str, bytes, str], FactRow | None]


class FigureFilterError(FieldRegError):
    """A filter the figures cannot use: invalid_date, invalid_channel or invalid_filter."""


def fact_row(
    fact: Fact, registration_id: str, version: int, created_at: str, received_at: str
) -> FactRow:
    """The hub_facts row of a registration's fact, received at `received_at`."""
    lag = (parse_iso(received_at) - parse_iso(created_at)) // dt.timedelta(minutes=1)
    return (
        registration_id,
        version,
        fact.device,
        fact.day,
        f"{fact.hour:02d}",
        fact.event,
        fact.channel,
        fact.bank,
        fact.operator,
        fact.sex,
        fact.category,
        fact.province,
        fact.commune,
        fact.services_mask,
        int(fact.duplicate),
        max(0, lag),  # a device clock ahead of the hub's is not a negative lag
        received_at,
    )


_UPSERT = (
    f"INSERT INTO hub_facts ({', '.join(FACT_COLUMNS)})"
    f" VALUES ({', '.join('?' * len(FACT_COLUMNS))}) ON CONFLICT (registration_id) DO UPDATE SET"
    + ", ".join(f" {name} = excluded.{name}" for name in FACT_COLUMNS[1:])
    + " WHERE excluded.version > hub_facts.version"
)


def keep_facts(db: Db, rows: list[FactRow], execute_many: ExecuteMany) -> None:
    """In the transaction that stores them: each registration's newest accepted version from
    its owner replaces the facts of the version before; an older one arriving late does not."""
    for start in range(0, len(rows), _CHUNK):
        execute_many(db, _UPSERT, rows[start : start + _CHUNK])


def enqueue_refresh(db: Db, now: str) -> None:
    """A refresh of the cube, unless one is already waiting (one nobody has tried yet): the
    check costs no lock while one waits; two transactions racing meet at the unique index."""
    db.execute(
        "INSERT INTO jobs (kind, payload, state, created_at) SELECT ?, '{}', 'pending', ?"
        " WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE kind = ? AND attempts = 0)"
        " ON CONFLICT (kind) WHERE kind = 'figures_refresh' AND attempts = 0 DO NOTHING",
        [JOB_KIND, now, JOB_KIND],
    )


def backfill(
    db: Db, payload: Mapping[str, Any], now: str, stored: StoredFacts, execute_many: ExecuteMany
) -> None:
    """The job the hub_0010 migration leaves on a hub that already held registrations: the
    facts of the newest accepted version of the next BACKFILL_CHUNK owned registrations after
    `payload["after"]` (opened by `stored`); the next chunk enqueued, or after the last one
    a refresh."""
    rows = db.execute(
        "SELECT o.registration_id, p.version, p.device_id, p.sealed, p.received_at FROM owners o"
        " JOIN packets p ON p.registration_id = o.registration_id AND p.device_id = o.device_id"
        " WHERE o.registration_id > ? AND p.outcome = 'accepted' AND p.version = ("
        "SELECT max(q.version) FROM packets q WHERE q.registration_id = o.registration_id"
        " AND q.device_id = o.device_id AND q.outcome = 'accepted')"
        " ORDER BY o.registration_id LIMIT ?",
        [str(payload["after"]), BACKFILL_CHUNK],
    ).fetchall()
    found = [
        stored(rid, version, device, bytes(sealed), at) for rid, version, device, sealed, at in rows
    ]
    keep_facts(db, [row for row in found if row is not None], execute_many)
    if len(rows) == BACKFILL_CHUNK:
        enqueue(db, BACKFILL_KIND, json.dumps({"after": rows[-1][0]}), now)
    else:  # the last chunk: the cube with all of them
        enqueue_refresh(db, now)


# -- the cube ------------------------------------------------------------------------------

_KEPT = "device NOT IN (SELECT device_id FROM devices WHERE quarantined_at IS NOT NULL)"
_KEY = "day, event, channel, bank, province, category, sex"
_SERVICE_BITS = " UNION ALL ".join(
    f"SELECT {1 << bit} AS bit, '{service}' AS name" for bit, service in enumerate(SERVICES)
)
_CUBE_COLUMNS = f"{_KEY}, operator, device, dimension, value, n"


def _branch(dimension: str, value: str, where: str = "", source: str = "hub_facts") -> str:
    group = f"{_KEY}, {value}" if value != "''" else _KEY
    return (
        f"SELECT {_KEY}, '', '', '{dimension}', {value}, count(*) FROM {source}"
        f" WHERE {_KEPT}{where} GROUP BY {group}"
    )


_REBUILD = f"INSERT INTO hub_figures ({_CUBE_COLUMNS}) " + " UNION ALL ".join(
    [
        _branch("all", "''"),
        _branch("commune", "commune"),
        _branch("hour", "hour"),
        _branch("duplicate", "''", " AND duplicate = 1"),
        f"SELECT {_KEY}, '', '', 'service', s.name, count(*) FROM hub_facts"
        f" JOIN ({_SERVICE_BITS}) s ON (services & s.bit) <> 0 WHERE {_KEPT}"
        f" GROUP BY {_KEY}, s.name",
        "SELECT day, event, channel, bank, province, '', '', operator, device, 'desk', hour,"
        f" count(*) FROM hub_facts WHERE {_KEPT}"
        " GROUP BY day, event, channel, bank, province, operator, device, hour",
    ]
)


def refresh(db: Db, now: str) -> None:
    """The `figures_refresh` job: the cube rebuilt from the facts, and the national answer,
    in one transaction (readers see the old cube until it commits)."""
    db.execute("DELETE FROM hub_figures")
    db.execute(_REBUILD)
    national = evaluate(CubeSource(db, FigureFilter(), national=True), scope={}, generated_at=now)
    db.execute(
        "INSERT INTO hub_figures_state (id, refreshed_at, national) VALUES (1, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET refreshed_at = excluded.refreshed_at,"
        " national = excluded.national",
        [now, json.dumps(national, ensure_ascii=False)],
    )


# -- answers -------------------------------------------------------------------------------

_PROVINCE = re.compile(r"[0-9]{2}")


@dataclass(frozen=True, slots=True)
class FigureFilter:
    """Which registrations an answer counts; empty fields do not narrow."""

    since: str = ""  # YYYY-MM-DD, Cambodia days, inclusive
    until: str = ""
    province: str = ""  # 2-digit gazetteer code
    channel: str = ""  # channels.CHANNELS
    bank: str = ""  # channels.BANKS (implies a bank branch)
    category: str = ""
    sex: str = ""
    event: str = ""

    @classmethod
    def parse(cls, **given: str | None) -> FigureFilter:
        """From query parameters or options; a bad value raises FigureFilterError."""
        values = {name: (value or "").strip() for name, value in given.items()}
        for name, value in values.items():
            try:
                value.encode("utf-8")  # a lone surrogate is no value anything was filed under
            except UnicodeEncodeError:
                raise FigureFilterError("invalid_filter", field=name) from None
        try:
            FigureScope(since=values.get("since", ""), until=values.get("until", ""))
        except FieldRegError as error:  # invalid_date
            raise FigureFilterError(error.code, **error.detail) from None
        province, channel, bank = (values.get(n, "") for n in ("province", "channel", "bank"))
        if province and not (
            _PROVINCE.fullmatch(province) and load_gazetteer().get(province) is not None
        ):
            raise FigureFilterError("invalid_filter", field="province")
        if channel and channel not in CHANNELS or bank and bank not in BANKS:
            raise FigureFilterError("invalid_channel", channel=channel, bank=bank)
        if bank and channel not in ("", BANK_BRANCH):
            raise FigureFilterError("invalid_channel", channel=channel, bank=bank)
        for name, allowed in (("category", CATEGORIES), ("sex", SEXES)):
            if values.get(name) and values[name] not in allowed:
                raise FigureFilterError("invalid_filter", field=name)
        event = values.get("event", "")
        if len(event) > MAX_EVENT or any(ord(c) < 32 or c == "\x7f" for c in event):
            raise FigureFilterError("invalid_filter", field="event")
        return cls(**values)

    def given(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.__slots__ if getattr(self, name)}

    @property
    def narrows(self) -> bool:
        return bool(self.given())

    def where(self) -> tuple[str, list[str]]:
        """` AND ...` for the cube's and the facts' rows (their columns have these names)."""
        clauses, parameters = [], []
        for name, test in (("since", "day >= ?"), ("until", "day <= ?")):
            if getattr(self, name):
                clauses.append(test)
                parameters.append(getattr(self, name))
        for name in ("province", "channel", "bank", "category", "sex", "event"):
            if getattr(self, name):
                clauses.append(f"{name} = ?")
                parameters.append(getattr(self, name))
        return "".join(f" AND {clause}" for clause in clauses), parameters


# a field of `by` -> the cube column (or expression) it reads
_COLUMN = {
    "day": "day",
    "event": "event",
    "channel": "channel",
    "bank": "bank",
    "province": "province",
    "category": "category",
    "sex": "sex",
    "operator": "operator",
    "device": "device",
    "district": "substr(value, 1, 4)",
    "commune": "value",
    "hour": "value",
    "service": "value",
    "duplicate": "value",
}
# a field that needs rows of one dimension (the others are key columns on every row)
_ROWS_OF = {
    "district": "commune",
    "commune": "commune",
    "hour": "hour",
    "service": "service",
    "duplicate": "duplicate",
    "operator": "desk",
    "device": "desk",
}
_NOT_ON_DESK = ("category", "sex")  # desk rows sum over them


class CubeSource:
    """`evaluate`'s Source over the hub's cube, within a filter: each count is one grouped
    query (asked once per answer)."""

    def __init__(self, db: Db, chosen: FigureFilter, *, national: bool = False) -> None:
        self._db = db
        self._filter = chosen
        self._national = national
        self._counted: dict[Key, dict[Key, int]] = {}

    def _dimension(self, by: Key) -> str:
        unknown = [name for name in by if name not in _COLUMN]
        needed = {_ROWS_OF[name] for name in by if name in _ROWS_OF}
        if "desk" in needed:
            needed.discard("hour")  # desk rows are by hour
        if unknown or len(needed) > 1:
            raise FigureFilterError("unsupported_breakdown", fields="+".join(unknown or by))
        dimension = needed.pop() if needed else "all"
        if dimension == "desk" and any(
            name in by or getattr(self._filter, name) for name in _NOT_ON_DESK
        ):
            raise FigureFilterError("unsupported_breakdown", fields="+".join(by))
        return dimension

    def count(self, by: Key) -> dict[Key, int]:
        if by not in self._counted:
            columns = [_COLUMN[name] for name in by]
            where, parameters = self._filter.where()
            grouped = f" GROUP BY {', '.join(columns)}" if columns else ""
            rows = self._db.execute(
                f"SELECT {', '.join([*columns, 'sum(n)'])} FROM hub_figures"
                f" WHERE dimension = ?{where}{grouped}",
                [self._dimension(by), *parameters],
            ).fetchall()
            self._counted[by] = {
                tuple(str(value) for value in row[:-1]): int(row[-1])
                for row in rows
                if row[-1] is not None
            }
        return self._counted[by]

    def operations(self) -> Operations:
        """Accepted registrations ("synced") in the filter; rejected packets only nationally
        (a packet the hub could not open has no province or event); finalise-to-receipt lag
        from the facts."""
        statuses = {"synced": sum(self.count(()).values())}
        if self._national:
            (rejected,) = self._db.execute(
                "SELECT count(*) FROM packets WHERE outcome = 'rejected'"
            ).fetchone()
            statuses["rejected"] = int(rejected)
        where, parameters = self._filter.where()
        lags = self._db.execute(
            f"SELECT lag_minutes, count(*) FROM hub_facts WHERE {_KEPT}{where}"
            " GROUP BY lag_minutes",
            parameters,
        ).fetchall()
        return Operations(statuses, {int(m): int(n) for m, n in lags})


def indicators_for(chosen: FigureFilter) -> tuple[Indicator, ...]:
    """All of them, but people per hour under a sex or target-group filter (a desk serves
    everyone: its hours are not split by who came)."""
    if chosen.sex or chosen.category:
        return tuple(i for i in INDICATORS if i.operations != "throughput")
    return INDICATORS


def scope_of(chosen: FigureFilter) -> dict[str, Any]:
    events = (chosen.event,) if chosen.event else ()
    scope = FigureScope(events, chosen.since, chosen.until).to_json()
    return scope | {name: getattr(chosen, name) for name in chosen.__slots__ if name not in scope}


def raw_figures(db: Db, chosen: FigureFilter) -> dict[str, Any]:
    """The figures within `chosen`, NOT suppressed (for the hub's own use and its tests): the
    national view as the last refresh computed it, any other from the cube."""
    state = db.execute("SELECT refreshed_at, national FROM hub_figures_state").fetchone()
    refreshed_at = None if state is None else str(state[0])
    if state is not None and not chosen.narrows:
        figures = json.loads(state[1])
    else:
        figures = evaluate(
            CubeSource(db, chosen, national=not chosen.narrows),
            scope=scope_of(chosen),
            generated_at=refreshed_at or "",
            indicators=indicators_for(chosen),
        )
    figures["scope"] = scope_of(chosen)
    return figures | {"refreshed_at": refreshed_at}


def published(figures: Mapping[str, Any]) -> dict[str, Any]:
    """What leaves the hub: small cells suppressed, and the names of the places in it."""
    shown = suppressed(figures)
    return shown | {"places": places_in(shown)}


def places_in(figures: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """{code: {"en": name, "km": name}} for every province, district and commune named."""
    codes = {figures["scope"]["province"]} if figures["scope"].get("province") else set()
    for indicator in figures["indicators"]:
        for breakdown in indicator.get("breakdowns", []):
            for row in breakdown["rows"]:
                codes |= {str(row[f]) for f in ("province", "district", "commune") if f in row}
    gazetteer, named = load_gazetteer(), {}
    for code in sorted(codes):
        place = gazetteer.get(code)
        if place is not None:
            named[code] = {"en": display_name(place, "en"), "km": display_name(place, "km")}
    return named
