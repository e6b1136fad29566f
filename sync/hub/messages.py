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

# The hub's accounts (sync/hub/operators.py); the hub's HTTP answers carry the same codes.
HUB_USER_ERRORS = {
    "login_required": "this needs a hub user: give --user NAME (or FIELDREG_HUB_USER) and that "
    "user's passphrase (FIELDREG_HUB_USER_PASSPHRASE or the terminal); a hub's first admin is "
    "added with `fieldreg-hub user add NAME --role admin`",
    "role_refused": "that hub user's role does not allow this",
    "login_failed": "unknown hub user or wrong passphrase",
    "login_backoff": "too many wrong passphrases for that hub user: wait, then try again",
    "hub_user_exists": "there is already a hub user with that name",
    "unknown_hub_user": "there is no hub user with that name",
    "hub_user_disabled": "that hub user is disabled",
}
USER_PASSPHRASE_ERRORS = {
    "passphrase_too_short": "a hub user's passphrase must have at least "
    f"{MIN_PASSPHRASE_LENGTH} characters",
    "weak_passphrase": "that passphrase is too easy to guess (a repeat, a sequence, a common "
    "word or the user's name); use a few unrelated words",
    "invalid_operator_name": "a hub user's name must be 1 to 64 characters, without control "
    "characters or spaces around it",
    "invalid_role": "a hub user's role is admin or viewer",
    "passphrases_differ": HUB_KEY_ERRORS["passphrases_differ"],
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


def user_error_text(error: FieldRegError) -> str:
    """One line about a refusal of the hub's accounts: its words, the code, the detail."""
    words = {**HUB_USER_ERRORS, **USER_PASSPHRASE_ERRORS}.get(error.code, error.code)
    reason = str(error.detail.get("reason", ""))
    return f"{words} ({error.code})" + (f": {reason}" if reason else "")


# The filters of `fieldreg-hub indicators` (sync/hub/figures.py); /v1/indicators answers the
# same codes with the field in its detail.
FIGURE_FILTER_ERRORS = {
    "invalid_date": "--since and --until want a date YYYY-MM-DD, --since not after --until",
    "invalid_channel": "--channel wants outreach, commune_office, bank_branch or"
    " bank_branch:BANK (BANK one of wing, acleda, aba, sme, ardb, vattanac)",
    "invalid_filter": "there is no such {field} to filter the figures by",
    "unsupported_breakdown": "these figures cannot be broken down that way",
}


def filter_error_text(error: FieldRegError) -> str:
    words = FIGURE_FILTER_ERRORS.get(error.code, error.code)
    return f"{words.format_map({'field': error.detail.get('field', 'value')})} ({error.code})"
