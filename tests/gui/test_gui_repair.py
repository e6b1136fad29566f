"""Issue 9 item 8 in the app: a store that does not open shows the Repair screen, where a
coordinator rebuilds it (salvage) or restores the newest backup, then logs in as before."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from PySide6.QtCore import Qt

from fieldreg.desk import Desk
from fieldreg.json_input import parse_records
from tests.damage import damage_a_versions_page, leave_a_wal_behind
from tests.factories import FAST_KDF, PASSPHRASE, FakeClock, raw_record
from tests.gui.conftest import choose_event, log_in, wait_idle

REGISTERED = 400
REGISTRAR_PASSPHRASE = "registrar-passphrase-2"


def _damaged_store(data_dir: Path, clock: FakeClock) -> list[str]:
    """A coordinator, a registrar, REGISTERED records (a backup taken at close), then a bad
    page and a power cut: the store no longer opens."""
    desk = Desk(data_dir, clock=clock, kdf=FAST_KDF)
    desk.create("Sokha", PASSPHRASE)
    desk.unlock("Sokha", PASSPHRASE)
    desk.add_operator("Vanna", "registrar", REGISTRAR_PASSPHRASE)
    lines = "\n".join(json.dumps(raw_record()) for _ in range(REGISTERED)).encode()
    ids = desk.register_batch(desk.check_batch(parse_records(lines)).records, event="Kampot")
    desk.close()
    damage_a_versions_page(data_dir / "fieldreg.db")
    leave_a_wal_behind(data_dir / "fieldreg.db")
    return ids


def _type_passphrase(qtbot, window, passphrase: str) -> None:
    screen = window.repair
    screen.passphrase.setFocus()
    qtbot.keyClicks(screen.passphrase, passphrase)
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    wait_idle(qtbot, window)


def _shown_registrations(qtbot, window) -> int:
    log_in(qtbot, window)
    choose_event(qtbot, window)
    window.show_work("registrations")
    wait_idle(qtbot, window)
    return window.registrations.model.rowCount()


def test_a_store_that_does_not_open_is_rebuilt_from_the_repair_screen(
    qtbot, make_window, data_dir: Path, clock: FakeClock
) -> None:
    ids = _damaged_store(data_dir, clock)
    shutil.rmtree(data_dir / "backups")  # no backup: salvage is the one way

    window = make_window()
    wait_idle(qtbot, window)
    screen = window.repair
    assert window.pages.currentWidget() is screen  # instead of the login
    assert [screen.coordinator.itemData(i) for i in range(screen.coordinator.count())] == [
        "Sokha"
    ]  # coordinators only
    assert not screen.restore_choice.isEnabled()
    assert "No backup" in screen.restore_detail.text()
    assert screen.salvage_choice.isChecked()

    _type_passphrase(qtbot, window, PASSPHRASE)
    assert screen.result.isVisible() and not screen.form.isVisible()
    report = screen.result.text()
    recovered = int(report.split(" registrations recovered")[0].split()[-1])
    lost = int(report.split(" registrations could not be read")[0].split()[-1])
    assert recovered + lost == len(ids) and 0 < lost < 50  # one page's worth
    aside = sorted(data_dir.glob("fieldreg.db.damaged-*"))
    assert aside and str(aside[0]) in report  # the damaged file, kept and named

    qtbot.mouseClick(screen.continue_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert _shown_registrations(qtbot, window) == recovered  # every recovered record decrypts


def test_restore_from_the_repair_screen_refuses_a_wrong_passphrase_then_restores(
    qtbot, make_window, data_dir: Path, clock: FakeClock
) -> None:
    ids = _damaged_store(data_dir, clock)

    window = make_window()
    wait_idle(qtbot, window)
    screen = window.repair
    assert window.pages.currentWidget() is screen
    assert screen.restore_choice.isEnabled()
    assert "Nothing was registered since then" in screen.restore_detail.text()
    qtbot.mouseClick(screen.restore_choice, Qt.MouseButton.LeftButton)
    assert screen.restore_choice.isChecked()

    _type_passphrase(qtbot, window, "not-the-passphrase-at-all")
    assert screen.message.isVisible() and "Wrong passphrase" in screen.message.text()
    assert not screen.result.isVisible() and window.pages.currentWidget() is screen

    clock.advance(60)  # the back-off a wrong guess sets
    _type_passphrase(qtbot, window, PASSPHRASE)
    assert not screen.message.isVisible()
    assert "backup is back in place" in screen.result.text()
    assert any(data_dir.glob("fieldreg.db.damaged-*"))

    qtbot.mouseClick(screen.continue_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert _shown_registrations(qtbot, window) == len(ids)  # the backup had them all


def test_damage_found_while_working_offers_the_repair_screen(
    qtbot, make_window, data_dir: Path, clock: FakeClock
) -> None:
    """A bad page the open does not read (no power cut): the login works, the registrations
    list meets the damage, and the status bar offers the Repair screen."""
    _damaged_store(data_dir, clock)
    (data_dir / "fieldreg.db-wal").unlink()  # a clean stop: the open reads only the header
    window = make_window()
    assert window.pages.currentWidget() is window.login
    log_in(qtbot, window)
    choose_event(qtbot, window)
    assert not window.repair_offer.isVisible()
    window.show_work("registrations")
    wait_idle(qtbot, window)
    assert window.repair_offer.isVisible()

    qtbot.mouseClick(window.repair_offer, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert window.pages.currentWidget() is window.repair and window.operator is None
    assert window.repair.coordinator.currentData() == "Sokha"
