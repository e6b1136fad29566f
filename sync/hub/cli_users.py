"""`fieldreg-hub user ...` and the login of the commands that need a hub user (issue 10 item 5).

Issuing enrolment tokens, revoking and quarantining devices, exporting and managing accounts
need a hub user: `--user NAME` (or FIELDREG_HUB_USER), with that user's passphrase from
FIELDREG_HUB_USER_PASSPHRASE or the terminal; the audit log then names that user
("user:NAME") instead of the operating-system account. Listing devices, accounts and the audit
log (and checking it) need none: they write nothing, and whoever can run them can read hub.db
itself. Importing USB batches needs none either: like a device's upload, each batch is signed by
an enrolled device, and the import is audited as before.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from typing import TextIO

from fieldreg.store.operators import check_passphrase
from sync.hub.hub import Hub, HubError
from sync.hub.keys import HubKeyError
from sync.hub.operators import ADMIN, ROLES, VIEWER, HubOperators, HubUser, check_role

USER_VARIABLE = "FIELDREG_HUB_USER"
VIEWER_COMMANDS = frozenset({"indicators"})  # a viewer may run these; the others need an admin
USER_PASSPHRASE_VARIABLE = "FIELDREG_HUB_USER_PASSPHRASE"
NEW_USER_PASSPHRASE_VARIABLE = "FIELDREG_HUB_NEW_USER_PASSPHRASE"
USER_ENVIRONMENT_HELP = f"""\
  {USER_VARIABLE}       the hub user for --user (token, devices --revoke, quarantine,
                           export, indicators, user add/disable/passphrase)
  {USER_PASSPHRASE_VARIABLE}
                           that user's passphrase (else asked for on the terminal)
  {NEW_USER_PASSPHRASE_VARIABLE}
                           the passphrase `user add` and `user passphrase` set (else asked
                           twice; for a hub's first admin {USER_PASSPHRASE_VARIABLE} also does)
"""


def add_user_arguments(parser: argparse.ArgumentParser, *, top: bool) -> None:
    parser.add_argument(
        "--user",
        metavar="NAME",
        default=None if top else argparse.SUPPRESS,
        help=f"the hub user doing this (default: ${USER_VARIABLE})",
    )


def add_user_command(
    command: Callable[[str, str], argparse.ArgumentParser],
    common: Callable[[argparse.ArgumentParser], None],
) -> None:
    """`user add|list|disable|passphrase`; `common` gives each its --data-dir and the like."""
    user = command("user", "the hub's users: add, list, disable, change a passphrase")
    actions = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help_text, description=help_text)
        common(sub)
        return sub

    add = action("add", "add a hub user (the first one, an admin, with the hub passphrase)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", choices=ROLES, required=True)
    action("list", "list the hub's users")
    disable = action("disable", "disable a hub user and end their sessions")
    disable.add_argument("name", metavar="NAME")
    passphrase = action("passphrase", "set a hub user's passphrase (an admin's, or your own)")
    passphrase.add_argument("name", metavar="NAME")


def needs_keys(args: argparse.Namespace) -> bool:
    return not (args.command == "user" and args.user_command == "list")


def _needs_user(args: argparse.Namespace) -> bool:
    if args.command == "user":
        return args.user_command != "list"
    if args.command == "devices":
        return bool(args.revoke)
    return args.command in ("token", "quarantine", "export", "indicators")


def sign_in(args: argparse.Namespace, hub: Hub) -> HubUser | None:
    """The hub user a command acts as (logged in, allowed), or None for a command that needs
    none and for the first admin's `user add` (the hub passphrase stands for it)."""
    if not _needs_user(args):
        return None
    operators = HubOperators(hub)
    if args.command == "user" and args.user_command == "add" and operators.needs_first_admin():
        return None
    name = getattr(args, "user", None) or os.environ.get(USER_VARIABLE)
    if not name:
        raise HubError(401, "login_required", f"give --user NAME or set {USER_VARIABLE}")
    passphrase = os.environ.get(USER_PASSPHRASE_VARIABLE)
    if passphrase is None:
        if not sys.stdin.isatty():
            raise HubError(
                401, "login_required", f"set {USER_PASSPHRASE_VARIABLE} or run this on a terminal"
            )
        passphrase = getpass.getpass(f"Passphrase of hub user {name}: ")
    user = operators.login(name, passphrase, via="cli")
    own_passphrase = args.command == "user" and args.user_command == "passphrase"
    if not (own_passphrase and args.name == user.name):
        check_role(user, VIEWER if args.command in VIEWER_COMMANDS else ADMIN)
    return user


def _new_passphrase(name: str, *, first: bool) -> str:
    given = os.environ.get(NEW_USER_PASSPHRASE_VARIABLE)
    if given is None and first:  # nobody logs in: the first admin's own passphrase will do
        given = os.environ.get(USER_PASSPHRASE_VARIABLE)
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise HubError(
            400, "refused", f"set {NEW_USER_PASSPHRASE_VARIABLE} or run this on a terminal"
        )
    chosen = getpass.getpass(f"New passphrase for hub user {name}: ")
    check_passphrase(chosen, name)
    if getpass.getpass("The same passphrase again: ") != chosen:
        raise HubKeyError("passphrases_differ")
    return chosen


def cmd_user(args: argparse.Namespace, hub: Hub, out: TextIO) -> int:
    operators = HubOperators(hub)
    by: HubUser | None = args.hub_user
    if args.user_command == "list":
        for user in operators.users():
            out.write(json.dumps(user.to_json(), ensure_ascii=False) + "\n")
    elif args.user_command == "add":
        passphrase = _new_passphrase(args.name, first=by is None)
        added = operators.add(args.name, args.role, passphrase, by=by)
        out.write(f"hub user {added.name} added ({added.role})\n")
    elif args.user_command == "disable":
        assert by is not None
        changed = operators.disable(args.name, by=by)
        out.write(f"hub user {args.name} {'disabled' if changed else 'was already disabled'}\n")
    else:
        assert by is not None
        operators.set_passphrase(args.name, _new_passphrase(args.name, first=False), by=by)
        out.write(f"hub user {args.name}'s passphrase changed; their sessions are closed\n")
    return 0
