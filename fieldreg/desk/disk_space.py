"""Free space on the disk that holds the store, checked before every registration.

Below the floor the Desk refuses to start a registration (`disk_nearly_full`), so a record is
never begun on a disk that cannot hold it and its backup; below the warning level it still
registers and says so, so the registrar can ask for space while there is time. The disk can
still fill between two checks (another program writing): SQLite then answers `disk_full` and
keeps every record already saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fieldreg.store.database import StoreError, free_bytes

MIB = 1 << 20
FLOOR_BYTES = 64 * MIB  # a registration needs a few kB; a backup, the store's size again
WARNING_BYTES = 512 * MIB


@dataclass(frozen=True, slots=True)
class DiskLimits:
    floor: int = FLOOR_BYTES
    warning: int = WARNING_BYTES


@dataclass(frozen=True, slots=True)
class DiskSpace:
    """Free bytes on the store's disk, and whether that is below the warning level."""

    free: int
    low: bool

    @property
    def free_mb(self) -> int:
        return self.free // MIB


def disk_space(root: Path, limits: DiskLimits) -> DiskSpace:
    free = free_bytes(root)
    return DiskSpace(free, free < limits.warning)


def space_to_register(root: Path, limits: DiskLimits) -> DiskSpace:
    """The space, or `disk_nearly_full` when it is below the floor."""
    space = disk_space(root, limits)
    if space.free < limits.floor:
        raise StoreError("disk_nearly_full", path=str(root), free_mb=space.free_mb)
    return space
