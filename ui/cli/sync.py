"""`fieldreg enroll | sync | sync-log | export-batches | import-receipts`."""

from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import threading
from typing import TextIO

from fieldreg.store.session import Session
from fieldreg.store.store import Store
from sync.client import HubClient
from sync.engine import SyncEngine, SyncReport
from sync.enrol import enrol_device
from sync.media import export_batches, import_receipts
from ui.cli import messages as cli_messages
from ui.sync_log_format import sync_log_text, write_text_atomically

EXIT_OK, EXIT_ERROR, EXIT_PENDING = 0, 1, 3


def cmd_enroll(args: argparse.Namespace, store: Store, session: Session, out: TextIO) -> int:
    enrolled = enrol_device(store, session, args.enrolment_string, hub_url=args.hub)
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


def cmd_sync(args: argparse.Namespace, store: Store, out: TextIO, err: TextIO) -> int:
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


def cmd_sync_log(args: argparse.Namespace, store: Store, out: TextIO) -> int:
    rows = list(store.outbox.sync_log())
    text = sync_log_text(rows, args.format)
    if args.out:
        write_text_atomically(args.out, text)
        out.write(f"{len(rows)} sync attempts written to {args.out}\n")
    else:
        out.write(text)
    return EXIT_OK


def cmd_export_batches(args: argparse.Namespace, store: Store, out: TextIO) -> int:
    paths = export_batches(store, args.out)
    out.write(
        f"{len(paths)} batch file(s) written to {args.out}; "
        f"{store.outbox.pending_count()} registration(s) wait for receipts\n"
    )
    return EXIT_OK


def cmd_import_receipts(args: argparse.Namespace, store: Store, out: TextIO, err: TextIO) -> int:
    result = import_receipts(store, args.dir)
    for problem in result.problems:
        err.write(f"fieldreg: {problem}\n")
    out.write(
        f"{result.applied} receipt(s) applied: {result.accepted} accepted, "
        f"{result.duplicate} already received, {result.rejected} rejected\n"
    )
    return EXIT_ERROR if result.problems else EXIT_OK
