"""Words for the core's codes, in the user's language: field errors, store errors, choices.

The core returns codes (`invalid_phone`, `backoff`); this table is the desktop app's own
(ui/cli_messages.py stays English for the command line). Entries are marked with
QT_TRANSLATE_NOOP so lupdate collects them and translated when shown.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication

from fieldreg.store.operators import MIN_PASSPHRASE_LENGTH
from sync.client import HubRefused, HubUnreachable

FIELD_CONTEXT = "FieldErrors"
STORE_CONTEXT = "StoreErrors"
CHOICE_CONTEXT = "Choices"
SYNC_CONTEXT = "SyncErrors"
FILE_CONTEXT = "FileErrors"


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
    # the coordinator's hub settings
    "invalid_url": QT_TRANSLATE_NOOP(
        "FieldErrors", "Write a web address that starts with https:// or http://"
    ),
    "invalid_camdx_client": QT_TRANSLATE_NOOP(
        "FieldErrors", "Write it as INSTANCE/CLASS/MEMBER/SUBSYSTEM"
    ),
    "invalid_camdx_path": QT_TRANSLATE_NOOP(
        "FieldErrors", "Write it as /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE"
    ),
    "invalid_batch_size": QT_TRANSLATE_NOOP(
        "FieldErrors", "0 to adapt to the link, or from 10 to 1000"
    ),
    "invalid_folder": QT_TRANSLATE_NOOP("FieldErrors", "Choose a folder that exists"),
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
    "invalid_setting": QT_TRANSLATE_NOOP("StoreErrors", "That value is not allowed."),
    "invalid_role": QT_TRANSLATE_NOOP("StoreErrors", "Choose registrar or coordinator."),
    "not_coordinator": QT_TRANSLATE_NOOP("StoreErrors", "{name} is not a coordinator."),
    "not_enrolled": QT_TRANSLATE_NOOP(
        "StoreErrors", "This laptop is not enrolled with a hub yet. Enrol it in Settings first."
    ),
    "fingerprint_mismatch": QT_TRANSLATE_NOOP(
        "StoreErrors",
        "The hub's keys do not match the enrolment code: this may not be your hub. "
        "Nothing was changed.",
    ),
    "bad_certificate": QT_TRANSLATE_NOOP(
        "StoreErrors", "The hub's answer did not verify. Nothing was changed."
    ),
    "bad_enrolment_string": QT_TRANSLATE_NOOP(
        "StoreErrors", "That is not a usable enrolment code. Copy it again from the hub."
    ),
    "unexpected": QT_TRANSLATE_NOOP(
        "StoreErrors", "Something went wrong. Nothing was lost; please try again."
    ),
}

# The sync engine's and the hub's codes (a failed sync attempt, a refused enrolment).
SYNC_ERRORS = {
    "hub_unreachable": QT_TRANSLATE_NOOP(
        "SyncErrors",
        "The hub cannot be reached. Registrations stay safe on this laptop and are sent "
        "when the connection returns.",
    ),
    "not_enrolled": QT_TRANSLATE_NOOP(
        "SyncErrors", "This laptop is not enrolled with a hub yet. Enrol it in Settings first."
    ),
    "not_a_hub": QT_TRANSLATE_NOOP(
        "SyncErrors", "That address does not answer like a FieldReg hub. Check the hub address."
    ),
    "token_unknown": QT_TRANSLATE_NOOP("SyncErrors", "The hub does not know that enrolment code."),
    "token_used": QT_TRANSLATE_NOOP(
        "SyncErrors", "That enrolment code was already used by another laptop. Ask for a new one."
    ),
    "token_expired": QT_TRANSLATE_NOOP(
        "SyncErrors", "That enrolment code has expired. Ask for a new one."
    ),
    "unknown_device": QT_TRANSLATE_NOOP(
        "SyncErrors", "The hub does not know this laptop. Enrol it again."
    ),
    "device_revoked": QT_TRANSLATE_NOOP(
        "SyncErrors", "The hub has blocked this laptop. Ask the campaign's hub administrator."
    ),
    "device_exists": QT_TRANSLATE_NOOP(
        "SyncErrors", "The hub already knows this laptop with another key."
    ),
    "bad_device_key": QT_TRANSLATE_NOOP("SyncErrors", "The hub did not accept this laptop's key."),
    "bad_signature": QT_TRANSLATE_NOOP(
        "SyncErrors", "The hub could not verify this laptop's signature on the batch."
    ),
    "batch_conflict": QT_TRANSLATE_NOOP(
        "SyncErrors", "The hub already has a different batch with the same id."
    ),
    "receipt_signature": QT_TRANSLATE_NOOP(
        "SyncErrors", "The hub's receipt did not verify. Nothing was marked as sent."
    ),
    "receipt_mismatch": QT_TRANSLATE_NOOP(
        "SyncErrors", "The receipt was for another batch. Nothing was marked as sent."
    ),
    "bad_receipt": QT_TRANSLATE_NOOP(
        "SyncErrors", "The receipt could not be read. Nothing was marked as sent."
    ),
    "other_device": QT_TRANSLATE_NOOP("SyncErrors", "The receipt is for another laptop."),
    "unknown_batch": QT_TRANSLATE_NOOP(
        "SyncErrors", "The receipt is for a batch this laptop did not send."
    ),
    "bad_header": QT_TRANSLATE_NOOP("SyncErrors", "The batch file is damaged."),
    "not_a_batch": QT_TRANSLATE_NOOP("SyncErrors", "That file is not a FieldReg batch."),
}
SYNC_REFUSED = QT_TRANSLATE_NOOP("SyncErrors", "The hub refused the request ({code}).")

# Files written to or read from a disk or USB stick, by errno.
FILE_ERRORS = {
    errno.ENOSPC: QT_TRANSLATE_NOOP("FileErrors", "The disk is full."),
    errno.EACCES: QT_TRANSLATE_NOOP("FileErrors", "There is no permission to write there."),
    errno.EPERM: QT_TRANSLATE_NOOP("FileErrors", "There is no permission to write there."),
    errno.EROFS: QT_TRANSLATE_NOOP(
        "FileErrors", "The disk is read-only (is the USB stick write-protected?)."
    ),
    errno.ENOENT: QT_TRANSLATE_NOOP(
        "FileErrors", "The folder is not there any more (was the USB stick removed?)."
    ),
    errno.EIO: QT_TRANSLATE_NOOP(
        "FileErrors", "The disk could not be read or written (was the USB stick removed?)."
    ),
}
FILE_ERROR_OTHER = QT_TRANSLATE_NOOP("FileErrors", "The file could not be written or read.")

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
TRANSPORTS = {
    "https": QT_TRANSLATE_NOOP("Choices", "Internet (HTTPS)"),
    "camdx": QT_TRANSLATE_NOOP("Choices", "CamDX (X-Road)"),
    "file-out": QT_TRANSLATE_NOOP("Choices", "USB: batches written"),
    "file-in": QT_TRANSLATE_NOOP("Choices", "USB: receipts read"),
}
OUTCOMES = {
    "ok": QT_TRANSLATE_NOOP("Choices", "Succeeded"),
    "error": QT_TRANSLATE_NOOP("Choices", "Failed"),
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


def new_passphrase_problem(passphrase: str, repeated: str) -> str:
    """What is wrong with a new passphrase typed twice, in the user's language ("" if fine).
    The store checks the length again; this answers before Argon2id runs."""
    if passphrase != repeated:
        return store_error("passphrases_differ")
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        return store_error("passphrase_too_short", {"minimum": MIN_PASSPHRASE_LENGTH})
    return ""


def store_error(code: str, detail: Mapping[str, Any] | None = None) -> str:
    template = _translate(
        STORE_CONTEXT, STORE_ERRORS, code if code in STORE_ERRORS else "unexpected"
    )
    try:
        return template.format(**(detail or {}))
    except (KeyError, IndexError, ValueError):
        return template


def sync_error(code: str) -> str:
    """Words for a sync engine or hub code (a sync log row, a refused enrolment)."""
    if code in SYNC_ERRORS:
        return _translate(SYNC_CONTEXT, SYNC_ERRORS, code)
    return QCoreApplication.translate(SYNC_CONTEXT, SYNC_REFUSED).format(code=code)


def file_error(error: OSError) -> str:
    source = FILE_ERRORS.get(error.errno or 0, FILE_ERROR_OTHER)
    return QCoreApplication.translate(FILE_CONTEXT, source)


def error_text(error: BaseException) -> str:
    """Words for any failure an operation reports: store codes, hub and sync codes, files;
    else a calm fallback."""
    if isinstance(error, HubUnreachable):
        return sync_error("hub_unreachable")
    if isinstance(error, OSError):
        return file_error(error)
    code = getattr(error, "code", "unexpected")
    if not isinstance(code, str):
        code = "unexpected"
    if (code not in STORE_ERRORS and code in SYNC_ERRORS) or isinstance(error, HubRefused):
        return sync_error(code)
    detail = getattr(error, "detail", {})
    return store_error(code, detail if isinstance(detail, Mapping) else {})


def choice(table: Mapping[str, str], code: str) -> str:
    return _translate(CHOICE_CONTEXT, table, code)
