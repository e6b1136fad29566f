"""`fieldreg enroll | sync | sync-log | export-batches | import-receipts`."""

from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import threading
from collections.abc import Callable
from typing import TextIO

from fieldreg.desk import Desk
from fieldreg.exports import sync_log_text
from fieldreg.store.database import storage_boundary
from fieldreg.store.store import Store
from sync.client import HubClient
from sync.engine import SyncEngine, SyncReport
from ui.cli import messages as cli_messages
from ui.cli.common import login

EXIT_OK, EXIT_ERROR, EXIT_PENDING = 0, 1, 3


def cmd_enroll(args: argparse.Namespace, desk: Desk, out: TextIO, _err: TextIO) -> int:
    login(args, desk)
    enrolled = desk.enrol(args.enrolment_string, HubClient, hub_url=args.hub)
    out.write(
        f"Enrolled with the hub at {enrolled.hub_url} (key fingerprint "
        f"{enrolled.fingerprint[:16]}...). {enrolled.sealed_backlog} earlier "
        "registration(s) sealed for sending.\n"
    )
    return EXIT_OK


def _summary(report: SyncReport) -> str:
    return json.dumps(
        {
            **{k: v for k, v in dataclasses.asdict(report).items() if k != "errors"},
            "complete": report.complete,
        }
    )


def cmd_sync(args: argparse.Namespace, desk: Desk, out: TextIO, err: TextIO) -> int:
    """The sync engine with its own connection to the store, as the app's background sync
    has: sealed packets need no passphrase."""
    desk.close()
    with storage_boundary(desk.data_dir):
        store = Store.open(desk.data_dir)
        try:
            return _sync(args, store, out, err)
        finally:
            store.close()


def _sync(args: argparse.Namespace, store: Store, out: TextIO, err: TextIO) -> int:
    engine = SyncEngine(store, HubClient(store.sync_settings()))
    if args.once:
        report = engine.sync_once()
        out.write(_summary(report) + "\n")
        if report.error:
            err.write(f"fieldreg: {cli_messages.hub_error(report.error)}\n")
            return EXIT_ERROR
        return EXIT_OK if report.complete else EXIT_PENDING
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    def show(report: SyncReport) -> None:
        out.write(_summary(report) + "\n")
        out.flush()

    try:
        engine.run_forever(stop, on_report=show)
    except KeyboardInterrupt:
        stop.set()
    return EXIT_OK


def cmd_sync_log(args: argparse.Namespace, desk: Desk, out: TextIO, _err: TextIO) -> int:
    rows, _total = desk.sync_log()
    rows.reverse()  # oldest first, as the log was written
    if args.out:
        count = desk.export_sync_log(rows, args.format, args.out)
        out.write(f"{count} sync attempts written to {args.out}\n")
    else:
        out.write(sync_log_text(rows, args.format))
    return EXIT_OK


def cmd_export_batches(args: argparse.Namespace, desk: Desk, out: TextIO, _err: TextIO) -> int:
    exported = desk.export_batches(args.out)
    out.write(
        f"{exported.files} batch file(s) written to {args.out}; "
        f"{exported.state.pending} registration(s) wait for receipts\n"
    )
    return EXIT_OK


def cmd_import_receipts(args: argparse.Namespace, desk: Desk, out: TextIO, err: TextIO) -> int:
    result = desk.import_receipts(args.dir)
    for problem in result.problems:
        err.write(f"fieldreg: {problem.file}: {problem.code}\n")
    out.write(
        f"{result.applied} receipt(s) applied: {result.accepted} accepted, "
        f"{result.duplicate} already received, {result.rejected} rejected\n"
    )
    if result.other_device:
        err.write(f"fieldreg: {result.other_device} receipt(s) for other devices left alone\n")
    return EXIT_ERROR if result.problems or result.other_device else EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Desk, TextIO, TextIO], int]] = {
    "enroll": cmd_enroll,
    "sync": cmd_sync,
    "sync-log": cmd_sync_log,
    "export-batches": cmd_export_batches,
    "import-receipts": cmd_import_receipts,
}
