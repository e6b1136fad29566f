"""`fieldreg`: the command line and the desktop app's entry point (docs/architecture.md).

Errors are one line on stderr naming the field or cause, with a non-zero exit; machine-readable
output is JSON, one object per line. Qt is imported only when a window is opened.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from fieldreg.data_dir import choose_data_dir
from fieldreg.desk import Desk
from fieldreg.errors import FieldRegError
from fieldreg.indicators.channels import Channel
from fieldreg.store.database import StoreError
from ui.cli import figures as cli_figures
from ui.cli import messages as cli_messages
from ui.cli import records
from ui.cli import scan as cli_scan
from ui.cli import sync as cli_sync
from ui.cli.common import EXIT_ERROR, CliError
from ui.display import missing_display

log = logging.getLogger("fieldreg")
MAX_REPORTED_ERRORS = 50


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
        help="also write the recovery key as a QR image here (nothing is written without it)",
    )

    operator = command(
        "operator", "add, reset, disable or enable operators, or use the recovery key"
    )
    operator_commands = operator.add_subparsers(
        dest="operator_command", metavar="ACTION", required=True
    )
    for action, help_text in (
        ("add", "add an operator (coordinators only)"),
        ("reset", "set a new passphrase for an operator (coordinators; changes the data key)"),
        ("disable", "stop an operator's logins (coordinators; changes the data key)"),
        ("enable", "let a disabled operator log in again (coordinators)"),
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
        "--channel",
        type=Channel.parse,
        default=Channel(),
        metavar="CHANNEL",
        help="where: outreach (default), commune_office or bank_branch:BANK"
        " (BANK: wing, acleda, aba, sme, ardb, vattanac)",
    )
    register.add_argument(
        "--allow-duplicates",
        metavar="REASON",
        help="register possible duplicates anyway, for this reason",
    )

    listing = command("list", "list registrations (yours; all of them for a coordinator)")
    listing.add_argument("--status", choices=["pending", "synced", "rejected"])
    listing.add_argument("--format", choices=["json", "csv"], default="json")

    audit = command("audit", "check the audit log (coordinators: it needs the data key)")
    audit.add_argument("audit_command", choices=["verify"])

    command("check", "read the whole store file and report damage")
    restore = command(
        "restore-backup", "replace a damaged store with its newest backup (coordinators)"
    )
    restore.add_argument(
        "--force", action="store_true", help="restore even though the store reads without damage"
    )
    salvage = command(
        "salvage",
        "rebuild a damaged store from every record that still reads (coordinators); "
        "the damaged file is kept aside",
    )
    salvage.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="build the new store in this data directory and leave the damaged one as it is",
    )

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
    cli_figures.add_parser(command)
    return parser


# -- context --------------------------------------------------------------------------------


def data_dir_from(args: argparse.Namespace) -> Path:
    return choose_data_dir(args.data_dir, "FIELDREG_DATA_DIR", "fieldreg")


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
    desk = Desk(data_dir)
    try:
        if args.command == "init":
            return records.COMMANDS[args.command](args, desk, out, err)
        _setup_logging(data_dir)
        if args.command == "restore-backup":  # the live file may be missing or unreadable
            return records.COMMANDS[args.command](args, desk, out, err)
        if args.command == "scan":  # works without a store; verifies receipts if there is one
            return cli_scan.cmd_scan(args, desk, out, err)
        if not desk.store_exists():
            raise StoreError("not_initialised", path=str(data_dir))
        if args.command in records.COMMANDS:
            return records.COMMANDS[args.command](args, desk, out, err)
        if args.command in cli_figures.COMMANDS:
            return cli_figures.COMMANDS[args.command](args, desk, out, err)
        if args.command == "receipt":
            return cli_scan.cmd_receipt(args, desk, out, err)
        return cli_sync.COMMANDS[args.command](args, desk, out, err)
    finally:
        desk.close()


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = run(list(sys.argv[1:] if argv is None else argv), sys.stdout, sys.stderr)
        sys.stdout.flush()  # a reader that went away shows here, not in Python's exit-time flush
        return code
    except BrokenPipeError:
        return _reader_gone()
    except FieldRegError as error:
        log.info("refused: %s", error.code)  # the log file only: stderr gets the sentence
        sys.stderr.write(f"fieldreg: {cli_messages.error_text(error)}\n")
    except CliError as error:
        sys.stderr.write(f"fieldreg: {error}\n")
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
