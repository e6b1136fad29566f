"""The Desk: every use case a front end offers, in one place, for the app and the CLI alike.

It owns the store and the session: opening, creating, unlocking, locking and closing them.
Each use case checks its input, the operator's permission and writes the audit entry, then
answers with a typed result (fieldreg.desk.results) that says what changed. Nothing from
sqlite3 leaves it: storage failures become `damaged`, `disk_full` or `store_busy`.

A Desk is used from one thread at a time: in the app, the store worker; in the CLI, the main
thread. Network work (contacting a hub) happens outside it, between two of its calls.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fieldreg.clock import Clock, utc_now
from fieldreg.desk import upkeep
from fieldreg.desk.disk_space import DiskLimits, DiskSpace, disk_space, space_to_register
from fieldreg.desk.results import (
    BackupRestored,
    BatchChecked,
    Corrected,
    Created,
    DeviceSettings,
    Draft,
    DraftSaved,
    DuplicatesFound,
    Enrolled,
    FiguresRecount,
    InputProblem,
    Invalid,
    MediaExported,
    MediaState,
    OperatorsChanged,
    ReceiptsImported,
    RecordDetail,
    Registered,
    RepairChoices,
    SettingsSaved,
)
from fieldreg.desk.settings import check_sync_settings
from fieldreg.desk.sync_log import LogFilter, filter_attempts
from fieldreg.desk.upkeep import BACKUP_EVERY, RollingBackups
from fieldreg.exports import sync_log_text
from fieldreg.files import SHARED, write_atomic, write_text_atomic
from fieldreg.gazetteer import load_gazetteer
from fieldreg.indicators import outputs
from fieldreg.indicators.channels import Channel
from fieldreg.indicators.evaluate import suppressed
from fieldreg.indicators.scope import FigureScope
from fieldreg.json_input import InputItem
from fieldreg.receipts.layout import PAPERS, ReceiptContent, receipt_content
from fieldreg.record import Registration, ValidationResult
from fieldreg.store.administration import DEVICE_SETTINGS
from fieldreg.store.audit import AuditCheck
from fieldreg.store.crypto import KdfParams
from fieldreg.store.database import (
    DB_FILENAME,
    StoreError,
    storage_boundary,
)
from fieldreg.store.key_rotation import Progress, Rotation
from fieldreg.store.operators import Operator
from fieldreg.store.outbox import SyncAttempt
from fieldreg.store.salvage import (
    Salvaged,
)
from fieldreg.store.session import DEFAULT_CHANNEL, DraftInfo, Session, StoredRegistration
from fieldreg.store.store import Store
from fieldreg.store.sync_settings import SyncSettings
from fieldreg.transfer import media
from fieldreg.transfer.enrolment import (
    EnrolmentRequest,
    HubAnswer,
    HubLinks,
    complete_enrolment,
    contact_hub,
    prepare_enrolment,
)

P = ParamSpec("P")
T = TypeVar("T")
IDLE_LOCK = "idle_lock_minutes"
log = logging.getLogger(__name__)


def _storage_boundary(method: Callable[P, T]) -> Callable[P, T]:
    """Turn any SQLite failure inside a use case into the store's coded error."""

    @functools.wraps(method)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> T:
        desk = args[0]
        assert isinstance(desk, Desk)
        with storage_boundary(desk.data_dir):
            return method(*args, **kwargs)

    return guarded


class Desk:
    def __init__(
        self,
        data_dir: Path,
        *,
        clock: Clock = utc_now,
        kdf: KdfParams | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        disk: DiskLimits | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.clock = clock
        self._kdf = kdf
        self._monotonic = monotonic
        self._disk = disk or DiskLimits()
        self._store: Store | None = None
        self._session: Session | None = None
        self._backups = RollingBackups(data_dir, self._disk)

    # -- the store and the session ---------------------------------------------------------

    def store_exists(self) -> bool:
        return self._store is not None or (self.data_dir / DB_FILENAME).exists()

    @property
    def _opened(self) -> Store:
        if self._store is None:
            with storage_boundary(self.data_dir):
                self._store = Store.open(self.data_dir, clock=self.clock, kdf=self._kdf)
        return self._store

    @property
    def _unlocked(self) -> Session:
        if self._session is None:
            raise StoreError("locked")
        return self._session

    @property
    def operator(self) -> Operator | None:
        return self._session.operator if self._session else None

    @property
    def device_id(self) -> str:
        return self._opened.device_id

    @_storage_boundary
    def create(self, operator: str, passphrase: str) -> Created:
        """A new store with its first coordinator (still locked: `unlock` logs them in); the
        recovery key is shown once."""
        store, recovery_key = Store.create(
            self.data_dir, operator=operator, passphrase=passphrase, clock=self.clock, kdf=self._kdf
        )
        self.close()
        self._store = store
        first = next(op for op in store.operators() if op.name == operator)
        return Created(recovery_key, first)

    @_storage_boundary
    def unlock(self, operator: str, passphrase: str) -> Operator:
        self._session = self._opened.unlock(operator, passphrase)
        return self._session.operator

    @_storage_boundary
    def recover(self, recovery_key: str, operator: str, new_passphrase: str) -> Operator:
        self._session = self._opened.recover(recovery_key, operator, new_passphrase)
        return self._session.operator

    def lock(self) -> None:
        """Log out; what was registered since the last backup is backed up first."""
        if self._backups.pending and self._store is not None:
            self._backups.take(self._store, "logout")
        self._session = None

    def close(self) -> None:
        if self._backups.pending and self._store is not None:
            self._backups.take(self._store, "close")
        self._drop_store()

    def _drop_store(self) -> None:
        """Close without a backup: before a repair, the live file may be the damaged one, and
        a copy of it must never become the newest backup."""
        self._session = None
        if self._store is not None:
            self._store.close()
            self._store = None

    @_storage_boundary
    def trusted_hub_key(self) -> Ed25519PublicKey | None:
        """The hub's signing key pinned at enrolment (checks receipts); no unlock needed."""
        return self._opened.trusted_hub_signing_key()

    @_storage_boundary
    def operators(self) -> list[Operator]:
        return self._opened.operators()

    @_storage_boundary
    def registration_count(self) -> int:
        return self._opened.registration_count()

    # -- registering -----------------------------------------------------------------------

    def validate(self, raw: Any) -> ValidationResult:
        return self._unlocked.validate(raw)

    @_storage_boundary
    def register(
        self,
        raw: Any,
        *,
        event: str = "",
        channel: Channel = DEFAULT_CHANNEL,
        duplicate_reason: str | None = None,
        draft_id: str | None = None,
    ) -> Registered | DuplicatesFound | Invalid:
        """Validate, look for duplicates and finalise one registration (the form's Save).
        A possible duplicate is registered only with a reason, which is kept with it."""
        session = self._unlocked
        result = session.validate(raw)
        if result.record is None:
            return Invalid(dict(result.errors))
        space = space_to_register(self.data_dir, self._disk)
        try:
            new_id = session.register(
                result.record,
                event=event,
                channel=channel,
                duplicate_reason=duplicate_reason or None,
                draft_id=draft_id,
            )
        except StoreError as error:
            if error.code != "duplicate":
                raise
            found = [(session.get(m.registration_id), m.field) for m in error.detail["matches"]]
            me = session.operator
            return DuplicatesFound(found, me.is_coordinator or found[0][0].operator == me.name)
        self._backups.registered(self._opened, 1)
        return Registered(session.get(new_id), disk_low=space.low)

    @_storage_boundary
    def check_batch(
        self, items: Iterable[InputItem], *, allow_duplicates: bool = False
    ) -> BatchChecked:
        """Every input record validated and looked up (in the store and within the input):
        the records, or every problem found, before anything is saved."""
        session = self._unlocked
        records: list[Registration] = []
        problems: list[InputProblem] = []
        seen: dict[bytes, int] = {}
        for item in items:
            if item.error:
                problems.append(InputProblem(item.number, item.error, detail={"why": item.detail}))
                continue
            result = session.validate(item.value)
            if result.record is None:
                problems += [
                    InputProblem(item.number, code, field)
                    for field, code in sorted(result.errors.items())
                ]
                continue
            records.append(result.record)
            if allow_duplicates:
                continue
            for match in session.find_duplicates(result.record):
                problems.append(
                    InputProblem(
                        item.number, "duplicate", match.field, {"of": match.registration_id}
                    )
                )
            fields = ("id_number", "phone")
            for field, index in zip(fields, session.indexes(result.record), strict=True):
                if index is not None and index in seen:
                    problems.append(
                        InputProblem(item.number, "duplicate", field, {"input": seen[index]})
                    )
                elif index is not None:
                    seen[index] = item.number
        return BatchChecked(records, problems)

    @_storage_boundary
    def register_batch(
        self,
        records: list[Registration],
        *,
        event: str = "",
        channel: Channel = DEFAULT_CHANNEL,
        duplicate_reason: str | None = None,
        on_commit: Callable[[list[str]], None] | None = None,
    ) -> list[str]:
        """Finalise records already checked by `check_batch`, durable in chunks; `on_commit`
        hears each chunk's ids once it is on disk. Duplicates are looked up again under the
        write lock, so a record another desk process saved meanwhile is not let through."""
        session = self._unlocked
        space_to_register(self.data_dir, self._disk)
        ids = session.register_many(
            records,
            event=event,
            channel=channel,
            duplicate_reason=duplicate_reason,
            on_commit=on_commit,
        )
        self._backups.registered(self._opened, len(ids))
        return ids

    # -- free space ------------------------------------------------------------------------

    def disk_space(self) -> DiskSpace:
        """Free space on the store's disk, for the status bar (no store or login needed)."""
        return disk_space(self.data_dir, self._disk)

    # -- drafts ----------------------------------------------------------------------------

    @_storage_boundary
    def save_draft(self, data: dict[str, Any], *, draft_id: str | None, event: str) -> DraftSaved:
        return DraftSaved(self._unlocked.save_draft(data, draft_id=draft_id, event=event))

    @_storage_boundary
    def load_draft(self, draft_id: str) -> Draft:
        found = [draft for draft in self._unlocked.drafts() if draft.id == draft_id]
        if not found:
            raise StoreError("not_found", id=draft_id[:40])
        return self._opened_draft(found[0])

    @_storage_boundary
    def newest_draft(self) -> Draft | None:
        drafts = self._unlocked.drafts()
        return self._opened_draft(drafts[-1]) if drafts else None

    @_storage_boundary
    def drafts(self) -> list[Draft]:
        return [self._opened_draft(info) for info in self._unlocked.drafts()]

    def _opened_draft(self, info: DraftInfo) -> Draft:
        """A draft's listing plus its decrypted form."""
        return Draft(info.id, info.updated_at, info.event, self._unlocked.load_draft(info.id))

    @_storage_boundary
    def discard_draft(self, draft_id: str) -> None:
        self._unlocked.discard_draft(draft_id)

    # -- registrations and corrections -----------------------------------------------------

    @_storage_boundary
    def registrations(self, *, status: str | None = None) -> list[StoredRegistration]:
        """This operator's registrations (the whole device for a coordinator), oldest first."""
        return list(self._unlocked.registrations(status=status))

    @_storage_boundary
    def export_registrations(self, *, status: str | None, what: str) -> list[StoredRegistration]:
        """Registrations leaving the store (a listing, a file): the audit log says who and
        how many."""
        rows = self.registrations(status=status)
        self._unlocked.note_export(what, len(rows))
        return rows

    def _readable(self, registration_id: str) -> StoredRegistration:
        """A registrar reads their own registrations; a coordinator, the whole device's.
        Another registrar's record is answered as not found (its id says nothing more)."""
        session = self._unlocked
        stored = session.get(registration_id)
        if not session.operator.is_coordinator and stored.operator != session.operator.name:
            raise StoreError("not_found", id=registration_id[:40])
        return stored

    @_storage_boundary
    def registration(self, registration_id: str) -> RecordDetail:
        stored = self._readable(registration_id)
        return RecordDetail(stored, self._unlocked.history(registration_id))

    @_storage_boundary
    def correct(self, registration_id: str, raw: Any, *, reason: str) -> Corrected | Invalid:
        session = self._unlocked
        result = session.validate(raw)
        if result.record is None:
            return Invalid(dict(result.errors))
        return Corrected(session.correct(registration_id, result.record, reason=reason))

    # -- M&E figures (no personal data) -----------------------------------------------------

    @_storage_boundary
    def figures(self, scope: FigureScope) -> dict[str, Any]:
        """Every indicator for `scope` from the aggregate table, NOT suppressed: for the screen
        of whoever is logged in. Anything written for others goes through `export_figures`."""
        return self._unlocked.figures(scope)

    @_storage_boundary
    def figure_events(self) -> list[str]:
        """The events this device registered people at, the most recent first."""
        return self._unlocked.figure_events()

    def _coordinator(self, action: str) -> Session:
        session = self._unlocked
        if not session.operator.is_coordinator:
            raise StoreError("not_permitted", action=action)
        return session

    @_storage_boundary
    def recount_figures(self, scope: FigureScope | None = None) -> FiguresRecount:
        """Count everything again from the decrypted records (coordinators); the aggregate
        table is rebuilt from the recount if it differs. Slow at scale: run it off the UI."""
        session = self._coordinator("recount")
        started = self._monotonic()
        figures, matches = session.recount_figures(scope or FigureScope())
        return FiguresRecount(matches, figures, self._monotonic() - started)

    def export_figures(
        self, scope: FigureScope, fmt: str, path: Path, *, language: str = "en"
    ) -> int:
        """The figures with small cells suppressed, as json, csv or pdf, written to `path`
        (coordinators; audited). Returns the bytes written."""
        data = self.figures_file(scope, fmt, language=language)
        write_atomic(path, data, mode=SHARED)
        return len(data)

    @_storage_boundary
    def figures_file(self, scope: FigureScope, fmt: str, *, language: str = "en") -> bytes:
        """What `export_figures` writes (the CLI prints it when given no file)."""
        session = self._coordinator("export")
        figures = session.figures(scope)
        data = outputs.render(suppressed(figures), fmt, language=language)
        session.note_export(f"figures/{fmt}", outputs.registrations(figures))
        return data

    # -- receipts --------------------------------------------------------------------------

    @_storage_boundary
    def receipt_content(self, registration_id: str) -> ReceiptContent:
        """What the receipt says, signed by this device (its QR verifies offline)."""
        stored = self._readable(registration_id)
        return receipt_content(stored, self._opened.device_identity(), load_gazetteer())

    def render_receipt(self, registration_id: str, kind: str, *, paper: str = "a6") -> bytes:
        """The receipt as a PNG or a PDF; the same bytes in the app, the CLI and print."""
        return _render(kind, self.receipt_content(registration_id), paper)

    @_storage_boundary
    def save_receipt(
        self, registration_id: str, files: dict[str, Path], *, paper: str = "a6"
    ) -> dict[str, Path]:
        """Write the receipt to files (kind -> path), owner-only: a receipt names a person.
        Everything is drawn before anything is written, so a failure leaves no file."""
        content = self.receipt_content(registration_id)
        drawn = {kind: (path, _render(kind, content, paper)) for kind, path in files.items()}
        for path, data in drawn.values():
            write_atomic(path, data)
        self._unlocked.note_export("receipt", 1)
        return {kind: path for kind, (path, _data) in drawn.items()}

    # -- operators -------------------------------------------------------------------------

    @_storage_boundary
    def add_operator(self, name: str, role: str, passphrase: str) -> OperatorsChanged:
        self._unlocked.add_operator(name, role, passphrase)
        return OperatorsChanged(self._opened.operators())

    @_storage_boundary
    def reset_operator(self, name: str, passphrase: str) -> OperatorsChanged:
        """A new passphrase; the data key is rotated so the old passphrase reads nothing more."""
        return self._operators_changed(self._unlocked.reset_operator(name, passphrase))

    @_storage_boundary
    def set_operator_disabled(self, name: str, disabled: bool) -> OperatorsChanged:
        """Disabling rotates the data key: a copy of the file and the old passphrase read
        nothing once the re-encryption (`reprotect`) has finished."""
        return self._operators_changed(self._unlocked.set_operator_disabled(name, disabled))

    def _operators_changed(self, rotation: Rotation | None) -> OperatorsChanged:
        operators = self._opened.operators()
        if rotation is None:
            return OperatorsChanged(operators)
        return OperatorsChanged(
            operators,
            self._unlocked.rotation_progress(),
            rotation.new_recovery_key,
            tuple(rotation.needs_reset),
        )

    @_storage_boundary
    def rotation_progress(self) -> Progress | None:
        """How far re-protecting records under the current data key is; None when locked."""
        return self._session.rotation_progress() if self._session else None

    @_storage_boundary
    def reprotect(self) -> Progress:
        """Re-encrypt one short chunk under the current data key (after a rotation). Call
        again until `finished`; registering between two calls waits for one chunk at most.
        After the last chunk, the backups taken under earlier keys (which a disabled
        operator's passphrase still opens) give way to one taken now."""
        progress = self._unlocked.reprotect()
        if progress.retired_now:
            self._backups.replace_all(self._opened)
        return progress

    @_storage_boundary
    def recover_operator(self, recovery_key: str, name: str, passphrase: str) -> None:
        """The recovery key sets a coordinator's passphrase (no one is logged in)."""
        self._opened.recover(recovery_key, name, passphrase)

    # -- device settings -------------------------------------------------------------------

    @_storage_boundary
    def device_settings(self) -> DeviceSettings:
        store = self._opened
        return DeviceSettings(
            store.device_setting(IDLE_LOCK),
            store.sync_settings(),
            store.trusted_hub_signing_key() is not None,
            store.device_setting(BACKUP_EVERY),
            store.signing_key_lost(),
            store.device_id,
        )

    @_storage_boundary
    def save_device_settings(
        self, idle_lock_minutes: int, sync: SyncSettings, *, backup_every: int | None = None
    ) -> SettingsSaved:
        """Checked, coordinators only, audited; only what changed is written. `backup_every`:
        a rolling backup after every this many registrations (unchanged when None)."""
        session = self._unlocked
        if not session.operator.is_coordinator:
            raise StoreError("not_permitted", action="settings")
        current = self.device_settings()
        errors = check_sync_settings(sync, enrolled=current.enrolled)
        if errors:
            raise StoreError("invalid_settings", fields=errors)
        if current.idle_lock_minutes != idle_lock_minutes:
            session.set_device_setting(IDLE_LOCK, idle_lock_minutes)
        if current.sync != sync:
            session.set_sync_settings(sync)
        if backup_every is not None and current.backup_every != backup_every:
            session.set_device_setting(BACKUP_EVERY, backup_every)
        return SettingsSaved(self.device_settings())

    # -- enrolment with a hub --------------------------------------------------------------

    @_storage_boundary
    def enrolment_request(self, text: str, *, hub_url: str | None = None) -> EnrolmentRequest:
        """Step one (store): who may enrol, which hub, this device's key. Step two is
        `fieldreg.transfer.enrolment.contact_hub`, on a network worker."""
        return prepare_enrolment(self._opened, self._unlocked, text, hub_url=hub_url)

    @_storage_boundary
    def complete_enrolment(self, answer: HubAnswer) -> Enrolled:
        """Step three (store): pin the hub's keys, keep the certificate, seal the backlog."""
        sealed = complete_enrolment(self._opened, self._unlocked, answer)
        return Enrolled(answer.hub_url, answer.fingerprint, sealed, self.device_settings())

    def enrol(self, text: str, links: HubLinks, *, hub_url: str | None = None) -> Enrolled:
        """All three steps in a row, for a front end with no threads to spare (the CLI)."""
        request = self.enrolment_request(text, hub_url=hub_url)
        return self.complete_enrolment(contact_hub(request, links(request.settings)))

    # -- removable media (a USB stick instead of the network) ------------------------------

    @_storage_boundary
    def media_state(self) -> MediaState:
        store = self._opened
        return MediaState(store.trusted_hub_signing_key() is not None, store.outbox.pending_count())

    def _require_enrolled(self) -> None:
        """USB batches are sealed for, and receipts signed by, the hub enrolled with. (A
        missing folder is refused by the media functions themselves: invalid_folder.)"""
        if self._opened.trusted_hub_signing_key() is None:
            raise StoreError("not_enrolled")

    @_storage_boundary
    def export_batches(self, folder: Path) -> MediaExported:
        """Every waiting batch as a signed file in `folder` (no passphrase needed: sealed)."""
        self._require_enrolled()
        written = media.export_batches(self._opened, folder)
        return MediaExported(len(written), self.media_state())

    @_storage_boundary
    def import_receipts(self, folder: Path) -> ReceiptsImported:
        """Apply every receipt file in `folder` that verifies; say what did not."""
        self._require_enrolled()
        result = media.import_receipts(self._opened, folder, monotonic=self._monotonic)
        return ReceiptsImported(
            result.applied,
            result.accepted,
            result.duplicate,
            result.rejected,
            result.other_device,
            [problem for problem in result.problems if problem.code != "other_device"],
            self.media_state(),
        )

    # -- the sync log (no personal data) ----------------------------------------------------

    @_storage_boundary
    def sync_log(self, wanted: LogFilter | None = None) -> tuple[list[SyncAttempt], int]:
        """The attempts matching `wanted` (all of them without), newest first, and how many
        there are in all."""
        everything = list(self._opened.outbox.sync_log())
        return filter_attempts(everything, wanted or LogFilter()), len(everything)

    def export_sync_log(self, attempts: Sequence[SyncAttempt], fmt: str, path: Path) -> int:
        """The same bytes `fieldreg sync-log --format FMT --out PATH` writes."""
        write_text_atomic(path, sync_log_text(attempts, fmt), mode=SHARED)
        return len(attempts)

    # -- the store file itself -------------------------------------------------------------

    @_storage_boundary
    def verify_audit(self) -> AuditCheck:
        """The audit log's hash chain, its keyed seals and the anchors the hub acknowledged:
        a coordinator's check, since the seals need the data key."""
        store = self._opened
        return self._unlocked.verify_audit(store.trusted_hub_signing_key(), store.device_id)

    @_storage_boundary
    def check_integrity(self) -> int:
        """Reads every page; raises `damaged`. Returns the number of registrations."""
        store = self._opened
        store.check_integrity()
        return store.registration_count()

    def restore_latest_backup(
        self, operator: str, passphrase: str, *, force: bool = False
    ) -> BackupRestored:
        """See upkeep.restore_latest_backup; the store is closed first, without a backup."""
        self._drop_store()
        return upkeep.restore_latest_backup(
            self.data_dir, operator, passphrase, force=force, now=self.clock()
        )

    def salvage(self, operator: str, passphrase: str, *, out: Path | None = None) -> Salvaged:
        """See upkeep.salvage_store; the store is closed first, without a backup."""
        self._drop_store()
        return upkeep.salvage_store(self.data_dir, operator, passphrase, out=out, now=self.clock())

    def repair_coordinators(self) -> list[str]:
        return upkeep.repair_coordinators(self.data_dir)

    def repair_choices(self) -> RepairChoices:
        """Read without opening the store, which is closed first."""
        self._drop_store()
        return upkeep.repair_choices(self.data_dir)


def _render(kind: str, content: ReceiptContent, paper: str) -> bytes:
    if paper not in PAPERS or kind not in ("png", "pdf"):
        raise StoreError("invalid_setting", key=f"{kind}/{paper}"[:40])
    if kind == "png":
        from fieldreg.receipts.png import receipt_png  # Pillow loads when first needed

        return receipt_png(content, PAPERS[paper])
    from fieldreg.receipts.pdf import receipt_pdf  # fpdf2 loads when first needed

    return receipt_pdf(content, PAPERS[paper])


__all__ = ["DEVICE_SETTINGS", "Desk"]
