"""First run, login and lock, driven through the widgets."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from fieldreg.store.database import StoreError
from fieldreg.store.store import Store
from tests.factories import FAST_KDF, PASSPHRASE
from tests.gui.conftest import choose_event, log_in, start_working, type_khmer, wait_idle

RECOVERY_KEY = re.compile(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){7}")


def test_first_run_creates_the_store_and_shows_the_recovery_key_once(
    qtbot, make_window, data_dir: Path, dialogs, tmp_path: Path
) -> None:
    window = make_window(language="")
    flow = window.first_run
    assert window.pages.currentWidget() is flow
    assert flow.currentWidget() is flow.language_page

    qtbot.mouseClick(flow.language_buttons["en"], Qt.MouseButton.LeftButton)
    assert flow.currentWidget() is flow.coordinator_page
    qtbot.waitUntil(lambda: "at least 10 characters" in flow.rules.text().lower())
    qtbot.keyClicks(flow.name, "Sokha")
    qtbot.keyClicks(flow.passphrase, PASSPHRASE)
    qtbot.keyClicks(flow.repeat, PASSPHRASE)
    qtbot.keyClick(flow.repeat, Qt.Key.Key_Return)
    wait_idle(qtbot, window)

    page = flow.recovery_page
    assert flow.currentWidget() is page
    key = page.key_label.text()
    assert RECOVERY_KEY.fullmatch(key)
    assert not page.qr.pixmap().isNull()
    assert not page.continue_button.isEnabled()

    dialogs.save_path = tmp_path / "recovery.png"
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert dialogs.save_path.read_bytes().startswith(b"\x89PNG")
    assert stat.S_IMODE(dialogs.save_path.stat().st_mode) == 0o600
    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    assert len(dialogs.printed) == 1

    page.kept.setChecked(True)
    qtbot.mouseClick(page.continue_button, Qt.MouseButton.LeftButton)
    assert page.key_label.text() == ""  # shown once: gone from the screen
    assert flow.currentWidget() is flow.enrol_page
    assert flow.enrol_button.isEnabled()  # offered from the start; skipping works offline
    qtbot.mouseClick(flow.skip_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.event_screen
    choose_event(qtbot, window)

    store = Store.open(data_dir, kdf=FAST_KDF)
    try:
        assert [op.name for op in store.operators()] == ["Sokha"]
        store.recover(key, "Sokha", "another-passphrase-2")  # the key shown really works
    finally:
        store.close()


def test_first_run_refuses_a_short_passphrase(qtbot, make_window, data_dir: Path) -> None:
    window = make_window(language="")
    flow = window.first_run
    qtbot.mouseClick(flow.language_buttons["en"], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(flow.name, "Sokha")
    qtbot.keyClicks(flow.passphrase, "short")
    qtbot.keyClicks(flow.repeat, "short")
    qtbot.mouseClick(flow.create_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert "at least 10 characters" in flow.create_error.text()
    assert not (data_dir / "fieldreg.db").exists()


def test_login_wrong_passphrase_counts_down_then_the_right_one_works(
    qtbot, make_window, store, clock
) -> None:
    window = make_window()
    login = window.login
    assert login.operator.currentData() == "Sokha"

    log_in(qtbot, window, passphrase="not-the-passphrase")
    assert window.pages.currentWidget() is login
    assert "Wrong passphrase" in login.message.text()
    assert "9 attempts left" in login.message.text()
    assert login.countdown.isVisible()
    assert "1 second" in login.countdown.text()
    assert not login.login_button.isEnabled()

    clock.advance(2)
    qtbot.waitUntil(lambda: not login.countdown.isVisible(), timeout=2000)
    assert login.login_button.isEnabled()
    log_in(qtbot, window)
    assert window.pages.currentWidget() is window.event_screen


def test_a_locked_out_account_is_told_what_to_do(qtbot, make_window, store, clock) -> None:
    for _ in range(10):
        clock.advance(400)
        with pytest.raises(StoreError):
            store.unlock("Sokha", "wrong passphrase!")
    window = make_window()
    log_in(qtbot, window)
    assert "locked" in window.login.message.text()
    assert "recovery key" in window.login.message.text()
    assert not window.login.passphrase.isEnabled()


def test_ctrl_l_locks_and_the_form_comes_back_after_login(qtbot, make_window, store) -> None:
    window = make_window()
    start_working(qtbot, window)
    type_khmer(window.register.fields.lines["name_km"], "ចាន់ សុភា")

    qtbot.keyClick(
        window.register.fields.lines["name_km"], Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier
    )
    wait_idle(qtbot, window)
    assert window.pages.currentWidget() is window.login
    assert window.register.fields.lines["name_km"].text() == ""  # nothing left on screen

    log_in(qtbot, window)
    assert window.pages.currentWidget() is window.work_area  # same day: the event is kept
    wait_idle(qtbot, window)
    assert window.register.fields.lines["name_km"].text() == "ចាន់ សុភា"
    assert "restored" in window.register.notice.text()


def test_the_app_locks_itself_when_idle(qtbot, make_window, store) -> None:
    from tests.gui.conftest import FakeMonotonic

    monotonic = FakeMonotonic()
    window = make_window(monotonic=monotonic)
    start_working(qtbot, window)
    monotonic.now += 9 * 60
    window.idle.check()
    assert window.pages.currentWidget() is window.work_area
    monotonic.now += 2 * 60  # ten minutes by default (the store's device setting)
    window.idle.check()
    wait_idle(qtbot, window)
    assert window.pages.currentWidget() is window.login
