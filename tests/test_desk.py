"""The Desk's use cases as a front end meets them: typed results, permissions, audit entries,
and storage failures that arrive as the store's codes, never as sqlite3 exceptions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldreg.desk import Desk
from fieldreg.desk.results import (
    DuplicatesFound,
    Invalid,
    Registered,
)
from fieldreg.json_input import parse_records
from fieldreg.store.database import StoreError
from fieldreg.store.sync_settings import SyncSettings
from tests.factories import FAST_KDF, PASSPHRASE, FakeClock, raw_record

REGISTRAR_PASSPHRASE = "registrar-passphrase-2"


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    desk = Desk(tmp_path / "data", clock=FakeClock(), kdf=FAST_KDF)
    desk.create("Sokha", PASSPHRASE)
    desk.unlock("Sokha", PASSPHRASE)
    yield desk
    desk.close()


def test_register_answers_registered_invalid_or_duplicates(desk: Desk) -> None:
    first = raw_record()
    saved = desk.register(first, event="Takeo outreach")
    assert isinstance(saved, Registered)
    assert saved.changes.registrations and saved.changes.outbox
    assert saved.stored.record.name_km == "សុខ ដារា" and saved.stored.event == "Takeo outreach"

    invalid = desk.register(raw_record(phone="12"))
    assert isinstance(invalid, Invalid) and invalid.errors == {"phone": "invalid_phone"}
    assert not invalid.changes.any()

    again = desk.register(raw_record(id_number=first["id_number"]))
    assert isinstance(again, DuplicatesFound)
    assert [(m.id, field) for m, field in again.matches] == [(saved.stored.id, "id_number")]
    assert desk.registration_count() == 1  # nothing saved without a reason

    anyway = desk.register(raw_record(id_number=first["id_number"]), duplicate_reason="twins")
    assert isinstance(anyway, Registered) and desk.registration_count() == 2


def test_a_batch_reports_every_problem_and_saves_nothing(desk: Desk) -> None:
    existing = raw_record()
    assert isinstance(desk.register(existing), Registered)
    twin = raw_record()
    lines = [
        raw_record(id_number=existing["id_number"]),  # already in the store
        twin,
        raw_record(phone=twin["phone"]),  # the same phone as the record before it
        raw_record(sex="X"),
    ]
    data = "\n".join(json.dumps(line) for line in lines).encode() + b"\n{not json\n"
    checked = desk.check_batch(parse_records(data))
    found = {(p.number, p.field, p.code) for p in checked.problems}
    assert found == {
        (1, "id_number", "duplicate"),
        (3, "phone", "duplicate"),
        (4, "sex", "unknown_value"),
        (5, "", "invalid_json"),
    }
    assert desk.registration_count() == 1


def test_a_batch_rechecks_duplicates_under_the_write_lock(desk: Desk) -> None:
    """Checked, then someone else saved the same person before the commit: refused."""
    record = raw_record()
    checked = desk.check_batch(parse_records(json.dumps(record).encode()))
    assert checked.problems == []
    assert isinstance(desk.register(record), Registered)  # the other desk process, meanwhile
    with pytest.raises(StoreError) as refused:
        desk.register_batch(checked.records)
    assert refused.value.code == "duplicate"
    assert desk.registration_count() == 1


def test_settings_are_checked_permitted_and_audited(desk: Desk, tmp_path: Path) -> None:
    with pytest.raises(StoreError) as invalid:
        desk.save_device_settings(10, SyncSettings(hub_url="ftp://hub"))
    assert invalid.value.code == "invalid_settings"
    assert invalid.value.detail["fields"] == {"hub_url": "invalid_url"}

    saved = desk.save_device_settings(15, SyncSettings(hub_url="https://hub.example.kh"))
    assert saved.changes.settings
    assert saved.settings.idle_lock_minutes == 15
    assert saved.settings.sync.hub_url == "https://hub.example.kh"
    db = desk._opened.db  # the audit log is read below the Desk on purpose
    rows = db.execute("SELECT subject FROM audit_log WHERE action = 'setting' ORDER BY seq")
    subjects = [row[0] for row in rows]
    assert subjects == ["idle_lock_minutes", "sync_settings"]

    desk.add_operator("Vanna", "registrar", REGISTRAR_PASSPHRASE)
    desk.unlock("Vanna", REGISTRAR_PASSPHRASE)
    with pytest.raises(StoreError) as refused:
        desk.save_device_settings(15, SyncSettings(hub_url="https://evil.example"))
    assert refused.value.code == "not_permitted"
    assert desk.device_settings().sync.hub_url == "https://hub.example.kh"


def test_a_full_disk_is_disk_full_and_keeps_what_was_saved(desk: Desk) -> None:
    kept = desk.register(raw_record())
    assert isinstance(kept, Registered)
    db = desk._opened.db
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own SQLITE_FULL, no mock
    with pytest.raises(StoreError) as full:
        for _ in range(200):  # bounded: a page fills long before this
            desk.register(raw_record())
    assert full.value.code == "disk_full"
    assert not isinstance(full.value.__cause__, StoreError)  # it came from SQLite itself
    assert desk.registration(kept.stored.id).stored.record == kept.stored.record


def test_a_damaged_file_is_damaged_not_a_sqlite_error(tmp_path: Path) -> None:
    root = tmp_path / "data"
    desk = Desk(root, kdf=FAST_KDF)
    desk.create("Sokha", PASSPHRASE)
    desk.close()
    path = root / "fieldreg.db"
    data = bytearray(path.read_bytes())
    page = 4096
    data[2 * page : 3 * page] = b"\xa5" * page  # a page of garbage, as a bad sector leaves
    path.write_bytes(bytes(data))
    damaged = Desk(root, kdf=FAST_KDF)
    with pytest.raises(StoreError) as error:
        damaged.unlock("Sokha", PASSPHRASE)
        damaged.check_integrity()
    damaged.close()
    assert error.value.code == "damaged"
    assert error.value.detail["path"] == str(path)


def test_a_registrar_reads_only_their_own_registrations(desk: Desk, tmp_path: Path) -> None:
    person = raw_record()
    theirs = desk.register(person)
    assert isinstance(theirs, Registered)
    desk.add_operator("Vanna", "registrar", REGISTRAR_PASSPHRASE)
    desk.unlock("Vanna", REGISTRAR_PASSPHRASE)
    mine = desk.register(raw_record())
    assert isinstance(mine, Registered)
    assert [s.id for s in desk.registrations()] == [mine.stored.id]
    assert desk.registration(mine.stored.id).stored.operator == "Vanna"
    for read in (
        lambda: desk.registration(theirs.stored.id),
        lambda: desk.receipt_content(theirs.stored.id),
        lambda: desk.save_receipt(theirs.stored.id, {"pdf": tmp_path / "r.pdf"}),
    ):
        with pytest.raises(StoreError) as refused:
            read()
        assert refused.value.code == "not_found"
    assert not (tmp_path / "r.pdf").exists()
    # the duplicate warning still names the match, but offers no way to open it
    warned = desk.register(raw_record(id_number=person["id_number"]))
    assert isinstance(warned, DuplicatesFound) and not warned.openable
    desk.unlock("Sokha", PASSPHRASE)
    warned = desk.register(raw_record(id_number=person["id_number"]))
    assert isinstance(warned, DuplicatesFound) and warned.openable
