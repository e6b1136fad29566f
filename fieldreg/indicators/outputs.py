"""Figures as the bytes that leave the laptop: JSON, CSV, or the one-page PDF (places named
from the gazetteer), made from `suppressed()` figures by their callers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from fieldreg.errors import FieldRegError
from fieldreg.gazetteer import load_gazetteer
from fieldreg.indicators.evaluate import to_csv

FORMATS = ("json", "csv", "pdf")


def to_json(figures: Mapping[str, Any]) -> str:
    return json.dumps(figures, ensure_ascii=False, indent=2) + "\n"


def registrations(figures: Mapping[str, Any]) -> int:
    """The headline number of registrations (0 when absent or suppressed)."""
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
    if fmt == "pdf":
        from fieldreg.indicators.report_pdf import figures_pdf, place_names  # fpdf2 when needed

        return figures_pdf(
            figures, language=language, places=place_names(load_gazetteer(), language)
        )
    raise FieldRegError("invalid_setting", key=f"format/{fmt}"[:40])
