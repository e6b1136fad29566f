"""The app's heaviest work never runs on the GUI thread: background sync and the passphrase's
key derivation at login (decoding scans: tests/gui/test_scanning_dialog.py). These tests check
which thread does the work; how long the GUI thread still waits meanwhile is measured in
benchmarks/bench_ui.py, not asserted here."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from fieldreg.clock import utc_now
from fieldreg.store import crypto
from fieldreg.store.store import Store
from sync.background import BackgroundSync, SyncState
from sync.hub.server import BackgroundHub
from tests.gui.conftest import WAIT_MS, log_in, wait_idle
from tests.sync_support import Device, hub_ids

GUI_THREAD = threading.main_thread().name


def test_background_sync_works_on_its_own_thread_and_the_status_bar_shows_it(
    qtbot: Any, make_window: Any, data_dir: Path, tmp_path: Path
) -> None:
    with BackgroundHub(tmp_path / "hub") as hub:
        device = Device(data_dir)
        device.enrol(hub.hub, hub.url)
        ids = device.register(30)
        device.store.close()
        opened_on: list[str] = []
        published_on: set[str] = set()

        def open_store(path: Path) -> Store:
            opened_on.append(threading.current_thread().name)
            return Store.open(path, clock=utc_now)

        def heard(_state: SyncState) -> None:  # held weakly by the sync: kept alive here
            published_on.add(threading.current_thread().name)

        sync = BackgroundSync(data_dir, clock=utc_now, open_store=open_store)
        sync.add_listener(heard)
        window = make_window(sync=sync)  # the login screen: sync runs while locked
        indicator = window.status.sync
        try:
            sync.start()
            qtbot.waitUntil(
                lambda: (
                    indicator.state.enrolled
                    and indicator.state.pending == 0
                    and not indicator.state.syncing
                ),
                timeout=30_000,
            )
        finally:
            sync.stop()
        assert sorted(hub_ids(hub.hub)) == sorted(ids)
        assert sync.current().error_code is None
        assert opened_on and set(opened_on) == {"fieldreg-sync"}  # its own store connection
        assert published_on == {"fieldreg-sync"}  # the status bar re-emits onto its thread


def test_login_derives_the_key_on_the_store_worker(
    qtbot: Any, make_window: Any, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    derived_on: list[str] = []
    derive = crypto.derive_passphrase_key

    def watched(passphrase: str, salt: bytes, params: crypto.KdfParams) -> bytes:
        derived_on.append(threading.current_thread().name)
        return derive(passphrase, salt, params)

    monkeypatch.setattr(crypto, "derive_passphrase_key", watched)
    window = make_window()
    for _ in range(2):
        log_in(qtbot, window)
        assert window.operator is not None
        window.lock()
        wait_idle(qtbot, window)
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.login, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: window.login.operator.count() > 0, timeout=WAIT_MS)
    assert len(derived_on) >= 2
    assert GUI_THREAD not in derived_on
    assert set(derived_on) == {"store-worker"}
