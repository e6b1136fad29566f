"""Coordinators: every sync attempt this laptop made (over the internet, CamDX or a USB stick),
filtered by route, outcome and period, newest first; export what is shown as CSV or JSON lines,
the same columns `fieldreg sync-log` writes. The log holds no personal data.

Reading, filtering and writing run on the store worker; the table refreshes by itself when the
sync engine reports a change while the screen is showing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldreg.clock import parse_iso
from fieldreg.desk.results import Changes
from fieldreg.desk.sync_log import PERIODS, LogFilter
from fieldreg.store.outbox import SyncAttempt
from sync.background import SyncState
from ui import messages
from ui.i18n import Formatter
from ui.services import Services
from ui.status_bar import SyncStatusBridge
from ui.theme import ERROR, OK
from ui.widgets import button, read_only_rows, set_role, text_label

# the table's columns ("packets" is accepted + duplicate + rejected: it is in the export only)
COLUMNS = (
    "started_at",
    "transport",
    "outcome",
    "accepted",
    "duplicate",
    "rejected",
    "bytes",
    "duration_ms",
    "batch_id",
)
COUNTS = ("accepted", "duplicate", "rejected")
NUMERIC = (*COUNTS, "bytes", "duration_ms")


def counted(attempt: SyncAttempt) -> bool:
    """Whether the attempt has a receipt's counts: batches written to a stick and failed
    tries have none (the log keeps zeros for them)."""
    return attempt.outcome == "ok" and attempt.transport != "file-out"


def human_bytes(count: int, formatter: Formatter) -> str:
    if count < 1024:
        text = f"{count} B"
    elif count < 1024 * 1024:
        text = f"{count / 1024:.1f} KB"
    else:
        text = f"{count / (1024 * 1024):.1f} MB"
    return formatter.digits(text)


class SyncLogModel(QAbstractTableModel):
    def __init__(self, formatter: Formatter) -> None:
        super().__init__()
        self._formatter = formatter
        self._rows: list[SyncAttempt] = []
        self._headers: Mapping[str, str] = {}

    def set_rows(self, rows: list[SyncAttempt]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rows(self) -> list[SyncAttempt]:
        return list(self._rows)

    def row_at(self, row: int) -> SyncAttempt:
        return self._rows[row]

    def set_headers(self, headers: Mapping[str, str]) -> None:
        """Column name -> its title."""
        self._headers = headers
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)

    def refresh_texts(self) -> None:
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1)
            )

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        attempt = self._rows[index.row()]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(attempt, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "batch_id":
                return attempt.batch_id
            if column == "outcome" and attempt.error:
                return f"{self._text(attempt, column)} ({attempt.error})"
            return self._text(attempt, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == "outcome":
            return QColor(ERROR if attempt.outcome == "error" else OK)
        return None

    def _text(self, attempt: SyncAttempt, column: str) -> str:
        fmt = self._formatter
        if column == "started_at":
            try:
                return fmt.date_time(parse_iso(attempt.started_at))
            except ValueError:
                return attempt.started_at
        if column == "transport":
            return messages.choice(messages.TRANSPORTS, attempt.transport)
        if column == "batch_id":
            return attempt.batch_id[-8:] if attempt.batch_id else "—"
        if column == "bytes":
            sent, received = attempt.bytes_sent, attempt.bytes_received
            return f"↑ {human_bytes(sent, fmt)}  ↓ {human_bytes(received, fmt)}"
        if column == "duration_ms":
            if attempt.duration_ms < 1000:
                return self.tr("{ms} ms").format(ms=fmt.number(attempt.duration_ms))
            seconds = fmt.digits(f"{attempt.duration_ms / 1000:.1f}")
            return self.tr("{seconds} s").format(seconds=seconds)
        if column in COUNTS and not counted(attempt):
            return "—"
        if column == "outcome":
            if attempt.outcome == "error":
                return messages.sync_error(attempt.error or "hub_unreachable")
            return messages.choice(messages.OUTCOMES, attempt.outcome)
        value = getattr(attempt, column)
        return fmt.number(value) if isinstance(value, int) else str(value)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers.get(COLUMNS[section], COLUMNS[section])
        return None


class SyncLogScreen(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._total = 0
        self._loaded = False
        self._last_state: SyncState | None = None
        self.title = text_label("title", wrap=False)
        self.count = text_label("hint")
        self.sync_button = button()
        self.refresh_button = button()

        self.transport = QComboBox()
        for code in ("", *messages.TRANSPORTS):
            self.transport.addItem("", code)
        self.outcome = QComboBox()
        for code in ("", *messages.OUTCOMES):
            self.outcome.addItem("", code)
        self.period = QComboBox()
        for code in PERIODS:
            self.period.addItem("", code)
        self.filter_captions = [text_label(wrap=False) for _ in range(3)]

        self.model = SyncLogModel(services.formatter)
        self.table = QTableView()
        self.table.setModel(self.model)
        read_only_rows(self.table, row_height=32)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for name in COLUMNS:  # each as wide as its words, in either language
            header.setSectionResizeMode(
                COLUMNS.index(name), QHeaderView.ResizeMode.ResizeToContents
            )
        header.setSectionResizeMode(COLUMNS.index("outcome"), QHeaderView.ResizeMode.Stretch)
        self.detail = text_label("hint")
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.message = text_label()
        self.export_csv_button = button()
        self.export_json_button = button()

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addWidget(self.count, 1)
        top.addWidget(self.sync_button)
        top.addWidget(self.refresh_button)
        filters = QHBoxLayout()
        for caption, combo in zip(
            self.filter_captions, (self.transport, self.outcome, self.period), strict=True
        ):
            caption.setBuddy(combo)
            filters.addWidget(caption)
            filters.addWidget(combo, 1)
            filters.addSpacing(12)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.export_csv_button, 0, Qt.AlignmentFlag.AlignTop)
        bottom.addWidget(self.export_json_button, 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 10, 16, 10)
        column.addLayout(top)
        column.addLayout(filters)
        column.addWidget(self.table, 1)
        column.addWidget(self.detail)
        column.addLayout(bottom)

        for combo in (self.transport, self.outcome, self.period):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh_button.clicked.connect(lambda: self.refresh())
        self.sync_button.clicked.connect(lambda: self._sync_now())
        self.export_csv_button.clicked.connect(lambda: self.export("csv"))
        self.export_json_button.clicked.connect(lambda: self.export("json"))
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._render_detail())
        self._bridge = SyncStatusBridge(services.sync, self)
        self._bridge.state_changed.connect(self._on_sync_state)
        self._render_sync_button(services.sync.current())
        self.retranslate()

    # -- loading -----------------------------------------------------------------------------

    def current_filter(self) -> LogFilter:
        return LogFilter(
            transport=str(self.transport.currentData() or ""),
            outcome=str(self.outcome.currentData() or ""),
            period=str(self.period.currentData() or ""),
            today=self._services.clock().astimezone().date(),
        )

    def shown(self) -> None:
        self.refresh()
        self.table.setFocus()

    def apply_changes(self, changes: Changes, *, showing: bool) -> None:
        if showing and changes.sync_log:
            self.refresh()

    def refresh(self) -> None:
        wanted = self.current_filter()
        self.count.setText(self.tr("Loading..."))
        self._services.executor.op(self, lambda desk: desk.sync_log(wanted)).success(
            self._show
        ).failure(lambda error: self.count.setText(messages.error_text(error))).run()

    def _show(self, result: tuple[list[SyncAttempt], int]) -> None:
        rows, self._total = result
        self._loaded = True
        self.model.set_rows(rows)
        self._render_count()
        self.export_csv_button.setEnabled(bool(rows))
        self.export_json_button.setEnabled(bool(rows))
        if rows:
            self.table.selectRow(0)
        self._render_detail()

    def _render_detail(self) -> None:
        """The chosen attempt in full: its batch id (to find it at the hub) and outcome."""
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            self.detail.setText("")
            return
        attempt = self.model.row_at(index.row())
        outcome = self.model.data(self.model.index(index.row(), COLUMNS.index("outcome")))
        self.detail.setText(
            self.tr("Batch {batch}: {outcome}").format(
                batch=attempt.batch_id or "—", outcome=outcome
            )
        )

    def _render_count(self) -> None:
        if not self._loaded:
            self.count.setText("")
            return
        fmt, shown = self._services.formatter, self.model.rowCount()
        if self._total == 0:
            self.count.setText(self.tr("No sync attempts yet."))
            return
        self.count.setText(
            self.tr("%n attempt(s) shown", "", shown).replace(str(shown), fmt.number(shown))
            + " · "
            + self.tr("%n in all", "", self._total).replace(
                str(self._total), fmt.number(self._total)
            )
        )

    # -- sync --------------------------------------------------------------------------------

    def _sync_now(self) -> None:
        self._services.sync.sync_now()
        self.sync_button.setEnabled(False)

    def _render_sync_button(self, state: SyncState) -> None:
        self.sync_button.setVisible(state.enrolled)
        self.sync_button.setEnabled(state.enrolled and not state.syncing)

    def _on_sync_state(self, state: SyncState) -> None:
        """The engine reported: new attempts may be in the log."""
        changed = state != self._last_state
        self._last_state = state
        self._render_sync_button(state)
        if changed and not state.syncing and self.isVisible() and self._loaded:
            self.refresh()

    # -- export ------------------------------------------------------------------------------

    def export(self, fmt: str) -> None:
        rows = self.model.rows()[::-1]  # oldest first, as `fieldreg sync-log` writes them
        if not rows:
            return
        day = self._services.clock().astimezone().date().isoformat()
        suffix = "csv" if fmt == "csv" else "jsonl"
        file_filter = (
            self.tr("CSV files (*.csv)") if fmt == "csv" else self.tr("JSON lines (*.jsonl *.json)")
        )
        path = self._services.dialogs.save_file_path(
            self, self.tr("Export the sync log"), f"fieldreg-sync-log-{day}.{suffix}", file_filter
        )
        if path is None:
            return
        for export_button in (self.export_csv_button, self.export_json_button):
            export_button.setEnabled(False)
        self.message.setText(self.tr("Writing {file}...").format(file=path.name))
        set_role(self.message, "hint")

        def written(count: int) -> None:
            self._enable_export()
            self.message.setText(
                self.tr("%n sync attempt(s) written to {path}", "", count)
                .replace(str(count), self._services.formatter.number(count))
                .format(path=str(path))
            )
            set_role(self.message, "success")

        def failed(error: Exception) -> None:
            self._enable_export()
            self.message.setText(
                self.tr("Nothing was exported: {reason}").format(reason=messages.error_text(error))
            )
            set_role(self.message, "error")

        self._services.executor.op(
            self, lambda desk: desk.export_sync_log(rows, fmt, path)
        ).success(written).failure(failed).run()

    def _enable_export(self) -> None:
        has_rows = self.model.rowCount() > 0
        self.export_csv_button.setEnabled(has_rows)
        self.export_json_button.setEnabled(has_rows)

    # -- language ----------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Sync log"))
        self.sync_button.setText(self.tr("Sync now"))
        self.refresh_button.setText(self.tr("Refresh"))
        captions = (self.tr("Route"), self.tr("Outcome"), self.tr("Period"))
        for caption, combo, text in zip(
            self.filter_captions, (self.transport, self.outcome, self.period), captions, strict=True
        ):
            caption.setText(text)
            combo.setAccessibleName(text)
        everything = {
            self.transport: self.tr("All routes"),
            self.outcome: self.tr("All outcomes"),
        }
        for combo, table in (
            (self.transport, messages.TRANSPORTS),
            (self.outcome, messages.OUTCOMES),
        ):
            for index in range(combo.count()):
                code: Any = combo.itemData(index)
                combo.setItemText(
                    index, messages.choice(table, code) if code else everything[combo]
                )
        periods = {
            "": self.tr("All time"),
            "today": self.tr("Today"),
            "7": self.tr("Last 7 days"),
            "30": self.tr("Last 30 days"),
        }
        for index in range(self.period.count()):
            self.period.setItemText(index, periods[str(self.period.itemData(index))])
        self.model.set_headers(
            {
                "started_at": self.tr("Started"),
                "transport": self.tr("Route"),
                "outcome": self.tr("Outcome"),
                "accepted": self.tr("Accepted"),
                "duplicate": self.tr("Duplicates"),
                "rejected": self.tr("Rejected"),
                "bytes": self.tr("Sent / received"),
                "duration_ms": self.tr("Time"),
                "batch_id": self.tr("Batch"),
            }
        )
        self.table.setAccessibleName(self.tr("Sync log"))
        self.export_csv_button.setText(self.tr("Export CSV"))
        self.export_json_button.setText(self.tr("Export JSON"))
        for export_button in (self.export_csv_button, self.export_json_button):
            export_button.setToolTip(
                self.tr("Exports the attempts shown, with the filters applied")
            )
        self.model.refresh_texts()
        self._render_count()
        self._render_detail()
