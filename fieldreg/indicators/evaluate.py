"""Figures from counts: every indicator of `definitions` computed from a `Source`.

A source (the device's aggregate table, a full recount, the hub's cube) answers
`count(by)`: registrations within its scope (events, period, province, ...) grouped by the
given fields, at most one of them a dimension field. `evaluate` asks it for what each
indicator needs and returns `Figures`, a plain JSON-able structure that the screen, the
CLI, the PDF, the CSV and the hub's API all show. `suppressed` hides small cells for
anything meant to leave the coordinator's hands.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from fieldreg.csv_cells import csv_cell
from fieldreg.indicators.definitions import (
    FIELDS,
    INDICATOR_SET,
    INDICATORS,
    SMALL_CELL,
    VERSION,
    Indicator,
    Measure,
)

Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Operations:
    """What figures need beyond counts of registrations."""

    statuses: Mapping[str, int] = field(default_factory=dict)  # pending/synced/rejected
    lag_minutes: Mapping[int, int] = field(default_factory=dict)  # minutes -> registrations


class Source(Protocol):
    """May also have `people_and_hours(by) -> {key: (registrations, hours with any)}`, the
    throughput indicators' sums by desk or operator; without it they come from
    count(by + ("day", "hour"))."""

    def count(self, by: Key) -> dict[Key, int]: ...

    def operations(self) -> Operations: ...


def _measure(source: Source, measure: Measure, by: Key) -> dict[Key, int]:
    """`measure`'s counts grouped by `by`: the measure's own fields are counted along too,
    then kept where they match and summed away."""
    extra = tuple(name for name in measure.fields if name not in by)
    raw = source.count(by + extra)
    wanted = dict(measure.where)
    fields = by + extra
    summed: dict[Key, int] = defaultdict(int)
    for key, number in raw.items():
        values = dict(zip(fields, key, strict=True))
        if all(value == "*" or values[name] == value for name, value in wanted.items()):
            summed[key[: len(by)]] += number
    return dict(summed)


def _percent(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


def _rows(source: Source, indicator: Indicator, by: Key) -> list[dict[str, Any]]:
    numerators = _measure(source, indicator.numerator, by)
    if indicator.denominator is None:
        return [
            {**dict(zip(by, key, strict=True)), "value": number}
            for key, number in sorted(numerators.items())
        ]
    # a percentage's denominator ignores the breakdown's "dimension" it is about
    # (interest in a service is counted over everyone registered in the group)
    denominator_by = tuple(name for name in by if name not in indicator.numerator.fields)
    denominators = _measure(source, indicator.denominator, denominator_by)
    rows = []
    for key in sorted(set(numerators) | {k for k in denominators if len(k) == len(by)}):
        values = dict(zip(by, key, strict=True))
        numerator = numerators.get(key, 0)
        denominator = denominators.get(tuple(values[name] for name in denominator_by), 0)
        rows.append(
            {
                **values,
                "numerator": numerator,
                "denominator": denominator,
                "value": _percent(numerator, denominator),
            }
        )
    return rows


def _throughput(source: Source, by: Key) -> list[dict[str, Any]]:
    """Registrations per hour in which anyone was registered, per desk or operator."""
    counted = getattr(source, "people_and_hours", None)
    if counted is not None:
        # a source that sums them itself: the hub, whose desks' hours run into millions
        totals: dict[Key, tuple[int, int]] = counted(by)
    else:
        per_hour = source.count(by + ("day", "hour"))
        people: dict[Key, int] = defaultdict(int)
        hours: dict[Key, int] = defaultdict(int)
        for key, number in per_hour.items():
            people[key[: len(by)]] += number
            hours[key[: len(by)]] += 1
        totals = {key: (people[key], hours[key]) for key in people}
    return [
        {
            **dict(zip(by, key, strict=True)),
            "numerator": totals[key][0],
            "denominator": totals[key][1],
            "value": round(totals[key][0] / totals[key][1], 1),
        }
        for key in sorted(totals)
    ]


def _lag(lags: Mapping[int, int]) -> dict[str, Any]:
    values = sorted(lags.items())
    total = sum(number for _, number in values)
    if not total:
        return {"value": None, "median": None, "p90": None, "acknowledged": 0}

    def quantile(q: float) -> int:
        rank, seen = q * total, 0
        for minutes, number in values:
            seen += number
            if seen >= rank:
                return minutes
        return values[-1][0]

    return {
        "value": quantile(0.5),
        "median": quantile(0.5),
        "p90": quantile(0.9),
        "acknowledged": total,
    }


def evaluate(
    source: Source,
    *,
    scope: Mapping[str, Any] | None = None,
    generated_at: str = "",
    indicators: Iterable[Indicator] = INDICATORS,
) -> dict[str, Any]:
    """Every indicator's headline value and breakdowns, as one JSON-able object."""
    operations = source.operations()
    out = []
    for indicator in indicators:
        entry: dict[str, Any] = {
            "id": indicator.id,
            "name": {"en": indicator.name_en, "km": indicator.name_km},
            "unit": indicator.unit,
        }
        if indicator.operations == "status":
            statuses = dict(operations.statuses)
            entry["value"] = sum(statuses.values())
            entry["breakdowns"] = [
                {
                    "by": ["status"],
                    "rows": [{"status": s, "value": n} for s, n in sorted(statuses.items())],
                }
            ]
        elif indicator.operations == "lag":
            entry.update(_lag(operations.lag_minutes))
            entry["breakdowns"] = []
        elif indicator.operations == "throughput":
            by = indicator.disaggregations[0]
            rows = _throughput(source, by)
            people = sum(row["numerator"] for row in rows)
            hours = sum(row["denominator"] for row in rows)
            entry["value"] = round(people / hours, 1) if hours else None
            entry["breakdowns"] = [{"by": list(by), "rows": rows}]
        else:
            if indicator.headline:
                empty = {"value": 0 if indicator.denominator is None else None}
                (total,) = _rows(source, indicator, ()) or [empty]
                entry.update(total)
            else:
                entry["value"] = None
            entry["breakdowns"] = [
                {"by": list(by), "rows": _rows(source, indicator, by)}
                for by in indicator.disaggregations
            ]
        out.append(entry)
    return {
        "indicator_set": INDICATOR_SET,
        "version": VERSION,
        "generated_at": generated_at,
        "scope": dict(scope or {}),
        "small_cells": {"suppressed": False, "below": SMALL_CELL},
        "indicators": out,
    }


def _small(number: Any) -> bool:
    return isinstance(number, int) and not isinstance(number, bool) and 0 < number < SMALL_CELL


def suppressed(figures: Mapping[str, Any]) -> dict[str, Any]:
    """The figures with every count from 1 to 4 shown as "<5", and every percentage or rate
    computed from such a count withheld (None): for anything that leaves the coordinator."""

    def hide(item: Mapping[str, Any]) -> dict[str, Any]:
        small = any(_small(item.get(name)) for name in ("numerator", "denominator"))
        result: dict[str, Any] = {}
        for name, value in item.items():
            if name in ("value", "numerator", "denominator", "acknowledged") and _small(value):
                result[name] = f"<{SMALL_CELL}"
            elif name in ("value", "median", "p90") and small:
                result[name] = None
            else:
                result[name] = value
        return result

    indicators = []
    for indicator in figures["indicators"]:
        entry = hide(indicator)
        if "breakdowns" in indicator:
            entry["breakdowns"] = [
                {
                    "by": breakdown["by"],
                    "rows": _complemented([hide(row) for row in breakdown["rows"]], breakdown),
                }
                for breakdown in indicator["breakdowns"]
            ]
        indicators.append(entry)
    return {
        **figures,
        "small_cells": {"suppressed": True, "below": SMALL_CELL},
        "indicators": indicators,
    }


def _complemented(rows: list[dict[str, Any]], breakdown: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Secondary suppression: where a group of cells that adds up to a shown total (a
    breakdown's rows, or the rows sharing all but the last field of a two-field breakdown) has
    exactly one hidden count, the smallest shown count beside it is withheld too (None), so
    the total minus the shown cells does not give the hidden one away. Totals of one breakdown
    against another can still narrow a hidden count down (docs/security.md)."""
    hidden = f"<{SMALL_CELL}"
    groups: dict[Key, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[tuple(str(row.get(name)) for name in breakdown["by"][:-1])].append(row)
    for group in groups.values():
        for name in ("value", "numerator"):
            if sum(row.get(name) == hidden for row in group) != 1:
                continue
            shown = [r for r in group if isinstance(r.get(name), int) and r[name] > 0]
            if shown:
                smallest = min(shown, key=lambda r: r[name])
                smallest[name] = None  # withheld: not "<5", which would be untrue
                if name == "numerator":  # its percentage would give it away
                    smallest["value"] = None
    return rows


CSV_COLUMNS = ["indicator", "breakdown", *FIELDS, "status", "value", "numerator", "denominator"]


def to_csv(figures: Mapping[str, Any]) -> str:
    """One row per headline value and per breakdown row; a field column is filled where the
    row is broken down by it. The first line says whether small cells are suppressed."""
    out = io.StringIO()
    cells = figures["small_cells"]
    note = (
        f"# {figures['indicator_set']} v{figures['version']}; counts under {cells['below']}"
        f" {'shown as <' + str(cells['below']) if cells['suppressed'] else 'NOT suppressed'}"
    )
    out.write(note + "\n")
    writer = csv.DictWriter(out, CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for indicator in figures["indicators"]:
        if indicator.get("value") is not None:
            writer.writerow({**indicator, "indicator": indicator["id"], "breakdown": ""})
        for breakdown in indicator.get("breakdowns", []):
            for row in breakdown["rows"]:
                writer.writerow(
                    {
                        **{name: csv_cell(value) for name, value in row.items()},
                        "indicator": indicator["id"],
                        "breakdown": "+".join(breakdown["by"]),
                    }
                )
    return out.getvalue()
