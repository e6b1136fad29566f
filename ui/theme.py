"""The look: calm, high contrast, large hit targets. One stylesheet, a few named roles.

Widgets opt into roles by object name or a dynamic property (`role="primary"`,
`role="error"`), so no colours are scattered through the screens.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

INK = "#14171a"
MUTED = "#4a5560"
PAPER = "#f6f7f9"
CARD = "#ffffff"
LINE = "#8a949e"
ACCENT = "#0a4f9e"
ACCENT_DARK = "#083c78"
ERROR = "#a4001d"
OK = "#136c36"
WARN_BG = "#fff4d6"
SIDEBAR = "#1d2b3a"

STYLESHEET = f"""
QWidget {{ color: {INK}; }}
QMainWindow, QDialog, QStackedWidget > QWidget {{ background: {PAPER}; }}
QLineEdit, QPlainTextEdit, QTableView, QListWidget {{
    background: {CARD}; border: 1px solid {LINE}; border-radius: 4px;
    selection-background-color: {ACCENT}; selection-color: white;
}}
QLineEdit {{ min-height: 30px; padding: 1px 8px; }}
QComboBox, QSpinBox {{ min-height: 32px; }}
QLineEdit:focus, QPlainTextEdit:focus, QTableView:focus {{
    border: 2px solid {ACCENT}; padding: 0px 7px;
}}
QLineEdit[invalid="true"] {{ border: 2px solid {ERROR}; }}
QFrame[role="combo_frame"] {{ border: 2px solid transparent; border-radius: 5px; }}
QFrame[role="combo_frame"][invalid="true"] {{ border-color: {ERROR}; }}
QLineEdit[scanned="true"] {{ background: #eaf3ff; }}
QLineEdit:disabled, QComboBox:disabled {{ background: #e9ecef; color: {MUTED}; }}
QPushButton {{
    min-height: 34px; padding: 2px 16px; border-radius: 4px;
    border: 1px solid {LINE}; background: {CARD};
}}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:focus {{ border: 2px solid {ACCENT}; }}
QPushButton:disabled {{ color: #7b848c; background: #eceef0; border-color: #c4c9ce; }}
QPushButton[role="primary"] {{
    background: {ACCENT}; color: white; border: 1px solid {ACCENT_DARK}; font-weight: bold;
}}
QPushButton[role="primary"]:hover {{ background: {ACCENT_DARK}; }}
QPushButton[role="primary"]:focus {{ border: 2px solid {INK}; }}
QPushButton[role="primary"]:disabled {{ background: #9fb3c8; border-color: #9fb3c8; }}
QCheckBox, QRadioButton {{ spacing: 8px; min-height: 26px; }}
QCheckBox::indicator, QRadioButton::indicator {{ width: 18px; height: 18px; }}
QGroupBox {{
    background: {CARD}; border: 1px solid #cfd4d9; border-radius: 6px;
    margin-top: 14px; padding: 12px 10px 8px 10px; font-weight: bold;
}}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: {ACCENT_DARK}; }}
QLabel[role="error"] {{ color: {ERROR}; font-weight: normal; }}
QLabel[role="hint"] {{ color: {MUTED}; font-weight: normal; }}
QLabel[role="title"] {{ font-size: 18pt; font-weight: bold; color: {INK}; }}
QLabel[role="subtitle"] {{ font-size: 13pt; color: {MUTED}; }}
QLabel[role="notice"] {{
    background: {WARN_BG}; border: 1px solid #d9b650; border-radius: 4px; padding: 6px 10px;
}}
QLabel[role="success"] {{ color: {OK}; font-weight: bold; }}
QLabel[role="secret"] {{
    font-family: "DejaVu Sans Mono", monospace; font-size: 16pt; letter-spacing: 1px;
    background: {CARD}; border: 1px dashed {LINE}; padding: 10px;
}}
QPushButton[role="link"] {{
    border: none; background: transparent; color: {ACCENT}; text-decoration: underline;
    text-align: left; padding: 2px 0; min-height: 26px;
}}
QPushButton[role="link"]:focus {{ border: none; color: {ACCENT_DARK}; font-weight: bold; }}
QDialog {{ border: 1px solid {LINE}; }}
QLabel#sync_dot {{ padding: 0; }}
QFrame#sidebar {{ background: {SIDEBAR}; }}
QFrame#sidebar QPushButton {{
    background: transparent; color: #e8eef4; border: none; text-align: left;
    padding: 8px 16px; min-height: 40px; border-radius: 0;
}}
QFrame#sidebar QPushButton:checked {{ background: #2f4a66; border-left: 4px solid #8cc4ff; }}
QFrame#sidebar QPushButton:focus {{ border-left: 4px solid #ffffff; }}
QFrame#sidebar QLabel {{ color: #e8eef4; }}
QHeaderView::section {{
    background: #e3e7eb; border: none; border-right: 1px solid #cfd4d9; padding: 6px;
    font-weight: bold;
}}
QTableView {{ gridline-color: #dde1e5; alternate-background-color: #f2f5f8; }}
QFrame#tile, QFrame#chart_card {{
    background: {CARD}; border: 1px solid #cfd4d9; border-radius: 6px;
}}
QFrame#tile:focus {{ border: 2px solid {ACCENT}; }}
QLabel[role="tile_value"] {{ font-size: 18pt; font-weight: bold; color: {ACCENT_DARK}; }}
QPushButton[role="picker"] {{ min-height: 30px; padding: 1px 28px 1px 8px; text-align: left; }}
QPushButton[role="picker"]::menu-indicator {{
    subcontrol-origin: padding; subcontrol-position: center right; right: 8px;
}}
QLabel[role="tile_caption"] {{ font-weight: bold; }}
QLabel[role="chart_title"] {{ font-weight: bold; color: {ACCENT_DARK}; }}
QStatusBar {{ background: #e9edf1; border-top: 1px solid #cfd4d9; }}
QStatusBar QLabel {{ padding: 0 6px; }}
"""


def apply_theme(app: QApplication) -> None:
    style = QStyleFactory.create("Fusion")
    if style is not None:
        app.setStyle(style)
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor(PAPER))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(INK))
    palette.setColor(QPalette.ColorRole.Base, QColor(CARD))
    palette.setColor(QPalette.ColorRole.Text, QColor(INK))
    palette.setColor(QPalette.ColorRole.Button, QColor(CARD))
    palette.setColor(QPalette.ColorRole.ButtonText, QColor(INK))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("white"))
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor(MUTED))
    app.setPalette(palette)
    app.setStyleSheet(STYLESHEET)


# charts (ui/charts.py): one colour per series, told apart by more than hue (legend, order)
CHART_BARS = ("#0a4f9e", "#c2185b", "#5e7d1e")  # plain bars / women / men use the first two
CHART_WOMEN = "#c2185b"
CHART_MEN = "#0a4f9e"
CHART_GRID = "#dde1e5"
CHART_SMALL = "#9aa3ab"  # a "<5" cell: grey and hatched
