"""A CSV cell as a spreadsheet may see it (OWASP's CSV injection list), shared by every CSV
the project writes: `fieldreg.exports` and the figures' CSV."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = ";"  # a list cell (services) is its items joined by this


def csv_cell(value: Any) -> Any:
    """The value as a spreadsheet may see it: text that could run as a formula is prefixed
    with `'`; a list becomes its items joined by `;`; numbers and None stay as they are."""
    if isinstance(value, list | tuple):
        value = LIST_SEPARATOR.join(str(item) for item in value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
