"""System dialogs (save file, choose a folder, print) behind a small service, so tests never
open real ones."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget


class DialogService(Protocol):
    def save_file_path(
        self, parent: QWidget, title: str, suggested: str, file_filter: str
    ) -> Path | None: ...

    def print_image(self, parent: QWidget, image: QImage) -> bool: ...

    def choose_folder(self, parent: QWidget, title: str, start: str) -> Path | None: ...


class QtDialogs:
    """The real dialogs."""

    def save_file_path(
        self, parent: QWidget, title: str, suggested: str, file_filter: str
    ) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(parent, title, suggested, file_filter)
        return Path(path) if path else None

    def choose_folder(self, parent: QWidget, title: str, start: str) -> Path | None:
        path = QFileDialog.getExistingDirectory(parent, title, start)
        return Path(path) if path else None

    def print_image(self, parent: QWidget, image: QImage) -> bool:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        painter = QPainter(printer)
        try:
            page = printer.pageLayout().paintRectPixels(printer.resolution())
            scaled = image.size().scaled(page.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(page.topLeft(), scaled), image)
        finally:
            painter.end()
        return True
