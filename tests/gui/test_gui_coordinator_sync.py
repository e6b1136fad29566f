"""The coordinator's sync screens against a real hub on 127.0.0.1: the sync log (filters,
CSV and JSON exports identical to `fieldreg sync-log`), USB transfer (export batches, the hub
imports them, import the receipts), enrolling later from Settings (and again with a re-key
code after the signing key was lost), and new hub settings reaching the running sync
thread."""

from __future__ import annotations

import argparse
import csv
import io
import json
from dataclasses import asdict
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from fieldreg.desk import Desk
from fieldreg.store import signing_key
from fieldreg.transfer.media import export_batches, import_receipts
from sync.background import BackgroundSync, NoSyncEngine
from sync.hub.media import import_batches_for_hub
from sync.hub.server import BackgroundHub
from tests.factories import FakeClock
from tests.gui.conftest import FakeDialogs, start_working, type_text, wait_idle
from tests.plaintext import found_in, person_values
from tests.sync_support import Device, hub_ids
from ui.cli.sync import cmd_sync_log
from ui.screens.sync_log_screen import COLUMNS

DEAD_HUB = "http://127.0.0.1:9"  # nothing listens on the discard port


class FolderDialogs(FakeDialogs):
    """The fake system dialogs, with a folder chooser."""

    def __init__(self) -> None:
        super().__init__()
        self.folder: Path | None = None
        self.folder_asked = 0

    def choose_folder(self, parent: QWidget, title: str, start: str) -> Path | None:
        self.folder_asked += 1
        return self.folder


@pytest.fixture
def device(data_dir: Path, clock: FakeClock, hub: BackgroundHub):
    """The laptop's own store (coordinator Sokha), enrolled with the hub."""
    enrolled = Device(data_dir, clock)
    enrolled.enrol(hub.hub, hub.url)
    yield enrolled
    enrolled.store.close()


def cli_sync_log(device: Device, fmt: str) -> str:
    out = io.StringIO()
    desk = Desk(device.store.data_dir.root)  # as `fieldreg sync-log` opens it: no login
    try:
        cmd_sync_log(argparse.Namespace(format=fmt, out=None), desk, out, io.StringIO())
    finally:
        desk.close()
    return out.getvalue()


def a_day_of_sync_attempts(device: Device, hub: BackgroundHub, usb: Path) -> None:
    """Over the internet, on a USB stick both ways, and one failure while the hub was away."""
    device.register(12)
    assert device.engine().sync_once().complete
    device.register(5)
    usb.mkdir()
    export_batches(device.store, usb)
    import_batches_for_hub(hub.hub, usb)
    assert import_receipts(device.store, usb).applied == 1
    device.point_at(DEAD_HUB)
    device.register(2)
    assert device.engine().sync_once().error == "hub_unreachable"
    device.point_at(hub.url)


def test_sync_log_filters_and_exports_what_the_cli_writes(
    qtbot, make_window, device, hub, tmp_path, dialogs
) -> None:
    a_day_of_sync_attempts(device, hub, tmp_path / "usb")
    window = make_window()
    start_working(qtbot, window)
    assert window.nav_buttons["sync_log"].isVisible()
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)
    screen = window.sync_log
    assert window.work.currentWidget() is screen
    model = screen.model
    assert model.rowCount() == 4
    assert "4 attempts shown" in screen.count.text()
    newest = [model.data(model.index(0, column)) for column in range(model.columnCount())]
    assert newest[COLUMNS.index("transport")] == "Internet (HTTP, not encrypted)"
    assert newest[COLUMNS.index("outcome")].startswith("The hub cannot be reached")
    assert newest[COLUMNS.index("accepted")] == "—"  # a failed try has no counts
    assert screen.detail.text().startswith(f"Batch {model.row_at(0).batch_id}: The hub")
    transports = [model.row_at(row).transport for row in range(4)]
    assert transports == ["http", "file-in", "file-out", "http"]  # newest first; hub on http://

    screen.outcome.setFocus()
    qtbot.keyClick(screen.outcome, Qt.Key.Key_End)  # Failed
    wait_idle(qtbot, window)
    assert model.rowCount() == 1 and model.row_at(0).error == "hub_unreachable"
    assert "1 attempt shown · 4 in all" in screen.count.text()
    screen.outcome.setCurrentIndex(0)
    screen.transport.setCurrentIndex(screen.transport.findData("file-in"))
    wait_idle(qtbot, window)
    assert model.rowCount() == 1
    assert model.data(model.index(0, COLUMNS.index("accepted"))) == "5"
    screen.transport.setCurrentIndex(0)
    screen.period.setCurrentIndex(screen.period.findData("today"))
    wait_idle(qtbot, window)
    assert model.rowCount() == 4  # all of them happened "today" on the test clock

    # export everything: the very bytes `fieldreg sync-log` writes
    dialogs.save_path = tmp_path / "log.csv"
    qtbot.mouseClick(screen.export_csv_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert screen.message.text() == f"4 sync attempts written to {tmp_path / 'log.csv'}"
    assert dialogs.save_path.read_text(encoding="utf-8") == cli_sync_log(device, "csv")
    dialogs.save_path = tmp_path / "log.jsonl"
    qtbot.mouseClick(screen.export_json_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert dialogs.save_path.read_text(encoding="utf-8") == cli_sync_log(device, "json")
    assert not list(tmp_path.glob("*.partial"))
    exported = dialogs.save_path.read_text(encoding="utf-8") + (tmp_path / "log.csv").read_text()
    people = [asdict(stored.record) for stored in device.session.registrations()]
    assert len(people) == 19
    personal = set().union(*(person_values(person) for person in people))
    assert found_in(exported.encode("utf-8"), personal) == []  # no personal data in the log

    # with a filter, only what is shown goes out
    screen.outcome.setCurrentIndex(screen.outcome.findData("error"))
    wait_idle(qtbot, window)
    dialogs.save_path = tmp_path / "failures.csv"
    qtbot.mouseClick(screen.export_csv_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    rows = list(csv.DictReader(io.StringIO(dialogs.save_path.read_text(encoding="utf-8"))))
    assert [row["error"] for row in rows] == ["hub_unreachable"]


def test_a_failed_export_says_why_and_leaves_nothing_behind(
    qtbot, make_window, device, hub, tmp_path, dialogs
) -> None:
    a_day_of_sync_attempts(device, hub, tmp_path / "usb")
    window = make_window()
    start_working(qtbot, window)
    window.show_work("sync_log")
    wait_idle(qtbot, window)
    dialogs.save_path = tmp_path / "gone" / "log.csv"  # the stick was pulled out
    qtbot.mouseClick(window.sync_log.export_csv_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert window.sync_log.message.text() == (
        "Nothing was exported: The folder is not there any more (was the USB stick removed?)."
    )
    assert window.sync_log.export_csv_button.isEnabled()


def test_sync_log_in_khmer(qtbot, make_window, device, hub, tmp_path) -> None:
    a_day_of_sync_attempts(device, hub, tmp_path / "usb")
    window = make_window(language="km")
    start_working(qtbot, window)
    window.show_work("sync_log")
    wait_idle(qtbot, window)
    screen = window.sync_log
    model = screen.model
    assert "៤" in screen.count.text()
    for column in range(model.columnCount()):
        header = model.headerData(column, Qt.Orientation.Horizontal)
        assert header and not any("a" <= char.lower() <= "z" for char in header), header
    outcome = model.data(model.index(0, COLUMNS.index("outcome")))
    assert outcome and not any("a" <= char.lower() <= "z" for char in outcome), outcome


def test_usb_transfer_exports_batches_and_imports_receipts(
    qtbot, make_window, device, hub, tmp_path, data_dir, clock
) -> None:
    folder_dialogs = FolderDialogs()
    ids = device.register(25)
    window = make_window(dialogs=folder_dialogs)
    start_working(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)
    screen = window.media
    assert window.work.currentWidget() is screen
    assert screen.waiting.text() == "25 registrations wait for the hub's receipt."

    # a folder that is not there: said next to the field, nothing created
    missing = tmp_path / "no-stick"
    type_text(qtbot, screen.folder, str(missing))
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert screen.folder_field.error.text() == "Choose a folder that exists"
    assert not missing.exists()

    usb = tmp_path / "usb"
    usb.mkdir()
    folder_dialogs.folder = usb
    qtbot.mouseClick(screen.choose_button, Qt.MouseButton.LeftButton)
    assert screen.folder.text() == str(usb) and not screen.folder_field.error.isVisible()
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    assert screen.progress.isVisible() and not screen.export_button.isEnabled()
    assert screen.progress_text.text().startswith(f"Writing batch files to {usb}")
    wait_idle(qtbot, window)
    assert not screen.progress.isVisible()
    batch_files = list(usb.glob("batch-*.frb"))
    assert len(batch_files) == 1 and not list(usb.glob("*.partial"))
    assert screen.result.text() == (
        f"1 batch file written to {usb}. Take the USB stick to the hub computer."
    )

    # at the hub; a receipt from another laptop on the same stick is left alone
    assert import_batches_for_hub(hub.hub, usb) == [f"{batch_files[0].name}: receipt written"]
    other = Device(tmp_path / "other-laptop", clock)
    other.enrol(hub.hub, hub.url)
    other.register(1)
    export_batches(other.store, usb)
    import_batches_for_hub(hub.hub, usb)
    other.store.close()

    screen.import_button.setFocus()
    qtbot.keyClick(screen.import_button, Qt.Key.Key_Space)
    assert screen.progress_text.text().startswith(f"Reading receipt files from {usb}")
    wait_idle(qtbot, window)
    assert screen.result.text() == (
        "1 receipt applied: 25 accepted, 0 already received, 0 rejected."
    )
    assert screen.problems.text() == "1 receipt file is for another laptop and was left alone."
    assert screen.waiting.text() == "Every registration has the hub's receipt."
    assert set(device.statuses().values()) == {"synced"}
    assert sorted(set(hub_ids(hub.hub)) & set(ids)) == sorted(ids)

    # importing the same receipts again is harmless
    qtbot.mouseClick(screen.import_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert screen.waiting.text() == "Every registration has the hub's receipt."
    assert set(device.statuses().values()) == {"synced"}


def test_usb_transfer_needs_an_enrolled_laptop(qtbot, make_window, store, tmp_path) -> None:
    window = make_window(language="km")
    start_working(qtbot, window)
    window.show_work("media")
    wait_idle(qtbot, window)
    screen = window.media
    assert not screen.export_button.isEnabled() and not screen.import_button.isEnabled()
    assert screen.waiting.text().startswith("កុំព្យូទ័រនេះមិនទាន់បានចុះបញ្ជី")


class SyncNowRecorder(NoSyncEngine):
    def __init__(self) -> None:
        self.asked = 0

    def sync_now(self) -> None:
        self.asked += 1


def open_settings(qtbot, make_window, sync: SyncNowRecorder):
    window = make_window(sync=sync)
    start_working(qtbot, window)
    window.show_work("settings")
    wait_idle(qtbot, window)
    return window, window.settings_screen


def test_enrol_later_from_settings(qtbot, make_window, store, hub, data_dir, clock) -> None:
    sync = SyncNowRecorder()
    window, screen = open_settings(qtbot, make_window, sync)
    assert screen.hub_state.text().startswith("Not enrolled")
    assert screen.enrol_row.isVisible()

    type_text(qtbot, screen.enrol_text, "not an enrolment code")
    qtbot.keyClick(screen.enrol_text, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    assert screen.enrol_field.error.text() == (
        "That is not a usable enrolment code. Copy it again from the hub."
    )
    screen.enrol_text.clear()
    type_text(qtbot, screen.enrol_text, hub.hub.issue_token(hub.url))
    qtbot.mouseClick(screen.enrol_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert screen.hub_state.text() == "This laptop is enrolled with the hub."
    assert not screen.enrol_row.isVisible()
    assert screen.hub_lines["hub_url"].text() == hub.url
    assert sync.asked == 1  # the sealed backlog goes out at once
    assert store.trusted_hub_signing_key() is not None


def test_new_hub_address_reaches_the_running_sync(
    qtbot, make_window, device, hub, data_dir, clock
) -> None:
    ids = device.register(3)
    device.point_at(DEAD_HUB)  # a typo in the address: nothing can be sent
    sync = BackgroundSync(data_dir, clock=clock)
    sync.start()
    try:
        window = make_window(sync=sync)
        start_working(qtbot, window)
        qtbot.waitUntil(lambda: sync.current().error_code == "hub_unreachable", timeout=10_000)
        window.show_work("settings")
        wait_idle(qtbot, window)
        line = window.settings_screen.hub_lines["hub_url"]
        assert line.text() == DEAD_HUB
        line.clear()
        type_text(qtbot, line, hub.url)
        qtbot.mouseClick(window.settings_screen.save_button, Qt.MouseButton.LeftButton)
        wait_idle(qtbot, window)
        qtbot.waitUntil(lambda: sorted(hub_ids(hub.hub)) == sorted(ids), timeout=15_000)
        qtbot.waitUntil(lambda: sync.current().pending == 0, timeout=10_000)

        window.show_work("sync_log")
        wait_idle(qtbot, window)
        qtbot.waitUntil(
            lambda: (
                window.sync_log.model.rowCount() > 0
                and window.sync_log.model.row_at(0).outcome == "ok"
            ),
            timeout=10_000,
        )
    finally:
        sync.stop()
    logged = [json.loads(line) for line in cli_sync_log(device, "json").splitlines()]
    assert logged[0]["error"] == "hub_unreachable" and logged[-1]["accepted"] == 3


def test_settings_offer_the_rekey_and_take_the_code(
    qtbot, make_window, hub: BackgroundHub, data_dir: Path, clock: FakeClock
) -> None:
    """A laptop that lost its signing key: Settings say so, show the device id the hub
    administrator needs, and take the re-key code (`fieldreg-hub token --rekey DEVICE_ID`)."""
    laptop = Device(data_dir, clock)
    laptop.enrol(hub.hub, hub.url)
    laptop.register(1)
    device_id = laptop.store.device_id
    laptop.store.close()
    signing_key.key_path(data_dir).unlink()

    sync = SyncNowRecorder()
    window, screen = open_settings(qtbot, make_window, sync)
    assert screen.hub_state.text().startswith("This laptop's signing key is lost")
    assert device_id in screen.hub_state.text()
    assert screen.enrol_row.isVisible()

    type_text(qtbot, screen.enrol_text, hub.hub.issue_token(hub.url, rekey=device_id))
    qtbot.mouseClick(screen.enrol_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert screen.enrol_field.error.text() == ""
    assert screen.hub_state.text() == "This laptop is enrolled with the hub."
    assert not screen.enrol_row.isVisible()
    assert sync.asked == 1  # what waited goes out at once
    assert signing_key.load(data_dir, device_id, signing_key.FILE) is not None
    rekeyed = [e["subject"] for e in hub.hub.audit_entries() if e["action"] == "device_rekeyed"]
    assert rekeyed == [device_id]
