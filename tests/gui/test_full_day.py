"""A registrar's whole day, through the widgets, on the app's real engines and a real hub:
first run with enrolment, the event, twenty people (some scanned from ID card pictures), a
duplicate warning, a receipt PDF, sync to the hub, and the coordinator's sync log export."""

from __future__ import annotations

import contextlib
import csv
import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from fieldreg.scanning.mrz import check_digit
from sync.hub.server import BackgroundHub
from tests.factories import FAST_KDF, PASSPHRASE
from tests.gui.conftest import (
    WAIT_MS,
    choose_event,
    fill_person,
    pick_place,
    type_khmer,
    type_text,
    wait_idle,
)
from tests.plaintext import found_in, person_values
from tests.scan_images import qr_image
from ui.app import build_main_window, core_engines, prepare_app
from ui.scan_dialog import ScanOptions


def id_card_zone(number: str, surname: str, given: str, born: str, sex: str) -> str:
    """The three lines on the back of a Khmer ID card (ICAO 9303 TD1), check digits and all."""
    line1 = f"IDKHM{number}{check_digit(number)}".ljust(30, "<")
    expiry = "310101"
    line2 = f"{born}{check_digit(born)}{sex}{expiry}{check_digit(expiry)}KHM".ljust(29, "<")
    line2 += check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    line3 = f"{surname}<<{given}".ljust(30, "<")
    return "\n".join((line1, line2, line3))


def fill_the_rest(qtbot: Any, window: Any, name_km: str, phone: str) -> None:
    """What an ID card's zone does not say: Khmer name, phone, address, work, consent."""
    fields = window.register.fields
    type_khmer(fields.lines["name_km"], name_km)
    type_text(qtbot, fields.lines["phone"], phone)
    qtbot.keyClick(fields.lines["phone"], Qt.Key.Key_Tab)
    pick_place(qtbot, fields.pickers["province"], "Banteay Mean")
    pick_place(qtbot, fields.pickers["district"], "Mongkol")
    pick_place(qtbot, fields.pickers["commune"], "Bat Trang")
    pick_place(qtbot, fields.pickers["village"], "Khtum Reay L")
    fields.combos["category"].setFocus()
    qtbot.keyClick(fields.combos["category"], Qt.Key.Key_End)
    fields.combos["sector"].setFocus()
    for _ in range(3):
        qtbot.keyClick(fields.combos["sector"], Qt.Key.Key_Down)
    fields.consent.setFocus()
    qtbot.keyClick(fields.consent, Qt.Key.Key_Space)


def save(qtbot: Any, window: Any) -> None:
    qtbot.keyClick(window.register.save_button, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)


def test_a_registrars_whole_day(qtbot, tmp_path: Path, clock, dialogs) -> None:
    data_dir = tmp_path / "data"
    with (
        BackgroundHub(tmp_path / "hub") as hub,
        core_engines(data_dir, clock=clock, kdf=FAST_KDF) as engines,
    ):
        window = build_main_window(
            data_dir, app=prepare_app(), kdf=FAST_KDF, clock=clock, dialogs=dialogs, **engines
        )
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        wait_idle(qtbot, window)

        # first run: language, coordinator, recovery key kept, enrolment with the hub
        flow = window.first_run
        qtbot.mouseClick(flow.language_buttons["en"], Qt.MouseButton.LeftButton)
        qtbot.keyClicks(flow.name, "Sokha")
        qtbot.keyClicks(flow.passphrase, PASSPHRASE)
        qtbot.keyClicks(flow.repeat, PASSPHRASE)
        qtbot.keyClick(flow.repeat, Qt.Key.Key_Return)
        wait_idle(qtbot, window)
        flow.recovery_page.kept.setChecked(True)
        qtbot.mouseClick(flow.recovery_page.continue_button, Qt.MouseButton.LeftButton)
        assert flow.enrol_button.isEnabled()
        flow.enrol_text.setText(hub.hub.issue_token(hub.url))
        qtbot.mouseClick(flow.enrol_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: window.pages.currentWidget() is window.event_screen, timeout=WAIT_MS
        )
        choose_event(qtbot, window, "Mongkol Borey outreach")

        # twenty people: every fourth from a picture of the ID card's zone
        register = window.register
        people: list[dict[str, str]] = []
        for n in range(20):
            phone = f"012 {n:03d} 777"
            if n % 4 == 0:
                number = f"{900000000 + n}"
                picture = tmp_path / f"id-{n}.png"
                zone = id_card_zone(number, "KEO", f"PERSON{chr(65 + n)}", "900115", "F")
                qr_image(zone, scale=5).save(picture)
                register.scan_options = ScanOptions(
                    cameras=list, choose_image=lambda *_a, p=picture: p
                )
                register.scan_button.click()
                register.scan_dialog.choose_button.click()
                qtbot.waitUntil(lambda: register.scan_dialog is None, timeout=WAIT_MS)
                assert register.fields.lines["id_number"].text() == number
                assert "id_number" in register.fields.scanned
                fill_the_rest(qtbot, window, "កែវ", phone)
                people.append(
                    {"name_en": f"KEO PERSON{chr(65 + n)}", "id_number": number, "phone": phone}
                )
            else:
                fill_person(
                    qtbot,
                    window,
                    name_en=f"Sok Person{chr(65 + n)}",
                    phone=phone,
                    id_number=f"{100000000 + n}",
                )
                people.append(
                    {
                        "name_km": "សុខ ដារា",
                        "name_en": f"Sok Person{chr(65 + n)}",
                        "id_number": f"{100000000 + n}",
                        "phone": phone,
                    }
                )
            save(qtbot, window)
            assert "Saved" in register.saved_label.text(), (n, register.notice.text())

        # a person who came twice: the warning shows the first registration
        fill_person(
            qtbot, window, name_en="Sok PersonB", phone="012 001 777", id_number="100000001"
        )
        save(qtbot, window)
        qtbot.waitUntil(lambda: register.duplicate_dialog is not None, timeout=WAIT_MS)
        register.duplicate_dialog.reject()
        qtbot.mouseClick(register.clear_button, Qt.MouseButton.LeftButton)

        # the receipt of the last person saved, as a PDF
        fill_person(qtbot, window, name_en="Chan Last", phone="097 555 1234", id_number="555444333")
        save(qtbot, window)
        people.append({"name_en": "Chan Last", "id_number": "555444333", "phone": "097 555 1234"})
        register.show_receipt()
        dialogs.save_path = tmp_path / "receipt.pdf"
        receipt = register.receipt_dialog
        qtbot.waitUntil(lambda: receipt.pdf_button.isEnabled(), timeout=WAIT_MS)
        qtbot.mouseClick(receipt.pdf_button, Qt.MouseButton.LeftButton)
        wait_idle(qtbot, window)
        assert dialogs.save_path.read_bytes().startswith(b"%PDF")
        receipt.close()

        # sync to the hub in the background, as the status bar shows
        engines["sync"].sync_now()
        qtbot.waitUntil(lambda: len(list(hub.hub.registrations())) == 21, timeout=30_000)
        qtbot.waitUntil(lambda: engines["sync"].current().pending == 0, timeout=WAIT_MS)
        # the hub holds a batch before the device applies its receipt and logs the attempt
        qtbot.waitUntil(lambda: logged_accepted(data_dir) == 21, timeout=WAIT_MS)
        received = {row["id_number"]: row for row in hub.hub.registrations()}
        assert received["900000004"]["name_en"] == "KEO PERSONE"  # scanned from the card
        assert received["100000001"]["event"].startswith("Mongkol Borey outreach")

        # the coordinator exports the sync log
        assert export_sync_log(qtbot, window, dialogs, tmp_path / "sync-log.csv")
        rows = list(csv.DictReader((tmp_path / "sync-log.csv").open()))
        assert sum(int(row["accepted"]) for row in rows) == 21
        exported = (tmp_path / "sync-log.csv").read_bytes()
        personal = set().union(*(person_values(person) for person in people))
        assert found_in(exported, personal) == []  # whole values only: "012" matched "5012"
        window.close()


def logged_accepted(data_dir: Path) -> int:
    """Registrations the device's sync log records as accepted, read as a second reader."""
    uri = f"file:{data_dir / 'fieldreg.db'}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
        return int(db.execute("SELECT coalesce(sum(accepted), 0) FROM sync_log").fetchone()[0])


def export_sync_log(qtbot: Any, window: Any, dialogs: Any, path: Path) -> bool:
    """Through the coordinator's Sync log screen, as a coordinator does it."""
    dialogs.save_path = path
    window.show_work("sync_log")
    wait_idle(qtbot, window)
    screen = window.sync_log
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=WAIT_MS)
    qtbot.mouseClick(screen.export_csv_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    qtbot.waitUntil(path.exists, timeout=WAIT_MS)
    return True
