"""Owner-only files: whatever the umask, nothing FieldReg keeps on disk is readable by others.

A shared laptop or hub server has other accounts; the store, its WAL, its backups, the hub's
database and folders must stay 0600/0700 even when the process runs with umask 000 and the
folder was made beforehand by someone else's habits (0755)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldreg.store.database import DataDir, take_backup
from sync.hub.server import BackgroundHub
from tests.factories import FakeClock
from tests.sync_support import Device


@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def readable_by_others(root: Path) -> list[str]:
    found = []
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode & 0o077:
            found.append(f"{path.relative_to(root.parent)} {mode:o}")
    return found


def test_store_hub_and_backups_stay_owner_only_under_umask_000(
    tmp_path: Path, open_umask: None
) -> None:
    del open_umask
    device_root, hub_root = tmp_path / "device", tmp_path / "hub"
    device_root.mkdir(mode=0o755)
    hub_root.mkdir(mode=0o755)
    with BackgroundHub(hub_root) as hub:
        device = Device(device_root, FakeClock())
        device.enrol(hub.hub, hub.url)
        device.register(3)
        device.engine().sync_once()
        take_backup(device.store.db, DataDir(device_root), "test", FakeClock()())
        assert (device_root / "fieldreg.db-wal").exists()  # the WAL is checked too
        assert readable_by_others(device_root) == []
        assert readable_by_others(hub_root) == []
