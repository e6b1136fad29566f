"""The seams the sync engine, scanner and receipt renderer plug into, with stand-ins."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtCore import Qt

from sync.background import SyncState
from tests.gui.conftest import fill_person, start_working, wait_idle

ROOT = Path(__file__).resolve().parents[2]


class FakeSync:
    def __init__(self) -> None:
        self.listeners: list[Callable[[SyncState], None]] = []
        self.state = SyncState(enrolled=True, online=False, pending=3)
        self.sync_requests = 0

    def current(self) -> SyncState:
        return self.state

    def add_listener(self, listener: Callable[[SyncState], None]) -> None:
        self.listeners.append(listener)

    def sync_now(self) -> None:
        self.sync_requests += 1

    def publish_from_another_thread(self, state: SyncState) -> None:
        self.state = state
        worker = threading.Thread(target=lambda: [f(state) for f in self.listeners])
        worker.start()
        worker.join()


class FakeScanner:
    def fields_from_text(self, text: str) -> Mapping[str, str] | None:
        if not text.startswith("IDKHM"):
            return None
        return {"id_type": "national_id", "id_number": "123456789", "name_en": "SOK DARA"}


def test_sync_indicator_follows_the_engine_from_any_thread(qtbot, make_window, store) -> None:
    sync = FakeSync()
    window = make_window(sync=sync)
    indicator = window.status.sync
    assert "Offline" in indicator.text.text() and "3 waiting" in indicator.text.text()

    last = dt.datetime(2026, 11, 22, 2, 30, tzinfo=dt.UTC)
    sync.publish_from_another_thread(
        SyncState(enrolled=True, online=True, syncing=True, pending=3, progress=(1, 3))
    )
    qtbot.waitUntil(lambda: "Sending 1 of 3" in indicator.text.text())
    assert not indicator.sync_button.isEnabled()
    sync.publish_from_another_thread(
        SyncState(enrolled=True, online=True, pending=0, last_success=last)
    )
    qtbot.waitUntil(lambda: "0 waiting" in indicator.text.text())
    assert "Online" in indicator.text.text() and "last sync" in indicator.text.text()
    qtbot.mouseClick(indicator.sync_button, Qt.MouseButton.LeftButton)
    assert sync.sync_requests == 1


def test_without_a_sync_engine_the_bar_says_so(qtbot, make_window, store) -> None:
    window = make_window()
    start_working(qtbot, window)
    assert "Not connected to a hub" in window.status.sync.text.text()
    assert not window.status.sync.sync_button.isVisible()


def test_scanned_text_fills_fields_and_marks_them(qtbot, make_window, store) -> None:
    window = make_window(scan_parser=FakeScanner())
    start_working(qtbot, window)
    assert window.register.scan_button.isEnabled()
    assert not window.register.apply_scan_text("hello")
    assert "not an ID card" in window.register.notice.text()
    assert window.register.apply_scan_text("IDKHM123456789<<<")
    fields = window.register.fields
    assert fields.lines["id_number"].text() == "123456789"
    assert fields.scanned == {"id_type", "id_number", "name_en"}
    assert fields.lines["id_number"].property("scanned") is True
    fields.lines["name_en"].setFocus()
    qtbot.keyClick(fields.lines["name_en"], Qt.Key.Key_A)
    assert "name_en" not in fields.scanned  # typed over: no longer marked as scanned


def test_the_receipt_shows_after_saving_and_prints(
    qtbot, make_window, store, dialogs, tmp_path: Path
) -> None:
    window = make_window()  # the Desk's own receipt: the same signed one the CLI writes
    start_working(qtbot, window)
    fill_person(qtbot, window)
    qtbot.keyClick(window.register, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)
    qtbot.mouseClick(window.register.receipt_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    receipt = window.register.receipt_dialog
    assert receipt is not None and receipt.print_button.isEnabled()
    qtbot.mouseClick(receipt.print_button, Qt.MouseButton.LeftButton)
    assert len(dialogs.printed) == 1
    dialogs.save_path = tmp_path / "receipt.pdf"
    qtbot.mouseClick(receipt.pdf_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert dialogs.save_path.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(dialogs.save_path.stat().st_mode) == 0o600  # it names a person


def test_run_app_starts_and_quits_by_itself(tmp_path: Path) -> None:
    code = (
        "import pathlib, sys\n"
        "from ui.app import run_app\n"
        "sys.exit(run_app(pathlib.Path(sys.argv[1]), quit_after_ms=300))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "data")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "data" / "fieldreg.db").exists()  # first run waits for a person
