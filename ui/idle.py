"""Lock after a quiet spell: any key, click or wheel counts as activity."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.InputMethod,
        QEvent.Type.TouchBegin,
    }
)
CHECK_INTERVAL_MS = 5000


class IdleWatcher(QObject):
    """Install on the QApplication. `idle` fires once per quiet spell while armed."""

    idle = Signal()

    def __init__(self, monotonic: Callable[[], float], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._monotonic = monotonic
        self._last_activity = monotonic()
        self.limit_seconds = 300.0
        self.armed = False
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def arm(self, minutes: int) -> None:
        self.limit_seconds = minutes * 60.0
        self.armed = True
        self._last_activity = self._monotonic()

    def disarm(self) -> None:
        self.armed = False

    def check(self) -> None:
        if self.armed and self._monotonic() - self._last_activity >= self.limit_seconds:
            self.armed = False
            self.idle.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY:
            self._last_activity = self._monotonic()
        return False
