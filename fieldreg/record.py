"""The registration record (v1): a plain dataclass and its validation.

Validation returns error codes per field (`{"phone": "invalid_phone"}`), never sentences:
the CLI and the UI turn codes into words in the user's language.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import phonenumbers

from fieldreg.errors import FieldRegError

ID_TYPES = ("national_id", "passport", "none")
SEXES = ("F", "M")
CATEGORIES = ("microenterprise", "microenterprise_employee", "seasonal_worker", "self_employed")
SERVICES = ("nssf", "health_insurance", "skills", "finance", "tax", "social_protection")
ISIC_SECTIONS = tuple("ABCDEFGHIJKLMNOPQRSTU")
MINIMUM_AGE = 15
MAX_NAME_LENGTH = 100
MAX_BUSINESS_NAME_LENGTH = 200
MAX_WORKERS = 100_000

# Zero-width characters that Khmer text picks up from keyboards and copy-paste.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_NATIONAL_ID = re.compile(r"[0-9]{9}")
_PASSPORT = re.compile(r"[A-Z0-9]{6,9}")
_VILLAGE_CODE = re.compile(r"[0-9]{8}")
_NAME_PUNCTUATION = frozenset(" -'.")


class VillageDirectory(Protocol):
    def is_village(self, code: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class Registration:
    """A validated, normalised registration (record keys v1)."""

    id_type: str
    id_number: str
    name_km: str
    name_en: str
    sex: str
    date_of_birth: str
    phone: str
    village_code: str
    category: str
    sector: str
    services: tuple[str, ...]
    consent: bool
    business_name: str = ""
    workers: int | None = None

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["services"] = list(self.services)
        return data


RECORD_KEYS = frozenset(field.name for field in dataclasses.fields(Registration))
REQUIRED_KEYS = RECORD_KEYS - {"business_name", "workers", "id_number"}


@dataclass(frozen=True, slots=True)
class ValidationResult:
    record: Registration | None
    errors: dict[str, str]

    @property
    def ok(self) -> bool:
        return self.record is not None


def validate(raw: Any, *, today: dt.date, villages: VillageDirectory) -> ValidationResult:
    """Check and normalise one raw record (a JSON object). Returns the record or field errors."""
    if not isinstance(raw, Mapping):
        return ValidationResult(None, {"record": "not_an_object"})
    errors: dict[str, str] = {}
    for key in raw:
        if key not in RECORD_KEYS:
            errors[str(key)[:40]] = "unknown_field"
    for key in REQUIRED_KEYS:
        if raw.get(key) in (None, ""):
            errors[key] = "required"
    values: dict[str, Any] = {}
    for key, check in _CHECKS.items():
        if key in errors or key not in raw or raw[key] is None:
            continue
        try:
            values[key] = check(raw[key], today, villages)
        except FieldError as error:
            errors[key] = error.code
    _check_id_number(raw, values, errors)
    if errors:
        return ValidationResult(None, errors)
    values.setdefault("business_name", "")
    values.setdefault("id_number", "")
    return ValidationResult(Registration(**values), {})


class FieldError(FieldRegError, ValueError):
    """One field's value is not acceptable; `code` says why."""


def _text(value: Any, max_length: int) -> str:
    if not isinstance(value, str):
        raise FieldError("wrong_type")
    if len(value) > max_length:
        raise FieldError("too_long")
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise FieldError("control_characters")
    return " ".join(value.translate(_INVISIBLE).split())


def _choice(options: tuple[str, ...]) -> Any:
    def check(value: Any, _today: dt.date, _villages: VillageDirectory) -> str:
        text = _text(value, 40)
        if text not in options:
            raise FieldError("unknown_value")
        return text

    return check


def _is_khmer(char: str) -> bool:
    return "\u1780" <= char <= "\u17ff" or "\u19e0" <= char <= "\u19ff"


def _name_km(value: Any, _today: dt.date, _villages: VillageDirectory) -> str:
    text = _text(value, MAX_NAME_LENGTH)
    if not any(_is_khmer(char) for char in text):
        raise FieldError("not_khmer")
    if not all(_is_khmer(char) or char in _NAME_PUNCTUATION for char in text):
        raise FieldError("not_khmer")
    return text


def _is_latin_letter(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN ") and char.isalpha()


def _name_en(value: Any, _today: dt.date, _villages: VillageDirectory) -> str:
    text = _text(value, MAX_NAME_LENGTH).upper()
    if not any(_is_latin_letter(char) for char in text):
        raise FieldError("not_latin")
    if not all(_is_latin_letter(char) or char in _NAME_PUNCTUATION for char in text):
        raise FieldError("not_latin")
    return text


def _date_of_birth(value: Any, today: dt.date, _villages: VillageDirectory) -> str:
    text = _text(value, 10)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise FieldError("invalid_date")
    try:
        born = dt.date.fromisoformat(text)
    except ValueError:
        raise FieldError("invalid_date") from None
    if born > today:
        raise FieldError("in_future")
    if born.year < 1900:
        raise FieldError("invalid_date")
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age < MINIMUM_AGE:
        raise FieldError("too_young")
    return text


def normalise_phone(value: str) -> str | None:
    """Any Cambodian form (`012 345 678`, `+855 12 345 678`, `85512345678`) -> E.164, or None."""
    try:
        number = phonenumbers.parse(value, "KH")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 855 or not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _phone(value: Any, _today: dt.date, _villages: VillageDirectory) -> str:
    text = _text(value, 32)
    if text.isdigit() and text.startswith("855") and len(text) >= 10:
        text = "+" + text
    e164 = normalise_phone(text)
    if e164 is None:
        raise FieldError("invalid_phone")
    return e164


def _village_code(value: Any, _today: dt.date, villages: VillageDirectory) -> str:
    text = _text(value, 8)
    if not _VILLAGE_CODE.fullmatch(text):
        raise FieldError("invalid_format")
    if not villages.is_village(text):
        raise FieldError("unknown_village")
    return text


def _sector(value: Any, today: dt.date, villages: VillageDirectory) -> str:
    return str(
        _choice(ISIC_SECTIONS)(value.upper() if isinstance(value, str) else value, today, villages)
    )


def _services(value: Any, _today: dt.date, _villages: VillageDirectory) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise FieldError("wrong_type")
    if any(item not in SERVICES for item in value):
        raise FieldError("unknown_value")
    return tuple(service for service in SERVICES if service in value)


def _consent(value: Any, _today: dt.date, _villages: VillageDirectory) -> bool:
    if value is not True:
        raise FieldError("consent_required")
    return True


def _business_name(value: Any, _today: dt.date, _villages: VillageDirectory) -> str:
    return _text(value, MAX_BUSINESS_NAME_LENGTH)


def _workers(value: Any, _today: dt.date, _villages: VillageDirectory) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError("wrong_type")
    if not 0 <= value <= MAX_WORKERS:
        raise FieldError("out_of_range")
    return value


def _check_id_number(
    raw: Mapping[str, Any], values: dict[str, Any], errors: dict[str, str]
) -> None:
    id_type = values.get("id_type")
    value = raw.get("id_number")
    if id_type is None or "id_number" in errors:
        return
    if id_type == "none":
        if value not in (None, ""):
            errors["id_number"] = "not_expected"
        return
    if value in (None, ""):
        errors["id_number"] = "required"
        return
    try:
        text = _text(value, 32).replace(" ", "").replace("-", "").upper()
    except FieldError as error:
        errors["id_number"] = error.code
        return
    pattern = _NATIONAL_ID if id_type == "national_id" else _PASSPORT
    if not pattern.fullmatch(text):
        errors["id_number"] = "invalid_format"
        return
    values["id_number"] = text


_CHECKS = {
    "id_type": _choice(ID_TYPES),
    "name_km": _name_km,
    "name_en": _name_en,
    "sex": _choice(SEXES),
    "date_of_birth": _date_of_birth,
    "phone": _phone,
    "village_code": _village_code,
    "category": _choice(CATEGORIES),
    "sector": _sector,
    "services": _services,
    "consent": _consent,
    "business_name": _business_name,
    "workers": _workers,
}
