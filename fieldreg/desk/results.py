"""What the Desk's use cases answer: typed results, each saying what it changed.

Like Anki's `OpChanges`: a front end does not guess what to refresh after an operation; the
result's `changes` names what moved, and each screen decides whether that concerns it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from fieldreg.record import Registration
from fieldreg.store.key_rotation import Progress
from fieldreg.store.operators import Operator
from fieldreg.store.salvage import BackupSummary
from fieldreg.store.session import RecordVersion, StoredRegistration
from fieldreg.store.sync_settings import SyncSettings
from fieldreg.transfer.media import FileProblem


@dataclass(frozen=True, slots=True)
class Changes:
    registrations: bool = False
    drafts: bool = False
    operators: bool = False
    settings: bool = False
    enrolment: bool = False
    outbox: bool = False  # what waits for the hub, or its acknowledgements
    sync_log: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            **{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)}
        )

    def any(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


NOTHING = Changes()


@dataclass(frozen=True, slots=True)
class FiguresRecount:
    """A full recount from the decrypted records: its figures (not suppressed), whether the
    aggregate table matched it (it was rebuilt from the recount where not), and how long the
    recount took."""

    matches: bool
    figures: dict[str, Any]
    seconds: float
    changes: Changes = NOTHING


@dataclass(frozen=True, slots=True)
class Created:
    """A new store with its first coordinator."""

    recovery_key: str
    operator: Operator


@dataclass(frozen=True, slots=True)
class Invalid:
    """The input is not a registration: field -> error code. Nothing was saved."""

    errors: dict[str, str]
    changes: Changes = NOTHING


@dataclass(frozen=True, slots=True)
class DuplicatesFound:
    """Registrations with the same ID number or phone: (registration, field). Nothing was
    saved; registering anyway needs a reason."""

    matches: list[tuple[StoredRegistration, str]]
    openable: bool = True  # may this operator open the first match (their own, or a coordinator)
    changes: Changes = NOTHING


@dataclass(frozen=True, slots=True)
class Registered:
    stored: StoredRegistration
    disk_low: bool = False  # saved, but the disk is nearly full: the screen warns
    changes: Changes = Changes(registrations=True, drafts=True, outbox=True)


@dataclass(frozen=True, slots=True)
class InputProblem:
    """One problem in a batch of input records. `number` is the record's place in the input
    (0: the input as a whole); `field` is empty when the problem is not one field's."""

    number: int
    code: str
    field: str = ""
    detail: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BatchChecked:
    """Every input record checked: the records, or the problems (then nothing is saved)."""

    records: list[Registration]
    problems: list[InputProblem]


@dataclass(frozen=True, slots=True)
class RecordDetail:
    stored: StoredRegistration
    history: list[RecordVersion]


@dataclass(frozen=True, slots=True)
class Corrected:
    version: int
    changes: Changes = Changes(registrations=True, outbox=True)


@dataclass(frozen=True, slots=True)
class Draft:
    id: str
    updated_at: str
    event: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class DraftSaved:
    id: str
    changes: Changes = Changes(drafts=True)


@dataclass(frozen=True, slots=True)
class OperatorsChanged:
    """After a disable or a reset the data key was rotated: `reprotecting` says how far the
    re-encryption is (the front end keeps calling `Desk.reprotect` until it is finished);
    `new_recovery_key` is set when the old one could not be carried over (show it once, as
    at init); `needs_reset` names operators who lost access and need a new passphrase."""

    operators: list[Operator]
    reprotecting: Progress | None = None
    new_recovery_key: str | None = None
    needs_reset: tuple[str, ...] = ()
    changes: Changes = Changes(operators=True)


@dataclass(frozen=True, slots=True)
class DeviceSettings:
    """What a coordinator sets for the whole laptop."""

    idle_lock_minutes: int
    sync: SyncSettings
    enrolled: bool
    backup_every: int = 200  # registrations between rolling backups
    # enrolled, but the signing key is lost: a coordinator enrols again with a re-key code
    # from the hub administrator, who needs this device id for it
    rekey_needed: bool = False
    device_id: str = ""


@dataclass(frozen=True, slots=True)
class SettingsSaved:
    settings: DeviceSettings
    changes: Changes = Changes(settings=True)


@dataclass(frozen=True, slots=True)
class Enrolled:
    hub_url: str
    fingerprint: str
    sealed_backlog: int
    settings: DeviceSettings
    changes: Changes = Changes(enrolment=True, settings=True, outbox=True)


@dataclass(frozen=True, slots=True)
class MediaState:
    enrolled: bool
    pending: int  # sealed registrations waiting for a receipt


@dataclass(frozen=True, slots=True)
class MediaExported:
    files: int
    state: MediaState
    changes: Changes = Changes(outbox=True, sync_log=True)


@dataclass(frozen=True, slots=True)
class ReceiptsImported:
    applied: int
    accepted: int
    duplicate: int
    rejected: int
    other_device: int  # receipts for other laptops sharing the stick: left alone
    problems: list[FileProblem]  # the rest: files that did not verify or did not fit
    state: MediaState
    changes: Changes = Changes(registrations=True, outbox=True, sync_log=True)


@dataclass(frozen=True, slots=True)
class RepairChoices:
    """What a coordinator can do about a damaged store: who may do it, and the newest backup
    (None when there is none)."""

    coordinators: list[str]
    backup: BackupSummary | None


@dataclass(frozen=True, slots=True)
class BackupRestored:
    backup: Path  # the backup now in place
    aside: Path  # the file it replaced, kept
