"""Hand scanners anywhere on the form: key events carry the timings a scanner or a person
would give them, and the filter's clock is moved by hand (no sleeps)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from tests.gui.conftest import FakeMonotonic, start_working, type_text, wait_idle
from tests.gui.test_scanning_parser import KHMER_TD1, KHMER_TD3
from ui.main_window import MainWindow
from ui.scan_parser import PayloadScanParser

SCANNER_GAP_MS = 4
PERSON_GAP_MS = 110


class Keyboard:
    """Key events as the platform delivers them: to the focused widget (or an open popup),
    each with its own timestamp."""

    def __init__(self, monotonic: FakeMonotonic) -> None:
        self.at = 5_000_000
        self.monotonic = monotonic

    def _send(self, key: int, text: str, modifiers: Qt.KeyboardModifier) -> None:
        target = QApplication.activePopupWidget() or QApplication.focusWidget()
        assert target is not None
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, modifiers, text)
            event.setTimestamp(self.at)
            QApplication.sendEvent(target, event)

    def press(self, char: str, gap_ms: int) -> None:
        self.pause(gap_ms)
        if char == "\n":
            self._send(Qt.Key.Key_Return, "\r", Qt.KeyboardModifier.NoModifier)
            return
        shifted = char.isupper() or char == "<"
        modifiers = Qt.KeyboardModifier.ShiftModifier if shifted else Qt.KeyboardModifier.NoModifier
        if shifted:
            self._send(Qt.Key.Key_Shift, "", modifiers)
        self._send(ord(char.upper()), char, modifiers)

    def type(self, text: str, gap_ms: int) -> None:
        for char in text:
            self.press(char, gap_ms)

    def pause(self, ms: int) -> None:
        """Time passes, for the key timestamps and for the filter's clock alike."""
        self.at += ms
        self.monotonic.now += ms / 1000


@pytest.fixture
def monotonic() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
def keyboard(monotonic: FakeMonotonic) -> Keyboard:
    return Keyboard(monotonic)


@pytest.fixture
def window(qtbot, make_window, store, clock, monotonic) -> MainWindow:
    window = make_window(scan_parser=PayloadScanParser(clock), monotonic=monotonic)
    start_working(qtbot, window)
    return window


def scan(window: MainWindow, keyboard: Keyboard, text: str) -> None:
    """A scanner: the payload's lines, each ended by Enter, then quiet."""
    keyboard.pause(1000)
    for line in text.split("\n"):
        keyboard.type(line + "\n", SCANNER_GAP_MS)
    keyboard.pause(200)
    assert window.register.wedge is not None
    window.register.wedge.check()  # what its timer does after the quiet spell


def focus(qtbot: Any, widget: QWidget) -> None:
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


def test_a_scanned_id_card_fills_the_form_and_leaves_nothing_in_the_focused_field(
    qtbot, window, keyboard
) -> None:
    fields = window.register.fields
    phone = fields.lines["phone"]
    focus(qtbot, phone)
    keyboard.type("012", PERSON_GAP_MS)
    scan(window, keyboard, KHMER_TD1)

    assert phone.text() == "012"  # what the registrar typed, without the scan's keys
    assert fields.lines["id_number"].text() == "123456789"
    assert fields.lines["name_en"].text() == "SOK DARA"
    assert fields.scanned == {"id_type", "id_number", "name_en", "sex", "date_of_birth"}
    assert fields.lines["name_en"].property("scanned") is True
    assert "Filled from the scan" in window.register.notice.text()
    assert not window.register.wedge.holding
    wait_idle(qtbot, window)


def test_enter_at_the_end_of_a_scan_presses_no_button(qtbot, window, keyboard) -> None:
    register = window.register
    focus(qtbot, register.save_button)
    scan(window, keyboard, KHMER_TD1)
    wait_idle(qtbot, window)
    assert register.fields.lines["id_number"].text() == "123456789"
    assert register.duplicate_dialog is None
    assert register.saved_label.text() == ""  # nothing was saved
    assert "Please correct" not in register.notice.text()


def test_a_scan_into_a_choice_puts_the_choice_back(qtbot, window, keyboard) -> None:
    sector = window.register.fields.combos["sector"]
    focus(qtbot, sector)
    keyboard.type("I", SCANNER_GAP_MS)  # a combo jumps to the item a key starts
    assert sector.currentData() == "I"
    sector.setCurrentIndex(0)
    scan(window, keyboard, KHMER_TD1)
    assert sector.currentIndex() == 0
    assert window.register.fields.lines["id_number"].text() == "123456789"


def test_a_person_typing_is_never_a_scan(qtbot, window, keyboard) -> None:
    fields = window.register.fields
    name = fields.lines["name_en"]
    focus(qtbot, name)
    keyboard.type("Sok Dara Chan\n", PERSON_GAP_MS)
    assert name.text() == "Sok Dara Chan"
    assert fields.combos["sex"].hasFocus()  # Enter moved on, as it does when typing
    assert fields.scanned == set()


def test_a_fast_run_without_enter_is_given_back_in_order(qtbot, window, keyboard) -> None:
    name = window.register.fields.lines["name_en"]
    focus(qtbot, name)
    keyboard.type("Sok ", PERSON_GAP_MS)
    keyboard.type("Dara1234567", SCANNER_GAP_MS)
    assert window.register.wedge.holding
    assert len(name.text()) < len("Sok Dara1234567")  # held back while it looks like a scan
    keyboard.pause(300)
    window.register.wedge.check()
    assert name.text() == "Sok Dara1234567"
    assert not window.register.wedge.holding


def test_a_short_fast_line_is_typing(qtbot, window, keyboard) -> None:
    fields = window.register.fields
    focus(qtbot, fields.lines["workers"])
    keyboard.type("12\n", SCANNER_GAP_MS)
    assert fields.lines["workers"].text() == "12"
    assert not fields.lines["workers"].hasFocus()  # Enter went through


def test_an_unknown_code_is_named_and_not_typed(qtbot, window, keyboard) -> None:
    register = window.register
    name = register.fields.lines["name_en"]
    focus(qtbot, name)
    scan(window, keyboard, "SHOP-4711-XYZ")
    assert name.text() == ""
    assert "not an ID card" in register.notice.text()
    assert "SHOP-4711-XYZ" in register.notice.text()


def test_a_scan_into_an_address_picker_keeps_the_chosen_place(qtbot, window, keyboard) -> None:
    fields = window.register.fields
    fields.cascade.set_village("01020201")
    village = fields.pickers["village"]
    focus(qtbot, village)
    scan(window, keyboard, KHMER_TD1)
    assert fields.cascade.village_code == "01020201"
    assert QApplication.activePopupWidget() is None
    assert fields.lines["id_number"].text() == "123456789"


def test_a_scan_that_opens_place_suggestions_closes_them(qtbot, window, keyboard) -> None:
    fields = window.register.fields
    province = fields.pickers["province"]
    focus(qtbot, province)
    keyboard.pause(1000)
    keyboard.type("P", SCANNER_GAP_MS)  # a passport zone starts like a province name
    assert QApplication.activePopupWidget() is not None  # suggestions, taking the keys now
    keyboard.type(KHMER_TD3[1:] + "\n", SCANNER_GAP_MS)
    keyboard.pause(200)
    window.register.wedge.check()
    assert QApplication.activePopupWidget() is None
    assert province.text() == "" and fields.cascade.village_code == ""
    assert fields.combos["id_type"].currentData() == "passport"
    assert fields.lines["id_number"].text() == "N12345678"


def test_keys_without_timing_are_typing(qtbot, window) -> None:
    """qtbot, accessibility tools and other synthetic keys carry no timestamp."""
    name = window.register.fields.lines["name_en"]
    type_text(qtbot, name, "IDKHM1234567897")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    assert name.text() == "IDKHM1234567897"
    assert window.register.fields.scanned == set()


def test_the_scan_dialog_closes_when_a_hand_scanner_scans(qtbot, window, keyboard) -> None:
    from ui.scan_dialog import ScanOptions

    register = window.register
    register.scan_options = ScanOptions(cameras=list)
    register.scan_button.click()
    dialog = register.scan_dialog
    assert dialog is not None
    dialog.activateWindow()
    focus(qtbot, dialog.choose_button)
    scan(window, keyboard, KHMER_TD1)
    assert register.scan_dialog is None
    assert register.fields.lines["id_number"].text() == "123456789"


def test_other_screens_and_a_locked_app_take_no_scans(qtbot, window, keyboard) -> None:
    window.show_work("registrations")
    search = window.registrations.search
    focus(qtbot, search)
    scan(window, keyboard, KHMER_TD1.split("\n")[0])
    assert search.text() == KHMER_TD1.split("\n")[0]
    assert window.register.fields.scanned == set()

    window.show_work("register")
    window.lock()
    wait_idle(qtbot, window)
    passphrase = window.login.passphrase
    focus(qtbot, passphrase)
    keyboard.type("IDKHM1234567897", SCANNER_GAP_MS)
    assert passphrase.text() == "IDKHM1234567897"
