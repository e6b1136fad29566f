"""Rows of the registrations list, its search, and the table model (decrypted data stays in
memory only while the app is unlocked; the list is emptied on lock)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from fieldreg.clock import parse_iso
from fieldreg.gazetteer import normalise
from fieldreg.store.session import StoredRegistration
from ui import messages
from ui.i18n import Formatter, ascii_digits
from ui.record_view import national_phone

COLUMNS = ("when", "name_km", "name_en", "id_number", "phone", "event", "status")


@dataclass(frozen=True, slots=True)
class ListRow:
    kind: str  # "registration" or "draft"
    id: str
    when: dt.datetime
    name_km: str
    name_en: str
    id_number: str
    phone: str  # as people write it: 012 345 678
    event: str
    status: str  # draft, pending, synced, rejected
    reject_reason: str = ""
    reject_code: str = ""

    def search_text(self) -> str:
        digits = ascii_digits(self.phone).replace(" ", "")
        return normalise(f"{self.name_km} {self.name_en} {self.id_number} {digits}")


def row_from_registration(stored: StoredRegistration) -> ListRow:
    record = stored.record
    return ListRow(
        "registration",
        stored.id,
        parse_iso(stored.created_at),
        record.name_km,
        record.name_en,
        record.id_number,
        national_phone(record.phone),
        stored.event,
        stored.status,
        stored.reject_reason or "",
        stored.reject_code or "",
    )


def row_from_draft(draft_id: str, updated_at: str, event: str, data: dict[str, Any]) -> ListRow:
    form = data.get("form", {}) if isinstance(data.get("form"), dict) else {}
    return ListRow(
        "draft",
        draft_id,
        parse_iso(updated_at),
        str(form.get("name_km", "")),
        str(form.get("name_en", "")).upper(),
        str(form.get("id_number", "")),
        str(form.get("phone", "")),
        event,
        "draft",
    )


def matches(row: ListRow, query: str) -> bool:
    """Name (Khmer or Latin), ID number or phone; phones match in any written form."""
    words = normalise(ascii_digits(query)).split()
    if not words:
        return True
    haystack = row.search_text()
    for word in words:
        digits = word.replace("+855", "0").lstrip("+")
        if digits.startswith("855") and len(digits) > 8:
            digits = "0" + digits[3:]
        if word not in haystack and digits not in haystack:
            return False
    return True


class RegistrationTableModel(QAbstractTableModel):
    def __init__(self, formatter: Formatter) -> None:
        super().__init__()
        self._formatter = formatter
        self._rows: list[ListRow] = []
        self._headers: Sequence[str] = COLUMNS

    def set_rows(self, rows: list[ListRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def set_headers(self, headers: Sequence[str]) -> None:
        self._headers = headers
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)

    def refresh_texts(self) -> None:
        """The language changed: same rows, new words."""
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 6))

    def row_at(self, row: int) -> ListRow:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        row = self._rows[index.row()]
        column = COLUMNS[index.column()]
        if column == "when":
            return self._formatter.date_time(row.when)
        if column == "status":
            text = messages.choice(messages.STATUSES, row.status)
            why = messages.rejection_text(row.reject_code, row.reject_reason)
            return f"{text}: {why}" if why else text
        if column in ("id_number", "phone"):
            return self._formatter.digits(getattr(row, column))
        return getattr(row, column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None
