"""Issue 9, item 5: the hub's private keys (the HPKE key that opens every packet, the Ed25519
key that certifies devices and signs receipts) are not in hub.db. They live in a key file,
wrapped by the hub passphrase; a copy of hub.db (and its WAL) alone reveals and certifies
nothing, and an old hub's clear keys are moved out and their bytes erased."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from fieldreg.store.database import connect, transaction, write_meta
from sync.hub.hub import HUB_DB, Hub
from sync.hub.keys import CLEAR_KEY_META, HubKeyError, HubKeys, KeyCustody, default_key_file
from sync.hub.server import BackgroundHub
from sync.hub.storage.sqlite import SqliteStorage
from tests.cli_runner import HUB_PASSPHRASE, hub_cli, hub_env
from tests.factories import FAST_KDF
from tests.sync_support import Device, hub_ids

HUB_COMMAND = [sys.executable, "-c", "from sync.hub.cli import main; raise SystemExit(main())"]


def custody(hub_dir: Path, passphrase: str = HUB_PASSPHRASE) -> KeyCustody:
    return KeyCustody(default_key_file(hub_dir), passphrase, FAST_KDF)


def database_bytes(hub_dir: Path) -> bytes:
    """hub.db and whatever its WAL holds, as a copy of the folder would have them."""
    files = (hub_dir / HUB_DB, hub_dir / f"{HUB_DB}-wal")
    return b"".join(path.read_bytes() for path in files if path.exists())


def leaked(blob: bytes, keys: HubKeys) -> list[str]:
    """The private keys found in `blob`, raw or base64 (as old hubs kept them)."""
    return [
        name for name, raw in keys.secrets().items() if raw in blob or base64.b64encode(raw) in blob
    ]


def make_old_hub(hub_dir: Path) -> HubKeys:
    """A hub.db as hubs before the key file left it: the private keys in clear in `meta`."""
    Hub(hub_dir, None).close()  # the schema, no keys
    keys = HubKeys.generate()
    db = connect(hub_dir / HUB_DB)
    with transaction(db):
        for name, raw in keys.secrets().items():
            write_meta(db, name, base64.b64encode(raw).decode("ascii"))
    db.close()
    return keys


def test_a_new_hub_keeps_no_private_key_in_its_database(tmp_path: Path) -> None:
    hub_dir = tmp_path / "hub"
    hub = Hub(hub_dir, custody(hub_dir))
    try:
        assert leaked(database_bytes(hub_dir), hub.keys) == []  # while open, WAL included
        key_file = default_key_file(hub_dir)
        assert key_file.stat().st_mode & 0o777 == 0o600
        assert leaked(key_file.read_bytes(), hub.keys) == []  # wrapped, not in clear
        assert json.loads(key_file.read_text())["fingerprint"] == hub.fingerprint
    finally:
        hub.close()
    assert leaked(database_bytes(hub_dir), hub.keys) == []


def test_an_old_hubs_clear_keys_move_to_the_key_file_and_leave_no_bytes(tmp_path: Path) -> None:
    hub_dir = tmp_path / "hub"
    old = make_old_hub(hub_dir)
    assert sorted(leaked(database_bytes(hub_dir), old)) == sorted(
        CLEAR_KEY_META
    )  # the search works
    hub = Hub(hub_dir, custody(hub_dir))
    try:
        assert hub.fingerprint == old.fingerprint  # the same hub: enrolled devices still trust it
        assert leaked(database_bytes(hub_dir), old) == []
    finally:
        hub.close()
    assert leaked(database_bytes(hub_dir), old) == []
    again = Hub(hub_dir, custody(hub_dir))  # from the key file now
    assert again.fingerprint == old.fingerprint
    again.close()


def test_a_copied_hub_db_without_the_key_file_opens_no_packet(
    tmp_path: Path, device: Device, hub: BackgroundHub
) -> None:
    ids = device.register(2)
    assert device.engine().sync_once().complete
    copy = tmp_path / "stolen"
    copy.mkdir()
    for name in (HUB_DB, f"{HUB_DB}-wal"):
        if (hub.hub.data_dir / name).exists():
            shutil.copy(hub.hub.data_dir / name, copy / name)
    assert leaked(database_bytes(copy), hub.hub.keys) == []
    for passphrase in (HUB_PASSPHRASE, "a guess at the passphrase"):
        with pytest.raises(HubKeyError) as refused:
            Hub(copy, custody(copy, passphrase))
        assert refused.value.code == "hub_keys_missing"  # and no new keys were made for it
    assert not default_key_file(copy).exists()
    exported = hub_cli(copy, "export")
    assert exported.returncode == 1 and exported.stdout == ""
    assert exported.stderr.count("\n") == 1 and "(hub_keys_missing)" in exported.stderr
    assert sorted(hub_ids(hub.hub)) == sorted(ids)  # the real hub still opens them


def test_a_wrong_passphrase_or_another_hubs_key_file_is_refused(tmp_path: Path) -> None:
    hub_dir, other_dir = tmp_path / "hub", tmp_path / "other"
    Hub(hub_dir, custody(hub_dir)).close()
    with pytest.raises(HubKeyError) as wrong:
        Hub(hub_dir, custody(hub_dir, "not-the-hub-passphrase"))
    assert wrong.value.code == "hub_wrong_passphrase"
    Hub(other_dir, custody(other_dir)).close()
    with pytest.raises(HubKeyError) as mismatch:
        Hub(hub_dir, KeyCustody(default_key_file(other_dir), HUB_PASSPHRASE, FAST_KDF))
    assert mismatch.value.code == "hub_keys_mismatch"


def run_hub(
    hub_dir: Path, *args: str, passphrase: str | None = HUB_PASSPHRASE
) -> subprocess.CompletedProcess[str]:
    """`fieldreg-hub ARGS` with no terminal; `passphrase` None: no FIELDREG_HUB_PASSPHRASE."""
    return hub_cli(hub_dir, *args, passphrase=False if passphrase is None else passphrase)


def test_the_cli_refuses_a_wrong_weak_or_missing_passphrase_in_one_line(tmp_path: Path) -> None:
    hub_dir = tmp_path / "hub"
    weak = run_hub(hub_dir, "token", passphrase="aaaaaaaaaa")
    assert weak.returncode == 1 and weak.stderr.count("\n") == 1
    assert "(weak_passphrase)" in weak.stderr
    assert not default_key_file(hub_dir).exists()
    assert run_hub(hub_dir, "token").returncode == 0  # the first start sets the passphrase
    wrong = run_hub(hub_dir, "export", passphrase="not-the-hub-passphrase")
    assert wrong.returncode == 1 and wrong.stdout == "" and wrong.stderr.count("\n") == 1
    assert "does not unlock" in wrong.stderr and "(hub_wrong_passphrase)" in wrong.stderr
    locked = run_hub(hub_dir, "export", passphrase=None)
    assert locked.returncode == 1 and locked.stderr.count("\n") == 1
    assert "FIELDREG_HUB_PASSPHRASE" in locked.stderr and "(hub_passphrase_needed)" in locked.stderr
    listed = run_hub(hub_dir, "devices", passphrase=None)  # needs no private key
    assert listed.returncode == 0, listed.stderr


def test_serve_unlocks_with_the_passphrase_from_the_environment(tmp_path: Path) -> None:
    hub_dir, key_file = tmp_path / "hub", tmp_path / "kept-apart" / "hub-keys.json"
    process = subprocess.Popen(
        [*HUB_COMMAND, "serve", "--host", "127.0.0.1", "--port", "0", "--key-file", str(key_file)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=hub_env(hub_dir),
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # printed once the socket listens
        assert "listening on http://127.0.0.1:" in line, process.stderr
        url = line.split("listening on ")[1].split()[0]
        info = requests.get(f"{url}/v1/hub", timeout=10).json()
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert info["fingerprint"] == json.loads(key_file.read_text())["fingerprint"]
    assert not default_key_file(hub_dir).exists()  # the key file is where the operator said
    storage = SqliteStorage.open(hub_dir)
    keys = KeyCustody(key_file, HUB_PASSPHRASE).unlock(storage)
    storage.close()
    assert leaked(database_bytes(hub_dir), keys) == []
