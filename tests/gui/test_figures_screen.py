"""The Figures screen and the event's channel, driven as coordinators and registrars use them:
the screen shows what the Desk computes for registrations made through the Desk, follows the
events and period chosen, writes Khmer digits in Khmer, counts a registration made at a bank
branch under that bank, keeps reports to coordinators and shows nothing personal."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QWidget

from fieldreg.desk import Desk
from fieldreg.indicators.channels import BANK_BRANCH, COMMUNE_OFFICE, OUTREACH, Channel
from fieldreg.indicators.scope import FigureScope
from tests.factories import FAST_KDF, PASSPHRASE, FakeClock, raw_record
from tests.gui.conftest import WAIT_MS, fill_person, log_in, pick_place, wait_idle
from tests.plaintext import person_values
from ui import figures_view as view
from ui.main_window import MainWindow
from ui.screens.figures_screen import FiguresScreen
from ui.settings import AppSettings, save_settings

TODAY = "2026-11-22"  # the FakeClock's day in Cambodia (10:00)
EVENT = f"Takeo outreach · {TODAY} · 010202"  # what choosing the event in the GUI gives
BANK_EVENT = "ACLEDA Bank · Takeo"
YESTERDAY_EVENT = "Takeo outreach · 2026-11-21 · 010202"
REGISTRAR = ("Vanna", "vanna-passphrase-1")
PEOPLE: list[dict[str, Any]] = []  # every raw record the fixture registered


@pytest.fixture
def desk_people(data_dir: Path, clock: FakeClock) -> Iterator[dict[str, Any]]:
    """A store made and filled through the Desk: today 4 women and 2 men at EVENT and 3
    women at an ACLEDA branch; yesterday 5 men at another outreach event. Yields the figures
    the Desk computes for today's event today (what the screen must show first)."""
    desk = Desk(data_dir, clock=clock, kdf=FAST_KDF)
    desk.create("Sokha", PASSPHRASE)
    desk.unlock("Sokha", PASSPHRASE)
    desk.add_operator(*REGISTRAR[:1], "registrar", REGISTRAR[1])
    clock.advance(-86400)
    for _ in range(5):
        register(desk, YESTERDAY_EVENT, Channel(OUTREACH), sex="M", category="seasonal_worker")
    clock.advance(86400)
    for sex in "FFFFMM":
        register(desk, EVENT, Channel(OUTREACH), sex=sex)
    for _ in range(3):
        register(desk, BANK_EVENT, Channel(BANK_BRANCH, "acleda"))
    expected = desk.figures(FigureScope(events=(EVENT,), since=TODAY, until=TODAY))
    desk.close()
    yield expected


def register(desk: Desk, event: str, channel: Channel, **values: Any) -> None:
    raw = raw_record(**values)
    PEOPLE.append(raw)
    desk.register(raw, event=event, channel=channel)


def open_figures(qtbot: Any, window: MainWindow) -> FiguresScreen:
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    screen = window.figures
    assert window.work.currentWidget() is screen
    wait_shown(qtbot, window)
    return screen


def wait_shown(qtbot: Any, window: MainWindow) -> None:
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: not window.figures.progress.isVisible(), timeout=WAIT_MS)


def start(
    qtbot: Any, window: MainWindow, operator: str = "Sokha", passphrase: str = PASSPHRASE
) -> None:
    """Log in and choose today's outreach event (EVENT) on the event screen."""
    window.login.operator.setCurrentIndex(window.login.operator.findData(operator))
    log_in(qtbot, window, passphrase)
    screen = window.event_screen
    screen.outreach.setChecked(True)
    screen.event_name.clear()
    qtbot.keyClicks(screen.event_name, "Takeo outreach")
    screen.commune.clear()
    pick_place(qtbot, screen.commune, "Bat Trang")
    qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert window.day_event is not None and window.day_event.label() == EVENT


def tile(screen: FiguresScreen, key: str) -> str:
    return screen.tiles[key].value.text()


def test_the_screen_shows_the_desks_figures_and_follows_event_and_period(
    qtbot, make_window, desk_people
) -> None:
    window = make_window()
    start(qtbot, window)
    screen = open_figures(qtbot, window)
    assert screen.scope() == FigureScope(events=(EVENT,), since=TODAY, until=TODAY)
    expected = view.indicator(desk_people, "registrations")["value"]
    assert expected == 6
    assert tile(screen, "registrations") == "6"
    women = view.indicator(desk_people, "female_share")["value"]
    assert tile(screen, "female_share") == f"{women:.1f}%" == "66.7%"
    assert tile(screen, "facilitation_rate") == "0.0%"
    assert "Female 4" in screen.tiles["registrations"].detail.text()
    assert tile(screen, "sync") == "6 / 0 / 0"  # pending / synced / rejected
    assert "Female 4, Male 2" in screen.sex_group.describe()

    screen.choose_events(set())  # every event, still today
    wait_shown(qtbot, window)
    assert tile(screen, "registrations") == "9"
    assert tile(screen, "facilitation_rate") == "33.3%"
    assert "ACLEDA Bank: 3" in screen.banks.describe()

    screen.choose_period("all")
    wait_shown(qtbot, window)
    assert tile(screen, "registrations") == "14"
    assert "Seasonal worker: Female 0, Male 5" in screen.sex_group.describe()
    assert len(screen.timeline.points()) == 2  # two days: one point a day

    screen.choose_period("range", "2026-11-21", "2026-11-21")
    wait_shown(qtbot, window)
    assert tile(screen, "registrations") == "5"

    screen.refresh_events()
    wait_idle(qtbot, window)
    assert set(screen.events) == {EVENT, BANK_EVENT, YESTERDAY_EVENT}
    screen.choose_period("all")
    screen.choose_events({BANK_EVENT, YESTERDAY_EVENT})
    wait_shown(qtbot, window)
    assert tile(screen, "registrations") == "8"
    assert screen.event_button.text() == "2 events"


def test_the_newest_request_wins(qtbot, make_window, desk_people) -> None:
    """Three periods asked for in a row: whatever order the answers come in, the screen shows
    the last one asked for."""
    window = make_window()
    start(qtbot, window)
    screen = open_figures(qtbot, window)
    screen.choose_events(set())
    screen.choose_period("all")
    screen.choose_period("today")
    assert screen.state.text() == "Counting…"
    wait_shown(qtbot, window)
    assert tile(screen, "registrations") == "9"


def test_figures_in_khmer_use_khmer_digits_and_the_definitions_words(
    qtbot, make_window, desk_people
) -> None:
    window = make_window("km")
    start(qtbot, window)
    screen = open_figures(qtbot, window)
    assert tile(screen, "registrations") == "៦"
    assert tile(screen, "female_share") == "៦៦.៧%"
    assert screen.tiles["registrations"].caption.text() == "ការចុះឈ្មោះ"
    assert "ស្រី ៤, ប្រុស ២" in screen.sex_group.describe()
    assert not any(digit in screen.sex_group.describe() for digit in "0123456789")
    assert screen.title.text() == "តួលេខ"


def test_the_three_channels_and_a_bank_branch_registration_counted_under_its_bank(
    qtbot, make_window, desk_people
) -> None:
    window = make_window()
    log_in(qtbot, window)
    screen = window.event_screen
    assert [screen.bank.itemText(i) for i in range(screen.bank.count())] == [
        "Wing Bank",
        "ACLEDA Bank",
        "ABA Bank",
        "SME Bank",
        "ARDB",
        "Vattanac Bank",
    ]
    screen.office.setChecked(True)
    pick_place(qtbot, screen.office_commune, "Bat Trang")
    office = screen.current_choice()
    assert office is not None and office.channel == Channel(COMMUNE_OFFICE)
    assert office.place == "010202" and office.label() == "Commune office · 010202"
    screen.outreach.setChecked(True)
    screen.event_name.setText("Takeo outreach")
    assert screen.current_choice() is None  # an outreach campaign needs its commune too
    pick_place(qtbot, screen.commune, "Bat Trang")
    outreach = screen.current_choice()
    assert outreach is not None and outreach.channel == Channel(OUTREACH)
    assert outreach.label() == EVENT

    screen.branch.setChecked(True)
    screen.bank.setCurrentIndex(screen.bank.findData("acleda"))
    qtbot.keyClicks(screen.branch_name, "Takeo")
    qtbot.mouseClick(screen.start_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert window.day_event is not None
    assert window.day_event.channel == Channel(BANK_BRANCH, "acleda")
    assert window.register.channel == Channel(BANK_BRANCH, "acleda")
    assert window.settings.last_bank == "acleda"
    fill_person(qtbot, window)
    qtbot.keyClick(window.register.save_button, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)
    assert "SOK DARA" in window.register.saved_label.text()

    figures = open_figures(qtbot, window)
    assert figures.selected_events() == (BANK_EVENT,)  # the day's event, the same branch
    assert tile(figures, "registrations") == "4"  # the fixture's 3 and this one
    bars = {bar.key: bar.values for bar in figures.banks.bars()}
    assert bars == {"acleda": (4,)}
    assert tile(figures, "facilitation_rate") == "100.0%"


def test_a_registrar_sees_figures_but_saves_no_report(qtbot, make_window, desk_people) -> None:
    window = make_window()
    start(qtbot, window, *REGISTRAR)
    assert window.operator is not None and not window.operator.is_coordinator
    assert window.nav_buttons["figures"].isVisible()
    figures = open_figures(qtbot, window)
    assert tile(figures, "registrations") == "6"
    for control in (figures.save_button, figures.recount_button):
        assert not control.isVisible() and not control.isEnabled()
    figures.save_report()  # even asked directly: nothing
    wait_idle(qtbot, window)
    assert figures.message.text() == ""


def test_a_coordinator_saves_a_report_and_recounts(
    qtbot, make_window, desk_people, dialogs, tmp_path, data_dir
) -> None:
    window = make_window()
    start(qtbot, window)
    screen = open_figures(qtbot, window)
    assert screen.save_button.isVisible() and screen.recount_button.isVisible()
    assert "<5" in screen.small_note.text()
    dialogs.save_path = tmp_path / "figures.csv"
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert "Counts under 5 are shown as <5" in screen.message.text()
    written = dialogs.save_path.read_text(encoding="utf-8")
    assert "registrations" in written and "<5" in written
    assert [needle for needle in personal_needles() if needle in written] == []
    dialogs.save_path = tmp_path / "figures.json"  # the format follows the file's name
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    report = json.loads(dialogs.save_path.read_text(encoding="utf-8"))
    assert report["small_cells"]["suppressed"] is True
    dialogs.save_path = tmp_path / "figures"  # no suffix: a PDF report
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert (tmp_path / "figures.pdf").read_bytes().startswith(b"%PDF")

    qtbot.mouseClick(screen.recount_button, Qt.MouseButton.LeftButton)
    assert not screen.recount_button.isEnabled()  # counting in the background
    wait_shown(qtbot, window)
    assert screen.recount_button.isEnabled()
    assert "The stored figures match a full recount" in screen.message.text()
    assert tile(screen, "registrations") == "6"

    # the stored figures go wrong behind the app's back: the recount says so and mends them
    with contextlib.closing(sqlite3.connect(data_dir / "fieldreg.db")) as db, db:
        db.execute("UPDATE figures SET count = count + 3 WHERE dimension = 'all'")
    screen.refresh()
    wait_shown(qtbot, window)
    assert tile(screen, "registrations") != "6"
    qtbot.mouseClick(screen.recount_button, Qt.MouseButton.LeftButton)
    wait_shown(qtbot, window)
    assert "did not match a full recount" in screen.message.text()
    assert tile(screen, "registrations") == "6"
    screen.refresh()
    wait_shown(qtbot, window)
    assert tile(screen, "registrations") == "6"  # rebuilt


def shown_texts(root: FiguresScreen) -> list[str]:
    """Every text a person or a screen reader can get from the screen."""
    texts = []
    for widget in [root, *root.findChildren(QWidget)]:
        texts += [widget.toolTip(), widget.accessibleName(), widget.accessibleDescription()]
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
    texts += [action.text() for action in root.event_menu.actions()]
    return texts


def test_nothing_personal_on_the_figures_screen(qtbot, make_window, desk_people) -> None:
    window = make_window()
    start(qtbot, window)
    fill_person(qtbot, window, name_en="Zyxwvu Chanphaktra", id_number="918273645")
    qtbot.keyClick(window.register.save_button, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)
    screen = open_figures(qtbot, window)
    screen.refresh_events()
    screen.choose_events(set())
    screen.choose_period("all")
    wait_shown(qtbot, window)
    assert tile(screen, "registrations") == "15"
    texts = "\n".join(shown_texts(screen))
    assert "Takeo" in texts  # the probe reads what is shown
    typed = {"name_en": "Zyxwvu Chanphaktra", "id_number": "918273645", "phone": "012 345 678"}
    needles = person_values(typed) | personal_needles()
    found = sorted(needle for needle in needles if needle in texts)
    assert found == []


def personal_needles() -> set[str]:
    """The whole personal values of everyone the fixtures registered."""
    needles: set[str] = set()
    for raw in PEOPLE:
        needles |= person_values({k: raw[k] for k in ("name_en", "id_number", "phone")})
        needles |= {raw["date_of_birth"], raw["village_code"]}
    return needles


def test_a_bank_saved_by_name_before_channels_is_offered_again(
    qtbot, make_window, desk_people, data_dir
) -> None:
    """Settings written before banks had ids kept the bank's English name: the event screen
    still offers that bank's branch."""
    save_settings(data_dir, AppSettings(language="en", last_bank="Wing Bank", last_branch="Kampot"))
    window = make_window(language="")
    log_in(qtbot, window)
    screen = window.event_screen
    assert screen.branch.isChecked()
    assert screen.bank.currentData() == "wing" and screen.branch_name.text() == "Kampot"
    choice = screen.current_choice()
    assert choice is not None and choice.channel == Channel(BANK_BRANCH, "wing")
    assert choice.label() == "Wing Bank · Kampot"
