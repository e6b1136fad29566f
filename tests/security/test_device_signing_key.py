"""The device signing key is not in the store file (issue 9 item 13): a copied database (a
backup, a salvage on a stick) cannot sign batches the hub accepts, after `init` and after an
old store moved its key out. The key lives in the OS keyring when there is a real one, else
in an owner-only file beside the store; the real hub on 127.0.0.1 is the judge."""

from __future__ import annotations

import base64
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from keyring.backend import KeyringBackend
from keyring.backends import fail, null

from fieldreg.store import signing_key
from fieldreg.store.database import StoreError, take_backup, transaction, write_meta
from fieldreg.store.device_identity import DeviceIdentity
from fieldreg.store.store import Store
from sync.client import HubClient, HubRefused
from sync.engine import SyncEngine
from sync.hub.server import BackgroundHub
from tests.cli_runner import fieldreg, init_store
from tests.factories import NOW
from tests.sync_support import Device, hub_ids


class MemoryKeyring(KeyringBackend):
    """A real keyring as far as FieldReg can tell, kept in this process's memory."""

    priority = 5  # type: ignore[assignment]  # keyring declares it as a class property

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.entries[(service, username)]


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    try:
        yield ring
    finally:
        keyring.set_keyring(before)


def forms_of(raw: bytes) -> list[bytes]:
    """The key as bytes and as the base64 text the store once kept it in."""
    return [raw, base64.b64encode(raw)]


def files_holding_the_key(root: Path, raw: bytes) -> list[str]:
    """Every file under the data folder (store, WAL, backups) whose bytes contain the key,
    apart from the key file itself."""
    return sorted(
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.is_file()
        and path.name != signing_key.KEY_FILENAME
        and any(form in path.read_bytes() for form in forms_of(raw))
    )


def file_key(root: Path, device_id: str) -> bytes:
    raw = signing_key.load(root, device_id, signing_key.FILE)
    assert raw is not None
    return raw


def make_old_format(store: Store) -> bytes:
    """The store as FieldReg kept it before: the key in `meta`, in clear, no key file. Then
    more writes, so the old row has been through pages and the WAL as in a store in use."""
    raw = store.device_identity().private_key.private_bytes_raw()
    with transaction(store.db):
        write_meta(store.db, signing_key.LEGACY_META, base64.b64encode(raw).decode("ascii"))
        store.db.execute("DELETE FROM meta WHERE key = ?", [signing_key.HOME_META])
    signing_key.key_path(store.data_dir.root).unlink(missing_ok=True)  # a keyring: the caller
    return raw


def test_init_keeps_the_signing_key_out_of_the_store_file(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    init_store(data_dir)
    store = Store.open(data_dir)
    raw = file_key(data_dir, store.device_id)
    assert store.device_identity().private_key.private_bytes_raw() == raw
    take_backup(store.db, store.data_dir, "after-init", NOW)
    assert files_holding_the_key(data_dir, raw) == []
    store.close()
    assert files_holding_the_key(data_dir, raw) == []
    key_file = signing_key.key_path(data_dir)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700


def test_an_old_store_moves_its_key_out_on_open_and_erases_every_copy(
    tmp_path: Path, device: Device, hub: BackgroundHub
) -> None:
    device.register(5)
    root = device.store.data_dir.root
    raw = make_old_format(device.store)
    assert "fieldreg.db-wal" in files_holding_the_key(root, raw)  # the store in use holds it

    reopened = Store.open(root)  # the first connection is still open, as the app's would be
    assert files_holding_the_key(root, raw) == []  # store file, WAL and shm
    assert file_key(root, reopened.device_id) == raw
    take_backup(reopened.db, reopened.data_dir, "after-move", NOW)
    assert files_holding_the_key(root, raw) == []
    assert reopened.db.execute("PRAGMA secure_delete").fetchone()[0] == 1

    ids = device.register(2)  # and with the key file it syncs as before
    report = device.engine().sync_once()
    assert report.complete, report
    assert sorted(hub_ids(hub.hub)) == sorted(device.statuses())
    assert set(ids) <= set(hub_ids(hub.hub))
    reopened.close()


def copy_without_the_key(source: Device, stick: Path) -> Store:
    """What a copied file gives an attacker: the database alone, as a backup or a salvage."""
    stick.mkdir()
    with sqlite3.connect(stick / "fieldreg.db") as copy:
        source.store.db.conn.backup(copy)
    return Store.open(stick)


def test_a_copy_of_the_store_without_its_key_file_cannot_sign_for_the_hub(
    tmp_path: Path, device: Device, hub: BackgroundHub
) -> None:
    ids = device.register(3)
    copy = copy_without_the_key(device, tmp_path / "stick")
    raw = file_key(device.store.data_dir.root, device.store.device_id)
    assert files_holding_the_key(tmp_path / "stick", raw) == []
    with pytest.raises(StoreError) as refused:
        copy.device_identity()
    assert refused.value.code == "signing_key_missing"
    with pytest.raises(StoreError, match="signing_key_missing"):
        SyncEngine(copy, HubClient(copy.sync_settings())).sync_once()

    # The attacker drops the certificate so the copy makes itself a key, then signs with it
    # under the enrolled certificate: the hub knows the enrolled key and refuses the batch.
    certificate = device.store.device_identity().certificate
    with transaction(copy.db):
        copy.db.execute("DELETE FROM meta WHERE key = 'device_certificate'")
    made = copy.device_identity().private_key
    assert made.private_bytes_raw() != raw
    batch_id = copy.outbox.form_batch(50)
    assert batch_id is not None
    forged = copy.outbox.batch_bytes(batch_id, DeviceIdentity(copy.device_id, made, certificate))
    with pytest.raises(HubRefused) as answer:
        HubClient(device.store.sync_settings()).upload_batch(forged)
    assert answer.value.code == "bad_signature"
    assert hub_ids(hub.hub) == []
    copy.close()

    assert device.engine().sync_once().complete  # the laptop with its key file syncs as before
    assert sorted(hub_ids(hub.hub)) == sorted(ids)


def test_the_command_line_names_a_missing_key_file_in_one_line(
    tmp_path: Path, device: Device
) -> None:
    device.register(1)
    copy_without_the_key(device, tmp_path / "stick").close()
    result = fieldreg(tmp_path / "stick", "sync", "--once")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    [said] = result.stderr.splitlines()
    assert "signing key is not usable" in said and signing_key.KEY_FILENAME in said


def test_a_key_file_that_is_a_link_or_another_devices_is_refused(
    tmp_path: Path, device: Device
) -> None:
    root = device.store.data_dir.root
    key_file = signing_key.key_path(root)
    elsewhere = tmp_path / "elsewhere.key"
    shutil.move(key_file, elsewhere)
    key_file.symlink_to(elsewhere)
    with pytest.raises(StoreError, match="signing_key_missing"):
        Store.open(root).device_identity()
    key_file.unlink()
    other = Device(tmp_path / "other")
    shutil.copy(signing_key.key_path(other.store.data_dir.root), key_file)
    with pytest.raises(StoreError, match="signing_key_missing"):
        Store.open(root).device_identity()


@pytest.mark.parametrize("stand_in", [fail.Keyring, null.Keyring])
def test_keyrings_that_keep_nothing_are_not_used(stand_in: type[KeyringBackend]) -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(stand_in())
    try:
        assert signing_key.keyring_backend() is None
    finally:
        keyring.set_keyring(before)


def test_a_real_keyring_holds_the_key_and_the_store_file_does_not(
    tmp_path: Path, memory_keyring: MemoryKeyring, hub: BackgroundHub
) -> None:
    device = Device(tmp_path / "device")
    root = device.store.data_dir.root
    assert not signing_key.key_path(root).exists()
    [(service, device_id)] = memory_keyring.entries
    assert (service, device_id) == (signing_key.KEYRING_SERVICE, device.store.device_id)
    raw = base64.b64decode(memory_keyring.entries[(service, device_id)])
    device.enrol(hub.hub, hub.url)
    ids = device.register(3)
    assert device.engine().sync_once().complete
    assert sorted(hub_ids(hub.hub)) == sorted(ids)
    take_backup(device.store.db, device.store.data_dir, "keyring", NOW)
    assert files_holding_the_key(root, raw) == []

    old = Device(tmp_path / "old")  # an old store moves its key into the keyring
    old_raw = make_old_format(old.store)
    del memory_keyring.entries[(service, old.store.device_id)]
    moved = Store.open(old.store.data_dir.root)
    assert memory_keyring.entries[(service, old.store.device_id)] == base64.b64encode(
        old_raw
    ).decode("ascii")
    assert files_holding_the_key(old.store.data_dir.root, old_raw) == []
    moved.close()

    memory_keyring.entries.clear()  # the same file on a laptop whose keyring never had it
    with pytest.raises(StoreError, match="signing_key_missing"):
        Store.open(root).device_identity()


def test_sync_needs_no_passphrase_for_the_key(device: Device, hub: BackgroundHub) -> None:
    ids = device.register(2)
    locked = Store.open(device.store.data_dir.root)  # no operator has unlocked this one
    assert isinstance(locked.device_identity().private_key, Ed25519PrivateKey)
    assert SyncEngine(locked, HubClient(locked.sync_settings())).sync_once().complete
    assert sorted(hub_ids(hub.hub)) == sorted(ids)
    locked.close()
