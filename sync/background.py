"""Background sync for the desktop app: the sync engine on its own thread, and the state it
reports. No Qt here; the UI re-emits each state onto its own thread.

The thread never dies quietly: anything unexpected is logged, published as a coded SyncState
(`sync_crashed`, or `damaged`/`disk_full` for storage failures) and tried again after a back-off,
until `stop()`. Listeners are held weakly, so a closed window is neither kept alive nor called.
"""

from __future__ import annotations

import datetime as dt
import errno
import inspect
import logging
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from fieldreg.clock import Clock, parse_iso
from fieldreg.errors import FieldRegError
from fieldreg.store.database import DB_FILENAME, DataDir, StoreError, storage_error
from fieldreg.store.store import Store
from sync.client import HubClient
from sync.engine import MAX_BACKOFF_SECONDS, SyncEngine, SyncReport

log = logging.getLogger("fieldreg.sync")

POLL_SECONDS = 5.0  # while there is no store yet, or it is not enrolled
CRASH_BACKOFF_SECONDS = 5.0  # the first wait after a crash; doubles up to MAX_BACKOFF_SECONDS

SyncListener = Callable[["SyncState"], None]


@dataclass(frozen=True, slots=True)
class SyncState:
    """What the status bar shows. `pending` None means not known (yet)."""

    enrolled: bool = False
    online: bool = False
    syncing: bool = False
    pending: int | None = None
    last_success: dt.datetime | None = None
    progress: tuple[int, int] | None = None  # (sent, total) during a long sync
    error_code: str | None = None  # the sync engine's code for the last failure


class SyncStatusSource(Protocol):
    """The sync engine as the status bar sees it. Listeners may be called from any thread and
    may be held weakly: the caller keeps them alive."""

    def current(self) -> SyncState: ...

    def add_listener(self, listener: SyncListener) -> None: ...

    def sync_now(self) -> None: ...


class NoSyncEngine:
    """When no sync engine is plugged in: not enrolled, offline, nothing sent."""

    def current(self) -> SyncState:
        return SyncState()

    def add_listener(self, listener: SyncListener) -> None:
        del listener  # nothing will ever change

    def sync_now(self) -> None:
        return None


def crash_code(error: BaseException) -> str:
    """The code a user hears for a failure the sync loop did not expect: the store's own
    words for a failure inside SQLite (storage_error), disk_full for a full disk elsewhere."""
    if isinstance(error, FieldRegError):
        return error.code
    if isinstance(error, sqlite3.Error):
        return storage_error(DataDir(Path()), error).code
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return "disk_full"
    return "sync_crashed"


class BackgroundSync:
    """The sync engine on its own thread with its own connection to the store. It runs while
    the app is locked (packets are sealed; no passphrase is needed) and reports a SyncState
    to listeners after every attempt and batch."""

    def __init__(
        self,
        data_dir: Path,
        *,
        clock: Clock,
        monotonic: Callable[[], float] = time.monotonic,
        open_store: Callable[[Path], Store] | None = None,
    ) -> None:
        self._data_dir = data_dir
        self._clock = clock
        self._monotonic = monotonic
        self._open_store = open_store or (lambda path: Store.open(path, clock=clock))
        self._listeners: list[weakref.ref[SyncListener]] = []
        self._listeners_lock = threading.Lock()
        self._state = SyncState()
        self._backoff = CRASH_BACKOFF_SECONDS
        self._stop, self._wake = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._run, name="fieldreg-sync", daemon=True)

    # -- SyncStatusSource ------------------------------------------------------------------

    def current(self) -> SyncState:
        return self._state

    def add_listener(self, listener: SyncListener) -> None:
        """Held weakly (a bound method by its object): keep the listener alive while it
        should hear; once it is gone it is dropped without a word."""
        held: weakref.ref[SyncListener] = (
            weakref.WeakMethod(listener) if inspect.ismethod(listener) else weakref.ref(listener)
        )
        with self._listeners_lock:
            self._listeners.append(held)

    def sync_now(self) -> None:
        self._wake.set()

    # -- lifetime --------------------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=15)

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def _publish(self, state: SyncState) -> None:
        self._state = state
        with self._listeners_lock:
            self._listeners = [held for held in self._listeners if held() is not None]
            listeners = [listener for held in self._listeners if (listener := held()) is not None]
        for listener in listeners:
            try:
                listener(state)
            except Exception:  # one broken listener must not stop sync or the others
                log.exception("a sync status listener failed")

    def _run(self) -> None:
        store: Store | None = None
        while not self._stop.is_set():
            try:
                store = self._open(store)
                if store is not None and store.trusted_hub_signing_key() is not None:
                    self._sync_until_stopped(store)
                else:
                    self._publish(SyncState(enrolled=False))
                delay = POLL_SECONDS
            except Exception as error:  # the guard: report, back off, try again
                _close(store)
                store = None
                delay = self._crashed(error)
            if self._stop.is_set():  # the engine may have used up stop()'s wake-up
                break
            self._wake.wait(delay)
            self._wake.clear()
        _close(store)

    def _open(self, store: Store | None) -> Store | None:
        if store is None and (self._data_dir / DB_FILENAME).exists():
            try:
                return self._open_store(self._data_dir)
            except StoreError:  # not ready yet (first run under way) or refused: ask again
                return None
        return store

    def _crashed(self, error: Exception) -> float:
        code = crash_code(error)
        if isinstance(error, FieldRegError):
            log.warning("background sync stopped with %s; retrying", code)
        else:
            log.exception("background sync crashed (%s); retrying", code)
        failed = replace(self._state, online=False, syncing=False, progress=None, error_code=code)
        self._publish(failed)
        delay, self._backoff = self._backoff, min(self._backoff * 2, MAX_BACKOFF_SECONDS)
        return delay

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

        def reported(report: SyncReport) -> None:
            self._backoff = CRASH_BACKOFF_SECONDS  # a whole pass ran: the next crash is news
            self._publish(state(report, syncing=False))

        self._publish(SyncState(enrolled=True, syncing=True, pending=store.outbox.pending_count()))
        engine = SyncEngine(
            store,
            client,
            on_progress=lambda report: self._publish(state(report, syncing=True)),
            follow_settings=True,
            monotonic=self._monotonic,
        )
        engine.run_forever(self._stop, wake=self._wake, on_report=reported)


def _close(store: Store | None) -> None:
    if store is not None:
        try:
            store.close()
        except Exception:  # closing a broken connection must not take the thread down
            log.exception("closing the sync connection failed")
