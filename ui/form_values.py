"""Turning what was typed into the raw record the core validates (no Qt here)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ui.i18n import ascii_digits

_DAY_FIRST = re.compile(r"(\d{1,2})\s*[./\- ]\s*(\d{1,2})\s*[./\- ]\s*(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_PACKED = re.compile(r"(\d{2})(\d{2})(\d{4})")

TEXT_FIELDS = ("id_number", "name_km", "name_en", "date_of_birth", "phone", "business_name")
CHOICE_FIELDS = ("id_type", "sex", "category", "sector")


def iso_date(text: str) -> str:
    """`15/01/1990`, `15.01.1990`, `15011990`, `1990-1-15` or Khmer digits -> `1990-01-15`.
    Anything else comes back as typed, for the core to call it an invalid date."""
    typed = ascii_digits(text).strip()
    for pattern, order in ((_DAY_FIRST, (3, 2, 1)), (_PACKED, (3, 2, 1)), (_ISO, (1, 2, 3))):
        match = pattern.fullmatch(typed)
        if match:
            year, month, day = (int(match.group(i)) for i in order)
            return f"{year:04d}-{month:02d}-{day:02d}"
    return typed


def display_date(iso: str) -> str:
    """`1990-01-15` -> `15/01/1990`, the way the ID card and the registrar write it."""
    match = _ISO.fullmatch(iso)
    if not match:
        return iso
    year, month, day = match.groups()
    return f"{int(day):02d}/{int(month):02d}/{year}"


def record_input(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The raw record for `validate`, and errors only the form can see (a typed village
    that was never chosen, a worker count that is not a number)."""
    raw: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key in CHOICE_FIELDS:
        raw[key] = values.get(key) or ""
    for key in ("name_km", "name_en", "business_name"):
        raw[key] = str(values.get(key, "")).strip()
    raw["id_number"] = ascii_digits(str(values.get("id_number", ""))).strip()
    if raw["id_type"] == "none" and not raw["id_number"]:
        raw.pop("id_number")
    raw["phone"] = ascii_digits(str(values.get("phone", ""))).strip()
    raw["date_of_birth"] = iso_date(str(values.get("date_of_birth", "")))
    raw["village_code"] = values.get("village_code") or ""
    if not raw["village_code"] and str(values.get("village_text", "")).strip():
        errors["village_code"] = "unknown_village"
    workers = ascii_digits(str(values.get("workers", ""))).strip()
    if workers:
        if workers.isdigit():
            raw["workers"] = int(workers)
        else:
            errors["workers"] = "not_a_number"
    if not raw["business_name"]:
        raw.pop("business_name")
    raw["services"] = list(values.get("services", []))
    raw["consent"] = bool(values.get("consent", False))
    return raw, errors


def refine_errors(errors: Mapping[str, str], id_type: str) -> dict[str, str]:
    """More helpful codes for the form: which ID number format was expected."""
    refined = dict(errors)
    if refined.get("id_number") == "invalid_format" and id_type in ("national_id", "passport"):
        refined["id_number"] = f"invalid_{id_type}"
    return refined


def is_blank(values: Mapping[str, Any]) -> bool:
    """Nothing typed yet (the defaults do not count): no draft is worth keeping."""
    typed = [values.get(key) for key in (*TEXT_FIELDS, "village_code", "village_text", "workers")]
    chosen = [values.get(key) for key in ("sex", "category", "sector")]
    return not any(typed) and not any(chosen) and not values.get("services")
