"""A rogue enrolled device against another device's registrations (issue 9, item 1), on a real
hub on 127.0.0.1 with two real enrolled devices: a registration id belongs to the device that
first delivered it, so another device's "version 99" or squatted future version is rejected
per record (`not_owner`), the owner's correction still goes in, and the export shows the
owner's data. A revoked device's records are marked; a quarantined one's are left out."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from fieldreg.transfer.sealing import packet_info
from sync.engine import SyncReport
from sync.hub.hub import Hub
from sync.hub.keys import throwaway_custody
from sync.hub.server import BackgroundHub
from tests.cli_runner import hub_cli
from tests.factories import raw_record
from tests.sync_support import Device
from ui import messages
from ui.i18n import Formatter
from ui.screens.registration_rows import COLUMNS, RegistrationTableModel, row_from_registration


def _second_instance(hub: BackgroundHub) -> Hub:
    """Another Hub on the same folder and database: its own connection, its own lock."""
    return Hub(hub.hub.data_dir, throwaway_custody(hub.hub.data_dir), database=hub.hub.database)


def rogue_packet(rogue: Device, registration_id: str, version: int, **record: Any) -> bytes:
    """A packet the rogue device sealed, honestly labelled as its own, for someone's id."""
    payload = {
        "id": registration_id,
        "version": version,
        "change": "correction",
        "record": raw_record(**record),
        "created_at": "2026-11-22T03:00:00.000Z",
        "operator": "Mallory",
        "event": "",
        "device_id": rogue.store.device_id,
    }
    assert rogue.session.hub_key is not None
    info = packet_info(rogue.store.device_id, registration_id, version)
    return rogue.session.hub_key.seal(payload, info)


def send_as(rogue: Device, registration_id: str, version: int, **record: Any) -> SyncReport:
    """The rogue device's own sync code sends a packet it sealed for someone else's id."""
    plant(rogue, registration_id, version, **record)
    return rogue.engine().sync_once()


def plant(rogue: Device, registration_id: str, version: int, **record: Any) -> None:
    """One of the rogue's outbox rows rewritten (as a tampered install would) to carry a
    packet for someone else's id; its next sync sends it."""
    (own,) = rogue.register()
    sealed = rogue_packet(rogue, registration_id, version, **record)
    with sqlite3.connect(rogue.store.data_dir.db_path) as db:
        db.execute("DROP TRIGGER IF EXISTS outbox_packets_immutable")
        db.execute(
            "UPDATE outbox SET registration_id = ?, version = ?, sealed = ?"
            " WHERE registration_id = ?",
            [registration_id, version, sealed, own],
        )


def outbox_code(device: Device, registration_id: str, version: int) -> str:
    with sqlite3.connect(device.store.data_dir.db_path) as db:
        row = db.execute(
            "SELECT state, result_code FROM outbox WHERE registration_id = ? AND version = ?",
            [registration_id, version],
        ).fetchone()
    return f"{row[0]}:{row[1]}"


def exported(hub: Hub, **options: bool) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in hub.registrations(**options)}


def second_device(tmp_path: Path, hub: BackgroundHub) -> Device:
    rogue = Device(tmp_path / "rogue")
    rogue.enrol(hub.hub, hub.url)
    return rogue


def test_version_99_from_another_device_is_rejected_and_the_export_keeps_the_owners_data(
    tmp_path: Path, device: Device, hub: BackgroundHub
) -> None:
    (mine,) = device.register(name_en="SOK DARA")
    assert device.engine().sync_once().complete
    rogue = second_device(tmp_path, hub)
    report = send_as(rogue, mine, 99, name_en="MALLORY ROGUE")
    assert (report.accepted, report.rejected) == (0, 1)
    assert outbox_code(rogue, mine, 99) == "rejected:not_owner"
    row = exported(hub.hub)[mine]
    assert (row["name_en"], row["version"], row["device_id"]) == (
        "SOK DARA",
        1,
        device.store.device_id,
    )


def test_a_squatted_future_version_does_not_block_the_owners_correction(
    tmp_path: Path, device: Device, hub: BackgroundHub
) -> None:
    (mine,) = device.register(name_en="SOK DARA")
    assert device.engine().sync_once().complete
    rogue = second_device(tmp_path, hub)
    assert send_as(rogue, mine, 2, name_en="MALLORY ROGUE").rejected == 1
    current = device.session.get(mine).record
    corrected = replace(current, name_en="SOK DARA CORRECTED")
    assert device.session.correct(mine, corrected, reason="spelling") == 2
    report = device.engine().sync_once()
    assert (report.accepted, report.rejected) == (1, 0)
    assert device.statuses()[mine] == "synced"
    row = exported(hub.hub)[mine]
    assert (row["name_en"], row["version"]) == ("SOK DARA CORRECTED", 2)


def test_the_device_that_was_second_sees_not_owner_in_its_words(
    tmp_path: Path, device: Device, hub: BackgroundHub
) -> None:
    (mine,) = device.register()
    rogue = second_device(tmp_path, hub)
    # the rogue learnt the id before it was sent (a receipt seen in the field) and went first
    assert send_as(rogue, mine, 1).accepted == 1
    assert device.engine().sync_once().rejected == 1
    stored = device.session.get(mine)
    assert (stored.status, stored.reject_code) == ("rejected", "not_owner")
    # the registrations list shows it like any rejection: "Rejected: <why>", in our words
    model = RegistrationTableModel(Formatter("en"))
    model.set_rows([row_from_registration(stored)])
    status = model.data(model.index(0, COLUMNS.index("status")))
    assert status == f"Rejected: {messages.SYNC_ERRORS['not_owner']}"


@pytest.mark.sqlite_only  # a hub.db from an older release: PostgreSQL hubs start at today's schema
def test_an_existing_hub_gives_each_id_to_its_first_device(
    tmp_path: Path, device: Device, hub: BackgroundHub
) -> None:
    """A hub database from before ownership, already holding a rogue's version 99: the
    migration gives the id to the device whose packet came first, and the export and later
    batches follow it."""
    (mine,) = device.register(name_en="SOK DARA")
    assert device.engine().sync_once().complete
    rogue = second_device(tmp_path, hub)
    hub_db = hub.hub.data_dir / "hub.db"
    with sqlite3.connect(hub_db) as db:  # back to the schema before ownership was kept
        db.execute("DROP TABLE owners")
        db.execute("DROP TABLE audit_seals")  # and before the hub audit seals (hub_0007)
        db.execute("ALTER TABLE devices DROP COLUMN quarantined_at")
        db.execute("DROP TABLE audit_log")
        db.execute("DROP TABLE device_audit_anchors")
        db.execute("ALTER TABLE tokens DROP COLUMN rekey_device_id")
        db.execute("ALTER TABLE tokens DROP COLUMN unrevoke")
        for table in ("jobs", "blind_index", "duplicate_pairs"):  # and before hub_0009
            db.execute(f"DROP TABLE {table}")
        for table in ("hub_facts", "hub_figures"):  # and before the figures (hub_0010)
            db.execute(f"DROP TABLE {table}")
        db.execute("DROP TABLE hub_sessions")  # and before the hub's users (hub_0008)
        db.execute("DROP TABLE hub_users")
        db.execute("DELETE FROM _migrations WHERE name != 'hub_0001_initial'")
        _plant_old_version(db, rogue, mine, 99)  # what the old hub accepted from the rogue
    reopened = _second_instance(hub)
    try:
        row = exported(reopened)[mine]
        assert (row["name_en"], row["version"]) == ("SOK DARA", 1)
    finally:
        reopened.close()
    with BackgroundHub(tmp_path / "hub-again", hub=_second_instance(hub)) as again:
        rogue.point_at(again.url)
        assert send_as(rogue, mine, 100).rejected == 1
        assert outbox_code(rogue, mine, 100) == "rejected:not_owner"


def _plant_old_version(
    db: sqlite3.Connection, rogue: Device, registration_id: str, version: int
) -> None:
    sealed = rogue_packet(rogue, registration_id, version, name_en="MALLORY ROGUE")
    later = "2999-01-01T00:00:00.000Z"
    db.execute(
        "INSERT INTO batches (batch_id, device_id, sha256, received_at, transport, packets,"
        " receipt) VALUES ('old-batch', ?, '', ?, 'https', 1, x'')",
        [rogue.store.device_id, later],
    )
    db.execute(
        "INSERT INTO packets (registration_id, version, device_id, batch_id, received_at,"
        " sealed, plaintext_sha256, outcome) VALUES (?, ?, ?, 'old-batch', ?, ?, '', 'accepted')",
        [registration_id, version, rogue.store.device_id, later, sealed],
    )


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_a_revoked_and_quarantined_devices_records_are_marked_and_left_out(
    tmp_path: Path, device: Device, hub: BackgroundHub
) -> None:
    honest = second_device(tmp_path, hub)
    kept = honest.register(2)
    assert honest.engine().sync_once().complete
    suspect = device.register(3)
    assert device.engine().sync_once().complete
    hub_dir = hub.hub.data_dir
    suspect_id = device.store.device_id

    revoked = hub_cli(hub_dir, "devices", "--revoke", suspect_id)
    assert revoked.returncode == 0, revoked.stderr
    rows = _csv_rows(hub_cli(hub_dir, "export", "--format", "csv").stdout)
    assert {row["id"]: row["device_revoked"] for row in rows} == {
        **dict.fromkeys(kept, "False"),
        **dict.fromkeys(suspect, "True"),
    }

    quarantined = hub_cli(hub_dir, "quarantine", suspect_id)
    assert quarantined.returncode == 0, quarantined.stderr
    default = [json.loads(line) for line in hub_cli(hub_dir, "export").stdout.splitlines()]
    assert sorted(row["id"] for row in default) == sorted(kept)
    everything = hub_cli(hub_dir, "export", "--format", "csv", "--include-quarantined")
    marked = {row["id"]: row["quarantined"] for row in _csv_rows(everything.stdout)}
    assert marked == {**dict.fromkeys(kept, "False"), **dict.fromkeys(suspect, "True")}

    released = hub_cli(hub_dir, "quarantine", suspect_id, "--release")
    assert released.returncode == 0, released.stderr
    assert set(exported(hub.hub)) == {*kept, *suspect}


def test_revoke_with_quarantine_in_one_command(
    tmp_path: Path, device: Device, hub: BackgroundHub
) -> None:
    suspect = device.register(2)
    assert device.engine().sync_once().complete
    result = hub_cli(
        hub.hub.data_dir, "devices", "--revoke", device.store.device_id, "--quarantine"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].endswith("quarantined")
    assert exported(hub.hub) == {}
    rows = exported(hub.hub, include_quarantined=True)
    assert set(rows) == set(suspect)
    assert all(row["device_revoked"] and row["quarantined"] for row in rows.values())
    (listed,) = hub.hub.devices()
    assert listed["revoked_at"] and listed["quarantined_at"]
    unknown = hub_cli(hub.hub.data_dir, "quarantine", "no-such-device")
    assert unknown.returncode == 1 and "unknown_device" in unknown.stderr


def test_two_hub_processes_on_one_database_give_a_raced_id_to_one_device(
    tmp_path: Path, device: Device, hub: BackgroundHub
) -> None:
    """Ownership comes from the database's primary key, not from a lock inside one hub: two
    hub instances (each with its own connection and its own lock) on one database, and the
    owner and a rogue sending the same new id to different instances at the same moment.
    Exactly one of them owns it; the other gets not_owner; the export follows the owner."""
    rogue = second_device(tmp_path, hub)
    with BackgroundHub(tmp_path / "unused", hub=_second_instance(hub)) as other:
        rogue.point_at(other.url)
        for _ in range(3):
            (raced,) = device.register(name_en="SOK DARA")
            plant(rogue, raced, 2, name_en="MALLORY ROGUE")
            sync_together(device, rogue)
            codes = {outbox_code(device, raced, 1), outbox_code(rogue, raced, 2)}
            assert codes == {"acknowledged:None", "rejected:not_owner"}, codes
            winner = device if outbox_code(device, raced, 1).startswith("ack") else rogue
            row = exported(hub.hub)[raced]
            assert row["device_id"] == winner.store.device_id


def sync_together(*devices: Device) -> None:
    """Each device syncs in its own thread, all released at the same moment."""
    start = threading.Barrier(len(devices), timeout=30)

    def sync(side: Device) -> None:
        start.wait()
        side.engine().sync_once()

    threads = [threading.Thread(target=sync, args=(side,)) for side in devices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a sync did not finish within 60 s"
