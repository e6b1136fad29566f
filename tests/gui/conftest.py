"""GUI test helpers: a window on a real store (fast Argon2id, a clock the test moves), fake
system dialogs, and the steps a registrar takes, driven through the widgets."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget

from fieldreg.store.store import Store
from tests.factories import FAST_KDF, PASSPHRASE, FakeClock
from ui.app import build_main_window, prepare_app
from ui.main_window import MainWindow
from ui.settings import AppSettings, save_settings

WAIT_MS = 10_000


class FakeDialogs:
    """Stands in for QFileDialog and QPrintDialog."""

    def __init__(self) -> None:
        self.save_path: Path | None = None
        self.printed: list[QImage] = []

    def save_file_path(self, parent: QWidget, title: str, suggested: str, file_filter: str):
        return self.save_path

    def print_image(self, parent: QWidget, image: QImage) -> bool:
        self.printed.append(image)
        return True


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def dialogs() -> FakeDialogs:
    return FakeDialogs()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path, clock: FakeClock) -> Iterator[Store]:
    """An existing store with the coordinator Sokha (PASSPHRASE)."""
    created, _key = Store.create(
        data_dir, operator="Sokha", passphrase=PASSPHRASE, kdf=FAST_KDF, clock=clock
    )
    yield created
    created.close()


WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def make_window(
    qtbot: Any, data_dir: Path, clock: FakeClock, dialogs: FakeDialogs
) -> WindowFactory:
    app = prepare_app()

    def make(language: str = "en", **overrides: Any) -> MainWindow:
        if language:
            save_settings(data_dir, AppSettings(language=language))
        options: dict[str, Any] = {"kdf": FAST_KDF, "clock": clock, "dialogs": dialogs}
        options.update(overrides)
        window = build_main_window(data_dir, app=app, **options)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        with qtbot.waitActive(window, timeout=WAIT_MS):  # waits on leaving the block
            window.activateWindow()
        wait_idle(qtbot, window)
        return window

    return make


def wait_idle(qtbot: Any, window: MainWindow) -> None:
    """Every store and network operation asked for so far has answered on the GUI thread
    (enrolment hops store -> network -> store, so both must be idle at once)."""
    services = window.services
    qtbot.waitUntil(
        lambda: services.executor.is_idle() and services.network.is_idle(), timeout=WAIT_MS
    )


def type_text(qtbot: Any, widget: QWidget, text: str) -> None:
    """Go to the field, then type (as a registrar clicks or tabs into it first)."""
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def type_khmer(widget: QWidget, text: str) -> None:
    """Khmer as an input method commits it (qtbot.keyClicks crashes on Khmer)."""
    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def log_in(qtbot: Any, window: MainWindow, passphrase: str = PASSPHRASE) -> None:
    assert window.pages.currentWidget() is window.login
    window.login.passphrase.setFocus()
    qtbot.keyClicks(window.login.passphrase, passphrase)
    qtbot.keyClick(window.login.passphrase, Qt.Key.Key_Return)
    wait_idle(qtbot, window)


def choose_event(qtbot: Any, window: MainWindow, name: str = "Takeo outreach") -> None:
    screen = window.event_screen
    assert window.pages.currentWidget() is screen
    screen.event_name.clear()
    qtbot.keyClicks(screen.event_name, name)
    screen.commune.clear()
    pick_place(qtbot, screen.commune, "Bat Trang")
    qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert window.pages.currentWidget() is window.work_area


def start_working(qtbot: Any, window: MainWindow) -> None:
    log_in(qtbot, window)
    choose_event(qtbot, window)


def pick_place(qtbot: Any, picker: QWidget, text: str) -> None:
    """Type-ahead, then Enter takes the best match and moves on."""
    picker.setFocus()
    qtbot.keyClicks(picker, text)
    qtbot.keyClick(picker, Qt.Key.Key_Return)
    reactivate(qtbot, picker.window())


def reactivate(qtbot: Any, window: QWidget) -> None:
    """The offscreen platform activates every window it shows, a suggestion popup too (no
    window manager does): the activation is queued at the show and arrives when events are
    next processed. Let it arrive, then give the window its activation back and wait until it
    has it. Before Enter in a picker, this leaves the focus where the keys put it."""
    QApplication.processEvents()
    with qtbot.waitActive(window, timeout=WAIT_MS):
        window.activateWindow()


def fill_person(
    qtbot: Any,
    window: MainWindow,
    *,
    name_km: str = "សុខ ដារា",
    name_en: str = "Sok Dara",
    id_number: str = "123456789",
    phone: str = "012 345 678",
) -> None:
    """Fill the form with the keyboard, field after field, as a registrar does."""
    fields = window.register.fields
    type_text(qtbot, fields.lines["id_number"], id_number)
    type_khmer(fields.lines["name_km"], name_km)
    type_text(qtbot, fields.lines["name_en"], name_en)
    fields.combos["sex"].setFocus()
    qtbot.keyClick(fields.combos["sex"], Qt.Key.Key_Down)  # Female
    type_text(qtbot, fields.lines["date_of_birth"], "15/01/1990")
    type_text(qtbot, fields.lines["phone"], phone)
    qtbot.keyClick(fields.lines["phone"], Qt.Key.Key_Tab)
    pick_place(qtbot, fields.pickers["province"], "Banteay Mean")
    pick_place(qtbot, fields.pickers["district"], "Mongkol")
    pick_place(qtbot, fields.pickers["commune"], "Bat Trang")
    pick_place(qtbot, fields.pickers["village"], "Khtum Reay L")
    fields.combos["category"].setFocus()
    qtbot.keyClick(fields.combos["category"], Qt.Key.Key_End)  # Self-employed
    fields.combos["sector"].setFocus()
    for _ in range(7):  # G: trade
        qtbot.keyClick(fields.combos["sector"], Qt.Key.Key_Down)
    qtbot.mouseClick(fields.service_boxes["finance"], Qt.MouseButton.LeftButton)
    fields.consent.setFocus()
    qtbot.keyClick(fields.consent, Qt.Key.Key_Space)
