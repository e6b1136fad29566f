"""A laptop that lost its signing key, in the desktop app: Settings says so, shows the
device id the hub administrator needs, and lets a coordinator enter the re-key code the hub
issued for it (`fieldreg-hub token --rekey DEVICE_ID`). Real hub on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from fieldreg.store import signing_key
from sync.background import NoSyncEngine
from sync.hub.server import BackgroundHub
from tests.factories import FakeClock
from tests.gui.conftest import start_working, type_text, wait_idle
from tests.sync_support import Device


class SyncNowRecorder(NoSyncEngine):
    def __init__(self) -> None:
        self.asked = 0

    def sync_now(self) -> None:
        self.asked += 1


def test_settings_offer_the_rekey_and_take_the_code(
    qtbot, make_window, hub: BackgroundHub, data_dir: Path, clock: FakeClock
) -> None:
    laptop = Device(data_dir, clock)
    laptop.enrol(hub.hub, hub.url)
    laptop.register(1)
    device_id = laptop.store.device_id
    laptop.store.close()
    signing_key.key_path(data_dir).unlink()

    sync = SyncNowRecorder()
    window = make_window(sync=sync)
    start_working(qtbot, window)
    window.show_work("settings")
    wait_idle(qtbot, window)
    screen = window.settings_screen
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
    assert [e["subject"] for e in hub.hub.audit_entries() if e["action"] == "device_rekeyed"] == [
        device_id
    ]
