"""Registrations on this device: search by name (Khmer or Latin), ID number or phone;
filter by status; open one (a draft goes back to the form)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldreg.desk import Desk
from fieldreg.desk.results import Changes
from ui import messages
from ui.screens.registration_rows import (
    ListRow,
    RegistrationTableModel,
    matches,
    row_from_draft,
    row_from_registration,
)
from ui.services import Services
from ui.widgets import button, primary_button, read_only_rows, text_label

STATUS_FILTERS = ("", "draft", "pending", "synced", "rejected")


def load_rows(desk: Desk) -> list[ListRow]:
    """On the worker: this operator's registrations and drafts as rows, newest first."""
    rows = [row_from_registration(stored) for stored in desk.registrations()]
    rows += [row_from_draft(d.id, d.updated_at, d.event, d.data) for d in desk.drafts()]
    rows.sort(key=lambda row: row.when, reverse=True)
    return rows


class RegistrationsScreen(QWidget):
    open_registration = Signal(str)
    open_draft = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._rows: list[ListRow] = []
        self.title = text_label("title")
        self.count = text_label("hint")
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.status = QComboBox()
        for code in STATUS_FILTERS:
            self.status.addItem("", code)
        self.today_only = QCheckBox()
        self.refresh_button = button()
        self.open_button = primary_button()
        self.model = RegistrationTableModel(services.formatter)
        self.table = QTableView()
        self.table.setModel(self.model)
        read_only_rows(self.table)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for index, width in enumerate((205, 160, 170, 125, 135, 220, 150)):
            self.table.setColumnWidth(index, width)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)  # the event

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addWidget(self.count, 1)
        top.addWidget(self.refresh_button)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.status, 1)
        filters.addWidget(self.today_only)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.open_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 10, 16, 10)
        column.addLayout(top)
        column.addLayout(filters)
        column.addWidget(self.table, 1)
        column.addLayout(bottom)

        self.search.textChanged.connect(lambda _t: self._apply_filter())
        self.search.returnPressed.connect(self.table.setFocus)
        self.status.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.today_only.toggled.connect(lambda _on: self._apply_filter())
        self.refresh_button.clicked.connect(lambda: self.refresh())
        self.open_button.clicked.connect(lambda: self.open_selected())
        self.table.activated.connect(lambda index: self._open_row(index))
        self.retranslate()

    def shown(self) -> None:
        self.refresh()
        self.search.setFocus()

    def apply_changes(self, changes: Changes, *, showing: bool) -> None:
        if showing and (changes.registrations or changes.drafts):
            self.refresh()

    def refresh(self) -> None:
        self.count.setText(self.tr("Loading..."))
        self._services.executor.op(self, load_rows).success(self._show_rows).failure(
            lambda error: self.count.setText(messages.error_text(error))
        ).run()

    def clear(self) -> None:
        """Locking: forget every decrypted row."""
        self._rows = []
        self.model.set_rows([])
        self.search.clear()

    def _show_rows(self, rows: list[ListRow]) -> None:
        self._rows = rows
        self._apply_filter()

    def visible_rows(self) -> list[ListRow]:
        today = self._services.clock().astimezone().date()
        status = self.status.currentData()
        query = self.search.text()
        return [
            row
            for row in self._rows
            if (not status or row.status == status)
            and (not self.today_only.isChecked() or row.when.astimezone().date() == today)
            and matches(row, query)
        ]

    def _apply_filter(self) -> None:
        rows = self.visible_rows()
        self.model.set_rows(rows)
        self._render_count()
        if rows:
            self.table.selectRow(0)

    def _render_count(self) -> None:
        shown = self.model.rowCount()
        text = self.tr("%n registration(s) shown", "", shown)
        self.count.setText(text.replace(str(shown), self._services.formatter.number(shown)))

    def open_selected(self) -> None:
        selected = self.table.selectionModel().selectedRows()
        if selected:
            self._open_row(selected[0])

    def _open_row(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row.kind == "draft":
            self.open_draft.emit(row.id)
        else:
            self.open_registration.emit(row.id)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Registrations"))
        self.search.setPlaceholderText(self.tr("Search by name, ID number or phone"))
        self.search.setAccessibleName(self.search.placeholderText())
        self.status.setAccessibleName(self.tr("Status"))
        for index in range(self.status.count()):
            code: Any = self.status.itemData(index)
            text = messages.choice(messages.STATUSES, code) if code else self.tr("All statuses")
            self.status.setItemText(index, text)
        self.today_only.setText(self.tr("Today only"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.open_button.setText(self.tr("Open"))
        self.model.set_headers(
            [
                self.tr("Date"),
                self.tr("Khmer name"),
                self.tr("Latin name"),
                self.tr("ID number"),
                self.tr("Phone"),
                self.tr("Event"),
                self.tr("Status"),
            ]
        )
        self.model.refresh_texts()
        self._render_count()
