"""A possible duplicate, shown before saving: the matching record, then the registrar's choice.

Three ways out: open the existing record, register anyway with a reason (kept with the
record), or go back to the form."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from fieldreg.gazetteer import Gazetteer
from fieldreg.store.session import StoredRegistration
from ui.i18n import Formatter
from ui.record_view import RecordSummary
from ui.widgets import button, primary_button, set_role, text_label


class DuplicateDialog(QDialog):
    open_existing = Signal(str)
    register_anyway = Signal(str)  # the reason

    def __init__(
        self,
        matches: list[tuple[StoredRegistration, str]],
        formatter: Formatter,
        *,
        openable: bool,
        gazetteer: Gazetteer | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setModal(True)
        self._matches = matches
        self._fields = sorted({field for _, field in matches})
        self.heading = text_label("title")
        self.explanation = text_label()
        set_role(self.explanation, "notice")
        self.summary = RecordSummary(formatter)
        self.summary.set_gazetteer(gazetteer)
        self.summary.show_registration(matches[0][0])
        self.more = text_label("hint")
        self.reason = QLineEdit()
        self.reason.setMaxLength(200)
        self.reason_caption = text_label()
        self.reason_caption.setBuddy(self.reason)
        self.open_button = button()
        self.anyway_button = primary_button()
        self.back_button = button()
        self.anyway_button.setEnabled(False)
        self.reason.textChanged.connect(
            lambda text: self.anyway_button.setEnabled(bool(text.strip()))
        )
        self.open_button.clicked.connect(self._open)
        self.open_button.setVisible(openable)  # another registrar's record stays closed
        self.anyway_button.clicked.connect(self._anyway)
        self.back_button.clicked.connect(self.reject)

        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(self.explanation)
        column.addWidget(self.summary)
        column.addWidget(self.more)
        column.addSpacing(8)
        column.addWidget(self.reason_caption)
        column.addWidget(self.reason)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.anyway_button)
        column.addLayout(buttons)
        self.resize(720, 620)
        self.retranslate()
        self.back_button.setDefault(False)
        (self.open_button if openable else self.reason).setFocus()

    @property
    def first_match_id(self) -> str:
        return self._matches[0][0].id

    def _open(self) -> None:
        self.accept()
        self.open_existing.emit(self.first_match_id)

    def _anyway(self) -> None:
        reason = self.reason.text().strip()
        if reason:
            self.accept()
            self.register_anyway.emit(reason)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Possible duplicate"))
        self.heading.setText(self.tr("This person may already be registered"))
        words = {"id_number": self.tr("the same ID number"), "phone": self.tr("the same phone")}
        self.explanation.setText(
            self.tr(
                "A registration on this device has {what}. Please check it with the person."
            ).format(what=self.tr(" and ").join(words[field] for field in self._fields))
        )
        others = len({stored.id for stored, _ in self._matches}) - 1
        self.more.setText(
            self.tr("%n more matching registration(s).", "", others) if others > 0 else ""
        )
        self.more.setVisible(others > 0)
        self.reason_caption.setText(self.tr("Reason to register anyway"))
        self.reason.setAccessibleName(self.reason_caption.text())
        self.reason.setPlaceholderText(self.tr("e.g. shared family phone"))
        self.open_button.setText(self.tr("Open existing"))
        self.anyway_button.setText(self.tr("Register anyway"))
        self.back_button.setText(self.tr("Back to the form"))
