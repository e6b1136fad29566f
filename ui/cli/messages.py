"""English words for every code in fieldreg.errors.ERROR_CODES, for the command line (logs and
CLI stay English; the desktop app has its own translated table, ui/messages.py). A test checks
that every code has words here."""

from __future__ import annotations

from typing import Any

from fieldreg.desk.results import InputProblem
from fieldreg.errors import ERROR_CODES, FieldRegError
from sync.hub.messages import HUB_KEY_ERRORS, HUB_USER_ERRORS

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
    "invalid_url": "is not a web address (http:// or https://)",
    "invalid_camdx_client": "must be INSTANCE/CLASS/MEMBER/SUBSYSTEM",
    "invalid_camdx_path": "must be /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE",
    "invalid_batch_size": "is outside the allowed batch sizes",
}

INPUT_ERRORS = {
    "invalid_utf8": "is not UTF-8 text",
    "invalid_json": "is not valid JSON",
    "record_too_large": "is too large for one record",
    "empty_input": "holds no records",
    "input_too_large": "is too large",
}

STORE_ERRORS = {
    "not_initialised": "no FieldReg store in {path}:"
    " run `fieldreg init --operator NAME --recovery-qr FILE.png` first",
    "already_initialised": "a FieldReg store already exists at {path}",
    "damaged": "the store file {path} is damaged ({reason})",
    "newer_version": "the store file {path} was written by a newer FieldReg "
    "(it has step {migration}); install the newer version to open it",
    "unknown_operator": "there is no operator named {name!r}",
    "operator_exists": "an operator named {name!r} already exists",
    "invalid_operator_name": "operator names are 1-64 letters, digits or spaces",
    "invalid_role": "role must be registrar or coordinator",
    "passphrase_too_short": "the passphrase must have at least {minimum} characters",
    "weak_passphrase": "this passphrase is too easy to guess (a repeat, a sequence or a common"
    " word); use a few unrelated words",
    "wrong_passphrase": "wrong passphrase for {name}; wait {seconds} s before trying again "
    "({attempts_left} attempts left before the account locks)",
    "backoff": "too many wrong passphrases for {name}: wait {seconds} s and try again",
    "locked_out": "the account {name} is locked after repeated wrong passphrases; "
    "a coordinator can reset it (`fieldreg operator reset`) or use the recovery key",
    "operator_disabled": "the account {name} is disabled",
    "operator_needs_reset": (
        "the data key was changed and {name} has no key for it yet:"
        " a coordinator must run `fieldreg operator reset {name}`"
    ),
    "locked": "the session is locked: log in again",
    "wrong_recovery_key": "that recovery key does not open this store",
    "not_coordinator": "{name} is not a coordinator",
    "not_permitted": "only a coordinator can do that ({action})",
    "duplicate": "possible duplicate",
    "not_found": "no registration with id {id}",
    "invalid_event": "the event name must be at most 100 characters, without control characters",
    "invalid_channel": "the channel must be outreach, commune_office or bank_branch:BANK"
    " (BANK one of wing, acleda, aba, sme, ardb, vattanac)",
    "unsupported_breakdown": "these figures cannot be broken down that way",
    "invalid_filter": "the figures cannot be filtered by that {field}",
    "invalid_status": "status must be pending, synced or rejected",
    "reason_required": "a correction needs a reason",
    "draft_too_large": "the draft is larger than {limit} bytes",
    "no_backup": "there is no backup in {path}",
    "backup_missing": "the backup {path} does not exist",
    "signing_key_missing": "this device's signing key is not usable ({reason}: {path}), so it "
    "cannot sign batches or receipts; put the key file device-signing.key back into the data "
    "folder; if it is lost, ask the hub administrator for a re-key enrolment string for this "
    "device (`fieldreg-hub token --rekey {device_id}`) and enrol again as a coordinator with "
    "`fieldreg enroll STRING`: the pending registrations are then sent",
    "bad_enrolment_string": "that is not a usable enrolment string ({reason})",
    "fingerprint_mismatch": "the hub's keys do not match the fingerprint in the enrolment "
    "string: this may not be your hub; nothing was changed",
    "bad_certificate": "the hub's answer did not verify; nothing was changed",
    "invalid_setting": "that setting or value is not allowed ({key})",
    "invalid_settings": "the sync settings are not valid ({fields})",
    "invalid_folder": "that folder does not exist (was the USB stick removed?)",
    "invalid_input": "the input is not usable",
    "disk_full": "the disk holding {path} is full: everything saved before is kept, but "
    "nothing more can be saved; free some space, then try again",
    "disk_nearly_full": "only {free_mb} MB is free on the disk holding {path}: registering "
    "stops here so nothing is lost; free some space (or ask a coordinator), then try again",
    "store_healthy": "the store file {path} reads without damage: restoring a backup would "
    "lose what was saved since; add --force to restore it anyway",
    "store_busy": "the store {path} is busy in another program: try again in a moment",
    **HUB_KEY_ERRORS,
}

SCAN_ERRORS = {
    "file_not_found": "no such file",
    "unreadable_image": "not an image this program can read",
    "unsupported_array_shape": "not an image this program can read",
    "not_a_receipt": "not a FieldReg receipt",
    "truncated": "the receipt code is cut short",
    "trailing_bytes": "the receipt code has extra bytes",
    "unknown_flags": "the receipt code is from a newer FieldReg",
    "bad_initials": "the receipt code is malformed",
    "bad_encoding": "the receipt code is malformed",
    "no_khmer_font": "the Khmer font is missing from resources/fonts",
    "no_latin_font": "no Latin font found (install fonts-dejavu-core or restore resources/fonts)",
    "no_text_shaping": "this Pillow has no libraqm, so Khmer cannot be shaped for the PNG",
    "file_exists": "{path} already exists",
    "symlink_refused": "{path} is a symbolic link: refusing to write through it",
    "not_writable": "cannot write {path}",
}

HUB_ERRORS = {
    "hub_unreachable": "the hub cannot be reached; registrations stay safe on this device "
    "and are sent when the connection returns",
    "tls_pin_mismatch": "the hub's TLS key is not the one pinned at enrolment: this may not be "
    "your hub; nothing was sent (ask the hub's administrator)",
    "token_unknown": "the hub does not know that enrolment token",
    "token_used": "that enrolment token was already used by another device: ask for a new one",
    "token_expired": "that enrolment token has expired: ask for a new one",
    "unknown_device": "the hub does not know this device: enrol it again",
    "device_revoked": "the hub has revoked this device: ask the coordinator",
    "device_exists": "the hub already knows this device with another key",
    "token_other_device": "that enrolment string re-keys another device, not this one: ask the "
    "hub administrator for one made with `fieldreg-hub token --rekey` and this device's id",
    "not_enrolled": "this device is not enrolled with a hub yet: run `fieldreg enroll`",
    "receipt_signature": "the hub's receipt did not verify; nothing was marked as sent",
    "receipt_mismatch": "the hub's receipt was for another batch; nothing was marked as sent",
    "bad_receipt": "the hub's receipt was unreadable; nothing was marked as sent",
    "not_a_hub": "that address does not answer like a FieldReg hub",
    "refused": "the hub refused the request",
    "not_owner": "the hub refused this registration: another device sent a registration with "
    "the same id first; ask the hub's administrator",
    "bad_device_key": "the hub did not accept this device's key",
    "bad_signature": "the hub says the batch signature is wrong",
    "batch_conflict": "the hub already has this batch with other contents",
    "too_large": "a request or an answer between this device and the hub was too large and "
    "was refused; nothing was marked as sent",
    "not_a_batch": "that file is not a FieldReg batch",
    "bad_header": "the batch or receipt is malformed",
    "other_device": "that receipt is for another device",
    "unknown_batch": "that receipt is for a batch this device does not know",
    "no_media_files": "there are no FieldReg batch or receipt files in that folder",
    "not_a_regular_file": "not a regular file (a link, a folder or a device): left alone",
    "file_too_large": "the file is too large to be a FieldReg batch or receipt: left alone",
    "unreadable_file": "the file could not be read (was the USB stick removed?)",
    "sync_crashed": "sending stopped on an unexpected error; it will try again",
    **HUB_USER_ERRORS,
}

TABLES: dict[str, dict[str, str]] = {
    "field": FIELD_ERRORS,
    "input": INPUT_ERRORS,
    "store": STORE_ERRORS,
    "sync": HUB_ERRORS,
    "scan": SCAN_ERRORS,
    "receipt": SCAN_ERRORS,
    "file": SCAN_ERRORS,
}


def error_text(error: FieldRegError) -> str:
    """The sentence for any coded error, in the words of the table for its kind."""
    kind = ERROR_CODES.get(error.code, "")
    if kind == "store":
        return store_error(error.code, {key: str(value) for key, value in error.detail.items()})
    if kind == "sync":
        return hub_error(error.code)
    if kind == "field":
        return field_error(str(error.detail.get("field", "value")), error.code)
    return _format(TABLES.get(kind, {}).get(error.code, error.code), error.detail)


def input_problem(problem: InputProblem) -> str:
    """One line about one input record (or the input as a whole, number 0)."""
    where = f"record {problem.number}" if problem.number else "input"
    if problem.code == "duplicate" and "of" in problem.detail:
        return (
            f"{where}: {problem.field}: possible duplicate of registration "
            f"{problem.detail['of']} (duplicate)"
        )
    if problem.code == "duplicate":
        return (
            f"{where}: {problem.field}: same as record {problem.detail.get('input')} "
            "in this input (duplicate)"
        )
    if problem.field:
        return f"{where}: {field_error(problem.field, problem.code)}"
    why = problem.detail.get("why")
    text = INPUT_ERRORS.get(problem.code, problem.code.replace("_", " "))
    return f"{where}: {text} ({problem.code})" + (f": {why}" if why else "")


def _format(template: str, detail: dict[str, Any]) -> str:
    try:
        return template.format(**detail)
    except (KeyError, IndexError, ValueError):
        return template


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
            f"; the last good backup is {backup}: a coordinator can restore it with "
            "`fieldreg restore-backup`"
            if backup
            else "; there is no backup to restore"
        ) + "; or rebuild the store from every record that still reads with `fieldreg salvage`"
    return text
