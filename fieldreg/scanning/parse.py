"""What a scanned payload is, and what it fills in: one entry point for every input route
(camera, image file, hand scanner, typed text).

Recognised: ICAO 9303 zones (Khmer ID card TD1, passport TD3), FieldReg receipts (verified
offline), enrolment strings, plain JSON with record keys, and verify.gov.kh certificate links
(recognised and shown; they can only be verified online). Anything else is `not_recognised`
with what was seen. `parse_payload` never raises.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fieldreg.receipts import receipt
from fieldreg.record import RECORD_KEYS
from fieldreg.scanning import mrz
from fieldreg.transfer import enrolment_string

log = logging.getLogger(__name__)

MAX_PAYLOAD_CHARS = 8192
SEEN_EXCERPT_CHARS = 120
VERIFY_HOST = "verify.gov.kh"
_VERIFY_URL = re.compile(
    r"https://verify\.gov\.kh/verify/([A-Za-z0-9_-]{32}|[0-9a-f]{64})\?key=[0-9a-f]{64}"
)

# Kinds of payload.
ID_CARD = "id_card_mrz"
PASSPORT = "passport_mrz"
RECEIPT = "receipt"
ENROLMENT = "enrolment"
RECORD_JSON = "record_json"
CERTIFICATE_LINK = "certificate_link"
NOT_RECOGNISED = "not_recognised"


@dataclass(frozen=True, slots=True)
class ParsedPayload:
    """`fields` are record keys to prefill a form with (only when `ok`); `details` are what
    the payload says, for display; `errors` and `warnings` are codes."""

    kind: str
    ok: bool
    fields: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "ok": self.ok,
            "fields": self.fields,
            "details": self.details,
            "errors": list(self.errors),
            "warnings": list(self.warnings),
        }


def parse_payload(
    data: str | bytes, *, today: dt.date, hub_key: Ed25519PublicKey | None = None
) -> ParsedPayload:
    """Recognise and parse one payload. `hub_key` is the hub this install trusts, for receipts."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    try:
        return _parse_text(text, today, hub_key)
    except Exception:  # a parser bug must not take the scan screen down; fuzz tests catch it
        log.exception("payload parser failed")
        return _not_recognised(text, "parser_error")


def _parse_text(text: str, today: dt.date, hub_key: Ed25519PublicKey | None) -> ParsedPayload:
    if len(text) > MAX_PAYLOAD_CHARS:
        return _not_recognised(text, "too_long")
    stripped = text.strip()
    if receipt.is_receipt(stripped):
        return _parse_receipt(stripped, hub_key)
    if enrolment_string.is_enrolment(stripped):
        return _parse_enrolment(stripped)
    if stripped.startswith("{"):
        return _parse_record_json(stripped, text)
    if _is_verify_link(stripped):
        return _parse_certificate_link(stripped)
    zone = mrz.parse_mrz(stripped, today=today)
    if zone is not None:
        return _from_mrz(zone)
    if "<<" in stripped:
        return _not_recognised(text, "incomplete_mrz")
    return _not_recognised(text, "unknown_format")


def _from_mrz(zone: mrz.MrzResult) -> ParsedPayload:
    kind = ID_CARD if zone.document_type == "td1" else PASSPORT
    warnings = list(zone.warnings)
    fields = zone.registration_fields() if zone.ok else {}
    if zone.ok and "id_type" not in fields:
        warnings.append("not_a_khmer_id_card")
    return ParsedPayload(kind, zone.ok, fields, zone.to_json(), zone.errors, tuple(warnings))


def _parse_receipt(text: str, hub_key: Ed25519PublicKey | None) -> ParsedPayload:
    try:
        check = receipt.verify(text, hub_key)
    except receipt.ReceiptFormatError as error:
        return ParsedPayload(RECEIPT, False, errors=(error.code,))
    details = {**check.claim.to_json(), "verification": check.status}
    errors = () if check.valid else (check.status,)
    return ParsedPayload(RECEIPT, check.valid, details=details, errors=errors)


def _parse_enrolment(text: str) -> ParsedPayload:
    enrolment, error = enrolment_string.parse_enrolment(text)
    if enrolment is None:
        return ParsedPayload(ENROLMENT, False, errors=(error or "bad_encoding",))
    return ParsedPayload(ENROLMENT, True, details=enrolment.to_json())


def _parse_record_json(stripped: str, original: str) -> ParsedPayload:
    try:
        data = json.loads(stripped)
    except (ValueError, RecursionError):
        return _not_recognised(original, "invalid_json")
    if not isinstance(data, dict):
        return _not_recognised(original, "invalid_json")
    fields = {key: value for key, value in data.items() if key in RECORD_KEYS}
    if not fields:
        return _not_recognised(original, "no_record_keys")
    ignored = sorted(str(key)[:40] for key in data if key not in RECORD_KEYS)
    warnings = ("unknown_keys_ignored",) if ignored else ()
    details = {"ignored_keys": ignored} if ignored else {}
    return ParsedPayload(RECORD_JSON, True, fields, details, warnings=warnings)


def _is_verify_link(text: str) -> bool:
    if not text.lower().startswith(("https://", "http://")):
        return False
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return False
    return host == VERIFY_HOST


def _parse_certificate_link(text: str) -> ParsedPayload:
    """Shown and opened online; offline the app can only say whether the link has the shape
    the verify.gov.kh platform uses."""
    warnings = ["verify_online_only"]
    if not _VERIFY_URL.fullmatch(text):
        warnings.append("unexpected_link_shape")
    return ParsedPayload(
        CERTIFICATE_LINK, True, details={"url": text[:2048]}, warnings=tuple(warnings)
    )


def _not_recognised(text: str, reason: str) -> ParsedPayload:
    return ParsedPayload(
        NOT_RECOGNISED,
        False,
        details={"seen": printable_excerpt(text), "length": len(text)},
        errors=(reason,),
    )


def printable_excerpt(text: str, limit: int = SEEN_EXCERPT_CHARS) -> str:
    """The start of `text` safe to show on one line: control characters as `\\xNN`."""
    shown = []
    for char in text[:limit]:
        category = unicodedata.category(char)
        if category in ("Cc", "Cs") or (category == "Cf" and char not in "\u200b\u200c\u200d"):
            shown.append(f"\\x{ord(char):02x}" if ord(char) < 256 else f"\\u{ord(char):04x}")
        else:
            shown.append(char)
    return "".join(shown) + ("…" if len(text) > limit else "")
