"""Telling a keyboard-wedge hand scanner from a person typing. No Qt: timings in, decision out.

A hand scanner "types" its payload as a burst of keystrokes a few milliseconds apart and ends
it with Enter; people type 100-300 ms apart. A line of at least `min_chars` characters whose
keystrokes came on average less than `max_mean_gap_ms` apart is a scan. Scanners end every
line with Enter (an ID card zone is three lines), so after a scanned line the detector waits
`line_join_ms` for the next line before it hands the scan over: the UI calls `poll` from a
timer at `deadline()`, or the next keystroke after the wait delivers it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ENTER_KEYS = frozenset({"\r", "\n", "Enter", "Return"})
RESET_KEYS = frozenset({"Backspace", "Delete", "Escape"})


@dataclass(frozen=True, slots=True)
class WedgeTiming:
    min_chars: int = 8  # a first line shorter than this is typing (or a tiny code)
    max_mean_gap_ms: float = 35.0  # scanners: 1-20 ms; fast typists rarely under 60 ms
    max_gap_ms: float = 120.0  # a longer pause starts a new burst
    line_join_ms: float = 80.0  # how long a scanned line waits for a following line


@dataclass(slots=True)
class _Line:
    chars: list[str] = field(default_factory=list)
    times: list[float] = field(default_factory=list)

    def mean_gap(self, end: float) -> float:
        moments = [*self.times, end]
        return (moments[-1] - moments[0]) / (len(moments) - 1)


class WedgeDetector:
    def __init__(self, timing: WedgeTiming = WedgeTiming()) -> None:
        self.timing = timing
        self._line = _Line()
        self._scanned_lines: list[str] = []  # lines of a scan waiting for more
        self._last_at: float | None = None

    def feed(self, at_ms: float, key: str) -> str | None:
        """One key event: a single character, or a key name ("Enter", "Shift", ...).
        Returns a finished scan's text (lines joined by "\\n") when one is complete."""
        done = self.poll(at_ms)
        if key in ENTER_KEYS:
            self._end_line(at_ms)
        elif key in RESET_KEYS:
            self._reset()
        elif len(key) == 1 and key.isprintable():
            self._add_char(at_ms, key)
        return done

    def poll(self, now_ms: float) -> str | None:
        """A scan whose last line has waited `line_join_ms` with nothing following."""
        if not self._scanned_lines or self._last_at is None:
            return None
        if now_ms - self._last_at <= self.timing.line_join_ms:
            return None
        text = "\n".join(self._scanned_lines)
        self._scanned_lines = []
        return text

    def deadline(self) -> float | None:
        """When `poll` will deliver the scan waiting now (ms, the feed's time base), or None."""
        if not self._scanned_lines or self._last_at is None:
            return None
        return self._last_at + self.timing.line_join_ms + 1

    @property
    def burst_in_progress(self) -> bool:
        """Keys are arriving at scanner speed: the UI may hold them back from the focused field."""
        times = self._line.times
        if len(times) < 3:
            return False
        return (times[-1] - times[0]) / (len(times) - 1) < self.timing.max_mean_gap_ms

    def _add_char(self, at_ms: float, char: str) -> None:
        if self._last_at is not None and at_ms - self._last_at > self.timing.max_gap_ms:
            self._line = _Line()
        self._line.chars.append(char)
        self._line.times.append(at_ms)
        self._last_at = at_ms

    def _end_line(self, at_ms: float) -> None:
        line, self._line = self._line, _Line()
        if not line.chars:
            return
        first_line = not self._scanned_lines
        long_enough = len(line.chars) >= (self.timing.min_chars if first_line else 1)
        fast = line.mean_gap(at_ms) < self.timing.max_mean_gap_ms
        if long_enough and fast:
            self._scanned_lines.append("".join(line.chars))
            self._last_at = at_ms
        elif first_line:
            self._last_at = at_ms

    def _reset(self) -> None:
        self._line = _Line()
        self._scanned_lines = []
