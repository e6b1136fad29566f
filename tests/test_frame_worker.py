"""The camera's frame decoder, fed from lists of pictures: newest frame only, a few decodes a
second, and a payload only once two frames agree. No sleeps: threads are synchronised with
events and queues, and time is a fake clock."""

from __future__ import annotations

import queue
import threading
from typing import Any

import numpy as np
import pytest

from fieldreg.scanning.decode import DecodedPayload, ScanImageError, decode_camera_frame
from fieldreg.scanning.frame_worker import FrameConfirmer, FrameTiming, FrameWorker
from tests.scan_images import on_canvas, qr_image

WAIT = 10.0  # seconds a test waits for the worker before failing; never slept


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def payload(text: str) -> DecodedPayload:
    return DecodedPayload(text.encode(), text, "qr", "zxing-cpp")


# -- the two-sightings rule ------------------------------------------------------------------


def test_a_payload_needs_two_frames() -> None:
    confirmer = FrameConfirmer()
    assert confirmer.observe([payload("A")], 0.0) == []
    assert confirmer.observe([payload("A")], 0.2) == [payload("A")]


def test_it_is_reported_once_while_it_stays_in_view() -> None:
    confirmer = FrameConfirmer(FrameTiming(forget_after_s=2.0))
    reported = [confirmer.observe([payload("A")], t / 5) for t in range(20)]
    assert sum(len(r) for r in reported) == 1


def test_it_is_reported_again_after_leaving_the_view() -> None:
    confirmer = FrameConfirmer(FrameTiming(forget_after_s=2.0))
    confirmer.observe([payload("A")], 0.0)
    assert confirmer.observe([payload("A")], 0.2) == [payload("A")]
    confirmer.observe([], 1.0)
    assert confirmer.observe([payload("A")], 3.0) == []  # first sighting again
    assert confirmer.observe([payload("A")], 3.2) == [payload("A")]


def test_two_sightings_must_be_close_together() -> None:
    confirmer = FrameConfirmer(FrameTiming(confirm_window_s=1.0))
    confirmer.observe([payload("A")], 0.0)
    assert confirmer.observe([payload("A")], 1.5) == []
    assert confirmer.observe([payload("A")], 1.7) == [payload("A")]


def test_different_payloads_are_confirmed_separately() -> None:
    confirmer = FrameConfirmer()
    confirmer.observe([payload("A")], 0.0)
    assert confirmer.observe([payload("B")], 0.2) == []
    assert confirmer.observe([payload("A"), payload("B")], 0.4) == [payload("A"), payload("B")]


# -- the thread --------------------------------------------------------------------------------


class Harness:
    """A worker with a recording decoder and a queue of what it reports."""

    def __init__(self, decoder: Any = decode_camera_frame, **timing: float) -> None:
        self.reported: queue.Queue[DecodedPayload] = queue.Queue()
        self.errors: queue.Queue[str] = queue.Queue()
        self.clock = FakeMonotonic()
        self.decoded: queue.Queue[tuple[float, Any]] = queue.Queue()
        self._decoder = decoder

        def recording(frame: Any) -> list[DecodedPayload]:
            started_at = self.clock()
            try:
                return list(self._decoder(frame))
            finally:
                self.decoded.put((started_at, frame))

        self.worker = FrameWorker(
            recording,
            self.reported.put,
            timing=FrameTiming(**{"interval_s": 0.0, **timing}),
            clock=self.clock,
            on_error=self.errors.put,
        )

    def __enter__(self) -> Harness:
        self.worker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.worker.stop()

    def next_decode(self) -> tuple[float, Any]:
        return self.decoded.get(timeout=WAIT)


def test_frames_from_a_list_of_pictures() -> None:
    blank = np.full((360, 640), 200, dtype=np.uint8)
    first, second = on_canvas(qr_image("FIRST")), on_canvas(qr_image("សុខ ដារា".encode()))
    frames = [blank, first, blank, first, first, second, second, blank]
    with Harness() as harness:
        for frame in frames:
            harness.worker.submit(frame)
            harness.next_decode()  # one at a time: every frame is decoded
            harness.clock.now += 0.2
        reported = [harness.reported.get(timeout=WAIT).text for _ in range(2)]
    assert reported == ["FIRST", "សុខ ដារា"]
    assert harness.reported.empty()
    assert harness.worker.frames_decoded == len(frames)


def test_only_the_newest_frame_waits() -> None:
    started, release = threading.Event(), threading.Event()

    def slow_decoder(frame: str) -> list[DecodedPayload]:
        if frame == "frame-1":
            started.set()
            release.wait(WAIT)
        return []

    with Harness(slow_decoder) as harness:
        harness.worker.submit("frame-1")
        assert started.wait(WAIT)
        for name in ("frame-2", "frame-3", "frame-4"):
            harness.worker.submit(name)
        release.set()
        assert harness.next_decode()[1] == "frame-1"
        assert harness.next_decode()[1] == "frame-4"
    assert harness.worker.frames_dropped == 2
    assert harness.decoded.empty()


def test_decodes_wait_for_the_interval() -> None:
    with Harness(lambda frame: [], interval_s=10.0) as harness:
        harness.worker.submit("frame-1")
        first_at, _ = harness.next_decode()
        harness.worker.submit("frame-2")
        harness.clock.now += 4.0
        harness.worker.wake()
        harness.clock.now += 6.0
        harness.worker.wake()
        second_at, frame = harness.next_decode()
    assert frame == "frame-2"
    assert second_at - first_at >= 10.0  # the fake clock had to reach the interval first


def test_decoder_failures_are_reported_and_the_worker_goes_on() -> None:
    def flaky(frame: str) -> list[DecodedPayload]:
        if frame == "unreadable":
            raise ScanImageError("unsupported_array_shape")
        if frame == "bug":
            raise RuntimeError("decoder bug")
        return [payload("OK")]

    with Harness(flaky) as harness:
        for frame in ("unreadable", "bug", "good", "good"):
            harness.worker.submit(frame)
            harness.next_decode()
        assert harness.reported.get(timeout=WAIT).text == "OK"
        assert [harness.errors.get(timeout=WAIT) for _ in range(2)] == [
            "unsupported_array_shape",
            "decoder_failed",
        ]


def test_start_twice_is_refused_and_stop_ends_the_thread() -> None:
    worker = FrameWorker(lambda frame: [], lambda p: None)
    worker.start()
    with pytest.raises(RuntimeError):
        worker.start()
    worker.stop()
    assert worker._thread is not None and not worker._thread.is_alive()
