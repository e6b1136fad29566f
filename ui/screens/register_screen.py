"""The registration form screen: validate as the registrar goes, warn of duplicates, save,
show the receipt, start a fresh form for the same event. Drafts save by themselves."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import uuid6
from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from fieldreg.clock import parse_iso
from fieldreg.desk import Desk
from fieldreg.desk.results import Draft, DraftSaved, DuplicatesFound, Invalid, Registered
from fieldreg.gazetteer import Gazetteer
from fieldreg.indicators.channels import Channel
from fieldreg.record import Registration, validate
from fieldreg.scanning.parse import printable_excerpt
from fieldreg.store.session import StoredRegistration
from ui import messages
from ui.form_values import is_blank, record_input, refine_errors
from ui.screens.duplicate_dialog import DuplicateDialog
from ui.screens.receipt_view import ReceiptDialog
from ui.screens.registration_fields import RegistrationFields
from ui.services import Services
from ui.wedge_filter import WedgeFilter
from ui.widgets import button, primary_button, set_role, text_label

if TYPE_CHECKING:
    from ui.scan_dialog import ScanDialog, ScanOptions

AUTOSAVE_MS = 3000
SEEN_CHARS = 80


class RegisterScreen(QWidget):
    registered = Signal(object)  # StoredRegistration
    open_registration = Signal(str)
    change_event_requested = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._gazetteer: Gazetteer | None = None
        self.event_text = ""
        self.channel = Channel()  # where the event is (outreach, a bank branch, an office)
        self._event_shown = ""
        self._invalid_notice = False
        self.draft_id: str | None = None
        self._revision = 0
        self._saved_revision = 0
        self._registering = False  # a save is on its way: no draft may recreate it
        self._last_saved: StoredRegistration | None = None
        self.duplicate_dialog: DuplicateDialog | None = None
        self.receipt_dialog: ReceiptDialog | None = None
        self.scan_dialog: ScanDialog | None = None
        self.scan_options: ScanOptions | None = None  # camera, file chooser, timings (tests)

        self.title = text_label("title")
        self.event_label = text_label("subtitle")
        self.change_event_button = button()
        self.scan_button = button()
        self.fields = RegistrationFields()
        self.notice = text_label("notice")
        self.notice.hide()
        self.saved_label = text_label("success")
        self.receipt_button = button()
        self.receipt_button.hide()
        self.draft_label = text_label("hint")
        self.clear_button = button()
        self.save_button = primary_button()
        self.save_button.setEnabled(False)
        self.autosave = QTimer(self)
        self.autosave.setInterval(AUTOSAVE_MS)
        self.autosave.timeout.connect(self.save_draft_now)
        # A hand scanner types into whatever field has the focus; the filter takes its burst
        # as a scan.
        self.wedge = WedgeFilter(
            self._takes_hand_scans,
            clock_ms=lambda: services.monotonic() * 1000.0,
            parent=self,
        )
        self.wedge.scanned.connect(self._on_hand_scan)
        self._lay_out()
        self._connect()
        self.retranslate()

    def _lay_out(self) -> None:
        header = QHBoxLayout()
        heading = QVBoxLayout()
        heading.setSpacing(0)
        heading.addWidget(self.title)
        heading.addWidget(self.event_label)
        header.addLayout(heading, 1)
        header.addWidget(self.scan_button)
        header.addWidget(self.change_event_button)
        footer = QHBoxLayout()
        footer.addWidget(self.saved_label, 1)
        footer.addWidget(self.receipt_button)
        footer.addSpacing(16)
        footer.addWidget(self.draft_label)
        footer.addWidget(self.clear_button)
        footer.addWidget(self.save_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 10, 16, 10)
        column.setSpacing(8)
        column.addLayout(header)
        column.addWidget(self.notice)
        column.addWidget(self.fields, 1)
        column.addLayout(footer)

    def _connect(self) -> None:
        self.fields.edited.connect(self._on_edited)
        self.fields.field_left.connect(lambda _key: self.check_fields())
        self.save_button.clicked.connect(lambda: self.save())
        self.clear_button.clicked.connect(lambda: self.discard())
        self.change_event_button.clicked.connect(self.change_event_requested)
        self.receipt_button.clicked.connect(self.show_receipt)
        self.scan_button.clicked.connect(self.open_scan_dialog)
        QWidget.setTabOrder(self.fields.consent, self.save_button)
        QWidget.setTabOrder(self.save_button, self.clear_button)
        QShortcut(QKeySequence("Ctrl+S"), self).activated.connect(lambda: self.save())

    def set_gazetteer(self, gazetteer: Gazetteer) -> None:
        self._gazetteer = gazetteer
        self.fields.set_gazetteer(gazetteer)
        self.save_button.setEnabled(True)

    # -- session -----------------------------------------------------------------------------

    def begin(self, event: str, shown: str = "", channel: Channel | None = None) -> None:
        """After login and the event choice: restore the newest unfinished form, if any."""
        self.set_event(event, shown, channel)
        self.fields.clear()
        self.draft_id = None
        self._last_saved = None
        self._show_saved(None)

        self._services.executor.op(self, lambda desk: desk.newest_draft()).success(
            self._restore_draft
        ).run()
        self.autosave.start()
        self.wedge.install()
        self.fields.first_editor().setFocus()

    def open_draft(self, draft_id: str) -> None:
        """A draft chosen in the registrations list replaces the form (the form is kept first)."""
        self.save_draft_now()

        self._services.executor.op(self, lambda desk: desk.load_draft(draft_id)).success(
            self._restore_draft
        ).run()

    def _restore_draft(self, found: Draft | None) -> None:
        if found is None:
            return
        self.draft_id, updated_at = found.id, found.updated_at
        self.fields.clear()
        self.fields.set_values(found.data.get("form", {}))
        self._saved_revision = self._revision
        when = self._services.formatter.date_time(parse_iso(updated_at))
        self._show_notice(self.tr("Unfinished form restored (saved {when}).").format(when=when))

    @property
    def active(self) -> bool:
        """Between `begin` and `leave`: an operator is working on this form."""
        return self.autosave.isActive()

    def set_event(self, event: str, shown: str = "", channel: Channel | None = None) -> None:
        """`event` and its `channel` go into every record; `shown` is how the registrar
        reads it."""
        self.event_text = event
        self.channel = channel or Channel()
        self._event_shown = shown or event
        self._render_event()

    def shown(self) -> None:
        self.fields.first_editor().setFocus()

    def leave(self) -> None:
        """Locking or closing: keep the form as a draft, then forget it on screen."""
        self.wedge.uninstall()
        if self.scan_dialog is not None:
            self.scan_dialog.reject()
        self.save_draft_now()
        self.autosave.stop()
        self.fields.clear()
        self.draft_id = None
        self._last_saved = None
        self._show_saved(None)
        self.notice.hide()

    # -- drafts ------------------------------------------------------------------------------

    def _on_edited(self) -> None:
        self._revision += 1
        self._render_draft_state()

    def save_draft_now(self) -> None:
        """Keep the form as typed. The draft id is chosen here, so every save (timer, lock,
        close) updates the same draft, in order, on the store worker."""
        values = self.fields.values()
        if self._registering or self._revision == self._saved_revision or is_blank(values):
            return
        if self.draft_id is None:
            self.draft_id = str(uuid6.uuid7())
        revision, draft_id, event = self._revision, self.draft_id, self.event_text

        def save(desk: Desk) -> DraftSaved:
            return desk.save_draft({"form": values}, draft_id=draft_id, event=event)

        def saved(_saved: DraftSaved) -> None:
            self._saved_revision = max(self._saved_revision, revision)
            self._render_draft_state()

        def failed(error: Exception) -> None:
            self.draft_label.setText(messages.error_text(error))

        self._services.executor.op(self, save).success(saved).failure(failed).run()

    def discard(self) -> None:
        draft_id = self.draft_id
        if draft_id:
            self._services.executor.op(self, lambda desk: desk.discard_draft(draft_id)).run()
        self.fields.clear()
        self.draft_id = None
        self._saved_revision = self._revision
        self.notice.hide()
        self._render_draft_state()
        self.fields.first_editor().setFocus()

    # -- validation and saving ---------------------------------------------------------------

    def check_fields(self) -> Registration | None:
        """Validate what is typed; show errors on the fields already visited."""
        if self._gazetteer is None:
            return None
        values = self.fields.values()
        raw, form_errors = record_input(values)
        today = self._services.clock().astimezone().date()
        result = validate(raw, today=today, villages=self._gazetteer)
        errors = refine_errors({**result.errors, **form_errors}, raw["id_type"])
        self.fields.show_errors(errors)
        self._render_age(raw["date_of_birth"], "date_of_birth" in errors, today)
        if self._invalid_notice and not self.fields.shown_errors():
            self._show_notice("")
        return result.record if not errors else None

    def _render_age(self, iso: str, invalid: bool, today: dt.date) -> None:
        try:
            born = dt.date.fromisoformat(iso)
        except ValueError:
            born = None
        if born is None or invalid:
            self.fields.set_age_hint("")
            return
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        text = self.tr("Age {age}").format(age=self._services.formatter.number(age))
        self.fields.set_age_hint(text)

    def save(self, *, duplicate_reason: str | None = None) -> None:
        self.fields.touch_all()
        record = self.check_fields()
        if record is None:
            invalid = self.fields.first_invalid_editor()
            if invalid is not None:
                invalid.setFocus()
            self._show_notice(self.tr("Please correct the fields marked in red."))
            self._invalid_notice = True
            return
        self.save_button.setEnabled(False)
        self._registering = True
        event, channel, draft_id = self.event_text, self.channel, self.draft_id

        raw, _form_errors = record_input(self.fields.values())

        def register(desk: Desk) -> Registered | DuplicatesFound | Invalid:
            return desk.register(
                raw,
                event=event,
                channel=channel,
                duplicate_reason=duplicate_reason,
                draft_id=draft_id,
            )

        self._services.executor.op(self, register).success(self._after_save).failure(
            self._save_failed
        ).run()

    def _save_failed(self, error: Exception) -> None:
        self._registering = False
        self.save_button.setEnabled(True)
        self._show_notice(messages.error_text(error))

    def _after_save(self, outcome: Registered | DuplicatesFound | Invalid) -> None:
        self._registering = False
        self.save_button.setEnabled(True)
        if isinstance(outcome, DuplicatesFound):
            self._warn_duplicate(outcome)
            return
        if isinstance(outcome, Invalid):  # the Desk's check is the one that counts
            self.fields.show_errors(refine_errors(outcome.errors, self.fields.values()["id_type"]))
            self._show_notice(self.tr("Please correct the fields marked in red."))
            return
        self._last_saved = outcome.stored
        self.fields.clear()
        self.draft_id = None
        self._saved_revision = self._revision
        self.notice.hide()
        if outcome.disk_low:  # saved; say so before the disk stops the next one
            self._show_notice(
                self.tr(
                    "Saved. The laptop's disk is almost full: ask a coordinator to free "
                    "some space soon."
                )
            )
        self._show_saved(outcome.stored)
        self._render_draft_state()
        self.fields.first_editor().setFocus()
        self.registered.emit(outcome.stored)

    def _warn_duplicate(self, found: DuplicatesFound) -> None:
        dialog = DuplicateDialog(
            found.matches,
            self._services.formatter,
            openable=found.openable,
            gazetteer=self._gazetteer,
            parent=self,
        )
        dialog.open_existing.connect(self.open_registration)
        dialog.register_anyway.connect(lambda reason: self.save(duplicate_reason=reason))
        dialog.finished.connect(lambda _r: setattr(self, "duplicate_dialog", None))
        self.duplicate_dialog = dialog
        dialog.open()

    def show_receipt(self) -> None:
        if self._last_saved is None:
            return
        self.receipt_dialog = ReceiptDialog(
            self._last_saved,
            executor=self._services.executor,
            dialogs=self._services.dialogs,
            formatter=self._services.formatter,
            parent=self,
        )
        self.receipt_dialog.open()

    # -- scanning ----------------------------------------------------------------------------

    def open_scan_dialog(self) -> None:
        """The Scan button: camera with live preview, or a picture file."""
        parser = self._services.scan_parser
        if self.scan_dialog is not None:
            self.scan_dialog.raise_()
            return
        # Imported when first used: QtMultimedia and the decoders cost ~30 ms at start-up.
        from ui.scan_dialog import ScanDialog

        dialog = ScanDialog(parser, self, options=self.scan_options)
        dialog.scanned.connect(self.apply_scan_text)
        dialog.finished.connect(lambda _r: self._scan_dialog_closed(dialog))
        self.scan_dialog = dialog
        dialog.open()

    def _scan_dialog_closed(self, dialog: ScanDialog) -> None:
        if self.scan_dialog is dialog:
            self.scan_dialog = None
        dialog.deleteLater()

    def _takes_hand_scans(self, focused: QWidget) -> bool:
        """A hand scanner's keys count while this form (or its Scan dialog) has the focus."""
        if not self.active or not self.isVisible():
            return False
        dialog = self.scan_dialog
        in_dialog = dialog is not None and (focused is dialog or dialog.isAncestorOf(focused))
        return in_dialog or self.isAncestorOf(focused)

    def _on_hand_scan(self, text: str) -> None:
        if self.apply_scan_text(text) and self.scan_dialog is not None:
            self.scan_dialog.accept()

    def apply_scan_text(self, text: str) -> bool:
        """Decoded text from any scanner: fills the fields it carries, marked as scanned."""
        parser = self._services.scan_parser
        found = parser.fields_from_text(text)
        if not found:
            self._show_notice(
                self.tr(
                    "The scanned code is not an ID card or a FieldReg code. It says: {seen}"
                ).format(seen=printable_excerpt(text, SEEN_CHARS))
            )
            return False
        self.fields.set_values(found, scanned=True)
        self.check_fields()
        self._show_notice(self.tr("Filled from the scan. Please check the marked fields."))
        self._focus_first_empty()
        return True

    def _focus_first_empty(self) -> None:
        """After a scan the registrar goes on with what the code did not say (often the
        name in Khmer)."""
        for editor in self.fields.tab_chain():
            if isinstance(editor, QLineEdit) and editor.isEnabled() and not editor.text():
                editor.setFocus()
                return

    # -- display -----------------------------------------------------------------------------

    def _show_notice(self, text: str) -> None:
        self._invalid_notice = False
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _show_saved(self, stored: StoredRegistration | None) -> None:
        self.receipt_button.setVisible(stored is not None)
        if stored is None:
            self.saved_label.setText("")
            return
        when = self._services.formatter.time(parse_iso(stored.created_at))
        self.saved_label.setText(
            self.tr("Saved {time}: {name}").format(
                time=when, name=f"{stored.record.name_km} · {stored.record.name_en}"
            )
        )

    def _render_event(self) -> None:
        shown = self._event_shown or "—"
        self.event_label.setText(self.tr("Event: {event}").format(event=shown))

    def _render_draft_state(self) -> None:
        if self._revision == self._saved_revision:
            text = self.tr("Draft kept") if self.draft_id else ""
        else:
            text = self.tr("Not yet kept")
        self.draft_label.setText(text)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.title.setText(self.tr("New registration"))
        self._render_event()
        self.change_event_button.setText(self.tr("Change event"))
        self.scan_button.setText(self.tr("Scan"))
        self.scan_button.setToolTip(self.tr("Scan an ID card or a code"))
        self.receipt_button.setText(self.tr("Show receipt"))
        self.clear_button.setText(self.tr("Clear form"))
        self.save_button.setText(self.tr("Save registration"))
        self.save_button.setToolTip(self.tr("Ctrl+S"))
        self._show_saved(self._last_saved)
        self._render_draft_state()
        set_role(self.notice, "notice")
