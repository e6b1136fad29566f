"""The status bar: who is working, the event, store activity, and the sync indicator that is
always visible (fed by the `SyncStatusSource` seam)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QStatusBar, QWidget

from fieldreg.desk.disk_space import DiskSpace
from sync.background import SyncState, SyncStatusSource
from ui.i18n import Formatter
from ui.widgets import button, text_label

DOT_STYLE = "border-radius: 7px; background: {colour};"


class SyncStatusBridge(QObject):
    """Re-emits the sync engine's updates (from any thread) onto the GUI thread. The source
    holds the listener weakly: once this bridge is gone (its window closed) it is not called."""

    state_changed = Signal(object)

    def __init__(self, source: SyncStatusSource, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = source
        source.add_listener(self._forward)

    def _forward(self, state: SyncState) -> None:
        if shiboken6.isValid(self):  # the Python wrapper can outlive the widget
            self.state_changed.emit(state)


class SyncIndicator(QWidget):
    def __init__(
        self, source: SyncStatusSource, formatter: Formatter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._formatter = formatter
        self._bridge = SyncStatusBridge(source, self)
        self._state = source.current()
        self._device_count: int | None = None
        self.dot = QLabel()
        self.dot.setObjectName("sync_dot")
        self.dot.setFixedSize(14, 14)
        self.text = text_label(wrap=False)
        self.sync_button = button()
        self.sync_button.setMinimumHeight(28)
        self.sync_button.clicked.connect(lambda: self._bridge.source.sync_now())
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        row.addWidget(self.dot)
        row.addWidget(self.text)
        row.addWidget(self.sync_button)
        self._bridge.state_changed.connect(self.show_state)
        self.retranslate()

    @property
    def state(self) -> SyncState:
        return self._state

    def show_state(self, state: SyncState) -> None:
        self._state = state
        self._render()

    def set_device_count(self, count: int | None) -> None:
        self._device_count = count
        self._render()

    def _render(self) -> None:
        state, fmt = self._state, self._formatter
        if not state.enrolled:
            colour = "#8a949e"
            text = self.tr("Not connected to a hub")
            if self._device_count is not None:
                text += " · " + self.tr(
                    "%n registration(s) kept on this laptop", "", self._device_count
                ).replace(str(self._device_count), fmt.number(self._device_count))
        else:
            colour = "#136c36" if state.online else "#b35c00"
            parts = [self.tr("Online") if state.online else self.tr("Offline")]
            if state.syncing and state.progress:
                sent, total = state.progress
                parts.append(
                    self.tr("Sending {sent} of {total}").format(
                        sent=fmt.number(sent), total=fmt.number(total)
                    )
                )
            elif state.syncing:
                parts.append(self.tr("Sending..."))
            if state.pending is not None:
                parts.append(
                    self.tr("%n waiting", "", state.pending).replace(
                        str(state.pending), fmt.number(state.pending)
                    )
                )
            if state.last_success is not None:
                parts.append(
                    self.tr("last sync {when}").format(when=fmt.date_time(state.last_success))
                )
            if state.error_code:
                colour = "#a4001d"
                parts.append(self.tr("last try failed; it will retry by itself"))
            text = " · ".join(parts)
        self.dot.setStyleSheet(DOT_STYLE.format(colour=colour))
        self.text.setText(text)
        self.text.setToolTip(state.error_code or "")
        self.setAccessibleName(text)
        self.sync_button.setVisible(state.enrolled)
        self.sync_button.setEnabled(state.enrolled and not state.syncing)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.sync_button.setText(self.tr("Sync now"))
        self._render()


class AppStatusBar(QStatusBar):
    """Operator and event on the left, store activity and sync on the right."""

    def __init__(
        self, source: SyncStatusSource, formatter: Formatter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.who = text_label(wrap=False)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumSize(80, 10)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.sync = SyncIndicator(source, formatter)
        self._formatter = formatter
        self._space: DiskSpace | None = None
        self.disk = text_label(wrap=False)
        self.disk.setObjectName("disk_space")
        self.disk.hide()
        self.addWidget(self.who, 1)
        self.addPermanentWidget(self.busy)
        self.addPermanentWidget(self.disk)
        self.addPermanentWidget(self.sync)

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)

    def set_disk_space(self, space: DiskSpace) -> None:
        """Free space on the store's disk; red, with a word, once it is below the warning."""
        self._space = space
        self._render_disk()

    def _render_disk(self) -> None:
        space = self._space
        if space is None:
            return
        amount = self._formatter.number(space.free_mb)
        if space.low:
            text = self.tr("Disk almost full: {mb} MB free").format(mb=amount)
        else:
            text = self.tr("Disk: {mb} MB free").format(mb=amount)
        self.disk.setText(text)
        self.disk.setAccessibleName(text)
        self.disk.setStyleSheet("color: #a4001d; font-weight: bold;" if space.low else "")
        self.disk.show()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._render_disk()
        super().changeEvent(event)

    def set_who(self, text: str) -> None:
        self.who.setText(text)
