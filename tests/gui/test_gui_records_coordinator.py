"""Registrations list, corrections with history, and the coordinator's screens."""

from __future__ import annotations

from PySide6.QtCore import Qt

from fieldreg.gazetteer import load_gazetteer
from fieldreg.record import validate
from tests.factories import PASSPHRASE, raw_record
from tests.gui.conftest import log_in, start_working, type_text, wait_idle


def register_directly(store, count: int = 1, **overrides) -> list[str]:
    session = store.unlock("Sokha", PASSPHRASE)
    ids = []
    for _ in range(count):
        record = validate(
            raw_record(**overrides), today=session.today(), villages=load_gazetteer()
        ).record
        assert record is not None
        ids.append(session.register(record, event="Kampot outreach"))
    return ids


def test_correct_a_registration_with_a_reason_and_see_the_history(
    qtbot, make_window, store
) -> None:
    [registration_id] = register_directly(store, name_en="Sok Dara")
    window = make_window()
    start_working(qtbot, window)
    window.open_registration(registration_id)
    wait_idle(qtbot, window)
    detail = window.detail_dialog
    assert detail is not None
    assert detail.history.count() == 1

    qtbot.mouseClick(detail.correct_button, Qt.MouseButton.LeftButton)
    correction = detail.correction_dialog
    assert correction is not None
    name = correction.fields.lines["name_en"]
    assert name.text() == "SOK DARA"
    name.clear()
    type_text(qtbot, name, "Sok Daro")
    qtbot.mouseClick(correction.save_button, Qt.MouseButton.LeftButton)
    assert correction.reason_field.error.text() == "Please give a reason."  # a reason first
    type_text(qtbot, correction.reason, "typo in the Latin name")
    qtbot.mouseClick(correction.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)

    assert detail.summary.value_text("name_en") == "SOK DARO"
    assert detail.history.count() == 2
    assert "typo in the Latin name" in detail.history.item(1).text()
    assert "Corrected" in detail.history.item(1).text()


def test_list_filters_by_status_and_shows_drafts(qtbot, make_window, store) -> None:
    register_directly(store, count=3)
    window = make_window()
    start_working(qtbot, window)
    type_text(qtbot, window.register.fields.lines["name_en"], "Draft Person")
    window.register.save_draft_now()
    wait_idle(qtbot, window)

    window.show_work("registrations")
    wait_idle(qtbot, window)
    screen = window.registrations
    assert screen.model.rowCount() == 4
    assert "4 registrations shown" in screen.count.text()
    screen.status.setCurrentIndex(screen.status.findData("draft"))
    assert screen.model.rowCount() == 1
    assert screen.model.row_at(0).name_en == "DRAFT PERSON"
    screen.status.setCurrentIndex(screen.status.findData("pending"))
    assert screen.model.rowCount() == 3

    window.lock()
    wait_idle(qtbot, window)
    assert screen.model.rowCount() == 0  # nothing decrypted stays after locking


def test_coordinator_adds_a_registrar_who_then_sees_no_coordinator_screens(
    qtbot, make_window, store
) -> None:
    window = make_window()
    start_working(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)
    screen = window.operators
    assert screen.table.rowCount() == 1
    type_text(qtbot, screen.new_name, "Vanna")
    type_text(qtbot, screen.new_passphrase, "vanna-passphrase-1")
    type_text(qtbot, screen.new_repeat, "vanna-passphrase-1")
    qtbot.mouseClick(screen.add_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert screen.add_message.text() == "Vanna can now log in."
    assert screen.table.rowCount() == 2

    window.lock()
    wait_idle(qtbot, window)
    login = window.login
    login.operator.setCurrentIndex(login.operator.findData("Vanna"))
    assert "Registrar" in login.operator.currentText()
    log_in(qtbot, window, passphrase="vanna-passphrase-1")
    assert window.pages.currentWidget() is window.work_area  # the day's event is kept
    assert not window.nav_buttons["operators"].isVisible()
    window.show_work("settings")
    assert not window.settings_screen.idle_minutes.isEnabled()


def test_settings_change_the_language_and_khmer_digits(qtbot, make_window, store, data_dir):
    window = make_window()
    start_working(qtbot, window)
    window.show_work("settings")
    settings = window.settings_screen
    qtbot.mouseClick(settings.language_buttons["km"], Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: settings.title.text() == "ការកំណត់")
    window.show_work("register")
    assert "២០២៦" in window.event_screen.day_label.text()  # Khmer digits by default
    settings.khmer_digits.setChecked(False)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: "2026" in window.event_screen.day_label.text())
    saved = (data_dir / "ui-settings.json").read_text(encoding="utf-8")
    assert '"khmer_digits": false' in saved and '"language": "km"' in saved
    # the idle-lock time is the coordinator's device setting (test_gui_coordinator.py)
    assert "idle_lock_minutes" not in saved
