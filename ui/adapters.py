"""The concrete engines behind the desktop app's seams (ui/seams.py). No Qt here: each runs
on the store worker or on its own thread, and the UI re-emits what they report."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from fieldreg.clock import Clock, parse_iso
from fieldreg.gazetteer import load_gazetteer
from fieldreg.receipts.layout import PAPERS, ReceiptContent, receipt_content
from fieldreg.store.database import DB_FILENAME, StoreError
from fieldreg.store.session import StoredRegistration
from fieldreg.store.store import Store
from sync.client import HubClient
from sync.engine import SyncEngine, SyncReport
from sync.enrol import enrol_device
from ui.executor import WorkerContext
from ui.seams import SyncState


class CoreReceipts:
    """The core's receipt, signed by this device; the same bytes `fieldreg receipt` writes.
    Called on the store worker, which owns the store."""

    def __init__(self, context: WorkerContext, paper: str = "a6") -> None:
        self._context = context
        self._paper = PAPERS[paper]

    def _content(self, registration: StoredRegistration) -> ReceiptContent:
        identity = self._context.store.device_identity()
        return receipt_content(registration, identity, load_gazetteer())

    def png(self, registration: StoredRegistration, *, language: str) -> bytes:
        del language  # the receipt is bilingual: Khmer and Latin on the same slip
        from fieldreg.receipts.png import receipt_png  # loaded when first needed, not at start

        return receipt_png(self._content(registration), self._paper)

    def pdf(self, registration: StoredRegistration, *, language: str) -> bytes:
        del language
        from fieldreg.receipts.pdf import receipt_pdf  # loaded when first needed, not at start

        return receipt_pdf(self._content(registration), self._paper)


class DeviceEnrolment:
    """Enrol with the hub from the enrolment string, on the store worker: the unlocked
    session seals every earlier registration for the hub in the same step."""

    def __init__(self, context: WorkerContext, on_enrolled: Callable[[], None]) -> None:
        self._context = context
        self._on_enrolled = on_enrolled

    def enrol(self, enrolment_string: str) -> None:
        enrol_device(self._context.store, self._context.unlocked, enrolment_string)
        self._on_enrolled()


class BackgroundSync:
    """The sync engine on its own thread with its own connection to the store. It runs while
    the app is locked (packets are sealed; no passphrase is needed) and reports a SyncState
    to listeners after every attempt and batch."""

    def __init__(self, data_dir: Path, *, clock: Clock) -> None:
        self._data_dir = data_dir
        self._clock = clock
        self._listeners: list[Callable[[SyncState], None]] = []
        self._state = SyncState()
        self._stop, self._wake = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._run, name="fieldreg-sync", daemon=True)

    # -- SyncStatusSource ------------------------------------------------------------------

    def current(self) -> SyncState:
        return self._state

    def add_listener(self, listener: Callable[[SyncState], None]) -> None:
        self._listeners.append(listener)

    def sync_now(self) -> None:
        self._wake.set()

    # -- lifetime --------------------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=15)

    def _publish(self, state: SyncState) -> None:
        self._state = state
        for listener in list(self._listeners):
            listener(state)

    def _run(self) -> None:
        store: Store | None = None
        while not self._stop.is_set():
            if store is None and (self._data_dir / DB_FILENAME).exists():
                try:
                    store = Store.open(self._data_dir, clock=self._clock)
                except StoreError:
                    store = None
            if store is not None and store.trusted_hub_signing_key() is not None:
                self._sync_until_stopped(store)
            else:
                self._publish(SyncState(enrolled=False))
            self._wake.wait(5.0)
            self._wake.clear()
        if store is not None:
            store.close()

    def _sync_until_stopped(self, store: Store) -> None:
        client = HubClient(store.sync_settings())

        def state(report: SyncReport, *, syncing: bool) -> SyncState:
            last = store.outbox.last_success()
            online = not report.error and (report.batches > 0 or engine.client.reachable())
            sent = report.accepted + report.duplicate + report.rejected
            pending = store.outbox.pending_count()
            return SyncState(
                enrolled=True,
                online=online,
                syncing=syncing,
                pending=pending,
                last_success=parse_iso(last) if last else None,
                progress=(sent, sent + pending) if syncing else None,
                error_code=report.error or None,
            )

        self._publish(SyncState(enrolled=True, syncing=True, pending=store.outbox.pending_count()))
        engine = SyncEngine(
            store,
            client,
            on_progress=lambda report: self._publish(state(report, syncing=True)),
            follow_settings=True,
        )
        engine.run_forever(
            self._stop,
            wake=self._wake,
            on_report=lambda report: self._publish(state(report, syncing=False)),
        )
