"""Attack: a disabled (or reset) operator keeps their old passphrase and copies the store file.
Before rotation every operator wrapped the same data key, so that passphrase opened every
record, even those made after the disable. Now disabling or resetting rotates the data key,
re-encrypts every row in chunks, and the old passphrase (or the old data key itself) opens
nothing in a copy taken once that has finished; recovery still works with the printed key."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fieldreg.desk import Desk
from fieldreg.errors import FieldRegError
from fieldreg.store import crypto
from fieldreg.store.session import Session
from fieldreg.store.store import Store
from fieldreg.store.sync_settings import SyncSettings
from tests.cli_runner import fieldreg, init_store
from tests.factories import FAST_KDF, PASSPHRASE, FakeClock, new_store, raw_record

VANNA = "vanna-field-notebook-7"
DARA = "dara-river-lantern-3"
MAX_CHUNKS = 10_000


def _register(session: Session, count: int, **overrides: Any) -> list[str]:
    ids = []
    for _ in range(count):
        record = session.validate(raw_record(**overrides)).record
        assert record is not None
        ids.append(session.register(record))
    return ids


def _finish(session: Session, limit: int = 500) -> int:
    for chunks in range(1, MAX_CHUNKS):
        if session.reprotect(limit).finished:
            return chunks
    raise AssertionError("re-encryption never finished")


def _copy(store_dir: Path, target: Path) -> Path:
    """What someone copying the data folder gets: the file, its WAL and shared memory."""
    target.mkdir()
    for suffix in ("", "-wal", "-shm"):
        source = store_dir / f"fieldreg.db{suffix}"
        if source.exists():
            shutil.copyfile(source, target / source.name)
    return target / "fieldreg.db"


def _attack(
    copy: Path, name: str, passphrase: str, known: frozenset[bytes] = frozenset()
) -> tuple[set[bytes], set[str], set[str]]:
    """Everything `passphrase` (and data keys learnt earlier) opens in a copied file, with the
    crypto primitives alone: (data keys found, registration versions read, drafts read)."""
    conn = sqlite3.connect(copy)
    columns = "kdf, salt, wrapped_key, wrapped_private, sealed_key"
    kdf, salt, wrapped, wrapped_private, sealed = conn.execute(
        f"SELECT {columns} FROM operators WHERE name = ?", [name]
    ).fetchone()
    wrapping = crypto.derive_passphrase_key(passphrase, salt, crypto.KdfParams(**json.loads(kdf)))
    keys = set(known)
    with contextlib.suppress(crypto.WrongKey):
        keys.add(crypto.unwrap_key(wrapping, wrapped, f"operator/{name}"))
    with contextlib.suppress(crypto.WrongKey):
        pair = crypto.KeyPair(
            crypto.unwrap_key(wrapping, wrapped_private or b"", f"operator-private/{name}")
        )
        keys.add(pair.open(sealed or b"", f"operator/{name}"))
    retired = conn.execute("SELECT value FROM meta WHERE key = 'retired_keys'").fetchone()
    for key in list(keys):
        for gen, value in json.loads(retired[0] if retired else "{}").items():
            with contextlib.suppress(crypto.WrongKey):
                keys.add(crypto.unwrap_key(key, crypto.unb64(value), f"retired/{gen}"))
    record_keys = [crypto.DataKeys.from_data_key(key).record_key for key in keys]
    versions: set[str] = set()
    drafts: set[str] = set()
    for rid, version, ciphertext in conn.execute(
        "SELECT registration_id, version, ciphertext FROM registration_versions"
    ):
        if _opens(record_keys, ciphertext, crypto.version_aad(rid, version)):
            versions.add(rid)
    for draft_id, ciphertext in conn.execute("SELECT id, ciphertext FROM drafts"):
        if _opens(record_keys, ciphertext, crypto.draft_aad(draft_id)):
            drafts.add(draft_id)
    conn.close()
    return keys, versions, drafts


def _opens(record_keys: list[bytes], ciphertext: bytes, aad: bytes) -> bool:
    for key in record_keys:
        try:
            crypto.open_sealed(key, ciphertext, aad)
        except crypto.WrongKey:
            continue
        return True
    return False


@pytest.fixture
def desk_of_two(tmp_path: Path) -> tuple[Store, str, Session]:
    store, recovery_key = new_store(tmp_path / "store")
    coordinator = store.unlock("Sokha", PASSPHRASE)
    coordinator.add_operator("Vanna", "registrar", VANNA)
    return store, recovery_key, coordinator


def test_a_disabled_operators_passphrase_opens_nothing_in_a_copy_after_rotation(
    tmp_path: Path, desk_of_two: tuple[Store, str, Session]
) -> None:
    store, _, coordinator = desk_of_two
    vanna = store.unlock("Vanna", VANNA)
    before = set(_register(vanna, 3))
    draft = vanna.save_draft({"name_en": "half-typed"})
    early = _copy(tmp_path / "store", tmp_path / "early")
    old_keys, read_early, drafts_early = _attack(early, "Vanna", VANNA)
    assert read_early == before and drafts_early == {draft}  # what was there then, no more

    changed = coordinator.set_operator_disabled("Vanna", True)
    assert changed is not None and changed.new_recovery_key is None and not changed.needs_reset
    after = set(_register(coordinator, 2))
    _finish(coordinator)
    late = _copy(tmp_path / "store", tmp_path / "late")

    keys, read, drafts = _attack(late, "Vanna", VANNA)
    assert keys == set() and read == set() and drafts == set()
    # even the data key Vanna could take from the early copy opens nothing in the late one
    _, read_with_old_key, drafts_with_old_key = _attack(late, "Vanna", VANNA, frozenset(old_keys))
    assert read_with_old_key == set() and drafts_with_old_key == set()
    raw = b"".join(p.read_bytes() for p in late.parent.iterdir())
    early_conn = sqlite3.connect(early)
    for (ciphertext,) in early_conn.execute("SELECT ciphertext FROM registration_versions"):
        assert ciphertext not in raw  # no stale page keeps a record under the old key
    early_conn.close()
    assert {r.id for r in coordinator.registrations()} == before | after
    with pytest.raises(FieldRegError) as refused:
        _register(vanna, 1)  # Vanna's session still open elsewhere: it gets no new key
    assert refused.value.code == "locked"
    store.close()


def test_a_reset_rotates_too_and_the_new_passphrase_reads_on(
    tmp_path: Path, desk_of_two: tuple[Store, str, Session]
) -> None:
    store, _, coordinator = desk_of_two
    theirs = set(_register(store.unlock("Vanna", VANNA), 2))
    coordinator.reset_operator("Vanna", DARA)
    _finish(coordinator)
    late = _copy(tmp_path / "store", tmp_path / "late")
    assert _attack(late, "Vanna", VANNA)[1:] == (set(), set())
    assert _attack(late, "Vanna", DARA)[1] == theirs  # the new passphrase reads on
    assert {r.id for r in store.unlock("Vanna", DARA).registrations()} == theirs
    store.close()


def test_the_printed_recovery_key_still_opens_the_store_after_rotations(
    desk_of_two: tuple[Store, str, Session],
) -> None:
    store, recovery_key, coordinator = desk_of_two
    made = set(_register(coordinator, 4))
    coordinator.set_operator_disabled("Vanna", True)
    coordinator.reset_operator("Vanna", DARA)  # a second rotation before the first finished
    _finish(coordinator)
    recovered = store.recover(recovery_key, "Sokha", "a-brand-new-coordinator-phrase")
    assert {r.id for r in recovered.registrations()} == made
    with pytest.raises(FieldRegError) as refused:
        store.recover(crypto.new_recovery_key(), "Sokha", "another-coordinator-phrase-9")
    assert refused.value.code == "wrong_recovery_key"
    store.close()


def test_registering_and_reading_during_the_re_encryption_stay_correct(
    desk_of_two: tuple[Store, str, Session],
) -> None:
    store, _, coordinator = desk_of_two
    old = [coordinator.get(i).record for i in _register(coordinator, 30)]
    coordinator.set_operator_disabled("Vanna", True)
    progress = coordinator.reprotect(10)  # a third of the way
    assert 0 < progress.done < progress.total and not progress.finished
    for record in (old[0], old[-1]):  # one re-indexed already, one not yet
        assert coordinator.find_duplicates(record), "a duplicate slipped through mid-rotation"
    new_ids = _register(coordinator, 5)
    assert len(list(coordinator.registrations())) == 35
    _finish(coordinator, 7)
    assert coordinator.find_duplicates(old[-1]) and coordinator.find_duplicates(
        coordinator.get(new_ids[0]).record
    )
    assert len(list(coordinator.registrations())) == 35
    store.close()


def test_only_re_encryption_may_change_a_stored_version(
    desk_of_two: tuple[Store, str, Session],
) -> None:
    store, _, coordinator = desk_of_two
    (rid,) = _register(coordinator, 1)
    for change in (
        "ciphertext = X'00'",  # new bytes under the same key generation
        "operator = 'Vanna', key_generation = key_generation + 1",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):
            store.db.execute(
                f"UPDATE registration_versions SET {change} WHERE registration_id = ?", [rid]
            )
    store.close()


def _make_legacy(
    store: Store, data_key: bytes, recovery_key: str, passphrases: dict[str, str]
) -> None:
    """Put the store back in its pre-rotation form: the data key wrapped under each passphrase
    and under the recovery key, no key pairs, no recovery public key."""
    wrap = crypto.wrap_key(crypto.recovery_wrapping_key(recovery_key), data_key, "recovery")
    store.db.execute("DELETE FROM meta WHERE key IN ('recovery_public_key', 'recovery_sealed_key')")
    store.db.execute("INSERT INTO meta VALUES ('recovery_wrapped_key', ?)", [crypto.b64(wrap)])
    for name, passphrase in passphrases.items():
        salt = crypto.new_salt()
        key = crypto.derive_passphrase_key(passphrase, salt, FAST_KDF)
        store.db.execute(
            "UPDATE operators SET kdf = ?, salt = ?, wrapped_key = ?, wrapped_private = NULL,"
            " public_key = NULL, sealed_key = NULL WHERE name = ?",
            [
                json.dumps(FAST_KDF.to_json()),
                salt,
                crypto.wrap_key(key, data_key, f"operator/{name}"),
                name,
            ],
        )


def test_a_store_from_before_rotation_gets_a_new_recovery_key_and_names_who_needs_a_reset(
    desk_of_two: tuple[Store, str, Session],
) -> None:
    store, recovery_key, coordinator = desk_of_two
    coordinator.add_operator("Dara", "registrar", DARA)
    made = set(_register(coordinator, 3))
    _make_legacy(
        store,
        coordinator._ring.current.data_key,
        recovery_key,
        {"Sokha": PASSPHRASE, "Vanna": VANNA, "Dara": DARA},
    )
    coordinator = store.unlock("Sokha", PASSPHRASE)  # this login makes Sokha's key pair
    rotation = coordinator.set_operator_disabled("Vanna", True)
    assert rotation is not None and rotation.needs_reset == ["Dara"]
    assert rotation.new_recovery_key is not None
    _finish(coordinator)
    with pytest.raises(FieldRegError) as refused:
        store.unlock("Dara", DARA)
    assert refused.value.code == "operator_needs_reset"
    with pytest.raises(FieldRegError) as old_key:
        store.recover(recovery_key, "Sokha", "a-brand-new-coordinator-phrase")
    assert old_key.value.code == "wrong_recovery_key"
    recovered = store.recover(rotation.new_recovery_key, "Sokha", "a-brand-new-coordinator-phrase")
    assert {r.id for r in recovered.registrations()} == made
    store.close()


def test_using_an_old_recovery_key_once_lets_later_rotations_keep_it(
    desk_of_two: tuple[Store, str, Session],
) -> None:
    store, recovery_key, coordinator = desk_of_two
    made = set(_register(coordinator, 2))
    _make_legacy(store, coordinator._ring.current.data_key, recovery_key, {"Sokha": PASSPHRASE})
    coordinator = store.recover(recovery_key, "Sokha", PASSPHRASE)  # stores the public half
    rotation = coordinator.set_operator_disabled("Vanna", True)
    assert rotation is not None and rotation.new_recovery_key is None
    _finish(coordinator)
    assert {r.id for r in store.recover(recovery_key, "Sokha", PASSPHRASE).registrations()} == made
    store.close()


_CHILD = """
import sys
from pathlib import Path
from fieldreg.store.store import Store
from fieldreg.store.sync_settings import SyncSettings
from tests.factories import FAST_KDF, PASSPHRASE
session = Store.open(Path(sys.argv[1]), kdf=FAST_KDF).unlock("Sokha", PASSPHRASE)
session.set_operator_disabled("Vanna", True)
while True:
    progress = session.reprotect(7)
    print(progress.done, flush=True)
    if progress.finished:
        break
"""


def test_kill_9_in_the_middle_of_re_encryption_loses_nothing(
    tmp_path: Path, desk_of_two: tuple[Store, str, Session]
) -> None:
    store, _, coordinator = desk_of_two
    made = set(_register(coordinator, 120))
    draft = coordinator.save_draft({"name_en": "half-typed"})
    store.close()
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(tmp_path / "store")],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    assert child.stdout is not None
    for _ in range(3):  # three chunks durable, the fourth under way
        assert child.stdout.readline(), "the re-encryption ended before it could be killed"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    reopened = Store.open(tmp_path / "store", kdf=FAST_KDF)
    session = reopened.unlock("Sokha", PASSPHRASE)
    assert not session.rotation_progress().finished
    assert {r.id for r in session.registrations()} == made  # readable mid-way
    _finish(session)
    assert {r.id for r in session.registrations()} == made
    assert session.load_draft(draft) == {"name_en": "half-typed"}
    late = _copy(tmp_path / "store", tmp_path / "late")
    assert _attack(late, "Vanna", VANNA)[1:] == (set(), set())
    reopened.close()


def test_fieldreg_operator_disable_rotates_and_re_protects_every_record(tmp_path: Path) -> None:
    data = tmp_path / "data"
    init_store(data)
    added = fieldreg(data, "operator", "add", "Vanna", FIELDREG_NEW_PASSPHRASE=VANNA)
    assert added.returncode == 0, added.stderr
    lines = "\n".join(json.dumps(raw_record()) for _ in range(3)).encode()
    registered = fieldreg(
        data, "register", "-", input=lines, FIELDREG_PASSPHRASE=VANNA, FIELDREG_OPERATOR="Vanna"
    )
    assert registered.returncode == 0, registered.stderr
    early = _copy(data, tmp_path / "early")
    assert len(_attack(early, "Vanna", VANNA)[1]) == 3

    disabled = fieldreg(data, "operator", "disable", "Vanna", "--operator", "Sokha")
    assert disabled.returncode == 0, disabled.stderr
    assert "Vanna is disabled" in disabled.stdout
    assert "records re-protected under the new key (3 of 3)" in disabled.stderr
    late = _copy(data, tmp_path / "late")
    assert _attack(late, "Vanna", VANNA)[1:] == (set(), set())
    listed = fieldreg(data, "list", "--operator", "Sokha")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 3


def test_backups_from_before_a_rotation_give_way_once_records_are_re_protected(
    tmp_path: Path,
) -> None:
    """A rolling backup is a copy of the file: taken before the disable, it still opens with
    the disabled operator's passphrase. Once re-encryption finishes, only a backup taken
    under the new key is left."""
    root = tmp_path / "data"
    desk = Desk(root, clock=FakeClock(), kdf=FAST_KDF)
    desk.create("Sokha", PASSPHRASE)
    desk.unlock("Sokha", PASSPHRASE)
    desk.add_operator("Vanna", "registrar", VANNA)
    desk.save_device_settings(10, SyncSettings(), backup_every=5)
    for _ in range(12):
        desk.register(raw_record())
    before = sorted((root / "backups").iterdir())
    assert len(before) == 2
    assert _attack(before[-1], "Vanna", VANNA)[1]  # the old backup opens with her passphrase
    desk.set_operator_disabled("Vanna", True)
    for _ in range(MAX_CHUNKS):
        if desk.reprotect().finished:
            break
    after = sorted((root / "backups").iterdir())
    desk.close()
    assert not set(before) & set(after)
    assert len(after) == 1
    keys, versions, drafts = _attack(after[0], "Vanna", VANNA)
    assert (keys, versions, drafts) == (set(), set(), set())
