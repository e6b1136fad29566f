"""Fonts for receipts: a Latin face first, the bundled Noto Sans Khmer for what it lacks.

Noto Sans Khmer has no Latin letters, so every receipt line is drawn in runs: characters the
Latin font has, and the rest in Khmer. Both renderers (PDF and PNG) use the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

from fieldreg.errors import FieldRegError
from fieldreg.resources import resource_path

# Bundled first (resources/fonts), then the system's: Debian's fonts-dejavu-core, Windows' Arial.
_LATIN_CANDIDATES = {
    False: (
        "NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "C:/Windows/Fonts/arial.ttf",
    ),
    True: (
        "NotoSans-Bold.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "C:/Windows/Fonts/arialbd.ttf",
    ),
}
_KHMER = {False: "NotoSansKhmer-Regular.ttf", True: "NotoSansKhmer-Bold.ttf"}


class FontMissing(FieldRegError):
    """No usable font; `code` is stable."""


@dataclass(frozen=True, slots=True)
class FontPair:
    latin: Path
    khmer: Path


@cache
def receipt_fonts(bold: bool) -> FontPair:
    khmer = resource_path("fonts", _KHMER[bold])
    if not khmer.is_file():
        raise FontMissing("no_khmer_font")
    for candidate in _LATIN_CANDIDATES[bold]:
        path = resource_path("fonts", candidate) if "/" not in candidate else Path(candidate)
        if path.is_file():
            return FontPair(path, khmer)
    raise FontMissing("no_latin_font")


@cache
def _codepoints(path: Path) -> frozenset[int]:
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def font_runs(text: str, fonts: FontPair) -> list[tuple[str, Path]]:
    """`text` cut into runs, each with the font that draws it: Latin where it has the glyph,
    Khmer otherwise. A Khmer cluster never straddles two runs (the Latin font has none of its
    characters), so shaping sees whole clusters."""
    latin = _codepoints(fonts.latin)
    runs: list[tuple[str, Path]] = []
    for char in text:
        font = fonts.latin if ord(char) in latin else fonts.khmer
        if runs and runs[-1][1] == font:
            runs[-1] = (runs[-1][0] + char, font)
        else:
            runs.append((char, font))
    return runs
