"""From figures (the one JSON shape `fieldreg.indicators.evaluate` returns) to what the Figures
screen draws: tile texts, bars and points. Nothing is computed here that `evaluate` does not
already say: this only looks rows up, names coded values and writes numbers.

Names of indicators and of coded values come from `fieldreg.indicators.definitions` in the
UI language (not from the Qt translations), so every output calls things the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from fieldreg.gazetteer import Gazetteer, display_name
from fieldreg.indicators.definitions import FIELD_NAMES, LABELS, label
from ui.charts import Bar, Value
from ui.i18n import Formatter

Figures = Mapping[str, Any]
SEXES = ("F", "M")


def indicator(figures: Figures, indicator_id: str) -> dict[str, Any]:
    for entry in figures.get("indicators", ()):
        if entry["id"] == indicator_id:
            return dict(entry)
    return {"id": indicator_id, "value": None, "breakdowns": []}


def rows(figures: Figures, indicator_id: str, by: Sequence[str]) -> list[dict[str, Any]]:
    for breakdown in indicator(figures, indicator_id).get("breakdowns", ()):
        if list(breakdown["by"]) == list(by):
            return list(breakdown["rows"])
    return []


def name(figures: Figures, indicator_id: str, language: str) -> str:
    names = indicator(figures, indicator_id).get("name") or {}
    return str(names.get(language) or names.get("en") or indicator_id)


def field_name(field: str, language: str) -> str:
    words = FIELD_NAMES.get(field, (field, field))
    return words[1] if language == "km" else words[0]


def title(figures: Figures, indicator_id: str, by: Sequence[str], language: str) -> str:
    """ "Registrations · Target group × Sex"."""
    fields = " × ".join(field_name(field, language) for field in by)
    return (
        f"{name(figures, indicator_id, language)} · {fields}"
        if fields
        else name(figures, indicator_id, language)
    )


class Words:
    """Numbers and coded values as the UI language writes them."""

    def __init__(self, formatter: Formatter, gazetteer: Gazetteer | None = None) -> None:
        self.formatter = formatter
        self.gazetteer = gazetteer

    @property
    def language(self) -> str:
        return self.formatter.language

    def number(self, value: int | float) -> str:
        if isinstance(value, float) and not value.is_integer():
            return self.formatter.digits(f"{value:.1f}")
        return self.formatter.number(int(value))

    def value(self, value: Value) -> str:
        if value is None:
            return "—"
        return value if isinstance(value, str) else self.number(value)

    def percent(self, value: Value) -> str:
        if value is None or isinstance(value, str):
            return self.value(value)
        return self.formatter.digits(f"{value:.1f}") + "%"

    def coded(self, field: str, value: str) -> str:
        """A coded value in words: places by the gazetteer, the rest by the definitions."""
        if field in ("province", "district", "commune"):
            place = self.gazetteer.get(value) if self.gazetteer else None
            return display_name(place, self.language) if place else value
        if field == "device":
            return value if len(value) <= 12 else "…" + value[-8:]
        if field in ("day",):
            try:
                return self.formatter.date(dt.date.fromisoformat(value))
            except ValueError:
                return value
        if field == "hour":
            return self.formatter.digits(f"{value}:00")
        if field in LABELS:
            return label(field, value, self.language)
        return value

    def sexes(self) -> list[str]:
        return [label("sex", sex, self.language) for sex in SEXES]


def plain_bars(figures: Figures, indicator_id: str, field: str, words: Words) -> list[Bar]:
    """One bar per value of `field`, biggest first: its value (a percentage's bar is its
    count, the percentage goes into the tooltip; a rate's tooltip says people / hours)."""
    unit = indicator(figures, indicator_id).get("unit")
    bars = []
    for row in rows(figures, indicator_id, (field,)):
        count, tip = row["value"], ""
        if unit == "percent":
            count, tip = row["numerator"], words.percent(row["value"])
        elif unit == "per_hour":
            tip = f"{words.value(row['numerator'])} / {words.value(row['denominator'])}"
        bars.append(Bar(words.coded(field, str(row[field])), (count,), str(row[field]), (tip,)))
    return sorted(bars, key=lambda bar: -_size(bar.values[0]))


def by_sex_bars(figures: Figures, indicator_id: str, field: str, words: Words) -> list[Bar]:
    """One row per value of `field`, a bar for women and one for men."""
    counts: dict[str, dict[str, Value]] = {}
    percents: dict[str, dict[str, Value]] = {}
    for row in rows(figures, indicator_id, (field, "sex")):
        count = row.get("numerator", row["value"]) if "denominator" in row else row["value"]
        counts.setdefault(str(row[field]), {})[row["sex"]] = count
        if "denominator" in row:
            percents.setdefault(str(row[field]), {})[row["sex"]] = row["value"]
    order = sorted(counts, key=lambda code: -sum(_size(v) for v in counts[code].values()))
    return [
        Bar(
            words.coded(field, code),
            tuple(counts[code].get(sex, 0) for sex in SEXES),
            code,
            tuple(
                words.percent(percents[code].get(sex)) if code in percents else "" for sex in SEXES
            ),
        )
        for code in order
    ]


def district_bars(figures: Figures, province: str, words: Words) -> list[Bar]:
    return [
        bar
        for bar in plain_bars(figures, "registrations", "district", words)
        if bar.key.startswith(province)
    ]


def timeline(figures: Figures, words: Words, unit: str = "") -> tuple[str, list[tuple[str, int]]]:
    """Registrations per "hour" of the day (summed over the days shown) or per "day" (every
    day from the first to the last shown). Without a `unit`: by hour when the figures cover
    one day, else by day."""
    per_day: dict[str, int] = {}
    per_hour: dict[int, int] = {}
    for row in rows(figures, "registrations", ("day", "hour")):
        number = row["value"] if isinstance(row["value"], int) else 0
        per_day[row["day"]] = per_day.get(row["day"], 0) + number
        per_hour[int(row["hour"])] = per_hour.get(int(row["hour"]), 0) + number
    unit = unit or ("hour" if len(per_day) == 1 else "day")
    if not per_day:
        return unit, []
    if unit == "hour":
        first, last = min(per_hour), max(per_hour)
        return "hour", [
            (words.coded("hour", f"{hour:02d}"), per_hour.get(hour, 0))
            for hour in range(first, last + 1)
        ]
    start, end = dt.date.fromisoformat(min(per_day)), dt.date.fromisoformat(max(per_day))
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    return "day", [(_short_date(day, words), per_day.get(day.isoformat(), 0)) for day in days]


def _short_date(day: dt.date, words: Words) -> str:
    full = words.formatter.date(day)
    return full.rsplit(" ", 1)[0]  # without the year: the axis is short


def _size(value: Value) -> float:
    return float(value) if isinstance(value, int | float) else 0.0
