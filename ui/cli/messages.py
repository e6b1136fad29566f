"""English words for the core's error codes, for the command line (logs and CLI stay English;
the desktop app has its own translated table)."""

from __future__ import annotations

from typing import Any

FIELD_ERRORS = {
    "required": "is required",
    "wrong_type": "has the wrong type",
    "too_long": "is too long",
    "control_characters": "contains control characters",
    "unknown_value": "is not one of the allowed values",
    "unknown_field": "is not a field of the registration record",
    "not_khmer": "must be written in Khmer script",
    "not_latin": "must be written in Latin letters",
    "invalid_date": "must be a date written YYYY-MM-DD",
    "in_future": "is in the future",
    "too_young": "shows an age under 15: registration starts at 15",
    "invalid_phone": "is not a Cambodian phone number",
    "invalid_format": "does not have the right format",
    "unknown_village": "is not a village code in the gazetteer",
    "consent_required": "must be true: registration needs the person's consent",
    "out_of_range": "is out of range",
    "not_expected": "must be empty when id_type is none",
    "not_an_object": "must be a JSON object",
}

STORE_ERRORS = {
    "not_initialised": "no FieldReg store in {path}: run `fieldreg init --operator NAME` first",
    "already_initialised": "a FieldReg store already exists at {path}",
    "damaged": "the store file {path} is damaged ({reason})",
    "newer_version": "the store file {path} was written by a newer FieldReg "
    "(it has step {migration}); install the newer version to open it",
    "unknown_operator": "there is no operator named {name!r}",
    "operator_exists": "an operator named {name!r} already exists",
    "invalid_operator_name": "operator names are 1-64 letters, digits or spaces",
    "invalid_role": "role must be registrar or coordinator",
    "passphrase_too_short": "the passphrase must have at least {minimum} characters",
    "wrong_passphrase": "wrong passphrase for {name}; wait {seconds} s before trying again "
    "({attempts_left} attempts left before the account locks)",
    "backoff": "too many wrong passphrases for {name}: wait {seconds} s and try again",
    "locked_out": "the account {name} is locked after repeated wrong passphrases; "
    "a coordinator can reset it (`fieldreg operator reset`) or use the recovery key",
    "operator_disabled": "the account {name} is disabled",
    "wrong_recovery_key": "that recovery key does not open this store",
    "not_coordinator": "{name} is not a coordinator",
    "not_permitted": "only a coordinator can do that ({action})",
    "duplicate": "possible duplicate",
    "not_found": "no registration with id {id}",
    "invalid_event": "the event name must be at most 100 characters, without control characters",
    "invalid_status": "status must be pending, synced or rejected",
    "reason_required": "a correction needs a reason",
    "draft_too_large": "the draft is larger than {limit} bytes",
    "no_backup": "there is no backup in {path}",
    "backup_missing": "the backup {path} does not exist",
    "bad_enrolment_string": "that is not a usable enrolment string ({reason})",
    "fingerprint_mismatch": "the hub's keys do not match the fingerprint in the enrolment "
    "string: this may not be your hub; nothing was changed",
    "bad_certificate": "the hub's answer did not verify; nothing was changed",
    "invalid_setting": "that setting or value is not allowed ({key})",
}

HUB_ERRORS = {
    "hub_unreachable": "the hub cannot be reached; registrations stay safe on this device "
    "and are sent when the connection returns",
    "token_unknown": "the hub does not know that enrolment token",
    "token_used": "that enrolment token was already used by another device: ask for a new one",
    "token_expired": "that enrolment token has expired: ask for a new one",
    "unknown_device": "the hub does not know this device: enrol it again",
    "device_revoked": "the hub has revoked this device: ask the coordinator",
    "device_exists": "the hub already knows this device with another key",
    "not_enrolled": "this device is not enrolled with a hub yet: run `fieldreg enroll`",
    "receipt_signature": "the hub's receipt did not verify; nothing was marked as sent",
    "receipt_mismatch": "the hub's receipt was for another batch; nothing was marked as sent",
    "bad_receipt": "the hub's receipt was unreadable; nothing was marked as sent",
}


def hub_error(code: str) -> str:
    return HUB_ERRORS.get(code, f"the hub refused the request ({code})")


def field_error(field: str, code: str) -> str:
    return f"{field}: {FIELD_ERRORS.get(code, code)} ({code})"


def store_error(code: str, detail: dict[str, Any]) -> str:
    template = STORE_ERRORS.get(code, code)
    try:
        text = template.format(**detail)
    except (KeyError, IndexError):
        text = template
    if code == "damaged":
        backup = detail.get("backup")
        text += (
            f"; the last good backup is {backup}: restore it with `fieldreg restore-backup`"
            if backup
            else "; there is no backup to restore"
        )
    return text
