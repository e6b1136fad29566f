"""Khmer digits, for outputs made without Qt (the figures PDF, the hub's pages) and the UI alike."""

from __future__ import annotations

_KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")
_ASCII_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")


def khmer_digits(text: str) -> str:
    return text.translate(_KHMER_DIGITS)


def ascii_digits(text: str) -> str:
    """Khmer digits typed or scanned become ASCII digits for the core."""
    return text.translate(_ASCII_DIGITS)
