"""The M&E figures at the hub (issue 11): facts kept at ingest, a cube rebuilt by a job, and the
answers `GET /v1/indicators` and `fieldreg-hub indicators` give.

At ingest, in its transaction, each registration's newest accepted version from its owner
leaves one row in `hub_facts`: the non-personal `Fact` of fieldreg/indicators/facts.py (sex,
target group, commune code, services as bits, channel, event, operator, device, Cambodia day
and hour, whether it was registered despite a possible duplicate), how many minutes passed from
finalise to receipt, and when the hub received it. No name, ID number, phone, date of birth or
village. The same transaction enqueues a `figures_refresh` job, at most one waiting (a partial
unique index on the job table), so a burst of batches costs one refresh.

The facts are the cube: rows keyed by every field a figure is broken down or filtered by. A
table of counts keyed by the dashboard's filters (day, event, channel, bank, province, target
group, sex) was tried first and measured: at the hub's scale it has about as many rows as there
are registrations (a desk's day splits into sex x target group x commune x hour cells of one or
two people), so rebuilding it took 20 s at 200,000 and answering from it was no faster than
counting the facts (benchmarks/bench_hub_figures.py, /work/notes/hub.md).

So every answer is one statement over hub_facts: the counts `evaluate` asks for as GROUPING
SETS (PostgreSQL: one pass over the rows; SQLite: a UNION ALL of GROUP BYs), interest per
service and the duplicates flagged as sums beside each count. The refresh job (off the request
path) computes the national figures that way and keeps them in `hub_figures`, raw and as
published, with the time of the refresh: the national view costs one row read. A filtered
view (by period, province, channel, target group, sex, event) is computed when asked, from the
facts' indexes (hub_facts by day, and by province and day). Quarantined devices' registrations
are left out, as from the export.

Every figure is computed by fieldreg/indicators/evaluate.py `evaluate`; what leaves the hub is
`suppressed` (counts under 5 shown as "<5").
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
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
from sync.hub.duplicates import newest_owned
from sync.hub.jobs import Db, enqueue

JOB_KIND = "figures_refresh"
BACKFILL_KIND = "figures_backfill"  # left by the hub_0010 migration on a hub with data
BACKFILL_CHUNK = 500  # registrations opened per backfill job
LOCK = "figures"  # storage.serialize: one refresh at a time, in whichever instance
GZIP_LEVEL = 6  # the national answer, compressed once per refresh
REFRESH_WORK_MEM = "256MB"  # PostgreSQL, the refresh's transaction only (one at a time)
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
    rows = newest_owned(db, str(payload["after"]), BACKFILL_CHUNK)
    found = [
        stored(rid, version, device, bytes(sealed), at) for rid, version, device, sealed, at in rows
    ]
    keep_facts(db, [row for row in found if row is not None], execute_many)
    if len(rows) == BACKFILL_CHUNK:
        enqueue(db, BACKFILL_KIND, json.dumps({"after": rows[-1][0]}), now)
    else:  # the last chunk: the figures with all of them
        enqueue_refresh(db, now)


# -- counting the facts ------------------------------------------------------------------

_KEPT = "device NOT IN (SELECT device_id FROM devices WHERE quarantined_at IS NOT NULL)"
# a field of `by` -> the hub_facts expression it reads ("service" and "duplicate" are sums)
_EXPRESSION = {
    "day": "day",
    "event": "event",
    "channel": "channel",
    "bank": "bank",
    "operator": "operator",
    "device": "device",
    "sex": "sex",
    "category": "category",
    "province": "province",
    "district": "substr(commune, 1, 4)",
    "commune": "commune",
    "hour": "hour",
    "lag": "lag_minutes",  # for the operations, not a Source field
}
_SUMS = [
    f"sum(CASE WHEN (services & {1 << bit}) <> 0 THEN 1 ELSE 0 END)" for bit in range(len(SERVICES))
]
_SUMMED = ("service", "duplicate")


class _Asked:
    """A Source that only notes what `evaluate` asks (what it asks does not depend on the
    answers)."""

    def __init__(self) -> None:
        self.asked: list[Key] = []

    def count(self, by: Key) -> dict[Key, int]:
        self.asked.append(by)
        return {}

    def people_and_hours(self, _by: Key) -> dict[Key, tuple[int, int]]:
        return {}

    def operations(self) -> Operations:
        return Operations()


@functools.cache
def _asked(indicators: tuple[Indicator, ...]) -> tuple[Key, ...]:
    noted = _Asked()
    evaluate(noted, indicators=indicators)
    return tuple(dict.fromkeys(noted.asked))


def _grouping(by: Key) -> tuple[str, ...]:
    """The columns a count is grouped by: its fields but the summed ones."""
    unknown = [name for name in by if name not in _EXPRESSION and name not in _SUMMED]
    if unknown or sum(name in _SUMMED for name in by) > 1:
        raise FigureFilterError("unsupported_breakdown", fields="+".join(by))
    return tuple(name for name in by if name not in _SUMMED)


class FactSource:
    """`evaluate`'s Source over hub_facts within a filter (quarantined devices left out):
    every count it asks for, and the lags, from ONE statement: GROUPING SETS on PostgreSQL
    (one pass over the rows), a UNION ALL of GROUP BYs on SQLite. Interest in a service and
    the duplicates flagged are sums beside the count (a bit test on the services mask)."""

    def __init__(
        self,
        db: Db,
        dialect: str,
        chosen: FigureFilter,
        *,
        national: bool = False,
        indicators: tuple[Indicator, ...] = INDICATORS,
    ) -> None:
        self._db = db
        self._national = national
        bys = _asked(indicators)
        summed = list(dict.fromkeys(_grouping(by) for by in bys if set(by) & set(_SUMMED)))
        counted = [_grouping(by) for by in bys if not set(by) & set(_SUMMED)] + [("lag",)]
        rows = _rows(db, dialect, chosen)
        self._counted = {
            False: _count(db, dialect, rows, list(dict.fromkeys(counted)), sums=False),
            True: _count(db, dialect, rows, summed, sums=True),
        }
        self._hours = _people_and_hours(db, dialect, rows)
        self._counts = {by: self._of(by) for by in bys}
        self._lags = {int(key[0]): n for key, n in self._of(("lag",)).items()}

    def _of(self, by: Key) -> dict[Key, int]:
        fields = _grouping(by)
        found: dict[Key, int] = {}
        for values, sums in self._counted[bool(set(by) & set(_SUMMED))].get(fields, []):
            value = dict(zip(fields, values, strict=True))
            if "service" in by:
                for service, number in zip(SERVICES, sums[1:7], strict=True):
                    if number:
                        found[tuple(service if f == "service" else value[f] for f in by)] = number
            elif "duplicate" in by:
                if sums[7]:
                    found[tuple("" if f == "duplicate" else value[f] for f in by)] = sums[7]
            elif sums[0]:
                found[tuple(value[f] for f in by)] = sums[0]
        return found

    def count(self, by: Key) -> dict[Key, int]:
        if by not in self._counts:
            raise FigureFilterError("unsupported_breakdown", fields="+".join(by))
        return self._counts[by]

    def people_and_hours(self, by: Key) -> dict[Key, tuple[int, int]]:
        """Per desk or operator: registrations, and the (day, hour)s with any (summed in
        the database: a desk's hours over a year are millions of rows nationally)."""
        if by not in (("device",), ("operator",)):
            raise FigureFilterError("unsupported_breakdown", fields="+".join(by))
        return self._hours[by[0]]

    def operations(self) -> Operations:
        """Accepted registrations ("synced") in the filter; rejected packets only nationally
        (a packet the hub could not open has no province or event); finalise-to-receipt lag."""
        statuses = {"synced": sum(self.count(()).values())}
        if self._national:
            (rejected,) = self._db.execute(
                "SELECT count(*) FROM packets WHERE outcome = 'rejected'"
            ).fetchone()
            statuses["rejected"] = int(rejected)
        return Operations(statuses, self._lags)


Counted = dict[tuple[str, ...], list[tuple[tuple[str, ...], tuple[int, ...]]]]
Sets = list[tuple[str, ...]]  # grouping sets: the fields of each


_FEW_VALUES = ("bank", "category", "channel", "province", "sex")
# a field that can be cut from another's value: (that field, its first characters)
_CUT_FROM = {"district": ("commune", 4), "province": ("commune", 2)}


def _within(small: tuple[str, ...], large: tuple[str, ...]) -> bool:
    """Whether the counts grouped by `small` are sums of those grouped by `large`."""
    return small != large and all(
        name in large or (name in _CUT_FROM and _CUT_FROM[name][0] in large) for name in small
    )


@dataclass(frozen=True, slots=True)
class _Rows:
    """The facts an answer counts: `FROM {source}` with its parameters."""

    source: str
    parameters: list[str]


_VIEW_COLUMNS = ", ".join(c for c in FACT_COLUMNS if c not in ("registration_id", "received_at"))


def _rows(db: Db, dialect: str, chosen: FigureFilter) -> _Rows:
    """The kept facts within the filter. PostgreSQL, filtered: read once into a temporary
    table dropped at the end of the transaction (each statement would otherwise fetch the
    filter's rows again, scattered over the table's pages)."""
    where, parameters = chosen.where()
    kept = _Rows(f"hub_facts WHERE {_KEPT}{where}", parameters)
    if dialect != "postgresql" or not chosen.narrows:
        return kept
    db.execute("DROP TABLE IF EXISTS pg_temp.figure_rows")
    db.execute(
        f"CREATE TEMPORARY TABLE figure_rows ON COMMIT DROP AS SELECT {_VIEW_COLUMNS}"
        f" FROM {kept.source}",
        kept.parameters,
    )
    return _Rows("figure_rows", [])


def _count(db: Db, dialect: str, facts: _Rows, sets: Sets, *, sums: bool) -> Counted:
    """Grouping set -> [(its values, (count, six service sums, duplicates))]. Only the sets
    that no other asked set contains are grouped in the database (each set is a hash table
    over every row); the others are summed from them here (a few thousand rows)."""
    # the sets of few values each (sex x group x channel x bank x province: some thousands of
    # groups at most) are all cut from one set of them all
    few = tuple(name for name in _FEW_VALUES if any(name in fields for fields in sets))
    grouped = list(
        dict.fromkeys([*sets, few] if any(set(f) <= set(_FEW_VALUES) for f in sets) else sets)
    )
    largest = [fields for fields in grouped if not any(_within(fields, other) for other in grouped)]
    counted = _count_sets(db, dialect, facts, largest, sums=sums)
    for fields in sets:
        if fields in largest:
            continue
        source = next(other for other in largest if _within(fields, other))
        rolled: dict[tuple[str, ...], list[int]] = {}
        for values, totals in counted.get(source, []):
            value = dict(zip(source, values, strict=True))
            key = tuple(
                value[name] if name in value else value[_CUT_FROM[name][0]][: _CUT_FROM[name][1]]
                for name in fields
            )
            summed = rolled.setdefault(key, [0] * len(totals))
            for i, number in enumerate(totals):
                summed[i] += number
        counted[fields] = [(key, tuple(numbers)) for key, numbers in rolled.items()]
    return counted


def _count_sets(db: Db, dialect: str, facts: _Rows, sets: Sets, *, sums: bool) -> Counted:
    """Grouping set -> [(its values, (count, six service sums, duplicates))], grouped in the
    database; the sums only when asked (they cost 7 aggregates a row in every set)."""
    if not sets:
        return {}
    columns = list(dict.fromkeys(name for fields in sets for name in fields)) or ["day"]
    parameters = facts.parameters
    aggregates = ", ".join(["count(*)", *(_SUMS + ["sum(duplicate)"] if sums else [])])
    expressions = [_EXPRESSION[name] for name in columns]
    # the bit of a column left out of a set, as PostgreSQL's GROUPING() gives it
    mask = {
        fields: sum(1 << (len(columns) - 1 - i) for i, c in enumerate(columns) if c not in fields)
        for fields in sets
    }
    if dialect == "postgresql":
        grouped = ", ".join(f"({', '.join(_EXPRESSION[f] for f in fields)})" for fields in sets)
        rows = db.execute(
            f"SELECT GROUPING({', '.join(expressions)}), {', '.join(expressions)}, {aggregates}"
            f" FROM {facts.source} GROUP BY GROUPING SETS ({grouped})",
            parameters,
        ).fetchall()
    else:
        branches = []
        for fields in sets:
            chosen_columns = [_EXPRESSION[c] if c in fields else "NULL" for c in columns]
            group = f" GROUP BY {', '.join(_EXPRESSION[f] for f in fields)}" if fields else ""
            branches.append(
                f"SELECT {mask[fields]}, {', '.join(chosen_columns)}, {aggregates}"
                f" FROM {facts.source}{group}"
            )
        rows = db.execute(" UNION ALL ".join(branches), parameters * len(branches)).fetchall()
    by_mask = {value: fields for fields, value in mask.items()}
    counted: Counted = {}
    for row in rows:
        fields = by_mask[int(row[0])]
        values = dict(zip(columns, row[1 : 1 + len(columns)], strict=True))
        totals = tuple(int(number or 0) for number in row[1 + len(columns) :])
        counted.setdefault(fields, []).append((tuple(str(values[f]) for f in fields), totals))
    return counted


def _people_and_hours(db: Db, dialect: str, kept: _Rows) -> dict[str, dict[Key, tuple[int, int]]]:
    """{"device": {(device,): (registrations, hours)}, "operator": {...}} within the filter."""
    parameters, facts = kept.parameters, f"FROM {kept.source}"
    if dialect == "postgresql":
        hours = (
            f"SELECT device, operator, count(*) AS n {facts}"
            " GROUP BY GROUPING SETS ((device, day, hour), (operator, day, hour))"
        )
    else:
        parameters = parameters * 2
        hours = (
            f"SELECT device, NULL AS operator, count(*) AS n {facts} GROUP BY device, day, hour"
            f" UNION ALL SELECT NULL, operator, count(*) {facts} GROUP BY operator, day, hour"
        )
    rows = db.execute(
        f"SELECT device, operator, sum(n), count(*) FROM ({hours}) hours GROUP BY device, operator",
        parameters,
    ).fetchall()
    found: dict[str, dict[Key, tuple[int, int]]] = {"device": {}, "operator": {}}
    for device, operator, people, hours_with_any in rows:
        name, value = ("device", device) if device is not None else ("operator", operator)
        found[name][(str(value),)] = (int(people), int(hours_with_any))
    return found


def refresh(db: Db, dialect: str, now: str) -> None:
    """The `figures_refresh` job: the national figures computed from the facts, kept with
    what an answer publishes of them, in one transaction."""
    if dialect == "postgresql":  # hash the groups in memory rather than sort them on disk
        db.execute(f"SET LOCAL work_mem = '{REFRESH_WORK_MEM}'")
    national = evaluate(
        FactSource(db, dialect, FigureFilter(), national=True),
        scope=scope_of(FigureFilter()),
        generated_at=now,
    )
    shown = _json(published(national | {"refreshed_at": now}))
    db.execute(
        "INSERT INTO hub_figures (scope, refreshed_at, figures, published, published_gzip)"
        " VALUES ('', ?, ?, ?, ?) ON CONFLICT (scope) DO UPDATE SET"
        " refreshed_at = excluded.refreshed_at, figures = excluded.figures,"
        " published = excluded.published, published_gzip = excluded.published_gzip",
        [now, _json(national), shown, gzip.compress(shown.encode("utf-8"), GZIP_LEVEL, mtime=0)],
    )


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


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


def scope_of(chosen: FigureFilter) -> dict[str, Any]:
    events = (chosen.event,) if chosen.event else ()
    scope = FigureScope(events, chosen.since, chosen.until).to_json()
    return scope | {name: getattr(chosen, name) for name in chosen.__slots__ if name not in scope}


def raw_figures(db: Db, dialect: str, chosen: FigureFilter, now: str) -> dict[str, Any]:
    """The figures within `chosen`, NOT suppressed (for the hub's own use and its tests): the
    national view as the last refresh computed it, any other computed now from the facts."""
    state = db.execute("SELECT refreshed_at, figures FROM hub_figures WHERE scope = ''").fetchone()
    refreshed_at = None if state is None else str(state[0])
    if state is not None and not chosen.narrows:
        figures = json.loads(state[1])
    else:
        figures = evaluate(
            FactSource(db, dialect, chosen, national=not chosen.narrows),
            scope=scope_of(chosen),
            generated_at=now,
        )
    return figures | {"refreshed_at": refreshed_at}


def published_json(
    db: Db, dialect: str, chosen: FigureFilter, now: str, *, gzipped: bool = False
) -> tuple[bytes, bool]:
    """What `GET /v1/indicators` answers, as JSON bytes, and whether they are gzip-compressed
    (only when `gzipped` allows, for the national view as the refresh kept it: one row read);
    any other view computed now. Small cells suppressed, places named."""
    if not chosen.narrows:
        state = db.execute(
            "SELECT published, published_gzip FROM hub_figures WHERE scope = ''"
        ).fetchone()
        if state is not None:
            return (bytes(state[1]), True) if gzipped else (str(state[0]).encode("utf-8"), False)
    return _json(published(raw_figures(db, dialect, chosen, now))).encode("utf-8"), False


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
