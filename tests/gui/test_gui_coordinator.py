"""The coordinator's screens, driven as a coordinator would: users (disable, enable, new
passphrase), the laptop's settings (idle lock, hub connection, CamDX) and who sees what."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt

from fieldreg.desk.settings import check_sync_settings
from fieldreg.store.database import StoreError
from fieldreg.store.store import Store
from fieldreg.store.sync_settings import SyncSettings
from sync.background import SyncState, SyncStatusSource
from tests.factories import FAST_KDF, PASSPHRASE, raw_record
from tests.gui.conftest import choose_event, log_in, start_working, type_text, wait_idle

REGISTRAR_PASSPHRASE = "vanna-passphrase-1"


class RecordingSync:
    """A sync engine that only counts "Sync now"."""

    def __init__(self, state: SyncState | None = None) -> None:
        self.state = state or SyncState(enrolled=True, online=True, pending=0)
        self.listeners: list[Callable[[SyncState], None]] = []
        self.sync_now_calls = 0

    def current(self) -> SyncState:
        return self.state

    def add_listener(self, listener: Callable[[SyncState], None]) -> None:
        self.listeners.append(listener)

    def sync_now(self) -> None:
        self.sync_now_calls += 1


def _as_source(sync: RecordingSync) -> SyncStatusSource:
    return sync


def add_registrar(store: Store) -> None:
    store.unlock("Sokha", PASSPHRASE).add_operator("Vanna", "registrar", REGISTRAR_PASSPHRASE)


def select_user(qtbot, screen, name: str) -> None:
    """Click the user's row in the table."""
    for row in range(screen.table.rowCount()):
        item = screen.table.item(row, 0)
        if item.text().split(" ")[0] == name:
            rect = screen.table.visualItemRect(item)
            qtbot.mouseClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            return
    raise AssertionError(f"{name} is not in the table")


def audit_actions(store: Store) -> list[tuple[str, str]]:
    return [tuple(row) for row in store.db.execute("SELECT action, subject FROM audit_log")]


def test_coordinator_disables_a_registrar_then_enables_them_again(
    qtbot, make_window, store
) -> None:
    add_registrar(store)
    window = make_window()
    start_working(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)
    screen = window.operators
    assert screen.table.rowCount() == 2

    select_user(qtbot, screen, "Sokha")
    assert "(you)" in screen.table.item(screen.table.currentRow(), 0).text()
    assert not screen.disable_button.isEnabled()  # never yourself
    select_user(qtbot, screen, "Vanna")
    assert screen.disable_button.text() == "Disable user"
    screen.disable_button.setFocus()
    qtbot.keyClick(screen.disable_button, Qt.Key.Key_Space)  # the keyboard works as well
    wait_idle(qtbot, window)
    assert "Vanna is disabled" in screen.disable_message.text()
    row = [screen.table.item(r, 0).text() for r in range(2)].index("Vanna")
    assert screen.table.item(row, 2).text() == "Disabled"
    assert screen.disable_button.text() == "Enable user"  # still on Vanna
    assert ("operator_disable", "Vanna") in audit_actions(store)

    window.lock()
    wait_idle(qtbot, window)
    login = window.login
    login.operator.setCurrentIndex(login.operator.findData("Vanna"))
    log_in(qtbot, window, passphrase=REGISTRAR_PASSPHRASE)
    assert login.message.text() == "This account is disabled."
    assert window.pages.currentWidget() is login

    login.operator.setCurrentIndex(login.operator.findData("Sokha"))
    log_in(qtbot, window)
    window.show_work("operators")
    wait_idle(qtbot, window)
    select_user(qtbot, screen, "Vanna")
    qtbot.mouseClick(screen.disable_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert screen.disable_message.text() == "Vanna can log in again."
    window.lock()
    wait_idle(qtbot, window)
    login.operator.setCurrentIndex(login.operator.findData("Vanna"))
    log_in(qtbot, window, passphrase=REGISTRAR_PASSPHRASE)
    assert window.pages.currentWidget() is not login


def test_coordinator_sets_a_new_passphrase_for_a_locked_out_registrar(
    qtbot, make_window, store, clock
) -> None:
    add_registrar(store)
    for _ in range(10):
        clock.advance(400)
        with pytest.raises(StoreError):
            store.unlock("Vanna", "not her passphrase")
    window = make_window()
    start_working(qtbot, window)
    window.show_work("operators")
    wait_idle(qtbot, window)
    screen = window.operators
    select_user(qtbot, screen, "Vanna")
    row = screen.table.currentRow()
    assert screen.table.item(row, 2).text() == "Locked out"
    assert screen.reset_who.text() == "For: Vanna"

    type_text(qtbot, screen.reset_passphrase, "a-new-passphrase-2")
    type_text(qtbot, screen.reset_repeat, "a-new-passphrase-3")
    qtbot.mouseClick(screen.reset_button, Qt.MouseButton.LeftButton)
    assert screen.reset_message.text() == "The two passphrases differ."
    screen.reset_repeat.clear()
    type_text(qtbot, screen.reset_repeat, "a-new-passphrase-2")
    qtbot.mouseClick(screen.reset_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert screen.reset_message.text() == "New passphrase set for Vanna."
    assert screen.table.item(screen.table.currentRow(), 2).text() == "Active"

    window.lock()
    wait_idle(qtbot, window)
    window.login.operator.setCurrentIndex(window.login.operator.findData("Vanna"))
    log_in(qtbot, window, passphrase="a-new-passphrase-2")
    assert window.pages.currentWidget() is not window.login


def test_idle_lock_time_and_backups_are_the_coordinators_audited_device_settings(
    qtbot, make_window, store, data_dir
) -> None:
    add_registrar(store)
    window = make_window()
    start_working(qtbot, window)
    assert window.idle.limit_seconds == 10 * 60  # the store's default
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)
    screen = window.settings_screen
    assert screen.idle_minutes.value() == 10
    assert screen.backup_every.value() == 200
    screen.idle_minutes.setFocus()
    screen.idle_minutes.selectAll()
    qtbot.keyClicks(screen.idle_minutes, "15")
    screen.backup_every.setFocus()
    screen.backup_every.selectAll()
    qtbot.keyClicks(screen.backup_every, "50")
    assert window.idle.limit_seconds == 10 * 60  # nothing changes before Save
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert screen.save_message.text() == "Saved."
    assert window.idle.limit_seconds == 15 * 60
    assert store.device_setting("idle_lock_minutes") == 15
    assert ("setting", "idle_lock_minutes") in audit_actions(store)
    assert store.device_setting("backup_every") == 50
    assert ("setting", "backup_every") in audit_actions(store)
    assert "idle_lock_minutes" not in (data_dir / "ui-settings.json").read_text()
    assert store.sync_settings() == SyncSettings()  # the hub settings were not touched

    # the registrar gets the same lock time, and can only read it
    window.lock()
    wait_idle(qtbot, window)
    window.login.operator.setCurrentIndex(window.login.operator.findData("Vanna"))
    log_in(qtbot, window, passphrase=REGISTRAR_PASSPHRASE)
    assert window.idle.limit_seconds == 15 * 60
    window.show_work("settings")
    wait_idle(qtbot, window)
    assert screen.idle_minutes.value() == 15
    assert not screen.idle_minutes.isEnabled()
    assert not screen.backup_every.isEnabled()
    assert screen.lock_note.isVisible()
    assert not screen.save_button.isVisible()
    assert not screen.hub_settings.isVisible()


def test_hub_settings_are_checked_in_place_and_saved(qtbot, make_window, store) -> None:
    sync = RecordingSync()
    window = make_window(sync=_as_source(sync))
    start_working(qtbot, window)
    window.show_work("settings")
    wait_idle(qtbot, window)
    screen = window.settings_screen
    lines = screen.hub_lines
    assert screen.hub_settings.isVisible() and not screen.camdx_box.isVisible()

    type_text(qtbot, lines["hub_url"], "hub.example.org")
    screen.batch_size.setFocus()
    screen.batch_size.selectAll()
    qtbot.keyClicks(screen.batch_size, "5")
    qtbot.mouseClick(screen.use_camdx, Qt.MouseButton.LeftButton)
    assert screen.camdx_box.isVisible()
    type_text(qtbot, lines["camdx_security_server"], "https://ss.example.kh")
    type_text(qtbot, lines["camdx_client"], "CAMBODIA/COM/CAMDEV21231832")
    type_text(qtbot, lines["camdx_service_path"], "/r1/CAMBODIA/GOV/CAMDX-20201222/FIELDREG")
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    fields = screen.hub_fields
    assert fields["hub_url"].error.text().startswith("Write a web address")
    assert fields["camdx_security_server"].error.text() == ""
    assert fields["camdx_client"].error.text() == "Write it as INSTANCE/CLASS/MEMBER/SUBSYSTEM"
    assert fields["camdx_service_path"].error.text().startswith("Write it as /r1/")
    assert screen.batch_field.error.text() == "0 to adapt to the link, or from 10 to 1000"
    assert screen.save_message.text() == "Please fix the marked fields."
    assert lines["hub_url"].hasFocus()  # the first mistake
    assert store.sync_settings() == SyncSettings() and sync.sync_now_calls == 0

    for line, text in (
        (lines["hub_url"], "https://hub.example.org"),
        (lines["camdx_client"], "CAMBODIA/COM/CAMDEV21231832/FIELDREG_DESK"),
        (lines["camdx_service_path"], "/r1/CAMBODIA/GOV/CAMDX-20201222/FIELDREG/registrations"),
    ):
        line.clear()
        type_text(qtbot, line, text)
    screen.batch_size.selectAll()
    qtbot.keyClicks(screen.batch_size, "200")
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert screen.save_message.text().startswith("Saved. The sync uses the new hub settings")
    assert all(not field.error.isVisible() for field in fields.values())
    assert store.sync_settings() == SyncSettings(
        hub_url="https://hub.example.org",
        camdx_security_server="https://ss.example.kh",
        camdx_client="CAMBODIA/COM/CAMDEV21231832/FIELDREG_DESK",
        camdx_service_path="/r1/CAMBODIA/GOV/CAMDX-20201222/FIELDREG/registrations",
        batch_size=200,
    )
    assert sync.sync_now_calls == 1  # the sync thread tries the new settings at once

    # CamDX off again: requests go straight to the hub; "adapt" is 0
    qtbot.mouseClick(screen.use_camdx, Qt.MouseButton.LeftButton)
    screen.batch_size.setValue(0)
    assert screen.batch_size.text() == "Adapt to the link"
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    saved = store.sync_settings()
    assert not saved.uses_camdx and saved.batch_size == 0
    assert saved.base_url() == "https://hub.example.org"


def test_settings_errors_are_in_khmer_for_a_khmer_coordinator(qtbot, make_window, store) -> None:
    window = make_window(language="km")
    start_working(qtbot, window)
    window.show_work("settings")
    wait_idle(qtbot, window)
    screen = window.settings_screen
    assert screen.hub_group.title() == "ការភ្ជាប់ទៅម៉ាស៊ីនមេ"
    type_text(qtbot, screen.hub_lines["hub_url"], "ftp://hub")
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)  # the Desk checks the settings on the store worker
    error = screen.hub_fields["hub_url"].error.text()
    words = re.sub(r"https?://", "", error)
    assert words and not any("a" <= char <= "z" for char in words), error


def test_registrars_never_see_the_coordinator_screens(qtbot, make_window, store) -> None:
    add_registrar(store)
    window = make_window()
    window.login.refresh()
    wait_idle(qtbot, window)
    window.login.operator.setCurrentIndex(window.login.operator.findData("Vanna"))
    log_in(qtbot, window, passphrase=REGISTRAR_PASSPHRASE)
    choose_event(qtbot, window)
    for key in ("operators", "sync_log", "media"):
        assert not window.nav_buttons[key].isVisible()
    for digit in (Qt.Key.Key_3, Qt.Key.Key_5, Qt.Key.Key_6):
        qtbot.keyClick(window, digit, Qt.KeyboardModifier.ControlModifier)
        assert window.work.currentWidget() is window.register
    window.show_work("media")
    assert window.work.currentWidget() is window.register
    assert window.nav_buttons["settings"].isVisible()


@pytest.mark.parametrize(
    ("settings", "enrolled", "errors"),
    [
        (SyncSettings(), False, {}),  # nothing yet: enrolment fills the address
        (SyncSettings(), True, {"hub_url": "required"}),
        (SyncSettings(hub_url="https://hub.example.org:8765/base"), True, {}),
        (SyncSettings(hub_url="hub.example.org"), False, {"hub_url": "invalid_url"}),
        (
            SyncSettings(camdx_client="CAMBODIA/COM/M/S"),
            True,
            {"camdx_security_server": "invalid_url", "camdx_service_path": "invalid_camdx_path"},
        ),
        (
            SyncSettings(
                camdx_security_server="http://ss.local",
                camdx_client="CAMBODIA/COM/M/S",
                camdx_service_path="/r1/CAMBODIA/GOV/M/S/SERVICE/extra",
                batch_size=1000,
            ),
            True,
            {},
        ),
        (
            SyncSettings(hub_url="https://h", batch_size=9),
            True,
            {"batch_size": "invalid_batch_size"},
        ),
    ],
)
def test_hub_settings_rules(settings: SyncSettings, enrolled: bool, errors: dict) -> None:
    assert check_sync_settings(settings, enrolled=enrolled) == errors


def test_a_locked_out_coordinator_resets_with_the_recovery_key(
    qtbot, make_window, data_dir, clock
) -> None:
    created, recovery_key = Store.create(
        data_dir, operator="Sokha", passphrase=PASSPHRASE, kdf=FAST_KDF, clock=clock
    )
    for _ in range(10):
        clock.advance(400)
        with pytest.raises(StoreError):
            created.unlock("Sokha", "not the passphrase")
    created.close()
    window = make_window()
    qtbot.mouseClick(window.login.recovery_button, Qt.MouseButton.LeftButton)
    dialog = window.recover_dialog
    assert dialog is not None
    type_text(qtbot, dialog.key, "0000-0000-0000")
    type_text(qtbot, dialog.name, "Sokha")
    type_text(qtbot, dialog.passphrase, "a-new-passphrase-9")
    type_text(qtbot, dialog.repeat, "a-new-passphrase-9")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert dialog.error.text() == "That recovery key does not open this store."
    dialog.key.clear()
    type_text(qtbot, dialog.key, recovery_key)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert window.operator is not None and window.operator.name == "Sokha"
    choose_event(qtbot, window)
    window.show_work("operators")
    wait_idle(qtbot, window)
    assert window.operators.table.item(0, 2).text() == "Active"  # the lock-out is cleared


def test_disabling_re_protects_the_records_on_the_store_worker_and_says_how_far(
    qtbot, make_window, store
) -> None:
    add_registrar(store)
    vanna = store.unlock("Vanna", REGISTRAR_PASSPHRASE)
    for _ in range(3):
        record = vanna.validate(raw_record()).record
        assert record is not None
        vanna.register(record)
    window = make_window()
    start_working(qtbot, window)
    window.show_work("operators")
    wait_idle(qtbot, window)
    screen = window.operators
    progress: list[tuple[int, int, bool]] = []
    screen.reprotection.progressed.connect(lambda p: progress.append((p.done, p.total, p.finished)))
    select_user(qtbot, screen, "Vanna")
    qtbot.mouseClick(screen.disable_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(progress) and progress[-1][2], timeout=20_000)
    wait_idle(qtbot, window)
    assert progress[-1] == (3, 3, True)
    assert screen.rotation_message.text() == "All records are protected by the new key."
    assert ("reprotected", "") in audit_actions(store)
