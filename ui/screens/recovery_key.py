"""The recovery key, shown once: as text and QR, with Save and Print, and the coordinator's
confirmation that it was kept. After this page the key exists only where they put it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from fieldreg.files import write_atomic
from ui import messages
from ui.recovery_sheet import png_bytes, qr_image, recovery_sheet
from ui.services import Services
from ui.widgets import button, primary_button, set_role, text_label


class RecoveryKeyPage(QWidget):
    confirmed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._key = ""
        self.title = text_label("title")
        self.explanation = text_label()
        self.key_label = QLabel()
        self.key_label.setTextFormat(Qt.TextFormat.PlainText)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        set_role(self.key_label, "secret")
        self.qr = QLabel()
        self.qr.setFixedSize(240, 240)
        self.qr.setScaledContents(True)
        self.save_button = button()
        self.print_button = button()
        self.status = text_label("hint")
        self.kept = QCheckBox()
        self.continue_button = primary_button()
        self.continue_button.setEnabled(False)
        self.kept.toggled.connect(self.continue_button.setEnabled)
        self.save_button.clicked.connect(lambda: self.save())
        self.print_button.clicked.connect(lambda: self.print_sheet())
        self.continue_button.clicked.connect(lambda: self._finish())

        actions = QHBoxLayout()
        actions.addWidget(self.save_button)
        actions.addWidget(self.print_button)
        actions.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.key_label)
        left.addLayout(actions)
        left.addWidget(self.status)
        left.addStretch(1)
        left.addWidget(self.kept)
        row = QHBoxLayout()
        row.addLayout(left, 1)
        row.addSpacing(24)
        row.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout(self)
        column.setContentsMargins(48, 32, 48, 32)
        column.addWidget(self.title)
        column.addWidget(self.explanation)
        column.addSpacing(12)
        column.addLayout(row)
        column.addStretch(1)
        column.addWidget(self.continue_button, 0, Qt.AlignmentFlag.AlignRight)
        self.retranslate()

    def show_key(self, key: str) -> None:
        self._key = key
        self.key_label.setText(key)
        self.key_label.setAccessibleName(self.tr("Recovery key"))
        self.qr.setPixmap(QPixmap.fromImage(qr_image(key)))
        self.kept.setChecked(False)
        self.status.clear()

    def _sheet(self) -> QImage:
        heading = self.tr("FieldReg recovery key")
        lines = [
            self.tr("Keep this page somewhere safe, away from the laptop."),
            self.tr("It opens every registration on the device if a passphrase is lost."),
        ]
        return recovery_sheet(self._key, heading, lines)

    def save(self) -> None:
        path = self._services.dialogs.save_file_path(
            self, self.tr("Save the recovery key"), "fieldreg-recovery-key.png", "PNG (*.png)"
        )
        if path is None:
            return
        data_dir = self._services.executor.data_dir.resolve()
        if path.resolve().is_relative_to(data_dir):
            self.status.setText(self.tr("Choose a place outside the FieldReg data folder."))
            return
        sheet = png_bytes(self._sheet())
        self._services.executor.op(self, lambda _ctx: write_atomic(path, sheet)).success(
            lambda _none: self._saved(path)
        ).failure(lambda error: self.status.setText(messages.error_text(error))).run()

    def _saved(self, path: Path) -> None:
        self.status.setText(self.tr("Saved to {path}").format(path=str(path)))

    def print_sheet(self) -> None:
        if self._services.dialogs.print_image(self, self._sheet()):
            self.status.setText(self.tr("Sent to the printer."))

    def _finish(self) -> None:
        if not self.kept.isChecked():
            return
        self._key = ""
        self.key_label.clear()
        self.qr.clear()
        self.confirmed.emit()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Your recovery key"))
        self.explanation.setText(
            self.tr(
                "If every coordinator forgets their passphrase, this key is the only way to "
                "open the registrations on this laptop. It is shown only now. Write it down, "
                "or save or print it, and keep it away from the laptop."
            )
        )
        self.qr.setAccessibleName(self.tr("Recovery key as a QR code"))
        self.save_button.setText(self.tr("Save as image..."))
        self.print_button.setText(self.tr("Print..."))
        self.kept.setText(self.tr("I have kept the recovery key in a safe place"))
        self.continue_button.setText(self.tr("Continue"))
