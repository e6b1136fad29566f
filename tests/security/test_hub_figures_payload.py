"""A rogue enrolled device's crafted packet against the hub's figures: an event or operator
no device could have typed (a megabyte event would swell every figures answer and the
dashboard) is rejected per record, as an unknown channel is."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from fieldreg.transfer.sealing import packet_info
from sync.hub.server import BackgroundHub
from tests.factories import raw_record
from tests.sync_support import Device


def crafted(device: Device, registration_id: str, **fields: Any) -> bytes:
    payload = {
        "id": registration_id,
        "version": 1,
        "change": "created",
        "record": raw_record(),
        "created_at": "2026-11-22T03:00:00.000Z",
        "operator": "Mallory",
        "event": "",
        "channel": "outreach",
        "bank": "",
        "device_id": device.store.device_id,
        **fields,
    }
    assert device.session.hub_key is not None
    info = packet_info(device.store.device_id, registration_id, 1)
    return device.session.hub_key.seal(payload, info)


@pytest.mark.parametrize(
    "fields",
    [
        {"event": "E" * 50_000},
        {"event": "tent\x1b[2J"},
        {"operator": "O" * 10_000},
        {"operator": "Mal\nlory"},
        {"channel": "boat"},
    ],
    ids=["huge-event", "control-event", "huge-operator", "newline-operator", "channel"],
)
def test_a_crafted_event_operator_or_channel_is_rejected_and_never_counted(
    tmp_path: Path, hub: BackgroundHub, fields: dict[str, Any]
) -> None:
    device = Device(tmp_path / "rogue")
    device.enrol(hub.hub, hub.url)
    (own,) = device.register()
    with sqlite3.connect(device.store.data_dir.db_path) as db:  # a tampered install
        db.execute("DROP TRIGGER IF EXISTS outbox_packets_immutable")
        db.execute(
            "UPDATE outbox SET sealed = ? WHERE registration_id = ?",
            [crafted(device, own, **fields), own],
        )
    report = device.engine().sync_once()
    assert report.rejected == 1
    with sqlite3.connect(device.store.data_dir.db_path) as db:
        (code,) = db.execute(
            "SELECT result_code FROM outbox WHERE registration_id = ?", [own]
        ).fetchone()
    assert code == "bad_payload"
    assert hub.hub.drain_jobs().failed == 0
    assert hub.hub.raw_figures()["indicators"][0]["value"] == 0  # registrations: none counted
