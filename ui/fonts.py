"""The bundled Khmer font, so Khmer renders on machines that have none."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from fieldreg.resources import resource_path

KHMER_FONT_FILES = ("NotoSansKhmer-Regular.ttf", "NotoSansKhmer-Bold.ttf")
BASE_POINT_SIZE = 11.0


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


def install_fonts(app: QApplication, *, point_size: float | None = None) -> None:
    """Keep the platform's Latin font and fall back to the bundled font for Khmer."""
    font = app.font()
    families = [*font.families(), *load_khmer_fonts()]
    font.setFamilies(list(dict.fromkeys(families)))
    if point_size is not None:
        font.setPointSizeF(point_size)
    app.setFont(font)
