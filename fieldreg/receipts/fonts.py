"""Fonts for receipts: a Latin face first, the bundled Noto Sans Khmer for what it lacks.

Noto Sans Khmer has no Latin letters, so every receipt line is drawn in runs: characters the
Latin font has, and the rest in Khmer. Both renderers (PDF and PNG) use the same rule.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
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
COENG = "\u17d2"
ELLIPSIS = "\u2026"


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


def wrap_text(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Greedy line breaking at spaces, `measure` giving a text's width in the same unit as
    `width`. A word wider than a line is cut only where a Khmer cluster ends."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if measure(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while len(word) > 1 and measure(word) > width:
            cut = _fitting_cut(word, width, measure)
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    lines.append(current)
    return lines


def shorten(text: str, width: float, measure: Callable[[str], float]) -> str:
    """`text`, or its longest start that fits with "…" after it, cut between clusters."""
    if measure(text) <= width:
        return text
    cut = _fitting_cut(text, width - measure(ELLIPSIS), measure)
    return text[:cut].rstrip() + ELLIPSIS


def _fitting_cut(word: str, width: float, measure: Callable[[str], float]) -> int:
    """The longest prefix that fits and ends on a cluster boundary (at least one cluster)."""
    cuts = [i for i in range(1, len(word)) if is_cluster_boundary(word, i)]
    if not cuts:
        return len(word)
    # a longer prefix is never narrower: bisect rather than measure every prefix
    low, high = 0, len(cuts)
    while low < high:
        middle = (low + high) // 2
        if measure(word[: cuts[middle]]) <= width:
            low = middle + 1
        else:
            high = middle
    return cuts[low - 1] if low else cuts[0]


def is_cluster_boundary(text: str, index: int) -> bool:
    """May a line break fall before `text[index]`? Not after a coeng (the next consonant is
    its subscript), and not before a combining mark or a dependent vowel."""
    if text[index - 1] == COENG:
        return False
    return unicodedata.category(text[index]) not in ("Mn", "Mc", "Me", "Cf")
