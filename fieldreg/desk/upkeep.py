"""Looking after the store file: rolling backups as the Desk registers, and a coordinator's
repairs of a damaged store (restore the newest backup, salvage), which work without opening
the store, since a damaged one may not open."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from fieldreg.desk.disk_space import DiskLimits
from fieldreg.desk.results import BackupRestored, RepairChoices
from fieldreg.errors import FieldRegError
from fieldreg.store.database import DataDir, StoreError, drop_backups_except, storage_boundary
from fieldreg.store.salvage import (
    Salvaged,
    coordinators,
    login_for_repair,
    newest_backup,
    restore,
    salvage,
    store_is_healthy,
)
from fieldreg.store.store import Store

BACKUP_EVERY = "backup_every"
log = logging.getLogger(__name__)


class RollingBackups:
    """A backup after every `backup_every` registrations of the device, at logout and at
    close when anything was registered since, and one in place of all the others once a
    rotation's re-encryption is done. Taking one never fails the use case that asked: its
    records are already saved, and a disk too full for the copy keeps the last backups."""

    def __init__(self, data_dir: Path, disk: DiskLimits) -> None:
        self._data_dir = data_dir
        self._disk = disk
        self.pending = 0  # registrations made through this Desk since its last backup

    def registered(self, store: Store, count: int) -> None:
        self.pending += count
        every = store.device_setting(BACKUP_EVERY)
        made = store.registrations_made()
        if made // every != (made - count) // every:
            self.take(store, f"after-{made}")

    def take(self, store: Store, label: str) -> Path | None:
        try:
            with storage_boundary(self._data_dir):
                path = store.take_backup(label, keep_free=self._disk.floor)
        except (FieldRegError, OSError) as error:
            log.warning("backup %s not taken: %s", label, getattr(error, "code", error))
            return None
        self.pending = 0
        log.info("backup %s taken", path.name)
        return path

    def replace_all(self, store: Store) -> None:
        """After a rotation: the backups under earlier keys open with the passphrase of
        whoever was disabled; one taken now takes their place."""
        kept = self.take(store, "rekeyed")
        if kept is not None:
            drop_backups_except(DataDir(self._data_dir), kept)


def restore_latest_backup(
    root: Path, operator: str, passphrase: str, *, force: bool, now: dt.datetime
) -> BackupRestored:
    """The newest backup in place of the store file (the old file kept aside): a
    coordinator's login; a store that reads without damage only with `force`; audited in
    the restored file."""
    data_dir = DataDir(root)
    backups = data_dir.backups()
    if not backups:
        raise StoreError("no_backup", path=str(data_dir.backup_dir))
    with storage_boundary(root):
        login_for_repair(data_dir, operator, passphrase, now, backups[0])
        if not force and data_dir.db_path.exists() and store_is_healthy(data_dir, now):
            raise StoreError("store_healthy", path=str(data_dir.db_path))
        aside = restore(data_dir, backups[0], actor=operator, forced=force, now=now)
    return BackupRestored(backups[0], aside)


def salvage_store(
    root: Path, operator: str, passphrase: str, *, out: Path | None, now: dt.datetime
) -> Salvaged:
    """A store rebuilt from every row that still reads (see fieldreg.store.salvage): in
    place, the damaged file kept aside, or into the data directory `out`. A coordinator's
    login; audited in the new file."""
    data_dir = DataDir(root)
    if not data_dir.db_path.exists():
        raise StoreError("not_initialised", path=str(root))
    with storage_boundary(root):
        login_for_repair(data_dir, operator, passphrase, now, None)
        return salvage(data_dir, actor=operator, now=now, out=DataDir(out) if out else None)


def repair_coordinators(root: Path) -> list[str]:
    """Who may restore or salvage, read even from a store that does not open."""
    return coordinators(DataDir(root))


def repair_choices(root: Path) -> RepairChoices:
    """Who may repair, and the newest backup to restore (when taken, and how many
    registrations since it would be lost)."""
    data_dir = DataDir(root)
    return RepairChoices(coordinators(data_dir), newest_backup(data_dir))
