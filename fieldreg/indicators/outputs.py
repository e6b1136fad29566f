"""Figures as the bytes that leave the laptop: JSON, CSV, or the one-page PDF, always from
`suppressed()` figures, with the places they name in words from the gazetteer."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from fieldreg.errors import FieldRegError
from fieldreg.gazetteer import display_name, load_gazetteer
from fieldreg.indicators.evaluate import to_csv

FORMATS = ("json", "csv", "pdf")
PLACE_FIELDS = ("province", "district", "commune")


def to_json(figures: Mapping[str, Any]) -> str:
    return json.dumps(figures, ensure_ascii=False, indent=2) + "\n"


def place_names(figures: Mapping[str, Any], language: str = "en") -> dict[str, str]:
    """Code -> name (in `language`) of every province, district and commune the figures
    break down by."""
    gazetteer = load_gazetteer()
    names = {}
    for indicator in figures["indicators"]:
        for breakdown in indicator.get("breakdowns", []):
            for row in breakdown["rows"]:
                for field in PLACE_FIELDS:
                    code = row.get(field)
                    if code and code not in names and (place := gazetteer.get(code)):
                        names[code] = display_name(place, language)
    return names


def registrations(figures: Mapping[str, Any]) -> int:
    """The headline number of registrations (0 when suppressed or absent)."""
    for indicator in figures["indicators"]:
        if indicator["id"] == "registrations" and isinstance(indicator.get("value"), int):
            return int(indicator["value"])
    return 0


def render(figures: Mapping[str, Any], fmt: str, *, language: str = "en") -> bytes:
    """`figures` (already suppressed, for anything leaving the laptop) as a file's bytes."""
    if fmt == "json":
        return to_json(figures).encode("utf-8")
    if fmt == "csv":
        return to_csv(figures).encode("utf-8")
    raise FieldRegError("invalid_setting", key=f"format/{fmt}"[:40])
