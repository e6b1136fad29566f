"""Background sync's thread: it survives what it did not expect, it holds its listeners weakly,
and its durations come from the clock it is given."""

from __future__ import annotations

import gc
import logging
import sqlite3
import threading
import weakref
from collections.abc import Callable
from pathlib import Path

import pytest

from fieldreg.clock import utc_now
from fieldreg.store.store import Store
from fieldreg.transfer.media import export_batches, import_receipts
from sync.background import BackgroundSync, SyncState, crash_code
from sync.client import HubClient
from sync.engine import SyncEngine
from sync.hub.media import import_batches_for_hub
from sync.hub.server import BackgroundHub
from tests.sync_support import Device

WAIT = 20.0  # a bound on waiting for the thread, never a measurement


class StateWatch:
    """A listener that lets the test wait for the first state meeting a condition."""

    def __init__(self) -> None:
        self.states: list[SyncState] = []
        self._lock = threading.Condition()

    def __call__(self, state: SyncState) -> None:
        with self._lock:
            self.states.append(state)
            self._lock.notify_all()

    def wait_for(self, condition: Callable[[SyncState], bool]) -> SyncState:
        with self._lock:
            found = self._lock.wait_for(
                lambda: any(condition(s) for s in self.states), timeout=WAIT
            )
            assert found, f"no such state among {self.states}"
            return next(s for s in self.states if condition(s))


class FakeMonotonic:
    """Moves by `step` seconds each time it is read."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 100.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def _sqlite_error(code: int, message: str) -> sqlite3.OperationalError:
    """An error as SQLite raises it: with its result code, which the store's words go by."""
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    return error


@pytest.mark.parametrize(
    ("failure", "code"),
    [
        (sqlite3.DatabaseError("database disk image is malformed"), "damaged"),
        (_sqlite_error(sqlite3.SQLITE_FULL, "database or disk is full"), "disk_full"),
        (RuntimeError("a bug"), "sync_crashed"),
    ],
)
def test_a_crash_is_reported_and_sync_carries_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, failure: Exception, code: str
) -> None:
    with BackgroundHub(tmp_path / "hub") as hub:
        device = Device(tmp_path / "device")
        device.enrol(hub.hub, hub.url)
        device.register(3)
        opened: list[int] = []

        def open_store(path: Path) -> Store:
            opened.append(1)
            if len(opened) == 1:
                raise failure  # the first use fails, as a damaged page or a bug would
            return Store.open(path, clock=utc_now)

        watch = StateWatch()
        sync = BackgroundSync(tmp_path / "device", clock=utc_now, open_store=open_store)
        sync.add_listener(watch)
        caplog.set_level(logging.WARNING, logger="fieldreg.sync")
        sync.start()
        try:
            watch.wait_for(lambda s: s.error_code == code)
            assert sync.is_alive()
            sync.sync_now()  # skip the back-off: the next attempt works
            good = watch.wait_for(lambda s: s.enrolled and s.pending == 0 and not s.syncing)
            assert good.online and good.error_code is None
            assert sync.current().error_code is None
            assert sync.is_alive()
        finally:
            sync.stop()
        assert not sync.is_alive()
    crash = [r for r in caplog.records if "background sync crashed" in r.getMessage()]
    assert len(crash) == 1 and crash[0].exc_info is not None
    assert code in crash[0].getMessage()


def test_listeners_are_held_weakly(tmp_path: Path) -> None:
    class StatusBar:
        def __init__(self, heard: list[SyncState]) -> None:
            self.heard = heard

        def show(self, state: SyncState) -> None:
            self.heard.append(state)

    closed_heard: list[SyncState] = []
    closed = StatusBar(closed_heard)
    gone = weakref.ref(closed)
    kept = StatusBar([])
    watch = StateWatch()
    sync = BackgroundSync(tmp_path / "no-store-yet", clock=utc_now)
    sync.add_listener(closed.show)
    sync.add_listener(kept.show)
    sync.add_listener(lambda state: closed_heard.append(state))  # nobody keeps it
    sync.add_listener(watch)
    del closed
    gc.collect()
    assert gone() is None  # the sync engine did not keep the closed window's status bar alive
    sync.start()
    try:
        watch.wait_for(lambda s: s == SyncState(enrolled=False))
    finally:
        sync.stop()
    assert closed_heard == []
    assert SyncState(enrolled=False) in kept.heard


def test_a_broken_listener_does_not_stop_the_others(tmp_path: Path) -> None:
    def broken(state: SyncState) -> None:
        raise ValueError("a bug in a screen")

    watch = StateWatch()
    sync = BackgroundSync(tmp_path / "no-store-yet", clock=utc_now)
    sync.add_listener(broken)
    sync.add_listener(watch)
    sync.start()
    try:
        watch.wait_for(lambda s: s == SyncState(enrolled=False))
        assert sync.is_alive()
    finally:
        sync.stop()


def test_crash_codes_for_storage_failures(tmp_path: Path) -> None:
    """Real SQLite failures, in the store's own words (not matched by their message text)."""
    not_a_database = tmp_path / "not.db"
    not_a_database.write_bytes(b"this is not a database file, just some text" * 100)
    with pytest.raises(sqlite3.DatabaseError) as damaged:
        sqlite3.connect(not_a_database).execute("SELECT * FROM sqlite_master").fetchall()
    full = sqlite3.connect(":memory:")
    full.execute("PRAGMA max_page_count = 2")
    with pytest.raises(sqlite3.OperationalError) as disk_full:
        full.execute("CREATE TABLE t (x)")
        full.execute("INSERT INTO t VALUES (zeroblob(100000))")
    holder = sqlite3.connect(tmp_path / "busy.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    with pytest.raises(sqlite3.OperationalError) as busy:
        sqlite3.connect(tmp_path / "busy.db", timeout=0).execute("SELECT * FROM sqlite_master")
    holder.execute("ROLLBACK")
    assert crash_code(damaged.value) == "damaged"
    assert crash_code(disk_full.value) == "disk_full"
    assert crash_code(busy.value) == "store_busy"
    assert crash_code(OSError(28, "No space left on device")) == "disk_full"
    assert crash_code(KeyError("id")) == "sync_crashed"


def test_sync_durations_come_from_the_injected_clock(tmp_path: Path) -> None:
    with BackgroundHub(tmp_path / "hub") as hub:
        device = Device(tmp_path / "device")
        device.enrol(hub.hub, hub.url)
        device.register(2)
        client = HubClient(device.store.sync_settings())
        engine = SyncEngine(device.store, client, monotonic=FakeMonotonic(step=2.5))
        assert engine.sync_once().complete
    (attempt,) = [a for a in device.store.outbox.sync_log() if a.transport == "http"]
    assert attempt.duration_ms == 2500


def test_receipt_import_durations_come_from_the_injected_clock(tmp_path: Path) -> None:
    with BackgroundHub(tmp_path / "hub") as hub:
        device = Device(tmp_path / "device")
        device.enrol(hub.hub, hub.url)
        device.register(2)
        usb = tmp_path / "usb"
        usb.mkdir()
        export_batches(device.store, usb)
        import_batches_for_hub(hub.hub, usb)
        result = import_receipts(device.store, usb, monotonic=FakeMonotonic(step=0.75))
    assert result.applied == 1
    (attempt,) = [a for a in device.store.outbox.sync_log() if a.transport == "file-in"]
    assert attempt.duration_ms == 750
