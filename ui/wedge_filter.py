"""Keyboard-wedge hand scanners anywhere on a screen: an application event filter around
`fieldreg.scanning.wedge.WedgeDetector`.

A hand scanner types its payload as keystrokes a few milliseconds apart and presses Enter.
The filter feeds the detector each key's own timestamp (the platform's, in ms) and:

- lets the first keys of a run through, so a person typing never waits; the focused editor's
  state is noted before a run starts;
- holds back the keys once the run goes at scanner speed, and the Enter that ends a scanned
  line, so the field does not fill up and Enter does not move the focus or press a button;
- when the scan is complete, puts the focused editor back as it was before the run and emits
  `scanned(text)`;
- when the run turns out not to be a scan (too short, slowed down, no Enter), gives the held
  keys back to the editor in order, so nothing typed is lost.

Key events without a timestamp (synthesised by QTest or accessibility tools) say nothing
about speed and are never taken as a scan. `clock_ms` is only used to measure how long the
keyboard has been quiet since the last key; tests inject it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QWidget

from fieldreg.scanning.wedge import WedgeDetector, WedgeTiming

ENTER = "Enter"
_KEY_NAMES = {
    Qt.Key.Key_Return: ENTER,
    Qt.Key.Key_Enter: ENTER,
    Qt.Key.Key_Backspace: "Backspace",
    Qt.Key.Key_Delete: "Delete",
    Qt.Key.Key_Escape: "Escape",
}
_MODIFIER_KEYS = frozenset(
    {
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_Meta,
        Qt.Key.Key_CapsLock,
        Qt.Key.Key_NumLock,
    }
)
_COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)
MODIFIER_ONLY = "modifier"
RELEASE_MEMORY_MS = 2000.0  # a held key's release arrives well within this


def monotonic_ms() -> float:
    return time.monotonic() * 1000.0


def key_name(event: QKeyEvent) -> str | None:
    """What the detector hears: one character, "Enter", a reset key, MODIFIER_ONLY, or None
    for keys that end any run (Tab, arrows, shortcuts)."""
    key = event.key()
    if key in _MODIFIER_KEYS:
        return MODIFIER_ONLY
    if event.modifiers() & _COMMAND_MODIFIERS:
        return None
    if key in _KEY_NAMES:
        return _KEY_NAMES[Qt.Key(key)]
    text = event.text()
    if len(text) == 1 and text.isprintable():
        return text
    return None


@dataclass(frozen=True, slots=True)
class _HeldKey:
    receiver: QWidget
    key: int
    modifiers: Qt.KeyboardModifier
    text: str


@dataclass(frozen=True, slots=True)
class _EditorState:
    """A focused editor as it was before a run of keys reached it."""

    widget: QWidget
    text: str = ""
    cursor: int = 0
    index: int = -1
    code: str = ""

    @staticmethod
    def of(widget: QWidget | None) -> _EditorState | None:
        if isinstance(widget, QLineEdit):
            code = getattr(widget, "code", "")  # a place picker's chosen place
            return _EditorState(
                widget,
                widget.text(),
                widget.cursorPosition(),
                code=code if isinstance(code, str) else "",
            )
        if isinstance(widget, QComboBox):
            return _EditorState(widget, widget.currentText(), index=widget.currentIndex())
        return None

    def restore(self) -> None:
        widget = self.widget
        if not shiboken6.isValid(widget):
            return
        if isinstance(widget, QComboBox):
            if widget.currentIndex() != self.index:
                widget.setCurrentIndex(self.index)
            return
        if isinstance(widget, QLineEdit):
            set_code = getattr(widget, "set_code", None)
            if self.code and callable(set_code):
                set_code(self.code)
            elif widget.text() != self.text:
                widget.setText(self.text)
                widget.setCursorPosition(self.cursor)


class WedgeFilter(QObject):
    """Install on the QApplication (`install`). `in_scope(widget)` says whether keys typed
    into the focused `widget` may be a scan for this filter's owner."""

    scanned = Signal(str)

    def __init__(
        self,
        in_scope: Callable[[QWidget], bool],
        *,
        timing: WedgeTiming | None = None,
        clock_ms: Callable[[], float] = monotonic_ms,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._in_scope = in_scope
        self._timing = timing or WedgeTiming()
        self._clock_ms = clock_ms
        self._detector = WedgeDetector(self._timing)
        self._held: list[_HeldKey] = []
        self._held_releases: dict[int, int] = {}
        self._release_memory_until = 0.0
        self._before_run: _EditorState | None = None
        self._last_char_at: float | None = None
        self._last_key_at: float | None = None  # event time base
        self._last_key_clock = 0.0  # clock_ms() when that key came
        self._replaying = False
        self._app: QApplication | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.check)

    # -- installing --------------------------------------------------------------------------

    def install(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication) and self._app is None:
            app.installEventFilter(self)
            self._app = app

    def uninstall(self) -> None:
        """Stop listening; keys still held are given back first."""
        self._give_back()
        if self._app is not None:
            self._app.removeEventFilter(self)
            self._app = None

    @property
    def holding(self) -> bool:
        """Keys are held back from the focused editor (a scan is arriving)."""
        return bool(self._held)

    # -- events ------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if self._replaying or kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        if not isinstance(watched, QWidget) or not isinstance(event, QKeyEvent):
            return False
        if not _is_key_target(watched):
            return False  # the same key seen again on its way to a parent or window
        if kind == QEvent.Type.KeyRelease:
            return self._release_held(event)
        return self._key_pressed(watched, event)

    def _key_pressed(self, receiver: QWidget, event: QKeyEvent) -> bool:
        name = key_name(event)
        if name == MODIFIER_ONLY:
            return bool(self._held)  # Shift for a held capital letter stays with it
        at = float(event.timestamp())
        editor = QApplication.focusWidget() or receiver
        timed = at > 0 and not event.isAutoRepeat()
        if name is None or not timed or not self._in_scope(editor):
            self._end_run()
            return False
        self._deliver_due(at)
        self._last_key_at, self._last_key_clock = at, self._clock_ms()
        if name == ENTER:
            return self._enter(receiver, event, at)
        if len(name) > 1:  # Backspace, Delete, Escape: a person correcting
            self._end_run()
            return False
        return self._character(receiver, editor, event, at, name)

    def _character(
        self, receiver: QWidget, editor: QWidget, event: QKeyEvent, at: float, char: str
    ) -> bool:
        scan_waiting = self._detector.deadline() is not None
        previous, self._last_char_at = self._last_char_at, at
        self._detector.feed(at, char)
        if scan_waiting or self._detector.burst_in_progress:
            self._hold(receiver, event, at)
            return True
        new_run = previous is None or at - previous > self._timing.max_gap_ms
        if new_run or self._before_run is None or self._before_run.widget is not editor:
            self._before_run = _EditorState.of(editor)
        return False

    def _enter(self, receiver: QWidget, event: QKeyEvent, at: float) -> bool:
        self._detector.feed(at, ENTER)
        if self._detector.deadline() is not None:  # a scanned line ended, or one is waiting
            self._hold(receiver, event, at)
            return True
        self._give_back()  # a fast run that was not a scan: the editor gets it all
        self._before_run = None
        return False

    def _hold(self, receiver: QWidget, event: QKeyEvent, at: float) -> None:
        self._held.append(_HeldKey(receiver, event.key(), event.modifiers(), event.text()))
        self._held_releases[event.key()] = self._held_releases.get(event.key(), 0) + 1
        self._release_memory_until = at + RELEASE_MEMORY_MS
        self._schedule()

    def _release_held(self, event: QKeyEvent) -> bool:
        if event.timestamp() > self._release_memory_until:
            self._held_releases.clear()
        count = self._held_releases.get(event.key(), 0)
        if count <= 0:
            return False
        self._held_releases[event.key()] = count - 1
        return True

    # -- decisions ---------------------------------------------------------------------------

    def check(self) -> None:
        """Hand over a scan whose last line has waited long enough, or give back keys held
        from a run that went quiet without an Enter. Called by the timer (and by tests after
        moving their clock)."""
        if self._last_key_at is None:
            return
        now = self._last_key_at + (self._clock_ms() - self._last_key_clock)
        self._deliver_due(now)
        quiet = now - self._last_key_at > self._timing.max_gap_ms
        if self._held and self._detector.deadline() is None and quiet:
            self._end_run()
        self._schedule()

    def _deliver_due(self, now: float) -> None:
        text = self._detector.poll(now)
        if text is not None:
            self._finish(text)

    def _finish(self, text: str) -> None:
        """A complete scan: its keys never reach the editor, which is put back as it was."""
        self._held.clear()
        if self._before_run is not None:
            self._before_run.restore()
            self._before_run = None
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.hide()  # suggestions for the scan's first characters
        self.scanned.emit(text)

    def _end_run(self) -> None:
        """A key that cannot be part of a scan: a scan already complete is handed over,
        anything else held goes back to the editor, and the detector starts afresh."""
        deadline = self._detector.deadline()
        if deadline is not None:
            text = self._detector.poll(deadline)
            if text is not None:
                self._finish(text)
        self._give_back()
        self._detector = WedgeDetector(self._timing)
        self._last_char_at = None
        self._before_run = None

    def _give_back(self) -> None:
        held, self._held = self._held, []
        if not held:
            return
        self._replaying = True
        try:
            for key in held:
                target: QWidget | None = key.receiver
                if not shiboken6.isValid(key.receiver) or not key.receiver.isVisible():
                    target = QApplication.focusWidget()
                if target is None:
                    continue
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(
                        target, QKeyEvent(kind, key.key, key.modifiers, key.text)
                    )
        finally:
            self._replaying = False

    def _schedule(self) -> None:
        """Wake up when the next decision is due (scanner lines join, or a run went quiet)."""
        if self._last_key_at is None:
            return
        deadline = self._detector.deadline()
        if deadline is None and self._held:
            deadline = self._last_key_at + self._timing.max_gap_ms + 1
        if deadline is None:
            self._timer.stop()
            return
        elapsed = self._clock_ms() - self._last_key_clock
        self._timer.start(max(1, round(deadline - self._last_key_at - elapsed)))


def _is_key_target(widget: QWidget) -> bool:
    """The first widget a key event reaches: the focused widget, or an open popup (a
    completer's list) that passes keys on to its editor."""
    return widget is QApplication.focusWidget() or widget is QApplication.activePopupWidget()
