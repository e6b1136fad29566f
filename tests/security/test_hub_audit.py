"""The hub's own audit log (issue 9, item 12, the hub's half): every operator action the hub
CLI performs (token issued, device revoked, quarantine and release, export, USB import) leaves
a hash-chained entry naming who did it (the hub user who logged in, issue 10 item 5; the OS user
for an import, which needs no hub user); the log holds ids and counts, never a person's data.

Keyed: the chain alone can be recomputed by anyone who can write hub.db, so the hub seals every
entry (and the newest as the head) under keys derived from its private keys, which live in the
key file, never in hub.db. An edited, deleted, re-attributed or cut-off entry fails
`fieldreg-hub audit --verify` even with the chain recomputed; without the passphrase the check
says it covered the plain chain only."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from fieldreg.store import audit as chain
from fieldreg.store.database import DataDir, apply_migrations, connect, transaction
from fieldreg.transfer.media import export_batches
from sync.hub import audit
from sync.hub.hub import HUB_DB, Hub
from sync.hub.keys import KEY_FILE_NAME, THROWAWAY_PASSPHRASE_FILE, throwaway_custody
from sync.hub.schema import HUB_MIGRATIONS
from sync.hub.server import BackgroundHub
from tests.cli_runner import hub_cli
from tests.security.attack_support import Rows, rewrite_chain
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


# what _operate leaves, in order: each command that needs a hub user logs in first
OPERATED = [
    "token_issued",  # 1: the one the device fixture enrolled with
    "import",  # 2
    "user_added",  # 3: the tests' hub user, the first admin (tests/cli_runner.py)
    "login",
    "token_issued",  # 5
    "login",
    "export",  # 7
    "login",
    "export",  # 9
    "login",
    "device_revoked",  # 11
    "device_quarantined",  # 12
    "login",
    "device_released",  # 14
]


def test_each_operator_action_leaves_an_entry(
    tmp_path: Path, device: Device, hub: BackgroundHub
) -> None:
    hub_dir = _operate(tmp_path, device, hub)
    entries = _entries(hub_dir)
    assert [entry["action"] for entry in entries] == OPERATED
    assert [entry["seq"] for entry in entries] == list(range(1, len(OPERATED) + 1))
    imported, exports = entries[1], [e for e in entries if e["action"] == "export"]
    assert imported["details"] == {"batch_files": 1, "receipts_written": 1}
    assert [(e["details"]["format"], e["details"]["registrations"]) for e in exports] == [
        ("json", 2),
        ("csv", 2),
    ]
    device_entries = [e for e in entries if e["action"].startswith("device_")]
    assert {e["subject"] for e in device_entries} == {device.store.device_id}
    # the fixture's token (in-process), the import and the first admin: the OS user; the rest
    # the hub user who logged in for each command
    os_user = entries[0]["actor"]
    assert os_user and {e["actor"] for e in entries[:3]} == {os_user}
    assert {e["actor"] for e in entries[3:]} == {"user:tester"}
    text = json.dumps(entries)
    assert "AUDIT PERSON" not in text and "123456789" not in text
    verified = hub_cli(hub_dir, "audit", "--verify")
    assert verified.returncode == 0, verified.stderr
    assert "14 entries verified, each sealed by the hub's key; newest entry 14" in verified.stdout
    with closing(sqlite3.connect(hub_dir / HUB_DB)) as db:
        assert db.execute("SELECT count(*) FROM audit_seals").fetchone()[0] == 14


def _copy_hub(hub_dir: Path, name: str) -> Path:
    """The hub's folder copied (hub.db through SQLite, with the key file beside it): what an
    attacker with write access to the folder works on, one copy per attack."""
    copy = hub_dir.parent / name
    copy.mkdir()
    with (
        closing(sqlite3.connect(hub_dir / HUB_DB)) as source,
        closing(sqlite3.connect(copy / HUB_DB)) as db,
    ):
        source.backup(db)
    for kept in (KEY_FILE_NAME, THROWAWAY_PASSPHRASE_FILE):
        shutil.copy2(hub_dir / kept, copy / kept)
    return copy


def _sql(hub_dir: Path, *statements: str) -> None:
    with closing(sqlite3.connect(hub_dir / HUB_DB)) as db:
        db.execute("DROP TRIGGER IF EXISTS audit_log_append_only")
        db.execute("DROP TRIGGER IF EXISTS audit_log_kept")
        for statement in statements:
            db.execute(statement)
        db.commit()


def _reattribute(rows: Rows) -> Rows:
    return [[*r[:2], "someone-else", *r[3:]] if r[3] == "device_revoked" else r for r in rows]


def _drop_quarantine(rows: Rows) -> Rows:
    return [row for row in rows if row[3] != "device_quarantined"]


def _cut_tail(hub_dir: Path) -> None:  # the last three entries and their seals: the chain links
    _sql(hub_dir, "DELETE FROM audit_log WHERE seq > 11", "DELETE FROM audit_seals WHERE seq > 11")


# name -> (the attack on a copy of the hub's folder, the entry `--verify` must name)
ATTACKS = {
    "edited": (lambda d: _sql(d, "UPDATE audit_log SET details = '{}' WHERE seq = 7"), 7),
    "deleted": (lambda d: _sql(d, "DELETE FROM audit_log WHERE seq = 12"), 12),
    "reattributed, chain recomputed": (lambda d: rewrite_chain(d / HUB_DB, _reattribute), 11),
    "deleted, chain recomputed": (lambda d: rewrite_chain(d / HUB_DB, _drop_quarantine), 12),
    "every seal removed, chain recomputed": (
        lambda d: (rewrite_chain(d / HUB_DB, _reattribute), _sql(d, "DELETE FROM audit_seals")),
        1,
    ),
    "tail cut": (_cut_tail, 12),
    "tail cut, head seal removed": (
        lambda d: (_cut_tail(d), _sql(d, f"DELETE FROM meta WHERE key = '{audit.HEAD_SEAL_META}'")),
        11,
    ),
    "tail cut, an entry's seal passed off as the head's": (
        lambda d: (
            _cut_tail(d),
            _sql(
                d,
                "UPDATE meta SET value = '11:' || (SELECT mac FROM audit_seals WHERE seq = 11)"
                f" WHERE key = '{audit.HEAD_SEAL_META}'",
            ),
        ),
        11,
    ),
}


def test_a_tampered_entry_fails_verify_even_with_the_chain_recomputed(
    tmp_path: Path, device: Device, hub: BackgroundHub
) -> None:
    hub_dir = _operate(tmp_path, device, hub)
    for number, (name, (attack, broken_at)) in enumerate(ATTACKS.items()):
        copy = _copy_hub(hub_dir, f"attack-{number}")
        attack(copy)
        result = hub_cli(copy, "audit", "--verify")
        assert result.returncode == 1, (name, result.stdout)
        assert f"audit log broken at entry {broken_at} (" in result.stderr, (name, result.stderr)


def test_without_the_passphrase_verify_says_it_checked_only_the_chain(
    tmp_path: Path, device: Device, hub: BackgroundHub
) -> None:
    hub_dir = _operate(tmp_path, device, hub)
    copy = _copy_hub(hub_dir, "reattributed")
    rewrite_chain(copy / HUB_DB, _reattribute)
    plain = hub_cli(copy, "audit", "--verify", passphrase=False)
    assert plain.returncode == 0, plain.stderr  # the plain chain is fooled, and says so
    assert "audit log chain OK: 14 entries linked; seals NOT checked" in plain.stdout
    keyed = hub_cli(copy, "audit", "--verify")
    assert keyed.returncode == 1 and "broken at entry 11 (its seal does not match" in keyed.stderr
    # listing needs no passphrase; what writes an entry does (the operator decides, and seals)
    assert hub_cli(copy, "audit", passphrase=False).returncode == 0
    assert hub_cli(copy, "devices", passphrase=False).returncode == 0
    for writing in (("devices", "--revoke", "x"), ("quarantine", "x", "--release")):
        refused = hub_cli(copy, *writing, passphrase=False)
        assert refused.returncode == 1 and "(hub_passphrase_needed)" in refused.stderr, writing


def test_a_locked_hub_writes_no_entry(device: Device, hub: BackgroundHub) -> None:
    locked = Hub(hub.hub.data_dir, None)
    try:
        with pytest.raises(RuntimeError, match="no audit entry"):
            locked.revoke(device.store.device_id)
        assert locked.devices()[0]["revoked_at"] is None  # the revocation was rolled back
        assert not locked.verify_audit().keyed
    finally:
        locked.close()
    assert hub.hub.verify_audit().ok and hub.hub.verify_audit().keyed


def test_an_older_hubs_entries_are_sealed_at_its_first_unlocked_start(tmp_path: Path) -> None:
    hub_dir = tmp_path / "old-hub"
    hub_dir.mkdir()
    db = connect(hub_dir / HUB_DB)  # a hub from before the seals, with three entries
    before = [step for step in HUB_MIGRATIONS if step[0] != "hub_0007_audit_seals"]
    apply_migrations(db, DataDir(hub_dir), backup=False, migrations=before)
    with transaction(db):
        for _ in range(3):
            chain.append(db, at="2024-01-01T00:00:00Z", actor="old", action="token_issued")
    db.close()
    locked = Hub(hub_dir, None)  # migrated, not unlocked: nothing sealed yet
    assert locked.verify_audit().ok and not locked.verify_audit().keyed
    locked.close()
    unlocked = Hub(hub_dir, throwaway_custody(hub_dir))
    try:
        check = unlocked.verify_audit()
        assert check.ok and check.keyed and check.entries == 4
        sealed = unlocked.audit_entries()[-1]
        assert (sealed["action"], sealed["details"]) == (audit.AUDIT_SEALED, {"entries": 3})
        with unlocked.storage.write() as db:  # an entry written without the key (an old release)
            chain.append(db, at="2024-01-02T00:00:00Z", actor="old", action="export")
    finally:
        unlocked.close()
    again = Hub(hub_dir, throwaway_custody(hub_dir))  # later starts seal nothing over it
    try:
        check = again.verify_audit()
        assert (check.broken_at, check.problem) == (5, "unsealed")
    finally:
        again.close()


def test_a_whole_older_copy_verifies_but_ends_before_the_head_noted(
    tmp_path: Path, device: Device, hub: BackgroundHub
) -> None:
    """The limit, pinned: hub.db put back whole from an older copy is a log that was sealed
    once, so it verifies. Only a head noted outside hub.db (printed by --verify) shows it."""
    hub_dir = _operate(tmp_path, device, hub)
    older = _copy_hub(hub_dir, "older")
    assert hub_cli(hub_dir, "token").returncode == 0
    noted = hub_cli(hub_dir, "audit", "--verify").stdout
    assert "newest entry 16" in noted  # a login and a token more
    with (  # put back through SQLite, so that the live WAL holds nothing newer
        closing(sqlite3.connect(older / HUB_DB)) as source,
        closing(sqlite3.connect(hub_dir / HUB_DB)) as db,
    ):
        source.backup(db)
    put_back = hub_cli(hub_dir, "audit", "--verify")
    assert put_back.returncode == 0 and "newest entry 14" in put_back.stdout


def test_the_log_is_append_only_through_sql(device: Device, hub: BackgroundHub) -> None:
    with sqlite3.connect(hub.hub.data_dir / "hub.db") as db:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("UPDATE audit_log SET actor = 'x'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("DELETE FROM audit_log")
