"""The hub's own audit log (issue 9, item 12, the hub's half): every operator action the hub
CLI performs (token issued, device revoked, quarantine and release, export, USB import) leaves
a hash-chained entry naming the OS user who ran it; an edited or deleted entry fails
`fieldreg-hub audit --verify`; the log holds ids and counts, never a person's data."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from fieldreg.transfer.media import export_batches
from sync.hub.server import BackgroundHub
from tests.cli_runner import hub_cli
from tests.sync_support import Device


def _entries(hub_dir: Path) -> list[dict[str, Any]]:
    listed = hub_cli(hub_dir, "audit")
    assert listed.returncode == 0, listed.stderr
    return [json.loads(line) for line in listed.stdout.splitlines()]


def _operate(tmp_path: Path, device: Device, hub: BackgroundHub) -> Path:
    """A day of a hub operator's work, through the command line."""
    hub_dir = hub.hub.data_dir
    device.register(name_en="AUDIT PERSON", id_number="123456789")
    device.register()
    usb = tmp_path / "usb"
    usb.mkdir()
    export_batches(device.store, usb)
    steps = [
        ("import", str(usb)),
        ("token", "--hours", "2"),
        ("export",),
        ("export", "--format", "csv"),
        ("devices", "--revoke", device.store.device_id, "--quarantine"),
        ("quarantine", device.store.device_id, "--release"),
    ]
    for step in steps:
        result = hub_cli(hub_dir, *step)
        assert result.returncode == 0, (step, result.stderr)
    return hub_dir


def test_each_operator_action_leaves_an_entry(
    tmp_path: Path, device: Device, hub: BackgroundHub
) -> None:
    hub_dir = _operate(tmp_path, device, hub)
    entries = _entries(hub_dir)
    assert [entry["action"] for entry in entries] == [
        "token_issued",  # the one the device fixture enrolled with
        "import",
        "token_issued",
        "export",
        "export",
        "device_revoked",
        "device_quarantined",
        "device_released",
    ]
    assert [entry["seq"] for entry in entries] == list(range(1, 9))
    imported, exports = entries[1], entries[3:5]
    assert imported["details"] == {"batch_files": 1, "receipts_written": 1}
    assert [(e["details"]["format"], e["details"]["registrations"]) for e in exports] == [
        ("json", 2),
        ("csv", 2),
    ]
    assert {e["subject"] for e in entries[5:]} == {device.store.device_id}
    actors = {entry["actor"] for entry in entries}
    assert len(actors) == 1 and "" not in actors  # the OS user, the same one throughout
    text = json.dumps(entries)
    assert "AUDIT PERSON" not in text and "123456789" not in text
    verified = hub_cli(hub_dir, "audit", "--verify")
    assert verified.returncode == 0 and "8 entries verified" in verified.stdout


TAMPERINGS = {
    "reattributed": "UPDATE audit_log SET actor = 'someone-else' WHERE action = 'device_revoked'",
    "edited": "UPDATE audit_log SET details = '{}' WHERE action = 'export'",
    "deleted": "DELETE FROM audit_log WHERE action = 'device_quarantined'",
}


def test_a_tampered_entry_fails_verify(tmp_path: Path, device: Device, hub: BackgroundHub) -> None:
    hub_dir = _operate(tmp_path, device, hub)
    for name, tampering in TAMPERINGS.items():
        copy = tmp_path / name
        copy.mkdir()
        with sqlite3.connect(hub_dir / "hub.db") as source, sqlite3.connect(copy / "hub.db") as db:
            source.backup(db)  # write access to a copy of the file, as an attacker has
            db.execute("DROP TRIGGER audit_log_append_only")
            db.execute("DROP TRIGGER audit_log_kept")
            db.execute(tampering)
        result = hub_cli(copy, "audit", "--verify")
        assert result.returncode == 1, name
        assert "audit log broken at entry" in result.stderr, name


def test_the_log_is_append_only_through_sql(device: Device, hub: BackgroundHub) -> None:
    with sqlite3.connect(hub.hub.data_dir / "hub.db") as db:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("UPDATE audit_log SET actor = 'x'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("DELETE FROM audit_log")
