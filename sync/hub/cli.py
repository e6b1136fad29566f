"""`fieldreg-hub`: run the reference hub and manage its devices (docs/architecture.md).

Errors are one line on stderr with a non-zero exit; machine-readable output is JSON, one object
per line, or CSV.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import ipaddress
import json
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from fieldreg.data_dir import choose_data_dir
from fieldreg.errors import FieldRegError
from fieldreg.files import SHARED, write_text_atomic
from fieldreg.indicators.evaluate import to_csv
from fieldreg.qr_image import write_qr_png
from fieldreg.store.operators import check_passphrase
from sync.hub import audit, duplicates
from sync.hub.cli_users import (
    USER_ENVIRONMENT_HELP,
    add_user_arguments,
    add_user_command,
    cmd_user,
    needs_keys,
    sign_in,
)
from sync.hub.export import (
    EXPORT_COLUMNS,
    FORMATS,
    CountedRows,
    ExportFilter,
    FilterError,
    record_export,
    write_rows,
)
from sync.hub.figures import FigureFilter, FigureFilterError
from sync.hub.hub import MAX_TOKEN_HOURS, MIN_TOKEN_HOURS, Hub, HubError
from sync.hub.keys import KEY_FILE_NAME, HubKeyError, KeyCustody, default_key_file
from sync.hub.media import import_batches_for_hub
from sync.hub.messages import (
    HUB_USER_ERRORS,
    filter_error_text,
    key_error_text,
    user_error_text,
)
from sync.hub.server import TRUSTED_PROXIES, bind, serve_forever
from sync.hub.storage import DATABASE_VARIABLE, StorageError, database_from_env
from sync.tls import make_self_signed, pin_of_file

ENVIRONMENT_HELP = (
    """\
environment:
  FIELDREG_HUB_DATA_DIR    the hub's data directory when --data-dir is not given
  FIELDREG_HUB_DATABASE    the PostgreSQL address when --database is not given
  FIELDREG_HUB_KEY_FILE    the hub's key file when --key-file is not given
  FIELDREG_HUB_PASSPHRASE  the passphrase that unlocks the key file (else it is asked for
                           on the terminal; the first start sets it)
"""
    + USER_ENVIRONMENT_HELP
)
PASSPHRASE_VARIABLE = "FIELDREG_HUB_PASSPHRASE"
# the commands that only list (no private key, no audit entry): the hub opens locked for them.
# Revoking and quarantining are operator decisions, audited with a sealed entry: they unlock.
LOCKED_COMMANDS = frozenset({"devices", "audit", "jobs", "duplicates"})


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # Accepted before or after the command name; the command's copy only wins when given.
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = ENVIRONMENT_HELP
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None if top else argparse.SUPPRESS,
        help="hub data directory (default: $FIELDREG_HUB_DATA_DIR or the user data dir)",
    )
    parser.add_argument(
        "--database",
        default=None if top else argparse.SUPPRESS,
        metavar="URL",
        help="keep the hub's data in PostgreSQL (postgresql://user@host:port/db; default:"
        f" ${DATABASE_VARIABLE}, else SQLite in the data directory). Any number of `serve`"
        " processes may share one database",
    )
    parser.add_argument(
        "--key-file",
        type=Path,
        default=None if top else argparse.SUPPRESS,
        help="the hub's private keys, wrapped by the hub passphrase"
        f" (default: $FIELDREG_HUB_KEY_FILE or DATA_DIR/{KEY_FILE_NAME}); keep a copy apart",
    )
    add_user_arguments(parser, top=top)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fieldreg-hub", description="FieldReg reference hub")
    _common(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        _common(sub, top=False)
        return sub

    serve = command("serve", "run the hub's HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument(
        "--camdx-path",
        default="",
        help="serve under a CamDX service path, e.g. /r1/CAMBODIA/GOV/M/S/SVC",
    )
    serve.add_argument("--tls-cert", type=Path, metavar="FILE", help="serve HTTPS: certificate")
    serve.add_argument("--tls-key", type=Path, metavar="FILE", help="... and its private key")
    serve.add_argument(
        "--forwarded-allow-ips",
        default=TRUSTED_PROXIES,
        metavar="ADDRESSES",
        help="the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed,"
        f" comma-separated (default: {TRUSTED_PROXIES}); from any other address they are ignored",
    )
    tls_cert = command(
        "tls-cert", "make a self-signed TLS certificate and key for a pilot hub (ECDSA P-256)"
    )
    tls_cert.add_argument(
        "--out-dir", type=Path, help="where to write them (default: the hub's data directory)"
    )
    tls_cert.add_argument(
        "--name",
        action="append",
        default=[],
        metavar="HOST",
        help="a host name or IP address devices use (repeatable; localhost and 127.0.0.1 are"
        " always in)",
    )
    token = command("token", "print a one-time enrolment string")
    token.add_argument(
        "--url", help="the hub address devices should use (default: the last `serve` address)"
    )
    token.add_argument(
        "--hours",
        type=float,
        default=24,
        help=f"valid for this long ({MIN_TOKEN_HOURS} to {MAX_TOKEN_HOURS} hours; default 24)",
    )
    token.add_argument(
        "--tls-cert",
        type=Path,
        metavar="FILE",
        help="pin the TLS key of this certificate (default: the last `serve --tls-cert`'s,"
        " when --url is not given)",
    )
    token.add_argument("--qr", type=Path, metavar="FILE.png", help="also write it as a QR image")
    token.add_argument(
        "--rekey",
        metavar="DEVICE_ID",
        help="a re-key token for that enrolled device only (it lost its signing key): it"
        " enrols that device id once with a new key, and the old key signs nothing more",
    )
    token.add_argument(
        "--unrevoke",
        action="store_true",
        help="with --rekey: the device is revoked; let it send again under its new key",
    )
    devices = command("devices", "list devices, or revoke one")
    devices.add_argument("--revoke", metavar="DEVICE_ID")
    devices.add_argument(
        "--quarantine",
        action="store_true",
        help="with --revoke: also keep the device's registrations out of the export",
    )
    quarantine = command(
        "quarantine", "keep a device's registrations out of the export, or let them back in"
    )
    quarantine.add_argument("device_id", metavar="DEVICE_ID")
    quarantine.add_argument("--release", action="store_true", help="let them back in")
    imports = command("import", "batch files in, receipt files out")
    imports.add_argument("dir", type=Path)
    export = command("export", "the decrypted registrations received")
    export.add_argument(
        "--format",
        choices=FORMATS,
        default="json",
        help="json and jsonl: one object per line; json-array: one array; csv (default: json)",
    )
    export.add_argument(
        "--since",
        metavar="DATE/TIME",
        help="received at or after (2026-11-30, or 2026-11-30T08:00Z; UTC unless an offset)",
    )
    export.add_argument(
        "--until",
        metavar="DATE/TIME",
        help="received before this time (a date alone: up to the end of that day, UTC)",
    )
    export.add_argument(
        "--province", metavar="CODE", help="the province's 2-digit gazetteer code (e.g. 12)"
    )
    export.add_argument("--event", metavar="TEXT", help="registered under this event, exactly")
    export.add_argument(
        "--include-quarantined",
        action="store_true",
        help="also export quarantined devices' registrations (marked in the quarantined column)",
    )
    jobs = command(
        "jobs", "how many post-processing jobs are pending, running or failed; the failed ones"
    )
    jobs.add_argument(
        "--drain",
        action="store_true",
        help="first run the pending jobs (what each `serve` does in the background)",
    )
    figures_cmd = command(
        "indicators",
        "the M&E figures (counts under 5 shown as <5), national or filtered; needs a hub user"
        " (a viewer will do)",
    )
    figures_cmd.add_argument("--since", metavar="YYYY-MM-DD", help="registered on or after")
    figures_cmd.add_argument("--until", metavar="YYYY-MM-DD", help="registered on or before")
    figures_cmd.add_argument(
        "--province", metavar="CODE", help="the province's 2-digit gazetteer code (e.g. 12)"
    )
    figures_cmd.add_argument(
        "--channel",
        metavar="CHANNEL",
        help="outreach, commune_office, bank_branch or bank_branch:BANK (e.g. bank_branch:wing)",
    )
    figures_cmd.add_argument(
        "--category", metavar="GROUP", help="a target group (e.g. seasonal_worker)"
    )
    figures_cmd.add_argument("--sex", choices=("F", "M"))
    figures_cmd.add_argument("--event", metavar="TEXT", help="registered under this event")
    figures_cmd.add_argument("--format", choices=("json", "csv"), default="json")
    figures_cmd.add_argument("--out", type=Path, metavar="FILE", help="write here, not stdout")
    pairs = command(
        "duplicates",
        "pairs of registrations from two devices with the same ID number or phone (ids only:"
        " look the people up in the export; nothing is merged)",
    )
    pairs.add_argument("--format", choices=("json", "csv"), default="json")
    audit_log = command("audit", "list what the hub's operators did, or verify the log")
    audit_log.add_argument(
        "--verify",
        action="store_true",
        help="check the hash chain, and with the hub passphrase every entry's seal",
    )
    add_user_command(command, lambda sub: _common(sub, top=False))
    return parser


def data_dir_from(args: argparse.Namespace) -> Path:
    return choose_data_dir(args.data_dir, "FIELDREG_HUB_DATA_DIR", "fieldreg-hub")


def custody_from(args: argparse.Namespace, data_dir: Path) -> KeyCustody | None:
    """The key file and its passphrase for the commands that need the private keys.
    `audit --verify` takes them when it can have them (then it checks the seals too)."""
    verifying = args.command == "audit" and args.verify
    unlocking = verifying or getattr(args, "revoke", None) or getattr(args, "drain", False)
    if args.command in LOCKED_COMMANDS and not unlocking:
        return None
    if not needs_keys(args):  # `user list`
        return None
    chosen = args.key_file or os.environ.get("FIELDREG_HUB_KEY_FILE")
    key_file = Path(chosen) if chosen else default_key_file(data_dir)
    try:
        return KeyCustody(key_file, read_passphrase(key_file))
    except HubKeyError as error:
        if verifying and error.code == "hub_passphrase_needed":
            return None  # the plain chain only, and it says so
        raise


def read_passphrase(key_file: Path) -> str:
    """From FIELDREG_HUB_PASSPHRASE, else from the terminal: once to unlock, twice (and
    checked for strength before the second time) when the key file is still to be made."""
    given = os.environ.get(PASSPHRASE_VARIABLE)
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise HubKeyError("hub_passphrase_needed", variable=PASSPHRASE_VARIABLE)
    if key_file.exists():
        return getpass.getpass("Hub passphrase: ")
    sys.stderr.write(
        f"The hub's private keys will be kept in {key_file}, wrapped by a new passphrase.\n"
        "Without it nobody (you included) can open the registrations received: keep it safe.\n"
    )
    first = getpass.getpass("New hub passphrase: ")
    check_passphrase(first)
    if getpass.getpass("The same passphrase again: ") != first:
        raise HubKeyError("passphrases_differ")
    return first


def serve_args_problem(args: argparse.Namespace) -> str | None:
    """Why these `serve` arguments are refused, in one line, or None. Plain HTTP is for
    loopback only, or behind the CamDX security server (which carries the traffic over its
    own TLS); anywhere else the enrolment token and every batch's metadata would travel in
    clear."""
    if (args.tls_cert is None) != (args.tls_key is None):
        return "--tls-cert and --tls-key go together"
    if args.tls_cert is not None:
        try:
            pin_of_file(args.tls_cert)
        except (OSError, ValueError):
            return f"{args.tls_cert} is not a readable PEM certificate"
        return None
    if args.camdx_path:
        return None
    try:
        loopback = ipaddress.ip_address(args.host).is_loopback
    except ValueError:
        loopback = args.host == "localhost"
    if loopback:
        return None
    return (
        f"refusing plain HTTP on {args.host}: serve with --tls-cert FILE --tls-key FILE"
        " (make a pilot pair with `fieldreg-hub tls-cert`), or under CamDX (--camdx-path)"
    )


def cmd_serve(args: argparse.Namespace, hub: Hub, out: TextIO) -> int:
    tls = None if args.tls_cert is None else (args.tls_cert, args.tls_key)
    pin = "" if tls is None else pin_of_file(tls[0])  # readable: serve_args_problem said so
    sock = bind(args.host, args.port)
    host, port = sock.getsockname()[:2]
    url = f"{'http' if tls is None else 'https'}://{host}:{port}"
    write_text_atomic(hub.data_dir / "last_url", url + args.camdx_path.rstrip("/"), mode=SHARED)
    write_text_atomic(hub.data_dir / "last_tls_pin", pin, mode=SHARED)
    out.write(
        f"FieldReg hub listening on {url}{args.camdx_path.rstrip('/')}"
        f" (key fingerprint {hub.fingerprint[:16]}...)\n"
    )
    out.flush()
    serve_forever(
        hub,
        sock,
        mount_path=args.camdx_path,
        tls=tls,
        trusted_proxies=args.forwarded_allow_ips,
    )
    return 0


def cmd_tls_cert(args: argparse.Namespace, out: TextIO) -> int:
    out_dir = args.out_dir or data_dir_from(args)
    cert_file, key_file = make_self_signed(out_dir, args.name)
    out.write(
        f"certificate {cert_file}\nkey         {key_file} (owner-only; keep it on the hub)\n"
        f"TLS key pin {pin_of_file(cert_file)}\n"
        f"serve with: fieldreg-hub serve --tls-cert {cert_file} --tls-key {key_file}\n"
    )
    return 0


def cmd_token(args: argparse.Namespace, hub: Hub, out: TextIO) -> int:
    import datetime as dt

    hours = args.hours
    if not (math.isfinite(hours) and MIN_TOKEN_HOURS <= hours <= MAX_TOKEN_HOURS):
        sys.stderr.write(
            f"fieldreg-hub: --hours must be between {MIN_TOKEN_HOURS} and {MAX_TOKEN_HOURS}"
            " (a token valid for long is one more secret to lose)\n"
        )
        return 2
    if args.unrevoke and not args.rekey:
        sys.stderr.write("fieldreg-hub: --unrevoke goes with --rekey DEVICE_ID\n")
        return 2
    last, last_pin = hub.data_dir / "last_url", hub.data_dir / "last_tls_pin"
    url = args.url or (last.read_text().strip() if last.exists() else "http://127.0.0.1:8765")
    if args.tls_cert is not None:  # the key the hub serves with (a proxy's, for its address)
        pin = pin_of_file(args.tls_cert)
    else:  # the last `serve`'s, for its address; an address given without --tls-cert: none
        pin = last_pin.read_text().strip() if not args.url and last_pin.exists() else ""
    text = hub.issue_token(
        url,
        dt.timedelta(hours=args.hours),
        actor=args.actor,
        rekey=args.rekey,
        unrevoke=args.unrevoke,
        tls_pin=pin,
    )
    if args.qr:
        write_qr_png(text, args.qr, private=True)
    out.write(text + "\n")
    return 0


def cmd_devices(args: argparse.Namespace, hub: Hub, out: TextIO) -> int:
    if args.quarantine and not args.revoke:
        sys.stderr.write("fieldreg-hub: --quarantine goes with --revoke DEVICE_ID\n")
        return 2
    if args.revoke:
        if not hub.revoke(args.revoke, actor=args.actor):
            raise HubError(404, "unknown_device", f"no active device {args.revoke}")
        out.write(f"device {args.revoke} revoked\n")
        if args.quarantine:
            hub.quarantine(args.revoke, actor=args.actor)
            out.write(f"device {args.revoke} quarantined\n")
        return 0
    for device in hub.devices():
        out.write(json.dumps(device) + "\n")
    return 0


def cmd_quarantine(args: argparse.Namespace, hub: Hub, out: TextIO) -> int:
    changed = hub.quarantine(args.device_id, release=args.release, actor=args.actor)
    state = "released from quarantine" if args.release else "quarantined"
    out.write(f"device {args.device_id} {state}" + ("" if changed else " already") + "\n")
    return 0


def cmd_export(args: argparse.Namespace, hub: Hub, out: TextIO) -> int:
    try:
        chosen = ExportFilter.parse(
            since=args.since, until=args.until, province=args.province, event=args.event
        )
    except FilterError as error:
        sys.stderr.write(f"fieldreg-hub: {error}\n")
        return 1
    counted = CountedRows(hub, chosen, include_quarantined=args.include_quarantined)
    try:
        write_rows(out, args.format, EXPORT_COLUMNS, counted)
    finally:  # an export cut short is audited with what it handed over
        record_export(hub, counted, fmt=args.format, actor=args.actor)
    return 0


def cmd_jobs(args: argparse.Namespace, hub: Hub, out: TextIO) -> int:
    if args.drain:
        report = hub.drain_jobs()
        out.write(json.dumps({"drained": dataclasses.asdict(report)}) + "\n")
    out.write(json.dumps(hub.job_counts()) + "\n")
    for job in hub.failed_jobs():
        out.write(json.dumps(job) + "\n")
    return 0


def cmd_indicators(args: argparse.Namespace, hub: Hub, out: TextIO) -> int:
    kind, _, bank = (args.channel or "").partition(":")
    try:
        chosen = FigureFilter.parse(
            since=args.since,
            until=args.until,
            province=args.province,
            channel=kind,
            bank=bank,
            category=args.category,
            sex=args.sex,
            event=args.event,
        )
    except FigureFilterError as error:
        sys.stderr.write(f"fieldreg-hub: {filter_error_text(error)}\n")
        return 2
    shown = hub.indicators(chosen, actor=args.actor, fmt=args.format)
    text = to_csv(shown) if args.format == "csv" else json.dumps(shown, ensure_ascii=False) + "\n"
    if args.out is None:
        out.write(text)
    else:
        write_text_atomic(args.out, text)
        out.write(f"figures written to {args.out} (refreshed at {shown['refreshed_at']})\n")
    return 0


def cmd_duplicates(args: argparse.Namespace, hub: Hub, out: TextIO) -> int:
    write_rows(out, args.format, duplicates.PAIR_COLUMNS, hub.duplicate_pairs())
    return 0


def cmd_import(args: argparse.Namespace, hub: Hub, out: TextIO) -> int:
    lines = import_batches_for_hub(hub, args.dir)
    for line in lines:
        out.write(line + "\n")
    received = sum(line.endswith("receipt written") for line in lines)
    hub.record_action(audit.IMPORT, batch_files=len(lines), receipts_written=received)
    return 0


def cmd_audit(args: argparse.Namespace, hub: Hub, out: TextIO) -> int:
    if not args.verify:
        for entry in hub.audit_entries():
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")
        return 0
    check = hub.verify_audit()
    if not check.ok:
        sys.stderr.write(
            f"fieldreg-hub: audit log broken at entry {check.broken_at}"
            f" ({AUDIT_PROBLEMS.get(check.problem, check.problem)});"
            f" {check.entries} entries before it verify\n"
        )
        return 1
    if not check.keyed:
        out.write(
            f"audit log chain OK: {check.entries} entries linked; seals NOT checked"
            f" (that needs the hub passphrase: {PASSPHRASE_VARIABLE} or a terminal)\n"
        )
        return 0
    seq, head = hub.audit_head()
    out.write(
        f"audit log OK: {check.entries} entries verified, each sealed by the hub's key;"
        f" newest entry {seq}, hash {head[:16]} (note it: an older copy of hub.db put back"
        " whole would end before it)\n"
    )
    return 0


AUDIT_PROBLEMS = {
    "missing": "an entry is missing",
    "prev_hash": "its link to the entry before does not match",
    "hash": "its contents do not match its hash",
    "seal": "its seal does not match: it was changed or re-attributed after it was written",
    "unsealed": "no seal covers it: it was written or rewritten without the hub's key",
    "head": "the log does not end at the entry the hub last sealed: entries were cut off",
}


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
        return _run(args, sys.stdout)
    except BrokenPipeError:
        return _reader_gone()


def _run(args: argparse.Namespace, out: TextIO) -> int:
    if args.command == "tls-cert":  # needs no hub keys
        try:
            return cmd_tls_cert(args, out)
        except (OSError, FieldRegError) as error:
            sys.stderr.write(f"fieldreg-hub: {error}\n")
            return 1
    problem = serve_args_problem(args) if args.command == "serve" else None
    if problem is not None:
        sys.stderr.write(f"fieldreg-hub: {problem}\n")
        return 2
    try:
        data_dir = data_dir_from(args)
        hub = Hub(
            data_dir, custody_from(args, data_dir), database=args.database or database_from_env()
        )
    except FieldRegError as error:  # the keys could not be had: a wrong passphrase, no file
        sys.stderr.write(f"fieldreg-hub: {key_error_text(error)} ({error.code})\n")
        return 1
    handlers = {
        "serve": cmd_serve,
        "token": cmd_token,
        "devices": cmd_devices,
        "export": cmd_export,
        "import": cmd_import,
        "quarantine": cmd_quarantine,
        "audit": cmd_audit,
        "jobs": cmd_jobs,
        "duplicates": cmd_duplicates,
        "indicators": cmd_indicators,
        "user": cmd_user,
    }
    try:
        args.hub_user = sign_in(args, hub)
        args.actor = None if args.hub_user is None else args.hub_user.actor
        code = handlers[args.command](args, hub, out)
        out.flush()  # a reader that went away shows here, not in Python's exit-time flush
        return code
    except BrokenPipeError:
        raise
    except HubError as error:
        if error.code in HUB_USER_ERRORS:
            sys.stderr.write(f"fieldreg-hub: {user_error_text(error)}\n")
        else:
            sys.stderr.write(f"fieldreg-hub: {error.code}: {error.reason}\n".replace(": \n", "\n"))
        return 1
    except FieldRegError as error:  # a new user's name or passphrase refused
        sys.stderr.write(f"fieldreg-hub: {user_error_text(error)}\n")
        return 1
    except StorageError as error:  # the database went away during the command
        sys.stderr.write(f"fieldreg-hub: {key_error_text(error)} ({error.code})\n")
        return 1
    except OSError as error:
        sys.stderr.write(f"fieldreg-hub: {error.strerror or error}\n")
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        hub.close()


def _reader_gone() -> int:
    """Whoever read our output stopped (`fieldreg-hub export | head -1`): say nothing more.
    Python would flush stdout again at exit and print a traceback, so point it at devnull.
    Exit 1, because not everything was delivered."""
    try:
        stdout = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (a test's capture)
        return 1
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, stdout)
    os.close(devnull)
    return 1
