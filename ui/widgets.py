"""Small building blocks shared by the screens: labelled fields, roles, Enter-to-next."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)


def set_role(widget: QWidget, role: str) -> None:
    widget.setProperty("role", role)
    _repolish(widget)


def set_flag(widget: QWidget, name: str, on: bool) -> None:
    """A boolean style property (`invalid`, `scanned`) the stylesheet reacts to."""
    if bool(widget.property(name)) != on:
        widget.setProperty(name, on)
        _repolish(widget)


def _repolish(widget: QWidget) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def text_label(role: str | None = None, *, wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if role:
        set_role(label, role)
    return label


def centered(widget: QWidget, width: int) -> QHBoxLayout:
    """`widget` at a fixed width in the middle of a row. (An alignment flag instead would
    size it by its size hint and clip wrapped labels.)"""
    widget.setFixedWidth(width)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(widget)
    row.addStretch(1)
    return row


def link_button() -> QPushButton:
    link = QPushButton()
    set_role(link, "link")
    link.setCursor(Qt.CursorShape.PointingHandCursor)
    return link


def primary_button() -> QPushButton:
    button = QPushButton()
    set_role(button, "primary")
    button.setAutoDefault(True)
    return button


def button() -> QPushButton:
    plain = QPushButton()
    plain.setAutoDefault(True)
    return plain


class LabelledField(QWidget):
    """A caption above an editor and, below it, the error message when there is one."""

    def __init__(self, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.caption = text_label()
        self.caption.setBuddy(editor)
        self.error = text_label("error")
        self.error.hide()
        # Combo boxes keep the platform look (a stylesheet border would hide their arrow):
        # a frame around them shows the invalid state instead.
        self._marked: QWidget = editor
        if isinstance(editor, QComboBox):
            self._marked = QFrame()
            set_role(self._marked, "combo_frame")
            frame_layout = QVBoxLayout(self._marked)
            frame_layout.setContentsMargins(0, 0, 0, 0)
            frame_layout.addWidget(editor)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.caption)
        column.addWidget(self._marked)
        column.addWidget(self.error)

    def set_caption(self, text: str) -> None:
        self.caption.setText(text)
        self.editor.setAccessibleName(text)

    def set_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
        set_flag(self._marked, "invalid", bool(text))
        self.editor.setAccessibleDescription(text)


def read_only_rows(table: QTableView, row_height: int = 34) -> QTableView:
    """A table people read and pick one row from: whole rows, one at a time, no editing."""
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(row_height)
    return table


def next_in_tab_order(widget: QWidget) -> QWidget | None:
    """The widget Tab would reach from `widget` (visible, enabled, taking Tab focus)."""
    candidate = widget.nextInFocusChain()
    while candidate is not None and candidate is not widget:
        if (
            candidate.isVisible()
            and candidate.isEnabled()
            and candidate.focusPolicy() & Qt.FocusPolicy.TabFocus
            and candidate.window() is widget.window()
        ):
            return candidate
        candidate = candidate.nextInFocusChain()
    return None


class EnterMovesFocus(QObject):
    """Enter in an editor moves to the next field, as Tab does (registrars type fast and
    expect Enter to advance). A widget may first accept its best match (`accept_best_match`)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QWidget):
            return False
        key_event = event if isinstance(event, QKeyEvent) else None
        if key_event is None or key_event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return False
        if key_event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        if isinstance(watched, QComboBox) and watched.view().isVisible():
            return False
        accept = getattr(watched, "accept_best_match", None)
        if callable(accept) and not accept():
            return True  # nothing matched: stay, so the registrar can fix the text
        following = next_in_tab_order(watched)
        if following is not None:
            following.setFocus(Qt.FocusReason.TabFocusReason)
        return True

    def watch(self, *widgets: QWidget) -> None:
        for widget in widgets:
            widget.installEventFilter(self)
