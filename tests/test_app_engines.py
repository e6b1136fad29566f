"""The engines behind the desktop app's seams, without Qt: background sync and receipts."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PIL import Image
from pyzbar.pyzbar import decode

from fieldreg.clock import utc_now
from fieldreg.desk import Desk
from fieldreg.receipts.receipt import verify
from sync.background import BackgroundSync, SyncState
from sync.hub.server import BackgroundHub
from tests.factories import PASSPHRASE
from tests.sync_support import Device, hub_ids


def wait_for(condition, seconds: float = 20) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_background_sync_sends_while_locked_and_reports_state(tmp_path: Path) -> None:
    with BackgroundHub(tmp_path / "hub") as hub:
        device = Device(tmp_path / "device")
        device.enrol(hub.hub, hub.url)
        ids = device.register(30)
        states: list[SyncState] = []
        seen = threading.Event()
        sync = BackgroundSync(tmp_path / "device", clock=utc_now)

        def heard(state: SyncState) -> None:  # held weakly by the engine: kept alive here
            states.append(state)
            seen.set()

        sync.add_listener(heard)
        sync.start()
        try:
            wait_for(lambda: sorted(hub_ids(hub.hub)) == sorted(ids))
            wait_for(lambda: sync.current().pending == 0 and not sync.current().syncing)
            state = sync.current()
            assert state.enrolled and state.online and state.last_success is not None
            assert any(s.syncing for s in states)
            more = device.register(2)
            sync.sync_now()  # "Sync now" does not wait for the next poll
            wait_for(lambda: set(more) <= set(hub_ids(hub.hub)), seconds=3)
        finally:
            sync.stop()


def test_background_sync_says_not_enrolled_and_offline(tmp_path: Path) -> None:
    device = Device(tmp_path / "device")
    device.register(1)
    sync = BackgroundSync(tmp_path / "device", clock=utc_now)
    sync.start()
    try:
        wait_for(lambda: sync.current() == SyncState(enrolled=False))
    finally:
        sync.stop()


def test_desk_receipts_are_signed_and_verify(tmp_path: Path) -> None:
    with BackgroundHub(tmp_path / "hub") as hub:
        device = Device(tmp_path / "device")
        device.enrol(hub.hub, hub.url)
        (registration_id,) = device.register()
        desk = Desk(tmp_path / "device")
        desk.unlock("Sokha", PASSPHRASE)
        png = desk.render_receipt(registration_id, "png")
        pdf = desk.render_receipt(registration_id, "pdf", paper="thermal80")
        desk.close()
        assert pdf.startswith(b"%PDF")
        (tmp_path / "receipt.png").write_bytes(png)
        (code,) = decode(Image.open(tmp_path / "receipt.png"))
        key = device.store.trusted_hub_signing_key()
        assert verify(code.data.decode("ascii"), key).status == "valid"


def test_background_sync_follows_a_changed_hub_address(tmp_path: Path) -> None:
    with BackgroundHub(tmp_path / "hub") as hub:
        device = Device(tmp_path / "device")
        device.enrol(hub.hub, hub.url)
        device.point_at("http://127.0.0.1:9")  # a wrong address first
        ids = device.register(3)
        sync = BackgroundSync(tmp_path / "device", clock=utc_now)
        sync.start()
        try:
            wait_for(lambda: sync.current().error_code == "hub_unreachable")
            device.point_at(hub.url)  # the coordinator corrects it in Settings
            sync.sync_now()
            wait_for(lambda: sorted(hub_ids(hub.hub)) == sorted(ids))
        finally:
            sync.stop()
