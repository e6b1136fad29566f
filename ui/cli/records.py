"""`fieldreg init | operator | register | list | audit | check | restore-backup | salvage`:
arguments in, the Desk's use cases, words out (ui/cli/messages.py)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from fieldreg import json_input
from fieldreg.desk import Desk
from fieldreg.desk.results import OperatorsChanged
from fieldreg.exports import write_csv
from fieldreg.qr_image import write_qr_png
from fieldreg.record import RECORD_KEYS
from ui.cli import messages as cli_messages
from ui.cli.common import EXIT_ERROR, EXIT_OK, CliError, login, reprotect_all, secret

log = logging.getLogger("fieldreg")
MAX_REPORTED_ERRORS = 50
LIST_COLUMNS = [
    "id",
    *sorted(RECORD_KEYS),
    "created_at",
    "operator",
    "event",
    "device_id",
    "version",
    "status",
    "reject_code",
    "reject_reason",
]


def cmd_init(args: argparse.Namespace, desk: Desk, out: TextIO) -> int:
    if not args.operator and not os.environ.get("FIELDREG_OPERATOR"):
        raise CliError("init needs --operator NAME (the first coordinator)")
    name = args.operator or os.environ["FIELDREG_OPERATOR"]
    # A QR image only where the user names one: never a file left in whatever folder the
    # command ran from (the key it holds opens the store).
    qr_path = args.recovery_qr.resolve() if args.recovery_qr else None
    if qr_path is not None and qr_path.is_relative_to(desk.data_dir.resolve()):
        raise CliError(
            "keep the recovery key QR out of the data directory: choose another --recovery-qr path"
        )
    passphrase = secret("FIELDREG_PASSPHRASE", f"New passphrase for {name}: ", confirm=True)
    created = desk.create(name, passphrase)
    if qr_path is not None:
        write_qr_png(created.recovery_key, qr_path)
    log.info("store created, device %s", desk.device_id)
    out.write(
        f"FieldReg store created in {desk.data_dir} for coordinator {name}.\n"
        "RECOVERY KEY (shown once: print or copy it now and keep it away from this laptop;\n"
        "it can set a new coordinator passphrase if every passphrase is lost):\n\n"
        f"    {created.recovery_key}\n\n"
        + (
            f"The same key as a QR image: {qr_path}\n"
            "Move that image to safe keeping and delete it from this computer.\n"
            if qr_path is not None
            else "For a QR image of it too, run init with --recovery-qr FILE.png next time.\n"
        )
    )
    return EXIT_OK


def cmd_operator(args: argparse.Namespace, desk: Desk, out: TextIO, err: TextIO) -> int:
    action = args.operator_command
    if action == "list":
        for op in desk.operators():
            line = {
                "name": op.name,
                "role": op.role,
                "disabled": op.disabled,
                "failed_attempts": op.failed_attempts,
            }
            out.write(json.dumps(line) + "\n")
        return EXIT_OK
    if action == "recover":
        key = secret("FIELDREG_RECOVERY_KEY", "Recovery key: ")
        passphrase = secret(
            "FIELDREG_NEW_PASSPHRASE", f"New passphrase for {args.name}: ", confirm=True
        )
        desk.recover_operator(key, args.name, passphrase)
        out.write(f"{args.name} can now log in with the new passphrase.\n")
        return EXIT_OK
    login(args, desk)
    if action in ("disable", "enable"):
        changed = desk.set_operator_disabled(args.name, action == "disable")
        out.write(
            f"{args.name} is disabled and cannot log in. Their registrations stay.\n"
            if action == "disable"
            else f"{args.name} can log in again.\n"
        )
        return _after_rotation(changed, desk, out, err)
    passphrase = secret(
        "FIELDREG_NEW_PASSPHRASE", f"New passphrase for {args.name}: ", confirm=True
    )
    if action == "add":
        desk.add_operator(args.name, args.role, passphrase)
        out.write(f"Operator {args.name} added ({args.role}).\n")
        return EXIT_OK
    changed = desk.reset_operator(args.name, passphrase)
    out.write(f"{args.name} can now log in with the new passphrase.\n")
    return _after_rotation(changed, desk, out, err)


def _after_rotation(changed: OperatorsChanged, desk: Desk, out: TextIO, err: TextIO) -> int:
    """The data key was replaced: say what that means, then re-encrypt every record."""
    if changed.new_recovery_key:
        out.write(
            "The data key was changed, and this store's recovery key was from before such\n"
            "changes existed: it no longer opens the store. NEW RECOVERY KEY (shown once:\n"
            "print or copy it now, keep it away from this laptop, destroy the old one):\n\n"
            f"    {changed.new_recovery_key}\n\n"
        )
    for name in changed.needs_reset:
        err.write(
            f"fieldreg: {name} has no key for the new data key yet (no login since the last"
            f" update): set a new passphrase with `fieldreg operator reset {name}`\n"
        )
    reprotect_all(desk, err)
    return EXIT_OK


def _read_input(source: str) -> bytes:
    if source == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(source).read_bytes()
    except OSError as error:
        raise CliError(f"cannot read {source}: {error.strerror}") from None


def cmd_register(args: argparse.Namespace, desk: Desk, out: TextIO, err: TextIO) -> int:
    items = json_input.parse_records(_read_input(args.file))
    login(args, desk)
    checked = desk.check_batch(items, allow_duplicates=bool(args.allow_duplicates))
    if checked.problems:
        problems = checked.problems
        for problem in problems[:MAX_REPORTED_ERRORS]:
            err.write(f"fieldreg: {cli_messages.input_problem(problem)}\n")
        if len(problems) > MAX_REPORTED_ERRORS:
            err.write(f"fieldreg: ... and {len(problems) - MAX_REPORTED_ERRORS} more problems\n")
        err.write(f"fieldreg: nothing was registered ({len(problems)} problem(s) in the input)\n")
        log.info("register refused: %d problems in %d records", len(problems), len(items))
        return EXIT_ERROR

    stored = 0

    def committed(ids: list[str]) -> None:
        nonlocal stored
        stored += len(ids)  # on disk already, whether or not the reader still hears of them
        log.info("registered %d records", len(ids))
        for registration_id in ids:
            out.write(json.dumps({"id": registration_id}) + "\n")
        out.flush()

    try:
        desk.register_batch(
            checked.records,
            event=args.event,
            channel=args.channel,
            duplicate_reason=args.allow_duplicates,
            on_commit=committed,
        )
    except BrokenPipeError:  # `fieldreg register big.jsonl | head -1`: stop, keep what is stored
        log.info("output closed: %d of %d records stored", stored, len(checked.records))
        err.write(
            f"fieldreg: output closed early: {stored} of {len(checked.records)} record(s) "
            "were stored (see fieldreg list); the rest were not\n"
        )
        raise
    return EXIT_OK


def cmd_list(args: argparse.Namespace, desk: Desk, out: TextIO) -> int:
    login(args, desk)
    exported = desk.export_registrations(status=args.status, what=f"list/{args.format}")
    rows = [stored.to_json() for stored in exported]
    if args.format == "json":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        write_csv(out, LIST_COLUMNS, rows)
    return EXIT_OK


AUDIT_PROBLEMS = {
    "missing": "missing",
    "prev_hash": "prev_hash does not match",
    "hash": "hash does not match",
    "seal": "its keyed seal does not match: the log was rewritten",
    "unsealed": "not sealed although written by a logged-in operator: seals were removed",
    "no_key": "the audit key is missing from the store: the log cannot be vouched for",
    "anchor": "the hub acknowledged entry {anchor_seq} with other contents: the log was"
    " cut or rewritten",
}


def cmd_audit(args: argparse.Namespace, desk: Desk, out: TextIO) -> int:
    """A coordinator's check: the seals need the data key."""
    login(args, desk)
    check = desk.verify_audit()
    if not check.ok:
        problem = AUDIT_PROBLEMS[check.problem].format(anchor_seq=check.anchor_seq)
        raise CliError(
            f"audit log broken at entry {check.broken_at} ({problem}); "
            f"{check.entries} entries before it verify"
        )
    anchored = (
        f"; the hub acknowledged it up to entry {check.anchor_seq}" if check.anchor_seq else ""
    )
    out.write(f"audit log OK: {check.entries} entries verified, keyed{anchored}\n")
    return EXIT_OK


def cmd_check(desk: Desk, out: TextIO) -> int:
    count = desk.check_integrity()
    out.write(f"store file OK: {count} registrations\n")
    return EXIT_OK


def _repair_login(args: argparse.Namespace, desk: Desk) -> tuple[str, str]:
    """A coordinator's name and passphrase for a store that may not open: the name from
    --operator, FIELDREG_OPERATOR, or the only coordinator the file (or its backup) names."""
    name = args.operator or os.environ.get("FIELDREG_OPERATOR")
    if not name:
        found = desk.repair_coordinators()
        if len(found) != 1:
            raise CliError("give --operator NAME (a coordinator) or set FIELDREG_OPERATOR")
        name = found[0]
    return name, secret("FIELDREG_PASSPHRASE", f"Passphrase for {name} (a coordinator): ")


def cmd_restore(args: argparse.Namespace, desk: Desk, out: TextIO) -> int:
    name, passphrase = _repair_login(args, desk)
    restored = desk.restore_latest_backup(name, passphrase, force=args.force)
    out.write(
        f"Restored {restored.backup.name}. The file it replaced was kept as {restored.aside}.\n"
    )
    log.info("restored backup %s", restored.backup.name)
    return EXIT_OK


def cmd_salvage(args: argparse.Namespace, desk: Desk, out: TextIO) -> int:
    name, passphrase = _repair_login(args, desk)
    result = desk.salvage(name, passphrase, out=args.out)
    out.write(
        f"Salvaged {result.registrations} registration(s); {result.registrations_lost} could "
        f"not be read and are lost from this laptop (those already sealed for the hub still "
        f"reach it). New store: {result.path}.\n"
        + (f"The damaged file was kept as {result.aside}.\n" if result.aside else "")
    )
    for table in sorted(result.rows):
        lost = result.rows_lost.get(table, 0)
        out.write(f"  {table}: {result.rows[table]} row(s) recovered, {lost} unreadable\n")
    log.info("salvaged %d registrations, %d lost", result.registrations, result.registrations_lost)
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Desk, TextIO, TextIO], int]] = {
    "init": lambda args, desk, out, _err: cmd_init(args, desk, out),
    "operator": cmd_operator,
    "register": cmd_register,
    "list": lambda args, desk, out, _err: cmd_list(args, desk, out),
    "audit": lambda args, desk, out, _err: cmd_audit(args, desk, out),
    "check": lambda _args, desk, out, _err: cmd_check(desk, out),
    "restore-backup": lambda args, desk, out, _err: cmd_restore(args, desk, out),
    "salvage": lambda args, desk, out, _err: cmd_salvage(args, desk, out),
}
