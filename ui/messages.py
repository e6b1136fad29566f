"""Words for the core's codes, in the user's language: field errors, store errors, choices.

The core returns codes (`invalid_phone`, `backoff`); this table is the desktop app's own
(ui/cli_messages.py stays English for the command line). Entries are marked with
QT_TRANSLATE_NOOP so lupdate collects them and translated when shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication

FIELD_CONTEXT = "FieldErrors"
STORE_CONTEXT = "StoreErrors"
CHOICE_CONTEXT = "Choices"


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:  # the name lupdate looks for
    """Marks `source` for translation in `context`; translated when shown."""
    del context
    return source


FIELD_ERRORS = {
    "required": QT_TRANSLATE_NOOP("FieldErrors", "Required"),
    "wrong_type": QT_TRANSLATE_NOOP("FieldErrors", "Not a valid value"),
    "too_long": QT_TRANSLATE_NOOP("FieldErrors", "Too long"),
    "control_characters": QT_TRANSLATE_NOOP("FieldErrors", "Contains characters not allowed"),
    "unknown_value": QT_TRANSLATE_NOOP("FieldErrors", "Choose one of the options"),
    "not_khmer": QT_TRANSLATE_NOOP("FieldErrors", "Write this name in Khmer script"),
    "not_latin": QT_TRANSLATE_NOOP("FieldErrors", "Write this name in Latin letters"),
    "invalid_date": QT_TRANSLATE_NOOP("FieldErrors", "Write the date as DD/MM/YYYY"),
    "in_future": QT_TRANSLATE_NOOP("FieldErrors", "This date is in the future"),
    "too_young": QT_TRANSLATE_NOOP("FieldErrors", "The person must be 15 or older"),
    "invalid_phone": QT_TRANSLATE_NOOP("FieldErrors", "Not a Cambodian phone number"),
    "invalid_format": QT_TRANSLATE_NOOP("FieldErrors", "The format is not right"),
    "invalid_national_id": QT_TRANSLATE_NOOP("FieldErrors", "A national ID number has 9 digits"),
    "invalid_passport": QT_TRANSLATE_NOOP(
        "FieldErrors", "A passport number has 6 to 9 letters or digits"
    ),
    "unknown_village": QT_TRANSLATE_NOOP("FieldErrors", "Choose the village from the list"),
    "consent_required": QT_TRANSLATE_NOOP("FieldErrors", "Registration needs the person's consent"),
    "out_of_range": QT_TRANSLATE_NOOP("FieldErrors", "The number is out of range"),
    "not_expected": QT_TRANSLATE_NOOP("FieldErrors", "Leave empty when there is no ID"),
    "not_a_number": QT_TRANSLATE_NOOP("FieldErrors", "Write a whole number"),
}

STORE_ERRORS = {
    "not_initialised": QT_TRANSLATE_NOOP("StoreErrors", "There is no FieldReg store here yet."),
    "damaged": QT_TRANSLATE_NOOP(
        "StoreErrors",
        "The store file is damaged. A coordinator can restore the last backup "
        "(fieldreg restore-backup).",
    ),
    "newer_version": QT_TRANSLATE_NOOP(
        "StoreErrors", "This store was written by a newer FieldReg. Install the newer version."
    ),
    "unknown_operator": QT_TRANSLATE_NOOP("StoreErrors", "There is no user with that name."),
    "operator_exists": QT_TRANSLATE_NOOP("StoreErrors", "A user with that name already exists."),
    "invalid_operator_name": QT_TRANSLATE_NOOP(
        "StoreErrors", "A name has 1 to 64 letters, digits or spaces."
    ),
    "passphrase_too_short": QT_TRANSLATE_NOOP(
        "StoreErrors", "The passphrase must have at least {minimum} characters."
    ),
    "wrong_passphrase": QT_TRANSLATE_NOOP(
        "StoreErrors", "Wrong passphrase. {attempts_left} attempts left before the account locks."
    ),
    "backoff": QT_TRANSLATE_NOOP("StoreErrors", "Too many wrong passphrases. Please wait."),
    "locked_out": QT_TRANSLATE_NOOP(
        "StoreErrors",
        "This account is locked after repeated wrong passphrases. Ask a coordinator to set "
        "a new passphrase, or use the recovery key.",
    ),
    "operator_disabled": QT_TRANSLATE_NOOP("StoreErrors", "This account is disabled."),
    "wrong_recovery_key": QT_TRANSLATE_NOOP(
        "StoreErrors", "That recovery key does not open this store."
    ),
    "not_permitted": QT_TRANSLATE_NOOP("StoreErrors", "Only a coordinator can do that."),
    "not_found": QT_TRANSLATE_NOOP("StoreErrors", "That registration was not found."),
    "invalid_event": QT_TRANSLATE_NOOP(
        "StoreErrors", "The event name is too long or has characters not allowed."
    ),
    "reason_required": QT_TRANSLATE_NOOP("StoreErrors", "Please give a reason."),
    "draft_too_large": QT_TRANSLATE_NOOP("StoreErrors", "The form is too large to keep."),
    "locked": QT_TRANSLATE_NOOP("StoreErrors", "The app is locked. Please log in again."),
    "passphrases_differ": QT_TRANSLATE_NOOP("StoreErrors", "The two passphrases differ."),
    "unexpected": QT_TRANSLATE_NOOP(
        "StoreErrors", "Something went wrong. Nothing was lost; please try again."
    ),
}

ID_TYPES = {
    "national_id": QT_TRANSLATE_NOOP("Choices", "Khmer national ID card"),
    "passport": QT_TRANSLATE_NOOP("Choices", "Passport"),
    "none": QT_TRANSLATE_NOOP("Choices", "No ID document"),
}
SEXES = {
    "F": QT_TRANSLATE_NOOP("Choices", "Female"),
    "M": QT_TRANSLATE_NOOP("Choices", "Male"),
}
CATEGORIES = {
    "microenterprise": QT_TRANSLATE_NOOP("Choices", "Micro-enterprise owner"),
    "microenterprise_employee": QT_TRANSLATE_NOOP("Choices", "Worker of a micro-enterprise"),
    "seasonal_worker": QT_TRANSLATE_NOOP("Choices", "Seasonal worker"),
    "self_employed": QT_TRANSLATE_NOOP("Choices", "Self-employed"),
}
SERVICES = {
    "nssf": QT_TRANSLATE_NOOP("Choices", "Social security (NSSF)"),
    "health_insurance": QT_TRANSLATE_NOOP("Choices", "Health insurance"),
    "skills": QT_TRANSLATE_NOOP("Choices", "Skills training"),
    "finance": QT_TRANSLATE_NOOP("Choices", "Loans and banking"),
    "tax": QT_TRANSLATE_NOOP("Choices", "Tax incentives"),
    "social_protection": QT_TRANSLATE_NOOP("Choices", "Social protection"),
}
SECTORS = {
    "A": QT_TRANSLATE_NOOP("Choices", "Agriculture, forestry and fishing"),
    "B": QT_TRANSLATE_NOOP("Choices", "Mining and quarrying"),
    "C": QT_TRANSLATE_NOOP("Choices", "Manufacturing"),
    "D": QT_TRANSLATE_NOOP("Choices", "Electricity and gas supply"),
    "E": QT_TRANSLATE_NOOP("Choices", "Water supply and waste management"),
    "F": QT_TRANSLATE_NOOP("Choices", "Construction"),
    "G": QT_TRANSLATE_NOOP("Choices", "Wholesale and retail trade, vehicle repair"),
    "H": QT_TRANSLATE_NOOP("Choices", "Transport and storage"),
    "I": QT_TRANSLATE_NOOP("Choices", "Accommodation and food service"),
    "J": QT_TRANSLATE_NOOP("Choices", "Information and communication"),
    "K": QT_TRANSLATE_NOOP("Choices", "Finance and insurance"),
    "L": QT_TRANSLATE_NOOP("Choices", "Real estate"),
    "M": QT_TRANSLATE_NOOP("Choices", "Professional and technical services"),
    "N": QT_TRANSLATE_NOOP("Choices", "Administrative and support services"),
    "O": QT_TRANSLATE_NOOP("Choices", "Public administration and defence"),
    "P": QT_TRANSLATE_NOOP("Choices", "Education"),
    "Q": QT_TRANSLATE_NOOP("Choices", "Health and social work"),
    "R": QT_TRANSLATE_NOOP("Choices", "Arts, entertainment and recreation"),
    "S": QT_TRANSLATE_NOOP("Choices", "Other services"),
    "T": QT_TRANSLATE_NOOP("Choices", "Household work"),
    "U": QT_TRANSLATE_NOOP("Choices", "International organisations"),
}
STATUSES = {
    "draft": QT_TRANSLATE_NOOP("Choices", "Draft"),
    "pending": QT_TRANSLATE_NOOP("Choices", "Waiting to sync"),
    "synced": QT_TRANSLATE_NOOP("Choices", "Synced"),
    "rejected": QT_TRANSLATE_NOOP("Choices", "Rejected"),
}
ROLES = {
    "registrar": QT_TRANSLATE_NOOP("Choices", "Registrar"),
    "coordinator": QT_TRANSLATE_NOOP("Choices", "Coordinator"),
}
CHANGES = {
    "created": QT_TRANSLATE_NOOP("Choices", "Registered"),
    "correction": QT_TRANSLATE_NOOP("Choices", "Corrected"),
}


def _translate(context: str, table: Mapping[str, str], code: str) -> str:
    source = table.get(code)
    return QCoreApplication.translate(context, source) if source else code


def field_error(code: str) -> str:
    return _translate(FIELD_CONTEXT, FIELD_ERRORS, code)


def store_error(code: str, detail: Mapping[str, Any] | None = None) -> str:
    template = _translate(
        STORE_CONTEXT, STORE_ERRORS, code if code in STORE_ERRORS else "unexpected"
    )
    try:
        return template.format(**(detail or {}))
    except (KeyError, IndexError, ValueError):
        return template


def error_text(error: BaseException) -> str:
    """Words for any failure an operation reports (StoreError codes, else a calm fallback)."""
    code = getattr(error, "code", "unexpected")
    detail = getattr(error, "detail", {})
    return store_error(code if isinstance(code, str) else "unexpected", detail)


def choice(table: Mapping[str, str], code: str) -> str:
    return _translate(CHOICE_CONTEXT, table, code)
