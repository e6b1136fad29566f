"""The receipt after a save: the core's receipt image with Print and Save PDF.

The Desk draws it on the store worker: the same signed receipt the CLI writes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from fieldreg.store.session import StoredRegistration
from ui import messages
from ui.dialogs import DialogService
from ui.executor import StoreExecutor
from ui.i18n import Formatter
from ui.widgets import button, primary_button, text_label


class ReceiptDialog(QDialog):
    def __init__(
        self,
        stored: StoredRegistration,
        *,
        executor: StoreExecutor,
        dialogs: DialogService,
        formatter: Formatter,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._stored = stored
        self._executor = executor
        self._dialogs = dialogs
        self._formatter = formatter
        self._image = QImage()
        self.heading = text_label("title")
        self.details = text_label()
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumHeight(260)
        self.note = text_label("notice")
        self.print_button = primary_button()
        self.pdf_button = button()
        self.close_button = button()
        self.print_button.clicked.connect(self._print)
        self.pdf_button.clicked.connect(self._save_pdf)
        self.close_button.clicked.connect(self.accept)
        for control in (self.print_button, self.pdf_button):
            control.setEnabled(False)
        column = QVBoxLayout(self)
        column.setContentsMargins(20, 16, 20, 16)
        column.addWidget(self.heading)
        column.addWidget(self.details)
        column.addWidget(self.preview, 1)
        column.addWidget(self.note)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.close_button)
        column.addLayout(buttons)
        self.resize(560, 560)
        self.retranslate()
        self._render()

    def _render(self) -> None:
        registration_id = self._stored.id
        self._executor.op(self, lambda desk: desk.render_receipt(registration_id, "png")).success(
            self._show_png
        ).failure(lambda error: self.note.setText(messages.error_text(error))).run()

    def _show_png(self, png: bytes) -> None:
        self._image = QImage.fromData(png)
        self.preview.setPixmap(
            QPixmap.fromImage(self._image).scaledToHeight(
                max(260, self.preview.height()), Qt.TransformationMode.SmoothTransformation
            )
        )
        self.print_button.setEnabled(not self._image.isNull())
        self.pdf_button.setEnabled(True)

    def _print(self) -> None:
        if not self._image.isNull():
            self._dialogs.print_image(self, self._image)

    def _save_pdf(self) -> None:
        registration_id = self._stored.id
        path = self._dialogs.save_file_path(
            self, self.tr("Save receipt"), f"receipt-{registration_id[:13]}.pdf", "PDF (*.pdf)"
        )
        if path is None:
            return
        self._executor.op(
            self, lambda desk: desk.save_receipt(registration_id, {"pdf": path})
        ).failure(lambda error: self.note.setText(messages.error_text(error))).run()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        stored = self._stored
        self.setWindowTitle(self.tr("Receipt"))
        self.heading.setText(self.tr("Registered"))
        self.details.setText(
            self.tr("{name} · registration {id}").format(
                name=f"{stored.record.name_km} {stored.record.name_en}", id=stored.id
            )
        )
        self.note.setVisible(bool(self.note.text()))
        self.print_button.setText(self.tr("Print"))
        self.pdf_button.setText(self.tr("Save PDF"))
        self.close_button.setText(self.tr("Close"))
