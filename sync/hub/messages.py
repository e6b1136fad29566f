"""English words for the hub's key errors, for `fieldreg-hub` (sync/hub/cli.py) and the
device CLI's table (ui/cli/messages.py). The hub's command line is English only."""

from __future__ import annotations

from fieldreg.errors import FieldRegError
from fieldreg.store.operators import MIN_PASSPHRASE_LENGTH

HUB_KEY_ERRORS = {
    "hub_keys_missing": "the hub's key file {path} is missing; hub.db alone opens no packet "
    "and certifies no device: put back your copy of the key file, or name it with --key-file",
    "hub_wrong_passphrase": "that passphrase does not unlock the hub's key file {path}",
    "hub_keys_mismatch": "the key file {path} holds another hub's keys, not this hub's",
    "hub_key_file_damaged": "the hub's key file {path} is damaged or not a FieldReg hub key "
    "file: put back your copy",
    "hub_passphrase_needed": "the hub's keys are locked: set {variable} or run this on a "
    "terminal to type the hub passphrase",
    "passphrases_differ": "the two passphrases differ; nothing was written",
    # the hub's database (sync/hub/storage/)
    "database_unavailable": "the hub's database cannot be reached: check that PostgreSQL runs"
    " and the --database address ($FIELDREG_HUB_DATABASE); nothing was written",
    "hub_busy": "every database connection of this hub is in use; try again shortly",
    "database_url_invalid": "--database takes a PostgreSQL address: {expected}",
}

# the rule for a new hub passphrase is the operators' rule (fieldreg.store.operators)
NEW_PASSPHRASE_ERRORS = {
    "passphrase_too_short": f"the hub passphrase must have at least {MIN_PASSPHRASE_LENGTH} "
    "characters",
    "weak_passphrase": "that hub passphrase is too easy to guess (a repeat, a sequence or a "
    "common word); use a few unrelated words",
}


def key_error_text(error: FieldRegError) -> str:
    template = {**HUB_KEY_ERRORS, **NEW_PASSPHRASE_ERRORS}.get(error.code, error.code)
    try:
        return template.format(**error.detail)
    except (KeyError, IndexError, ValueError):
        return template
