"""What every `fieldreg` command shares: exit codes, the one-line error, secrets from the
environment or a prompt, and logging the operator in through the Desk."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from typing import TextIO

from fieldreg.desk import Desk
from fieldreg.store.operators import Operator

log = logging.getLogger("fieldreg")
EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """One line for stderr."""


def secret(env: str, prompt: str, *, confirm: bool = False) -> str:
    if os.environ.get(env):
        return os.environ[env]
    if not sys.stdin.isatty() and not os.path.exists("/dev/tty"):
        raise CliError(f"no passphrase given: set {env} or run in a terminal")
    try:
        value = getpass.getpass(prompt)
        if confirm and getpass.getpass("Repeat: ") != value:
            raise CliError("the two entries differ")
    except (EOFError, OSError):
        raise CliError(f"no passphrase given: set {env} or run in a terminal") from None
    return value


def operator_name(args: argparse.Namespace, desk: Desk) -> str:
    name = args.operator or os.environ.get("FIELDREG_OPERATOR")
    if name:
        return str(name)
    names = [op.name for op in desk.operators() if not op.disabled]
    if len(names) == 1:
        return names[0]
    raise CliError("more than one operator: give --operator NAME or set FIELDREG_OPERATOR")


def login(args: argparse.Namespace, desk: Desk) -> Operator:
    """Log in; a re-encryption left unfinished (after a rotation) is finished first."""
    name = operator_name(args, desk)
    passphrase = secret("FIELDREG_PASSPHRASE", f"Passphrase for {name}: ")
    operator = desk.unlock(name, passphrase)
    log.info("operator %s unlocked the store", name)
    reprotect_all(desk, sys.stderr)
    return operator


def reprotect_all(desk: Desk, err: TextIO) -> None:
    """Re-encrypt, chunk after chunk, whatever is not yet under the current data key,
    saying how far it is on stderr. Interrupted, it carries on at the next login."""
    progress = desk.rotation_progress()
    if progress is None or progress.finished:
        return
    step = max(1, progress.total // 10)
    said = -step
    while not progress.finished:
        if progress.done - said >= step:
            err.write(f"records are being re-protected ({progress.done} of {progress.total})\n")
            err.flush()
            said = progress.done
        progress = desk.reprotect()
    err.write(f"records re-protected under the new key ({progress.total} of {progress.total})\n")
    log.info("re-protection finished, %d registration versions", progress.total)
