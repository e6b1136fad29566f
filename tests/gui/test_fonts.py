"""The bundled Khmer font renders Khmer on machines that have none."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication

from ui.fonts import load_khmer_fonts

KHMER = "ការចុះឈ្មោះនៅទីតាំង ១២៣"


def test_bundled_khmer_font_covers_khmer_text(qapp: QApplication) -> None:
    families = load_khmer_fonts()
    assert "Noto Sans Khmer" in families
    metrics = QFontMetrics(QFont("Noto Sans Khmer"))
    assert all(metrics.inFontUcs4(ord(ch)) for ch in KHMER if ch != " ")
