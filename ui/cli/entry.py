"""`fieldreg`: the command line and the desktop app's entry point (docs/architecture.md).

Errors are one line on stderr naming the field or cause, with a non-zero exit; machine-readable
output is JSON, one object per line. Qt is imported only when a window is opened.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import json
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

import platformdirs

from fieldreg import json_input
from fieldreg.qr_image import write_qr_png
from fieldreg.record import RECORD_KEYS, Registration
from fieldreg.store.database import DataDir, StoreError, damaged
from fieldreg.store.session import Session
from fieldreg.store.store import Store
from sync.client import HubRefused, HubUnreachable
from ui.cli import messages as cli_messages
from ui.cli import scan as cli_scan
from ui.cli import sync as cli_sync
from ui.display import missing_display

log = logging.getLogger("fieldreg")
MAX_REPORTED_ERRORS = 50
EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """One line for stderr."""


# -- arguments ------------------------------------------------------------------------------


ENVIRONMENT_HELP = """\
environment:
  FIELDREG_DATA_DIR        the data directory when --data-dir is not given
  FIELDREG_OPERATOR        the operator when --operator is not given
  FIELDREG_PASSPHRASE      the operator's passphrase (for init: the first coordinator's)
  FIELDREG_NEW_PASSPHRASE  the new passphrase for `operator add`, `reset` and `recover`
  FIELDREG_RECOVERY_KEY    the recovery key for `operator recover`
  DISPLAY, WAYLAND_DISPLAY, QT_QPA_PLATFORM
                           where the desktop app (no COMMAND, or --demo) opens its window
Without a secret's variable, fieldreg asks for it on the terminal.
"""


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # Every parser, the top one and each command's, lists the environment in its --help.
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = ENVIRONMENT_HELP
    # Accepted before or after the command name; the subcommand's copy only wins when given.
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=default,
        help="data directory (default: $FIELDREG_DATA_DIR or the user data dir)",
    )
    parser.add_argument(
        "--operator",
        default=default,
        help="operator name (default: $FIELDREG_OPERATOR or the only one)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fieldreg", description="FieldReg field registration")
    _common(parser, top=True)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="the app on a throwaway store with a local hub, ready to try",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this install works (temporary store, scan, receipt, local hub) and exit",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        _common(sub, top=False)
        return sub

    init = command("init", "create the encrypted store and its first coordinator")
    init.add_argument("--role", default="coordinator", choices=["coordinator"])
    init.add_argument(
        "--recovery-qr",
        type=Path,
        metavar="FILE.png",
        help="where to write the recovery key QR (default: current directory)",
    )

    operator = command("operator", "add or reset operators, or use the recovery key")
    operator_commands = operator.add_subparsers(
        dest="operator_command", metavar="ACTION", required=True
    )
    for action, help_text in (
        ("add", "add an operator (coordinators only)"),
        ("reset", "set a new passphrase for an operator (coordinators)"),
        ("recover", "set a coordinator's passphrase with the recovery key"),
        ("list", "list operators"),
    ):
        sub = operator_commands.add_parser(action, help=help_text)
        _common(sub, top=False)
        if action != "list":
            sub.add_argument("name")
        if action == "add":
            sub.add_argument("--role", default="registrar", choices=["registrar", "coordinator"])

    register = command("register", "register records from a JSON object or JSON lines")
    register.add_argument("file", help="JSON file, or - for standard input")
    register.add_argument("--event", default="", help="outreach event or bank branch")
    register.add_argument(
        "--allow-duplicates",
        metavar="REASON",
        help="register possible duplicates anyway, for this reason",
    )

    listing = command("list", "list registrations (yours; all of them for a coordinator)")
    listing.add_argument("--status", choices=["pending", "synced", "rejected"])
    listing.add_argument("--format", choices=["json", "csv"], default="json")

    audit = command("audit", "check the audit log")
    audit.add_argument("audit_command", choices=["verify"])

    command("check", "read the whole store file and report damage")
    command("restore-backup", "replace a damaged store with its newest backup")

    enroll = command("enroll", "enrol this device with a hub (coordinators)")
    enroll.add_argument("enrolment_string", help="the FRENROLL1:... string from the hub")
    enroll.add_argument("--hub", help="use this hub address instead of the one in the string")

    sync = command("sync", "send registrations to the hub (no passphrase needed)")
    sync.add_argument(
        "--once", action="store_true", help="try once; exit 0 only if everything was acknowledged"
    )

    sync_log = command("sync-log", "export the sync log (no personal data)")
    sync_log.add_argument("--format", choices=["json", "csv"], default="json")
    sync_log.add_argument("--out", type=Path, metavar="FILE")

    export_batches = command("export-batches", "write signed batches for removable media")
    export_batches.add_argument("--out", type=Path, required=True, metavar="DIR")
    import_receipts = command("import-receipts", "apply the hub's receipt files")
    import_receipts.add_argument("dir", type=Path)
    cli_scan.add_parsers(commands, _common)
    return parser


# -- context --------------------------------------------------------------------------------


def data_dir_from(args: argparse.Namespace) -> Path:
    if args.data_dir:
        return Path(args.data_dir)
    if os.environ.get("FIELDREG_DATA_DIR"):
        return Path(os.environ["FIELDREG_DATA_DIR"])
    return Path(platformdirs.user_data_dir("fieldreg", appauthor=False))


def _setup_logging(data_dir: Path) -> None:
    """A plain English log beside the store; ids and counts only, never personal data."""
    if not data_dir.is_dir():
        return
    log_dir = data_dir / "logs"
    log_dir.mkdir(mode=0o700, exist_ok=True)
    log_file = log_dir / "fieldreg.log"
    log_file.touch(mode=0o600, exist_ok=True)
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def _secret(env: str, prompt: str, *, confirm: bool = False) -> str:
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


def _operator_name(args: argparse.Namespace, store: Store) -> str:
    name = args.operator or os.environ.get("FIELDREG_OPERATOR")
    if name:
        return str(name)
    names = [op.name for op in store.operators() if not op.disabled]
    if len(names) == 1:
        return names[0]
    raise CliError("more than one operator: give --operator NAME or set FIELDREG_OPERATOR")


def _login(args: argparse.Namespace, store: Store) -> Session:
    name = _operator_name(args, store)
    passphrase = _secret("FIELDREG_PASSPHRASE", f"Passphrase for {name}: ")
    session = store.unlock(name, passphrase)
    log.info("operator %s unlocked the store", name)
    return session


# -- commands -------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace, data_dir: Path, out: TextIO) -> int:
    if not args.operator and not os.environ.get("FIELDREG_OPERATOR"):
        raise CliError("init needs --operator NAME (the first coordinator)")
    name = args.operator or os.environ["FIELDREG_OPERATOR"]
    qr_path = (args.recovery_qr or Path.cwd() / "fieldreg-recovery-key.png").resolve()
    if qr_path.is_relative_to(data_dir.resolve()):
        raise CliError(
            "keep the recovery key QR out of the data directory: choose another --recovery-qr path"
        )
    passphrase = _secret("FIELDREG_PASSPHRASE", f"New passphrase for {name}: ", confirm=True)
    store, recovery_key = Store.create(data_dir, operator=name, passphrase=passphrase)
    _setup_logging(data_dir)
    write_qr_png(recovery_key, qr_path)
    log.info("store created, device %s", store.device_id)
    out.write(
        f"FieldReg store created in {data_dir} for coordinator {name}.\n"
        "RECOVERY KEY (shown once: print or copy it now and keep it away from this laptop;\n"
        "it can set a new coordinator passphrase if every passphrase is lost):\n\n"
        f"    {recovery_key}\n\n"
        f"The same key as a QR image: {qr_path}\n"
        "Move that image to safe keeping and delete it from this computer.\n"
    )
    store.close()
    return EXIT_OK


def cmd_operator(args: argparse.Namespace, store: Store, out: TextIO) -> int:
    action = args.operator_command
    if action == "list":
        for op in store.operators():
            out.write(
                json.dumps(
                    {
                        "name": op.name,
                        "role": op.role,
                        "disabled": op.disabled,
                        "failed_attempts": op.failed_attempts,
                    }
                )
                + "\n"
            )
        return EXIT_OK
    if action == "recover":
        key = _secret("FIELDREG_RECOVERY_KEY", "Recovery key: ")
        passphrase = _secret(
            "FIELDREG_NEW_PASSPHRASE", f"New passphrase for {args.name}: ", confirm=True
        )
        store.recover(key, args.name, passphrase)
        out.write(f"{args.name} can now log in with the new passphrase.\n")
        return EXIT_OK
    session = _login(args, store)
    passphrase = _secret(
        "FIELDREG_NEW_PASSPHRASE", f"New passphrase for {args.name}: ", confirm=True
    )
    if action == "add":
        session.add_operator(args.name, args.role, passphrase)
        out.write(f"Operator {args.name} added ({args.role}).\n")
    else:
        session.reset_operator(args.name, passphrase)
        out.write(f"{args.name} can now log in with the new passphrase.\n")
    return EXIT_OK


def _read_input(source: str) -> bytes:
    if source == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(source).read_bytes()
    except OSError as error:
        raise CliError(f"cannot read {source}: {error.strerror}") from None


def _check_all(
    session: Session, items: list[json_input.InputItem], allow_duplicates: bool
) -> tuple[list[Registration], list[str]]:
    """Validate every record and look for duplicates (in the store and within the input)."""
    records: list[Registration] = []
    problems: list[str] = []
    seen: dict[bytes, int] = {}
    for item in items:
        if item.error:
            where = f"record {item.number}" if item.number else "input"
            problems.append(
                f"{where}: {item.error.replace('_', ' ')} ({item.detail})"
                if item.detail
                else f"{where}: {item.error.replace('_', ' ')}"
            )
            continue
        result = session.validate(item.value)
        if result.record is None:
            problems += [
                f"record {item.number}: {cli_messages.field_error(field, code)}"
                for field, code in sorted(result.errors.items())
            ]
            continue
        records.append(result.record)
        if allow_duplicates:
            continue
        for match in session.find_duplicates(result.record):
            problems.append(
                f"record {item.number}: {match.field}: possible duplicate of "
                f"registration {match.registration_id} (duplicate)"
            )
        for field, index in zip(
            ("id_number", "phone"), session.indexes(result.record), strict=True
        ):
            if index is not None and index in seen:
                problems.append(
                    f"record {item.number}: {field}: same as record {seen[index]} "
                    "in this input (duplicate)"
                )
            elif index is not None:
                seen[index] = item.number
    return records, problems


def cmd_register(args: argparse.Namespace, store: Store, out: TextIO, err: TextIO) -> int:
    items = json_input.parse_records(_read_input(args.file))
    session = _login(args, store)
    records, problems = _check_all(session, items, bool(args.allow_duplicates))
    if problems:
        for line in problems[:MAX_REPORTED_ERRORS]:
            err.write(f"fieldreg: {line}\n")
        if len(problems) > MAX_REPORTED_ERRORS:
            err.write(f"fieldreg: ... and {len(problems) - MAX_REPORTED_ERRORS} more problems\n")
        err.write(f"fieldreg: nothing was registered ({len(problems)} problem(s) in the input)\n")
        log.info("register refused: %d problems in %d records", len(problems), len(items))
        return EXIT_ERROR

    def committed(ids: list[str]) -> None:
        for registration_id in ids:
            out.write(json.dumps({"id": registration_id}) + "\n")
        out.flush()
        log.info("registered %d records", len(ids))

    if args.allow_duplicates:
        for record in records:
            committed(
                [session.register(record, event=args.event, duplicate_reason=args.allow_duplicates)]
            )
    else:
        session.register_many(records, event=args.event, on_commit=committed)
    return EXIT_OK


def cmd_list(args: argparse.Namespace, store: Store, out: TextIO) -> int:
    session = _login(args, store)
    rows = [stored.to_json() for stored in session.registrations(status=args.status)]
    if args.format == "json":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        columns = [
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
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "services": ";".join(row["services"])})
    session.note_export(f"list/{args.format}", len(rows))
    return EXIT_OK


def cmd_audit(store: Store, out: TextIO) -> int:
    check = store.verify_audit()
    if not check.ok:
        raise CliError(
            f"audit log broken at entry {check.broken_at} ({check.problem} does not "
            f"match); {check.entries} entries before it verify"
        )
    out.write(f"audit log OK: {check.entries} entries verified\n")
    return EXIT_OK


def cmd_check(store: Store, out: TextIO) -> int:
    store.check_integrity()
    out.write(f"store file OK: {store.registration_count()} registrations\n")
    return EXIT_OK


def cmd_restore(data_dir: Path, out: TextIO) -> int:
    backup, aside = Store.restore_latest_backup(data_dir)
    out.write(f"Restored {backup.name}. The damaged file was kept as {aside}.\n")
    log.info("restored backup %s", backup.name)
    return EXIT_OK


def open_window(data_dir: Path, *, demo: bool) -> int:
    from ui.app import run_app  # Qt loads only here

    return run_app(data_dir, demo=demo)


# -- entry point ----------------------------------------------------------------------------


def run(argv: Sequence[str], out: TextIO, err: TextIO) -> int:
    args = build_parser().parse_args(argv)
    if args.self_test:
        from ui.self_test import run_self_test

        return run_self_test(out, err)
    data_dir = data_dir_from(args)
    if args.command is None:
        if problem := missing_display(os.environ):  # Qt would abort the process instead
            raise CliError(problem)
        return open_window(data_dir, demo=args.demo)
    if args.command == "init":
        return cmd_init(args, data_dir, out)
    if args.command == "restore-backup":
        return cmd_restore(data_dir, out)
    _setup_logging(data_dir)
    if args.command == "scan":  # works without a store; verifies receipts if there is one
        return cli_scan.cmd_scan(args, data_dir, out, err)
    store = Store.open(data_dir)
    commands: dict[str, Callable[[], int]] = {
        "enroll": lambda: cli_sync.cmd_enroll(args, store, _login(args, store), out),
        "sync": lambda: cli_sync.cmd_sync(args, store, out, err),
        "sync-log": lambda: cli_sync.cmd_sync_log(args, store, out),
        "export-batches": lambda: cli_sync.cmd_export_batches(args, store, out),
        "import-receipts": lambda: cli_sync.cmd_import_receipts(args, store, out, err),
        "operator": lambda: cmd_operator(args, store, out),
        "register": lambda: cmd_register(args, store, out, err),
        "list": lambda: cmd_list(args, store, out),
        "audit": lambda: cmd_audit(store, out),
        "check": lambda: cmd_check(store, out),
        "receipt": lambda: cli_scan.cmd_receipt(args, store, out, err, login=_login),
    }
    try:
        return commands[args.command]()
    except sqlite3.DatabaseError as error:  # a damaged page met mid-command
        raise damaged(DataDir(data_dir), error) from error
    finally:
        store.close()


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = run(list(sys.argv[1:] if argv is None else argv), sys.stdout, sys.stderr)
        sys.stdout.flush()  # a reader that went away shows here, not in Python's exit-time flush
        return code
    except BrokenPipeError:
        return _reader_gone()
    except StoreError as error:
        log.warning("error %s", error.code)
        message = cli_messages.store_error(error.code, _printable(error.detail))
        sys.stderr.write(f"fieldreg: {message}\n")
    except CliError as error:
        sys.stderr.write(f"fieldreg: {error}\n")
    except (HubUnreachable, HubRefused) as error:
        sys.stderr.write(
            f"fieldreg: {cli_messages.hub_error(getattr(error, 'code', 'hub_unreachable'))}\n"
        )
    except KeyboardInterrupt:
        sys.stderr.write("fieldreg: interrupted; everything already reported as saved is kept\n")
        return 130
    return EXIT_ERROR


def _reader_gone() -> int:
    """Whoever read our output stopped (`fieldreg list | head -1`): say nothing more.
    Python would flush stdout again at exit and print a traceback, so point it at devnull.
    Exit 1, because not everything was delivered."""
    try:
        stdout = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (a test's capture)
        return EXIT_ERROR
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, stdout)
    os.close(devnull)
    return EXIT_ERROR


def _printable(detail: dict[str, Any]) -> dict[str, Any]:
    return {key: str(value) for key, value in detail.items()}
