"""One registration from the form's first field to saved with the keyboard alone: every key goes
to whichever widget has the focus, as on a real keyboard. No setFocus, no mouse. Khmer arrives as
an input method commits it (Khmer keyboards go through one), also to the focused widget."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from fieldreg.record import SERVICES
from tests.factories import PASSPHRASE
from tests.gui.conftest import reactivate, start_working, wait_idle


class Keyboard:
    """Keys to the focused widget, and where the focus is."""

    def __init__(self, qtbot: Any, window: QWidget) -> None:
        self.qtbot = qtbot
        self.window = window

    @property
    def focus(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "no widget has the keyboard focus"
        return widget

    def type(self, text: str) -> None:
        QTest.keyClicks(self.focus, text)

    def press(self, key: Qt.Key, times: int = 1, modifier: Any = Qt.KeyboardModifier.NoModifier):
        for _ in range(times):
            QTest.keyClick(self.focus, key, modifier)

    def commit_khmer(self, text: str) -> None:
        event = QInputMethodEvent("", [])
        event.setCommitString(text)
        QApplication.sendEvent(self.focus, event)

    def pick(self, text: str) -> None:
        """Type-ahead in an address picker, then Enter takes the best match and moves on."""
        self.type(text)
        # the offscreen platform activates the suggestion popup as it shows (no window
        # manager does): let that happen now and give the window its activation back
        reactivate(self.qtbot, self.window)
        self.press(Qt.Key.Key_Return)


def test_one_registration_from_the_first_field_to_saved_with_keys_alone(
    qtbot, make_window, store
) -> None:
    window = make_window()
    start_working(qtbot, window)
    fields = window.register.fields
    keys = Keyboard(qtbot, window)
    assert keys.focus is fields.combos["id_type"]  # the form opens on its first field

    keys.press(Qt.Key.Key_Tab)  # a national ID card, as chosen
    assert keys.focus is fields.lines["id_number"]
    keys.type("123456789")
    keys.press(Qt.Key.Key_Tab)
    keys.commit_khmer("សុខ ដារា")
    keys.press(Qt.Key.Key_Tab)
    keys.type("Sok Dara")
    keys.press(Qt.Key.Key_Tab)
    assert keys.focus is fields.combos["sex"]
    keys.press(Qt.Key.Key_Down)  # Female
    keys.press(Qt.Key.Key_Tab)
    keys.type("15/01/1990")
    keys.press(Qt.Key.Key_Tab)
    assert keys.focus is fields.lines["phone"]
    keys.type("012 345 678")
    keys.press(Qt.Key.Key_Return)  # Enter moves on, as Tab does
    assert keys.focus is fields.pickers["province"]
    keys.pick("Banteay Mean")
    keys.pick("Mongkol")
    keys.pick("Bat Trang")
    keys.pick("Khtum Reay L")
    assert fields.cascade.village_code == "01020201"
    assert keys.focus is fields.combos["category"]
    keys.press(Qt.Key.Key_End)  # Self-employed
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Down, times=7)  # G: trade
    keys.press(Qt.Key.Key_Tab)  # to the business name
    keys.press(Qt.Key.Key_Tab, times=2)  # past it and the number of workers
    assert keys.focus is fields.service_boxes[SERVICES[0]]
    keys.press(Qt.Key.Key_Tab, times=SERVICES.index("finance"))
    assert keys.focus is fields.service_boxes["finance"]
    keys.press(Qt.Key.Key_Space)
    keys.press(Qt.Key.Key_Tab, times=len(SERVICES) - SERVICES.index("finance"))
    assert keys.focus is fields.consent
    keys.press(Qt.Key.Key_Space)
    keys.press(Qt.Key.Key_Tab)
    assert keys.focus is window.register.save_button
    keys.press(Qt.Key.Key_Space)
    wait_idle(qtbot, window)

    assert "SOK DARA" in window.register.saved_label.text(), window.register.notice.text()
    assert keys.focus is fields.combos["id_type"]  # ready for the next person
    (stored,) = store.unlock("Sokha", PASSPHRASE).registrations()
    record = stored.record
    assert (record.id_number, record.name_km, record.name_en) == (
        "123456789",
        "សុខ ដារា",
        "SOK DARA",
    )
    assert (record.sex, record.date_of_birth, record.phone) == ("F", "1990-01-15", "+85512345678")
    assert (record.village_code, record.category, record.sector) == (
        "01020201",
        "self_employed",
        "G",
    )
    assert record.services == ("finance",) and record.consent
