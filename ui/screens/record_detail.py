"""One registration: its details and history, and a correction with a reason (a new
version; earlier versions stay)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from fieldreg.clock import parse_iso
from fieldreg.desk import Desk
from fieldreg.desk.results import Corrected, Invalid, RecordDetail
from fieldreg.gazetteer import Gazetteer
from fieldreg.record import Registration, validate
from fieldreg.store.session import StoredRegistration
from ui import messages
from ui.form_values import record_input, refine_errors
from ui.record_view import RecordSummary, national_phone
from ui.screens.registration_fields import RegistrationFields
from ui.services import Services
from ui.widgets import LabelledField, button, primary_button, text_label


class RecordDetailDialog(QDialog):
    corrected = Signal(str)

    def __init__(
        self,
        registration_id: str,
        services: Services,
        gazetteer: Gazetteer | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._gazetteer = gazetteer
        self._id = registration_id
        self._loaded: RecordDetail | None = None
        self.correction_dialog: CorrectionDialog | None = None
        self.heading = text_label("title")
        self.summary = RecordSummary(services.formatter)
        self.summary.set_gazetteer(gazetteer)
        self.history_caption = text_label()
        self.history = QListWidget()
        self.history.setMaximumHeight(140)
        self.correct_button = primary_button()
        self.correct_button.setEnabled(False)
        self.close_button = button()
        self.correct_button.clicked.connect(lambda: self.start_correction())
        self.close_button.clicked.connect(self.accept)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(self.summary)
        column.addWidget(self.history_caption)
        column.addWidget(self.history)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.correct_button)
        buttons.addWidget(self.close_button)
        column.addLayout(buttons)
        self.resize(760, 660)
        self.retranslate()
        self.reload()

    def reload(self) -> None:
        registration_id = self._id

        self._services.executor.op(self, lambda desk: desk.registration(registration_id)).success(
            self._show
        ).failure(lambda error: self.heading.setText(messages.error_text(error))).run()

    def _show(self, loaded: RecordDetail) -> None:
        self._loaded = loaded
        self.summary.show_registration(loaded.stored)
        self.correct_button.setEnabled(True)
        self._render_history()

    def _render_history(self) -> None:
        self.history.clear()
        if self._loaded is None:
            return
        fmt = self._services.formatter
        for version in self._loaded.history:
            line = self.tr("Version {n}, {when}, {operator}: {change}").format(
                n=fmt.number(version.version),
                when=fmt.date_time(parse_iso(version.created_at)),
                operator=version.operator,
                change=messages.choice(messages.CHANGES, version.change),
            )
            if version.note:
                line += f" ({version.note})"
            self.history.addItem(line)

    def start_correction(self) -> None:
        if self._loaded is None:
            return
        dialog = CorrectionDialog(self._loaded.stored, self._services, self._gazetteer, self)
        dialog.saved.connect(self._corrected)
        self.correction_dialog = dialog
        dialog.open()

    def _corrected(self) -> None:
        self.corrected.emit(self._id)
        self.reload()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Registration"))
        self.heading.setText(self.tr("Registration"))
        self.history_caption.setText(self.tr("History"))
        self.history.setAccessibleName(self.tr("History"))
        self.correct_button.setText(self.tr("Correct..."))
        self.close_button.setText(self.tr("Close"))
        self._render_history()


class CorrectionDialog(QDialog):
    """The form, filled with the current version, and the reason for the change."""

    saved = Signal()

    def __init__(
        self,
        stored: StoredRegistration,
        services: Services,
        gazetteer: Gazetteer | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._gazetteer = gazetteer
        self._stored = stored
        self.fields = RegistrationFields()
        if gazetteer is not None:
            self.fields.set_gazetteer(gazetteer)
        values = stored.record.to_json()
        values["phone"] = national_phone(stored.record.phone)
        self.fields.set_values(values)
        self.heading = text_label("title")
        self.reason = QLineEdit()
        self.reason.setMaxLength(200)
        self.reason_field = LabelledField(self.reason)
        self.error = text_label("error")
        self.save_button = primary_button()
        self.cancel_button = button()
        self.save_button.clicked.connect(lambda: self.save())
        self.cancel_button.clicked.connect(self.reject)
        self.fields.field_left.connect(lambda _key: self._check())
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(self.fields, 1)
        column.addWidget(self.reason_field)
        column.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        column.addLayout(buttons)
        self.resize(1300, 720)
        self.retranslate()

    def _check(self) -> Registration | None:
        if self._gazetteer is None:
            return None
        raw, form_errors = record_input(self.fields.values())
        today = self._services.clock().astimezone().date()
        result = validate(raw, today=today, villages=self._gazetteer)
        errors = refine_errors({**result.errors, **form_errors}, raw["id_type"])
        self.fields.show_errors(errors)
        return result.record if not errors else None

    def save(self) -> None:
        self.fields.touch_all()
        record = self._check()
        reason = self.reason.text().strip()
        self.reason_field.set_error("" if reason else messages.store_error("reason_required"))
        if record is None or not reason:
            return
        registration_id = self._stored.id
        raw, _form_errors = record_input(self.fields.values())

        def correct(desk: Desk) -> Corrected | Invalid:
            return desk.correct(registration_id, raw, reason=reason)

        self.save_button.setEnabled(False)
        self._services.executor.op(self, correct).success(self._done).failure(self._failed).run()

    def _done(self, outcome: Corrected | Invalid) -> None:
        if isinstance(outcome, Invalid):  # the Desk's check is the one that counts
            self.save_button.setEnabled(True)
            self.fields.show_errors(refine_errors(outcome.errors, self.fields.values()["id_type"]))
            return
        self.accept()
        self.saved.emit()

    def _failed(self, error: Exception) -> None:
        self.save_button.setEnabled(True)
        self.error.setText(messages.error_text(error))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Correct a registration"))
        self.heading.setText(
            self.tr("Correct a registration") + f" · {self._stored.record.name_en}"
        )
        self.reason_field.set_caption(self.tr("Reason for the correction"))
        self.save_button.setText(self.tr("Save correction"))
        self.cancel_button.setText(self.tr("Cancel"))
