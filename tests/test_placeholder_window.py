"""The placeholder main window (ui/app.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel

from ui.app import TITLE_KM, build_placeholder_window, load_khmer_fonts

ROOT = Path(__file__).resolve().parent.parent
STATUS = "Store: fieldreg.db (3 registrations)"


def test_run_placeholder_starts_and_quits_by_itself(tmp_path: Path) -> None:
    code = (
        "import pathlib, sys\n"
        "from ui.app import run_placeholder\n"
        "sys.exit(run_placeholder(pathlib.Path(sys.argv[1]), sys.argv[2], quit_after_ms=200))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path), STATUS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_window_shows_status_line_and_data_dir(qtbot, tmp_path: Path) -> None:
    window = build_placeholder_window(tmp_path, STATUS)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    assert window.windowTitle() == "FieldReg"
    assert (window.width(), window.height()) == (1024, 640)
    labels = {label.accessibleName(): label.text() for label in window.findChildren(QLabel)}
    assert labels["store status"] == STATUS
    assert str(tmp_path) in labels["data directory"]
    assert labels["title in Khmer"] == TITLE_KM
    assert "fieldreg register" in labels["note"]
    assert all(name for name in labels), "every label has an accessible name"


def test_bundled_khmer_font_covers_the_title(qapp: QApplication) -> None:
    families = load_khmer_fonts()
    assert "Noto Sans Khmer" in families
    metrics = QFontMetrics(QFont("Noto Sans Khmer"))
    assert all(metrics.inFontUcs4(ord(ch)) for ch in TITLE_KM)
