"""The desktop app's entry point: the one place that wires Qt objects together.

For now it shows a placeholder window. It never opens the store or runs SQL: the caller
(the CLI) passes in a one-line status of the store.
"""

from __future__ import annotations

import pathlib
import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QMainWindow, QVBoxLayout, QWidget

from fieldreg.resources import resource_path

KHMER_FONT_FILES = ("NotoSansKhmer-Regular.ttf", "NotoSansKhmer-Bold.ttf")
TITLE_KM = "ការចុះឈ្មោះនៅទីតាំង"
TITLE_EN = "Field registration"


def load_khmer_fonts() -> list[str]:
    """Register the bundled Khmer fonts; return their family names ([] if none loaded)."""
    families: list[str] = []
    for name in KHMER_FONT_FILES:
        path = resource_path("fonts", name)
        font_id = QFontDatabase.addApplicationFont(str(path)) if path.is_file() else -1
        if font_id < 0:
            continue  # fall back to whatever Khmer font the system has
        for family in QFontDatabase.applicationFontFamilies(font_id):
            if family not in families:
                families.append(family)
    return families


def install_fonts(app: QApplication) -> None:
    """Keep the platform's Latin font and fall back to the bundled font for Khmer."""
    font = app.font()
    families = [*font.families(), *load_khmer_fonts()]
    font.setFamilies(list(dict.fromkeys(families)))
    app.setFont(font)


def _label(text: str, name: str, *, point_delta: int = 0, bold: bool = False) -> QLabel:
    label = QLabel(text)
    label.setAccessibleName(name)
    label.setObjectName(name.replace(" ", "_"))
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
    font = QFont(label.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() + point_delta)
    font.setBold(bold)
    label.setFont(font)
    return label


def build_placeholder_window(data_dir: pathlib.Path, status_line: str) -> QMainWindow:
    """The calm placeholder shown until the registration screens arrive."""
    window = QMainWindow()
    window.setWindowTitle("FieldReg")
    window.resize(1024, 640)

    rule = QFrame()
    rule.setFrameShape(QFrame.Shape.HLine)
    rule.setFrameShadow(QFrame.Shadow.Sunken)
    data = _label(f"Data directory: {data_dir}", "data directory")
    data.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    note = _label(
        "The registration screens come in a later release.\n"
        "The command line works today: fieldreg register, fieldreg list.",
        "note",
    )
    note.setForegroundRole(QPalette.ColorRole.PlaceholderText)

    column = QVBoxLayout()
    column.setSpacing(14)
    column.addStretch(2)
    column.addWidget(_label("FieldReg", "product name", point_delta=16, bold=True))
    column.addWidget(_label(TITLE_KM, "title in Khmer", point_delta=6))
    column.addWidget(_label(TITLE_EN, "title in English", point_delta=2))
    column.addSpacing(12)
    column.addWidget(rule)
    column.addSpacing(12)
    column.addWidget(_label(status_line, "store status", point_delta=1))
    column.addWidget(data)
    column.addSpacing(12)
    column.addWidget(note)
    column.addStretch(3)
    column.setContentsMargins(160, 24, 160, 24)

    central = QWidget()
    central.setLayout(column)
    window.setCentralWidget(central)
    return window


def run_placeholder(
    data_dir: pathlib.Path, status_line: str, quit_after_ms: int | None = None
) -> int:
    """Show the placeholder window and run the event loop; returns the exit code.

    quit_after_ms closes the app by itself after that many milliseconds (for tests).
    """
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("FieldReg")
    install_fonts(app)
    window = build_placeholder_window(data_dir, status_line)
    window.show()
    if quit_after_ms is not None:
        QTimer.singleShot(quit_after_ms, app.quit)
    return app.exec()
