"""Decoding camera frames off the UI thread. No Qt: the camera widget feeds frames in and
hears confirmed payloads through a callback (which it re-emits onto the GUI thread).

- Only the newest frame is kept: a frame that arrives while another waits replaces it, so a
  slow decode never builds a queue and the decoder always sees what the camera sees now.
- Frames are decoded a few times a second (`interval_s`), not at the camera's frame rate.
- A payload is reported once it was read on two decoded frames within `confirm_window_s`, so
  a code sliding half into view is not taken; then it is not reported again while it stays
  in view (until `forget_after_s` passes without a sighting).

`FrameConfirmer` holds the timing rules and is driven by explicit timestamps; `FrameWorker`
runs it on a thread with an injected clock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fieldreg.scanning.decode import DecodedPayload, ScanImageError

log = logging.getLogger(__name__)

Decoder = Callable[[Any], list[DecodedPayload]]
MonotonicClock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class FrameTiming:
    interval_s: float = 0.2  # at most five decodes a second
    confirm_window_s: float = 1.0  # the two sightings must be this close
    forget_after_s: float = 2.0  # unseen this long, a payload may be reported again


class FrameConfirmer:
    """The two-sightings rule and the repeat suppression, over decoded frames."""

    def __init__(self, timing: FrameTiming = FrameTiming()) -> None:
        self.timing = timing
        self._first_seen: dict[bytes, float] = {}  # candidates seen once
        self._reported_seen: dict[bytes, float] = {}  # reported: when last seen

    def observe(self, payloads: list[DecodedPayload], now: float) -> list[DecodedPayload]:
        """The payloads of one decoded frame; returns those confirmed by this frame."""
        self._expire(now)
        confirmed = []
        for payload in payloads:
            key = payload.data
            if key in self._reported_seen:
                self._reported_seen[key] = now
            elif key in self._first_seen:
                del self._first_seen[key]
                self._reported_seen[key] = now
                confirmed.append(payload)
            else:
                self._first_seen[key] = now
        return confirmed

    def _expire(self, now: float) -> None:
        window, forget = self.timing.confirm_window_s, self.timing.forget_after_s
        self._first_seen = {k: t for k, t in self._first_seen.items() if now - t <= window}
        self._reported_seen = {k: t for k, t in self._reported_seen.items() if now - t < forget}


class FrameWorker:
    """A thread that decodes the newest submitted frame at most every `interval_s` seconds.

    `on_payload` is called on the worker thread; `on_error` hears a decoder failure's code."""

    def __init__(
        self,
        decoder: Decoder,
        on_payload: Callable[[DecodedPayload], None],
        *,
        timing: FrameTiming = FrameTiming(),
        clock: MonotonicClock = time.monotonic,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        self._decoder = decoder
        self._on_payload = on_payload
        self._on_error = on_error
        self._timing = timing
        self._clock = clock
        self._confirmer = FrameConfirmer(timing)
        self._condition = threading.Condition()
        self._pending: Any = None
        self._has_pending = False
        self._stopping = False
        self._last_decode_at: float | None = None
        self._thread: threading.Thread | None = None
        self.frames_submitted = 0
        self.frames_dropped = 0
        self.frames_decoded = 0

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("already started")
        self._thread = threading.Thread(target=self._run, name="frame-decoder", daemon=True)
        self._thread.start()

    def submit(self, frame: Any) -> None:
        """Hand over the newest frame; a frame still waiting is dropped. Never blocks long."""
        with self._condition:
            if self._has_pending:
                self.frames_dropped += 1
            self._pending, self._has_pending = frame, True
            self.frames_submitted += 1
            self._condition.notify()

    def wake(self) -> None:
        """Re-check the timing now (after the clock was moved, e.g. by a test's fake clock)."""
        with self._condition:
            self._condition.notify()

    def stop(self, timeout: float | None = 5.0) -> None:
        with self._condition:
            self._stopping = True
            self._condition.notify()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            frame = self._next_frame()
            if frame is _STOP:
                return
            self._decode(frame)

    def _next_frame(self) -> Any:
        """Wait for a frame and for the interval since the last decode to pass."""
        with self._condition:
            while True:
                if self._stopping:
                    return _STOP
                wait = self._wait_needed()
                if self._has_pending and wait <= 0:
                    frame, self._pending, self._has_pending = self._pending, None, False
                    self._last_decode_at = self._clock()
                    return frame
                self._condition.wait(timeout=wait if self._has_pending else None)

    def _wait_needed(self) -> float:
        if self._last_decode_at is None:
            return 0.0
        return self._timing.interval_s - (self._clock() - self._last_decode_at)

    def _decode(self, frame: Any) -> None:
        try:
            payloads = self._decoder(frame)
        except ScanImageError as error:
            if self._on_error:
                self._on_error(error.code)
            return
        except Exception:  # a decoder crash must not kill the camera's worker
            log.exception("frame decoder failed")
            if self._on_error:
                self._on_error("decoder_failed")
            return
        self.frames_decoded += 1
        for payload in self._confirmer.observe(payloads, self._clock()):
            self._on_payload(payload)


_STOP = object()
