"""The registration form's scan parser: decoded text -> the form's raw values. No Qt.

Every input route (camera, image file, hand scanner) ends here. `fieldreg.scanning.parse` says
what the text is; this keeps only what may prefill a registration form: ID card and passport
zones, and JSON with record keys. Receipts, enrolment strings and certificate links are
recognised by the core but fill no field, so the form treats them as "not a registration".

Values come back as the form holds them (`RegistrationFields.set_values`): strings, choice
codes the form offers, ISO dates. Consent and services are never taken from a code: the
person gives consent at the desk, and chooses services there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from fieldreg.clock import Clock, utc_now
from fieldreg.record import (
    CATEGORIES,
    ID_TYPES,
    ISIC_SECTIONS,
    MAX_BUSINESS_NAME_LENGTH,
    MAX_WORKERS,
    SEXES,
)
from fieldreg.scanning.parse import parse_payload

TEXT_KEYS = ("id_number", "name_km", "name_en", "date_of_birth", "phone", "business_name")
CHOICES: dict[str, tuple[str, ...]] = {
    "id_type": ID_TYPES,
    "sex": SEXES,
    "category": CATEGORIES,
    "sector": ISIC_SECTIONS,
}


class PayloadScanParser:
    """`ui.seams.ScanParser` over `fieldreg.scanning.parse.parse_payload`.

    `clock` gives "today" for the ID zone's dates (an expired card is a warning, not an
    error). Receipts fill no field, so no hub key is needed here."""

    def __init__(self, clock: Clock = utc_now) -> None:
        self._clock = clock

    def today(self) -> dt.date:
        return self._clock().astimezone().date()

    def fields_from_text(self, text: str) -> dict[str, str] | None:
        parsed = parse_payload(text, today=self.today())
        if not parsed.ok or not parsed.fields:
            return None
        values = form_values(parsed.fields)
        return values or None


def form_values(fields: Mapping[str, Any]) -> dict[str, str]:
    """Record fields from a payload -> values the form can show. Anything the form cannot
    hold as given (an unknown choice code, a number where text belongs, an overlong value)
    is left out rather than shown wrong."""
    values: dict[str, str] = {}
    for key in TEXT_KEYS:
        value = fields.get(key)
        if isinstance(value, str) and value.strip():
            text = value.strip()
            if len(text) <= MAX_BUSINESS_NAME_LENGTH:
                values[key] = text
    for key, allowed in CHOICES.items():
        code = fields.get(key)
        if isinstance(code, str) and code in allowed:
            values[key] = code
    village = fields.get("village_code")
    if isinstance(village, str) and village.isdigit():
        values["village_code"] = village
    workers = fields.get("workers")
    if isinstance(workers, str) and workers.strip().isdigit():
        workers = int(workers.strip())
    if isinstance(workers, int) and not isinstance(workers, bool) and 0 <= workers <= MAX_WORKERS:
        values["workers"] = str(workers)
    return values
