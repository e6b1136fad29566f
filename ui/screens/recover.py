"""A coordinator who forgot the passphrase: the recovery key sets a new one (and clears a
lock-out). The key is checked on the store worker."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from fieldreg.store.operators import Operator
from ui import messages
from ui.services import Services
from ui.widgets import LabelledField, button, primary_button, text_label


class RecoverDialog(QDialog):
    recovered = Signal(object)  # the coordinator, now logged in

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.heading = text_label("title")
        self.intro = text_label()
        self.key = QLineEdit()
        self.key.setMaxLength(64)
        self.name = QLineEdit()
        self.name.setMaxLength(64)
        self.passphrase = QLineEdit()
        self.repeat = QLineEdit()
        for line in (self.passphrase, self.repeat):
            line.setEchoMode(QLineEdit.EchoMode.Password)
        self.fields = [
            LabelledField(w) for w in (self.key, self.name, self.passphrase, self.repeat)
        ]
        self.error = text_label("error")
        self.ok_button = primary_button()
        self.cancel_button = button()
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(self.intro)
        for field in self.fields:
            column.addWidget(field)
        column.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.ok_button)
        column.addLayout(buttons)
        self.ok_button.clicked.connect(lambda: self.recover())
        self.cancel_button.clicked.connect(self.reject)
        self.resize(560, 460)
        self.retranslate()

    def recover(self) -> None:
        key, name = self.key.text().strip(), self.name.text().strip()
        passphrase = self.passphrase.text()
        problem = messages.new_passphrase_problem(passphrase, self.repeat.text(), name)
        if problem:
            self.error.setText(problem)
            return
        self.ok_button.setEnabled(False)

        self._services.executor.op(self, lambda desk: desk.recover(key, name, passphrase)).success(
            self._done
        ).failure(self._failed).run()

    def _done(self, operator: Operator) -> None:
        self.accept()
        self.recovered.emit(operator)

    def _failed(self, error: Exception) -> None:
        self.ok_button.setEnabled(True)
        self.error.setText(messages.error_text(error))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Use the recovery key"))
        self.heading.setText(self.windowTitle())
        self.intro.setText(
            self.tr(
                "Type the recovery key shown when this laptop was set up, then choose a new "
                "passphrase."
            )
        )
        captions = (
            self.tr("Recovery key"),
            self.tr("Coordinator name"),
            self.tr("New passphrase"),
            self.tr("Again"),
        )
        for field, caption in zip(self.fields, captions, strict=True):
            field.set_caption(caption)
        self.ok_button.setText(self.tr("Set passphrase and log in"))
        self.cancel_button.setText(self.tr("Cancel"))
