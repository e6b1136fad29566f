"""Words for the core's codes, in the user's language: field errors, store errors, choices.

The core returns codes (`invalid_phone`, `backoff`); every code in fieldreg.errors.ERROR_CODES
has words here, in the table for its kind (tests/test_error_words.py checks it). This table is
the desktop app's own (ui/cli/messages.py stays English for the command line). Entries are
marked with QT_TRANSLATE_NOOP so lupdate collects them and translated when shown.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication

from fieldreg.errors import ERROR_CODES, FieldRegError
from fieldreg.store.operators import check_passphrase
from sync.client import HubRefused

FIELD_CONTEXT = "FieldErrors"
STORE_CONTEXT = "StoreErrors"
CHOICE_CONTEXT = "Choices"
SYNC_CONTEXT = "SyncErrors"
FILE_CONTEXT = "FileErrors"
INPUT_CONTEXT = "InputErrors"
SCAN_CONTEXT = "ScanErrors"
RECEIPT_CONTEXT = "ReceiptErrors"


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
    "unknown_field": QT_TRANSLATE_NOOP(
        "FieldErrors", "This is not a field of the registration form"
    ),
    "not_an_object": QT_TRANSLATE_NOOP("FieldErrors", "This is not a registration record"),
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

# A file of registrations read in (JSON), as a whole.
INPUT_ERRORS = {
    "invalid_utf8": QT_TRANSLATE_NOOP(
        "InputErrors", "The file is not readable text. Save it as UTF-8 and try again."
    ),
    "invalid_json": QT_TRANSLATE_NOOP("InputErrors", "The file is not valid JSON."),
    "record_too_large": QT_TRANSLATE_NOOP(
        "InputErrors", "A registration in the file is too large."
    ),
    "empty_input": QT_TRANSLATE_NOOP("InputErrors", "The file holds no registrations."),
    "input_too_large": QT_TRANSLATE_NOOP("InputErrors", "The file is too large."),
}

STORE_ERRORS = {
    "not_initialised": QT_TRANSLATE_NOOP("StoreErrors", "There is no FieldReg store here yet."),
    "damaged": QT_TRANSLATE_NOOP(
        "StoreErrors",
        "The store file is damaged. A coordinator can repair it: choose “Repair the store”.",
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
    "weak_passphrase": QT_TRANSLATE_NOOP(
        "StoreErrors",
        "This passphrase is too easy to guess. Use a few words that do not belong together.",
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
    "operator_needs_reset": QT_TRANSLATE_NOOP(
        "StoreErrors",
        "The data key of this laptop was changed and this account has no key for it yet. "
        "Ask a coordinator to set a new passphrase for it.",
    ),
    "wrong_recovery_key": QT_TRANSLATE_NOOP(
        "StoreErrors", "That recovery key does not open this store."
    ),
    "not_permitted": QT_TRANSLATE_NOOP("StoreErrors", "Only a coordinator can do that."),
    "not_found": QT_TRANSLATE_NOOP("StoreErrors", "That registration was not found."),
    "invalid_event": QT_TRANSLATE_NOOP(
        "StoreErrors", "The event name is too long or has characters not allowed."
    ),
    "invalid_channel": QT_TRANSLATE_NOOP(
        "StoreErrors",
        "Choose where registration happens: outreach, a partner bank, or a commune office.",
    ),
    "unsupported_breakdown": QT_TRANSLATE_NOOP(
        "StoreErrors", "These figures cannot be broken down that way."
    ),
    "invalid_filter": QT_TRANSLATE_NOOP(
        "StoreErrors", "The figures cannot be filtered by that value ({field})."
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
    "already_initialised": QT_TRANSLATE_NOOP(
        "StoreErrors", "There is already a FieldReg store here."
    ),
    "disk_full": QT_TRANSLATE_NOOP(
        "StoreErrors",
        "The laptop's disk is full. Everything saved before is kept, but nothing more can be "
        "saved. Ask a coordinator to free some space, then try again.",
    ),
    "disk_nearly_full": QT_TRANSLATE_NOOP(
        "StoreErrors",
        "The laptop's disk is almost full ({free_mb} MB free), so registering has stopped "
        "before anything is lost. Ask a coordinator to free some space, then try again.",
    ),
    "store_healthy": QT_TRANSLATE_NOOP(
        "StoreErrors",
        "The store is not damaged. Restoring a backup would lose what was saved since.",
    ),
    "store_busy": QT_TRANSLATE_NOOP(
        "StoreErrors", "The store is in use by another program. Try again in a moment."
    ),
    "duplicate": QT_TRANSLATE_NOOP("StoreErrors", "This person may already be registered."),
    "invalid_status": QT_TRANSLATE_NOOP("StoreErrors", "That status is not allowed."),
    "no_backup": QT_TRANSLATE_NOOP("StoreErrors", "There is no backup to restore."),
    "backup_missing": QT_TRANSLATE_NOOP("StoreErrors", "That backup file is not there any more."),
    "signing_key_missing": QT_TRANSLATE_NOOP(
        "StoreErrors",
        "This laptop's signing key is missing or is not this laptop's, so nothing can be sent "
        "to the hub. Put back the key file device-signing.key from where it was kept. If it "
        "is lost, ask the hub administrator for a re-key enrolment code for this laptop "
        "(device id {device_id}) and enter it in Settings as a coordinator. Registrations "
        "waiting here are then sent.",
    ),
    "invalid_settings": QT_TRANSLATE_NOOP(
        "StoreErrors", "Some settings are not valid. Check the marked fields."
    ),
    "invalid_folder": QT_TRANSLATE_NOOP(
        "StoreErrors", "The folder is not there any more (was the USB stick removed?)."
    ),
    "invalid_input": QT_TRANSLATE_NOOP("StoreErrors", "That input cannot be used."),
    # the hub's own keys (the hub's command line; the demo's local hub)
    "hub_keys_missing": QT_TRANSLATE_NOOP(
        "StoreErrors", "The hub's key file is missing. Put back your copy of it."
    ),
    "hub_wrong_passphrase": QT_TRANSLATE_NOOP(
        "StoreErrors", "That passphrase does not unlock the hub's keys."
    ),
    "hub_keys_mismatch": QT_TRANSLATE_NOOP("StoreErrors", "That key file belongs to another hub."),
    "hub_key_file_damaged": QT_TRANSLATE_NOOP(
        "StoreErrors", "The hub's key file is damaged. Put back your copy of it."
    ),
    "hub_passphrase_needed": QT_TRANSLATE_NOOP(
        "StoreErrors", "The hub's keys are locked: the hub passphrase is needed."
    ),
    # the hub's database (the hub's command line; devices see a busy hub and retry)
    "database_unavailable": QT_TRANSLATE_NOOP(
        "StoreErrors", "The hub's database cannot be reached. Nothing was lost; try again later."
    ),
    "hub_busy": QT_TRANSLATE_NOOP(
        "StoreErrors", "The hub is busy. Nothing was lost; it is tried again shortly."
    ),
    "database_url_invalid": QT_TRANSLATE_NOOP(
        "StoreErrors", "That is not a PostgreSQL address (postgresql://user@host:port/db)."
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
    "tls_pin_mismatch": QT_TRANSLATE_NOOP(
        "SyncErrors",
        "The hub's security certificate is not the one this laptop was enrolled with: this "
        "may not be your hub. Nothing was sent. Ask the hub's administrator.",
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
    "token_other_device": QT_TRANSLATE_NOOP(
        "SyncErrors",
        "That enrolment code is for another laptop. Ask the hub administrator for a code for "
        "this one.",
    ),
    "bad_device_key": QT_TRANSLATE_NOOP("SyncErrors", "The hub did not accept this laptop's key."),
    "bad_signature": QT_TRANSLATE_NOOP(
        "SyncErrors", "The hub could not verify this laptop's signature on the batch."
    ),
    "batch_conflict": QT_TRANSLATE_NOOP(
        "SyncErrors", "The hub already has a different batch with the same id."
    ),
    "too_large": QT_TRANSLATE_NOOP(
        "SyncErrors",
        "A message between this laptop and the hub was too large and was refused. "
        "Nothing was marked as sent.",
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
    "no_media_files": QT_TRANSLATE_NOOP(
        "SyncErrors", "There are no FieldReg batch or receipt files in that folder."
    ),
    "not_a_regular_file": QT_TRANSLATE_NOOP(
        "SyncErrors", "Not a regular file (a link, a folder or a device). It was left alone."
    ),
    "file_too_large": QT_TRANSLATE_NOOP(
        "SyncErrors", "The file is too large to be a FieldReg file. It was left alone."
    ),
    "unreadable_file": QT_TRANSLATE_NOOP(
        "SyncErrors", "The file could not be read. Was the USB stick removed?"
    ),
    "bad_header": QT_TRANSLATE_NOOP("SyncErrors", "The batch file is damaged."),
    "not_a_batch": QT_TRANSLATE_NOOP("SyncErrors", "That file is not a FieldReg batch."),
    "refused": QT_TRANSLATE_NOOP("SyncErrors", "The hub refused the request."),
    # the hub's accounts (the hub's command line and its admin API)
    "login_required": QT_TRANSLATE_NOOP(
        "SyncErrors", "Log in to the hub with a hub account first."
    ),
    "role_refused": QT_TRANSLATE_NOOP(
        "SyncErrors", "This hub account may not do that: it needs an administrator."
    ),
    "login_failed": QT_TRANSLATE_NOOP("SyncErrors", "Unknown hub account or wrong passphrase."),
    "login_backoff": QT_TRANSLATE_NOOP(
        "SyncErrors", "Too many wrong passphrases for this hub account. Please wait."
    ),
    "hub_user_exists": QT_TRANSLATE_NOOP(
        "SyncErrors", "The hub already has an account with that name."
    ),
    "unknown_hub_user": QT_TRANSLATE_NOOP("SyncErrors", "The hub has no account with that name."),
    "hub_user_disabled": QT_TRANSLATE_NOOP("SyncErrors", "This hub account is disabled."),
    "not_owner": QT_TRANSLATE_NOOP(
        "SyncErrors",
        "The hub refused this registration: another laptop sent a registration with the same "
        "id first. Ask the campaign's hub administrator.",
    ),
    "sync_crashed": QT_TRANSLATE_NOOP(
        "SyncErrors",
        "Sending stopped on an unexpected error. Registrations stay safe on this laptop; "
        "it will try again by itself.",
    ),
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
# A file FieldReg refused or failed to write (fieldreg.files.FileWriteError), by code.
FILE_CODE_ERRORS = {
    "file_exists": QT_TRANSLATE_NOOP("FileErrors", "A file with that name already exists: {path}"),
    "symlink_refused": QT_TRANSLATE_NOOP(
        "FileErrors", "{path} is a link to another place. FieldReg does not write through links."
    ),
    "not_writable": QT_TRANSLATE_NOOP("FileErrors", "The file could not be written: {path}"),
}

# An image given to the scanner (a file or a camera frame).
SCAN_ERRORS = {
    "file_not_found": QT_TRANSLATE_NOOP("ScanErrors", "The picture file is not there."),
    "unreadable_image": QT_TRANSLATE_NOOP(
        "ScanErrors", "This picture cannot be read. Try another photo or scan."
    ),
    "unsupported_array_shape": QT_TRANSLATE_NOOP(
        "ScanErrors", "This picture cannot be read. Try another photo or scan."
    ),
}

# A receipt code read back, or a receipt being drawn.
RECEIPT_ERRORS = {
    "not_a_receipt": QT_TRANSLATE_NOOP("ReceiptErrors", "This code is not a FieldReg receipt."),
    "truncated": QT_TRANSLATE_NOOP(
        "ReceiptErrors", "The receipt code is cut short. Scan it again."
    ),
    "trailing_bytes": QT_TRANSLATE_NOOP(
        "ReceiptErrors", "The receipt code holds more than a receipt. Scan it again."
    ),
    "unknown_flags": QT_TRANSLATE_NOOP(
        "ReceiptErrors", "This receipt was made by a newer FieldReg. Install the newer version."
    ),
    "bad_initials": QT_TRANSLATE_NOOP("ReceiptErrors", "The receipt code is damaged."),
    "bad_encoding": QT_TRANSLATE_NOOP("ReceiptErrors", "The receipt code is damaged."),
    "no_text_shaping": QT_TRANSLATE_NOOP(
        "ReceiptErrors",
        "Khmer text cannot be drawn on the receipt on this computer: a text library is missing.",
    ),
    "no_latin_font": QT_TRANSLATE_NOOP(
        "ReceiptErrors", "The receipt cannot be drawn: no Latin font was found."
    ),
    "no_khmer_font": QT_TRANSLATE_NOOP(
        "ReceiptErrors", "The receipt cannot be drawn: the Khmer font is missing."
    ),
}

# Which table holds the words for each kind of code in ERROR_CODES.
WORDS_BY_KIND: dict[str, tuple[str, Mapping[str, str]]] = {
    "field": (FIELD_CONTEXT, FIELD_ERRORS),
    "input": (INPUT_CONTEXT, INPUT_ERRORS),
    "store": (STORE_CONTEXT, STORE_ERRORS),
    "sync": (SYNC_CONTEXT, SYNC_ERRORS),
    "scan": (SCAN_CONTEXT, SCAN_ERRORS),
    "receipt": (RECEIPT_CONTEXT, RECEIPT_ERRORS),
    "file": (FILE_CONTEXT, FILE_CODE_ERRORS),
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
TRANSPORTS = {
    "https": QT_TRANSLATE_NOOP("Choices", "Internet (HTTPS)"),
    "http": QT_TRANSLATE_NOOP("Choices", "Internet (HTTP, not encrypted)"),
    "camdx-https": QT_TRANSLATE_NOOP("Choices", "CamDX (X-Road), HTTPS to the security server"),
    "camdx-http": QT_TRANSLATE_NOOP(
        "Choices", "CamDX (X-Road), HTTP to the security server (not encrypted)"
    ),
    "camdx": QT_TRANSLATE_NOOP("Choices", "CamDX (X-Road)"),  # rows logged before item 14
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


def _fill(template: str, detail: Mapping[str, Any] | None) -> str:
    """The words with the error's details put in. Words that name a detail the error lacks (or
    a translation with a broken brace) are shown as they are rather than failing."""
    try:
        return template.format(**(detail or {}))
    except (KeyError, IndexError, ValueError, AttributeError):
        return template


def code_text(code: str, detail: Mapping[str, Any] | None = None) -> str:
    """Words for any code in ERROR_CODES, from the table for its kind; a calm fallback for a
    code nobody listed."""
    context, table = WORDS_BY_KIND.get(ERROR_CODES.get(code, ""), (STORE_CONTEXT, {}))
    if code not in table:
        context, table, code = STORE_CONTEXT, STORE_ERRORS, "unexpected"
    return _fill(_translate(context, table, code), detail)


def field_error(code: str) -> str:
    if code in FIELD_ERRORS:
        return _translate(FIELD_CONTEXT, FIELD_ERRORS, code)
    return code_text(code)


def new_passphrase_problem(passphrase: str, repeated: str, name: str = "") -> str:
    """What is wrong with a new passphrase typed twice, in the user's language ("" if fine).
    The core's rule (`check_passphrase`) answers here before Argon2id runs; the store checks
    it again."""
    if passphrase != repeated:
        return store_error("passphrases_differ")
    try:
        check_passphrase(passphrase, name)
    except FieldRegError as problem:
        return store_error(problem.code, problem.detail)
    return ""


def store_error(code: str, detail: Mapping[str, Any] | None = None) -> str:
    if code in STORE_ERRORS:
        return _fill(_translate(STORE_CONTEXT, STORE_ERRORS, code), detail)
    return code_text(code, detail)


def sync_error(code: str) -> str:
    """Words for the code of a sync attempt or a hub answer (a sync log row, a refused
    enrolment); the loop also reports store codes (a full disk). A code a newer hub sends is
    named in the sentence."""
    if code in SYNC_ERRORS:
        return _translate(SYNC_CONTEXT, SYNC_ERRORS, code)
    if code in ERROR_CODES:
        return code_text(code)
    return QCoreApplication.translate(SYNC_CONTEXT, SYNC_REFUSED).format(code=code)


def rejection_text(code: str | None, reason: str | None) -> str:
    """Why the hub rejected one registration: our words for a code we know, else the hub's
    own reason (the receipt's text, in English)."""
    if code and code in SYNC_ERRORS:
        return sync_error(code)
    return reason or ""


def file_error(error: OSError) -> str:
    source = FILE_ERRORS.get(error.errno or 0, FILE_ERROR_OTHER)
    return QCoreApplication.translate(FILE_CONTEXT, source)


def error_text(error: BaseException) -> str:
    """Words for any failure an operation reports, chosen by its code's kind in ERROR_CODES;
    an OSError without a code by its errno; else a calm fallback."""
    code = getattr(error, "code", None)
    detail = getattr(error, "detail", None)
    if not isinstance(detail, Mapping):
        detail = {}
    if isinstance(code, str) and code in ERROR_CODES:
        if code == "not_writable" and isinstance(error, OSError) and error.errno in FILE_ERRORS:
            # the cause says more than the code: a read-only stick, a folder that went away
            return file_error(error)
        return code_text(code, detail)
    if isinstance(error, HubRefused):  # a code from a newer hub
        return sync_error(str(code))
    if isinstance(error, OSError):
        return file_error(error)
    if isinstance(code, str) and code in STORE_ERRORS:
        return store_error(code, detail)
    return store_error("unexpected")


def choice(table: Mapping[str, str], code: str) -> str:
    return _translate(CHOICE_CONTEXT, table, code)
