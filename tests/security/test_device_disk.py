"""Issue 9 items 7 and 8: a full disk, a damaged page, backups that exist.

The full disk is a real one: a small tmpfs (or, where tmpfs cannot be mounted, a loop file)
mounted for the test and unmounted after, so SQLite meets ENOSPC itself, mid-commit and
mid-checkpoint. The damaged page is real too: bytes overwritten in a leaf page of
registration_versions, as a bad sector leaves them.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldreg.desk import Desk
from fieldreg.desk.disk_space import MIB, DiskLimits
from fieldreg.desk.results import Registered
from fieldreg.json_input import InputItem, parse_records
from fieldreg.store.database import StoreError
from fieldreg.store.store import Store
from fieldreg.store.sync_settings import SyncSettings
from sync.client import HubClient
from sync.engine import SyncEngine
from sync.hub.server import BackgroundHub
from tests.cli_runner import fieldreg
from tests.damage import damage_a_versions_page
from tests.factories import FAST_KDF, PASSPHRASE, FakeClock, raw_record
from tests.plaintext import person_values, plaintext_hits
from tests.sync_support import Device

REGISTRAR_PASSPHRASE = "registrar-passphrase-2"
NO_FLOOR = DiskLimits(floor=0, warning=0)  # another program fills the disk between checks
MOUNT_BOUND = 30  # seconds for mount and umount


def _run(*command: str) -> bool:
    done = subprocess.run(command, capture_output=True, timeout=MOUNT_BOUND, check=False)
    return done.returncode == 0


def _mount_small_disk(folder: Path, size_mb: int, spare: Path) -> str | None:
    """tmpfs first, else an ext4 loop file; None when this machine allows neither."""
    if os.geteuid() != 0:
        return None
    if _run("mount", "-t", "tmpfs", "-o", f"size={size_mb}m,mode=0700", "tmpfs", str(folder)):
        return "tmpfs"
    image = spare / "disk.img"
    with open(image, "wb") as handle:
        handle.truncate(size_mb * MIB)
    if _run("mkfs.ext4", "-q", "-F", str(image)) and _run(
        "mount", "-o", "loop", str(image), str(folder)
    ):
        return "loop"
    return None


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 12 MiB disk of its own, mounted for this test only."""
    folder, spare = tmp_path / "disk", tmp_path / "spare"
    folder.mkdir()
    spare.mkdir()
    kind = _mount_small_disk(folder, 12, spare)
    if kind is None:
        pytest.skip(
            "a full-disk test needs its own small disk: this run may mount neither a tmpfs nor "
            "a loop file (not root, or no mount permission in this container)"
        )
    try:
        yield folder
    finally:
        for _ in range(5):  # a handle a failing test left open makes the first umount busy
            if _run("umount", str(folder)):
                break
            _run("umount", "-l", str(folder))


def _fill(folder: Path, leave: int) -> Path:
    """A ballast file that leaves about `leave` bytes free on the disk holding `folder`."""
    ballast = folder / "ballast"
    size = max(0, shutil.disk_usage(folder).free - leave)
    with open(ballast, "ab") as handle:
        chunk = b"\0" * MIB
        while size > 0:
            try:
                handle.write(chunk[: min(size, MIB)])
                handle.flush()
            except OSError:
                break
            size -= MIB
    return ballast


def _latin_name(n: int) -> str:
    """A distinctive Latin name per number (names take letters only)."""
    return f"Qzxjvk {chr(65 + n % 26)}{chr(65 + n // 26)}ovic"


def _new_desk(root: Path, disk: DiskLimits = NO_FLOOR) -> Desk:
    desk = Desk(root, clock=FakeClock(), kdf=FAST_KDF, disk=disk)
    desk.create("Sokha", PASSPHRASE)
    desk.unlock("Sokha", PASSPHRASE)
    return desk


# -- item 7: a full disk ----------------------------------------------------------------------


def test_a_disk_filled_mid_checkpoint_is_disk_full_then_every_shown_id_is_back(
    small_disk: Path,
) -> None:
    root = small_disk / "data"
    ballast = _fill(small_disk, 9 * MIB)  # freed later, as a registrar would delete files
    desk = _new_desk(root)
    shown: list[str] = []
    with pytest.raises(StoreError) as full:
        for _ in range(20_000):  # bounded: 9 MiB holds a few thousand at most
            saved = desk.register(raw_record())
            assert isinstance(saved, Registered)
            shown.append(saved.stored.id)
    assert full.value.code == "disk_full"
    assert len(shown) > 1000  # the WAL passed its checkpoint size many times over
    desk.close()  # the close's checkpoint meets the full disk too
    assert (root / "fieldreg.db-wal").stat().st_size > 0  # the newest pages are in the WAL

    still_full = Desk(root, kdf=FAST_KDF, disk=NO_FLOOR)
    with pytest.raises(StoreError) as reopened:
        still_full.unlock("Sokha", PASSPHRASE)
    still_full.close()
    assert reopened.value.code == "disk_full"  # not "damaged", and no backup is needed

    ballast.unlink()  # space freed
    again = Desk(root, kdf=FAST_KDF, disk=NO_FLOOR)
    again.unlock("Sokha", PASSPHRASE)
    assert {stored.id for stored in again.registrations()} >= set(shown)
    assert again.check_integrity() >= len(shown)
    assert isinstance(again.register(raw_record()), Registered)  # and the store works
    again.close()


def test_free_space_is_warned_about_then_registering_stops_before_the_disk_is_full(
    small_disk: Path,
) -> None:
    limits = DiskLimits(floor=2 * MIB, warning=4 * MIB)
    desk = _new_desk(small_disk / "data", limits)
    plenty = desk.register(raw_record())
    assert isinstance(plenty, Registered) and not plenty.disk_low
    assert not desk.disk_space().low and desk.disk_space().free_mb >= 4

    _fill(small_disk, 3 * MIB)
    low = desk.register(raw_record())
    assert isinstance(low, Registered) and low.disk_low  # saved, and the screen warns
    assert desk.disk_space().low

    (small_disk / "ballast").unlink()
    _fill(small_disk, MIB)
    before = desk.registration_count()
    with pytest.raises(StoreError) as stopped:
        desk.register(raw_record())
    assert stopped.value.code == "disk_nearly_full"
    assert stopped.value.detail["free_mb"] <= 1
    assert desk.registration_count() == before  # nothing half-saved
    desk.close()


# -- item 8: rolling backups -------------------------------------------------------------------


def test_rolling_backups_are_taken_kept_owner_only_and_hold_no_plaintext(tmp_path: Path) -> None:
    root = tmp_path / "data"
    desk = _new_desk(root)
    desk.save_device_settings(10, SyncSettings(), backup_every=25)
    people = [raw_record(name_en=_latin_name(n)) for n in range(60)]
    for person in people:
        assert isinstance(desk.register(person), Registered)
    backups = sorted((root / "backups").iterdir())
    assert [path.name.split("-", 2)[2] for path in backups] == ["after-25.db", "after-50.db"]
    desk.lock()  # logging out backs up the 10 made since
    assert len(list((root / "backups").iterdir())) == 3
    desk.unlock("Sokha", PASSPHRASE)
    for _ in range(3 * 25):  # more than five backups' worth: the oldest go
        desk.register(raw_record())
    desk.close()
    kept = sorted((root / "backups").iterdir())
    assert len(kept) == 5
    assert stat.S_IMODE((root / "backups").stat().st_mode) == 0o700
    assert {stat.S_IMODE(path.stat().st_mode) for path in kept} == {0o600}
    with contextlib.closing(sqlite3.connect(max(kept, key=lambda p: p.stat().st_mtime_ns))) as db:
        assert db.execute("SELECT count(*) FROM registrations").fetchone()[0] == 135
    values = set().union(*(person_values(person) for person in people))
    assert plaintext_hits(root, values) == []  # encrypted as the store is


# -- item 8: one bad page, salvage, restore ----------------------------------------------------


def parse_lines(count: int) -> list[InputItem]:
    return parse_records("\n".join(json.dumps(raw_record()) for _ in range(count)).encode())


def test_one_bad_page_hides_nothing_after_salvage(tmp_path: Path) -> None:
    root = tmp_path / "data"
    desk = _new_desk(root)
    checked = desk.check_batch(parse_lines(3000))
    ids = desk.register_batch(checked.records, event="Kampot outreach")
    desk.close()
    damage_a_versions_page(root / "fieldreg.db")

    damaged = Desk(root, kdf=FAST_KDF, disk=NO_FLOOR)
    damaged.unlock("Sokha", PASSPHRASE)
    with pytest.raises(StoreError) as listing:
        damaged.registrations()  # today's `list`: one bad page and none come back
    assert listing.value.code == "damaged"
    damaged.close()

    salvaged = damaged.salvage("Sokha", PASSPHRASE)
    assert salvaged.registrations + salvaged.registrations_lost == len(ids)
    assert 0 < salvaged.registrations_lost < 100  # one page's worth
    assert salvaged.aside is not None and salvaged.aside.exists()  # the damaged file kept

    rebuilt = Desk(root, kdf=FAST_KDF, disk=NO_FLOOR)
    rebuilt.unlock("Sokha", PASSPHRASE)  # the same operators and keys
    back = {stored.id: stored for stored in rebuilt.registrations()}
    assert len(back) == salvaged.registrations and set(back) <= set(ids)
    assert all(stored.event == "Kampot outreach" for stored in back.values())  # decrypted
    assert rebuilt.check_integrity() == salvaged.registrations
    assert rebuilt.verify_audit().entries > 0
    assert isinstance(rebuilt.register(raw_record()), Registered)
    rebuilt.close()


def test_salvage_from_the_command_line_reports_recovered_and_lost(tmp_path: Path) -> None:
    root = tmp_path / "data"
    desk = _new_desk(root)
    desk.register_batch(desk.check_batch(parse_lines(1500)).records)
    desk.close()
    damage_a_versions_page(root / "fieldreg.db")
    out = tmp_path / "rebuilt"
    result = fieldreg(root, "salvage", "--out", str(out), FIELDREG_OPERATOR="Sokha")
    assert result.returncode == 0, result.stderr
    assert "could not be read" in result.stdout and "registration_versions" in result.stdout
    assert (root / "fieldreg.db").exists()  # --out leaves the damaged store as it is
    assert stat.S_IMODE((out / "fieldreg.db").stat().st_mode) == 0o600
    listed = fieldreg(out, "list", FIELDREG_OPERATOR="Sokha")
    assert listed.returncode == 0, listed.stderr
    assert 1400 < len(listed.stdout.splitlines()) < 1500


def test_restore_backup_needs_a_coordinator_refuses_a_healthy_store_and_is_audited(
    tmp_path: Path,
) -> None:
    root = tmp_path / "data"
    desk = _new_desk(root)
    desk.add_operator("Vanna", "registrar", REGISTRAR_PASSPHRASE)
    desk.register(raw_record())
    desk.close()  # a backup at close

    with pytest.raises(StoreError) as registrar:
        desk.restore_latest_backup("Vanna", REGISTRAR_PASSPHRASE)
    assert registrar.value.code == "not_permitted"
    with pytest.raises(StoreError) as wrong:
        desk.restore_latest_backup("Sokha", "not-the-passphrase-at-all")
    assert wrong.value.code == "wrong_passphrase"
    assert isinstance(desk.clock, FakeClock)
    desk.clock.advance(wrong.value.detail["seconds"])  # the back-off a wrong guess sets
    with pytest.raises(StoreError) as healthy:
        desk.restore_latest_backup("Sokha", PASSPHRASE)
    assert healthy.value.code == "store_healthy"

    forced = desk.restore_latest_backup("Sokha", PASSPHRASE, force=True)
    assert forced.aside.exists()
    with contextlib.closing(sqlite3.connect(root / "fieldreg.db")) as db:
        last = db.execute(
            "SELECT actor, action, details FROM audit_log ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    assert last[:2] == ("Sokha", "backup_restored") and json.loads(last[2])["forced"] is True
    refused = fieldreg(root, "restore-backup", FIELDREG_OPERATOR="Sokha")
    assert refused.returncode == 1 and "--force" in refused.stderr


def test_a_salvaged_store_keeps_its_keys_rotation_audit_and_signing_key(
    tmp_path: Path, hub: BackgroundHub
) -> None:
    """Salvage after everything else issue 9 added: a rotated data key, a keyed and anchored
    audit log, a signing key outside the file. The rebuilt store opens for the coordinator
    and not for the disabled registrar, its audit log verifies, and it still syncs."""
    root = tmp_path / "device"
    device = Device(root)
    device.enrol(hub.hub, hub.url)
    device.session.add_operator("Vanna", "registrar", "vanna-field-notebook-7")
    device.register(400)
    device.session.set_operator_disabled("Vanna", True)
    for _ in range(10_000):
        if device.session.reprotect().finished:
            break
    assert device.engine().sync_once().complete
    device.store.close()
    damage_a_versions_page(root / "fieldreg.db")

    salvaged = Desk(root, kdf=FAST_KDF, disk=NO_FLOOR).salvage("Sokha", PASSPHRASE)
    assert salvaged.registrations_lost > 0
    rebuilt = Desk(root, kdf=FAST_KDF, disk=NO_FLOOR)
    with pytest.raises(StoreError):
        rebuilt.unlock("Vanna", "vanna-field-notebook-7")
    rebuilt.unlock("Sokha", PASSPHRASE)
    assert len(list(rebuilt.registrations())) == salvaged.registrations
    assert isinstance(rebuilt.register(raw_record()), Registered)
    check = rebuilt.verify_audit()
    assert check.ok, check
    rebuilt.close()
    reopened = Store.open(root)
    try:
        report = SyncEngine(reopened, HubClient(reopened.sync_settings())).sync_once()
        assert report.complete and report.accepted == 1
    finally:
        reopened.close()


def test_a_repair_never_backs_up_the_damaged_file_and_says_what_a_restore_loses(
    tmp_path: Path,
) -> None:
    """The app's Desk has registered since its last backup when the damage is found: closing
    for the repair must not copy the damaged file in as the newest backup (a restore would
    then put the damage back)."""
    root = tmp_path / "data"
    desk = _new_desk(root)
    desk.register_batch(desk.check_batch(parse_lines(300)).records)
    desk.close()  # the good backup
    good = Desk(root, clock=FakeClock(), kdf=FAST_KDF, disk=NO_FLOOR)
    good.unlock("Sokha", PASSPHRASE)
    for _ in range(3):
        good.register(raw_record())
    before = [path.name for path in _backups(root)]
    damage_a_versions_page(root / "fieldreg.db")

    choices = good.repair_choices()
    assert choices.coordinators == ["Sokha"]
    assert choices.backup is not None and choices.backup.since == 3  # what a restore loses
    assert choices.backup.registrations == 300
    good.unlock("Sokha", PASSPHRASE)  # the damaged file opens again (its bad page unread)
    restored = good.restore_latest_backup("Sokha", PASSPHRASE)
    assert [path.name for path in _backups(root)] == before  # no copy of the damage
    assert restored.backup.name == before[0]
    assert good.check_integrity() == 300


def _backups(root: Path) -> list[Path]:
    return sorted((root / "backups").glob("fieldreg-*.db"), reverse=True)
