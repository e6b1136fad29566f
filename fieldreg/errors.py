"""One taxonomy for every failure the core and sync report: a stable code and its details.

Every coded error is a `FieldRegError(code, **detail)`; its subclasses only say where it came
from. The front ends turn codes into words (the CLI in English, the app in English and Khmer);
`ERROR_CODES` is the one list both word tables are checked against, so a code the core can
raise never reaches a user as a bare code. Logs and exceptions carry codes, never sentences.
"""

from __future__ import annotations

from typing import Any

# code -> what it is about. "field" codes come with a field name (a validation problem);
# "store" codes are the device's own refusals; "sync" codes come from the hub, the link or the
# bytes exchanged with it; "scan" and "receipt" from images and receipt payloads; "file" from
# writing exports.
ERROR_CODES: dict[str, str] = {
    # -- a registration's fields (fieldreg.record, fieldreg.json_input)
    "required": "field",
    "wrong_type": "field",
    "too_long": "field",
    "control_characters": "field",
    "unknown_value": "field",
    "unknown_field": "field",
    "not_khmer": "field",
    "not_latin": "field",
    "invalid_date": "field",
    "in_future": "field",
    "too_young": "field",
    "invalid_phone": "field",
    "invalid_format": "field",
    "unknown_village": "field",
    "consent_required": "field",
    "out_of_range": "field",
    "not_expected": "field",
    "not_an_object": "field",
    # -- input files of registrations (fieldreg.json_input)
    "invalid_utf8": "input",
    "invalid_json": "input",
    "record_too_large": "input",
    "empty_input": "input",
    "input_too_large": "input",
    # -- settings fields (fieldreg.desk.settings)
    "invalid_url": "field",
    "invalid_camdx_client": "field",
    "invalid_camdx_path": "field",
    "invalid_batch_size": "field",
    # -- the store and the desk
    "not_initialised": "store",
    "already_initialised": "store",
    "damaged": "store",
    "disk_full": "store",
    "disk_nearly_full": "store",
    "store_healthy": "store",
    "store_busy": "store",
    "newer_version": "store",
    "locked": "store",
    "unknown_operator": "store",
    "operator_exists": "store",
    "invalid_operator_name": "store",
    "invalid_role": "store",
    "passphrase_too_short": "store",
    "weak_passphrase": "store",
    "wrong_passphrase": "store",
    "backoff": "store",
    "locked_out": "store",
    "operator_disabled": "store",
    "operator_needs_reset": "store",
    "wrong_recovery_key": "store",
    "not_coordinator": "store",
    "not_permitted": "store",
    "duplicate": "store",
    "not_found": "store",
    "invalid_event": "store",
    "invalid_channel": "store",
    "unsupported_breakdown": "store",
    "invalid_filter": "store",  # a figures filter (the hub's /v1/indicators, its CLI)
    "invalid_status": "store",
    "reason_required": "store",
    "draft_too_large": "store",
    "no_backup": "store",
    "backup_missing": "store",
    "signing_key_missing": "store",
    "bad_enrolment_string": "store",
    "fingerprint_mismatch": "store",
    "bad_certificate": "store",
    "invalid_setting": "store",
    "invalid_settings": "store",
    "invalid_folder": "store",
    "invalid_input": "store",
    # -- the hub's own keys (sync.hub.keys)
    "hub_keys_missing": "store",
    "hub_wrong_passphrase": "store",
    "hub_keys_mismatch": "store",
    "hub_key_file_damaged": "store",
    "hub_passphrase_needed": "store",
    "passphrases_differ": "store",
    # -- the hub's database (sync.hub.storage): a 503 to devices, which retry
    "database_unavailable": "store",
    "hub_busy": "store",
    "database_url_invalid": "store",
    # -- sync: the hub's answers, the link, the bytes
    "hub_unreachable": "sync",
    "tls_pin_mismatch": "sync",
    "not_a_hub": "sync",
    "refused": "sync",
    "token_unknown": "sync",
    "token_used": "sync",
    "token_expired": "sync",
    "unknown_device": "sync",
    "device_revoked": "sync",
    "device_exists": "sync",
    "token_other_device": "sync",  # a re-key token bound to another device id
    "bad_device_key": "sync",
    "bad_signature": "sync",
    "batch_conflict": "sync",
    "not_enrolled": "sync",
    "not_a_batch": "sync",
    "bad_header": "sync",
    "receipt_signature": "sync",
    "receipt_mismatch": "sync",
    "bad_receipt": "sync",
    "other_device": "sync",
    "unknown_batch": "sync",
    "no_media_files": "sync",
    "not_a_regular_file": "sync",
    "file_too_large": "sync",
    "unreadable_file": "sync",
    "sync_crashed": "sync",
    "too_large": "sync",
    "not_owner": "sync",  # per record, in a receipt: another device delivered this id first
    # -- the hub's accounts (sync.hub.operators): its command line and its admin HTTP API
    "login_required": "sync",
    "role_refused": "sync",
    "login_failed": "sync",
    "login_backoff": "sync",
    "hub_user_exists": "sync",
    "unknown_hub_user": "sync",
    "hub_user_disabled": "sync",
    # -- scanning and receipts
    "file_not_found": "scan",
    "unreadable_image": "scan",
    "unsupported_array_shape": "scan",
    "not_a_receipt": "receipt",
    "truncated": "receipt",
    "trailing_bytes": "receipt",
    "unknown_flags": "receipt",
    "bad_initials": "receipt",
    "bad_encoding": "receipt",
    "no_text_shaping": "receipt",
    "no_latin_font": "receipt",
    "no_khmer_font": "receipt",
    # -- files written for the user
    "file_exists": "file",
    "symlink_refused": "file",
    "not_writable": "file",
}


class FieldRegError(Exception):
    """A failure a user must hear about. `code` is stable (one of ERROR_CODES); `detail`
    carries names, paths and numbers for the words, never personal data."""

    def __init__(self, code: str, **detail: Any) -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail: dict[str, Any] = detail

    def __str__(self) -> str:
        return self.code
