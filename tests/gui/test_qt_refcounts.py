"""PySide6 6.12.0 dropped a reference to None on every QLabel.setText (and similar calls):
after a few dozen registrations Python aborted with "none_dealloc". pyproject keeps us off that
release; this test fails on any Qt binding with the same fault before a registrar meets it."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel


def test_setting_label_texts_keeps_none_alive(qapp: QApplication) -> None:
    label = QLabel("x")
    label.show()
    before = sys.getrefcount(None)
    for n in range(500):
        label.setText(str(n))
        label.setVisible(bool(n % 2))
        label.setAccessibleDescription(str(n))
        qapp.processEvents()
    assert sys.getrefcount(None) - before > -50  # was -2,500 on PySide6 6.12.0
