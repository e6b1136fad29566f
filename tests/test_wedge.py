"""Hand scanner or person typing: decided from synthetic key timings."""

from __future__ import annotations

import datetime as dt

from fieldreg.scanning.parse import ID_CARD, parse_payload
from fieldreg.scanning.wedge import WedgeDetector, WedgeTiming

TD1 = [
    "IDKHM1234567897<<<<<<<<<<<<<<<",
    "9001158F3001145KHM<<<<<<<<<<<4",
    "SOK<<DARA<<<<<<<<<<<<<<<<<<<<<",
]


class Keyboard:
    """Feeds key events at chosen gaps and keeps whatever scans come out."""

    def __init__(self, detector: WedgeDetector | None = None) -> None:
        self.detector = detector or WedgeDetector()
        self.now = 1000.0
        self.scans: list[str] = []

    def type(self, text: str, gap_ms: float, *, enter: bool = True) -> None:
        for key in [*text, *(["Enter"] if enter else [])]:
            self.now += gap_ms
            self.press(key)

    def press(self, key: str) -> None:
        if (scan := self.detector.feed(self.now, key)) is not None:
            self.scans.append(scan)

    def wait(self, ms: float) -> None:
        self.now += ms
        if (scan := self.detector.poll(self.now)) is not None:
            self.scans.append(scan)


def test_a_fast_burst_ending_in_enter_is_a_scan() -> None:
    keyboard = Keyboard()
    keyboard.type("FRR1:ABCDEF123456", gap_ms=8)
    assert keyboard.scans == []  # waits a moment in case another line follows
    deadline = keyboard.detector.deadline()
    assert deadline is not None and deadline > keyboard.now
    keyboard.wait(deadline - keyboard.now)
    assert keyboard.scans == ["FRR1:ABCDEF123456"]
    assert keyboard.detector.deadline() is None


def test_typing_is_not_a_scan() -> None:
    keyboard = Keyboard()
    keyboard.type("sok dara 012345678", gap_ms=150)
    keyboard.type("fast typist at sixty", gap_ms=60)
    keyboard.wait(1000)
    assert keyboard.scans == []


def test_short_fast_bursts_are_not_scans() -> None:
    keyboard = Keyboard()
    keyboard.type("1234567", gap_ms=5)  # 7 characters: below min_chars
    keyboard.wait(1000)
    assert keyboard.scans == []


def test_the_threshold_is_the_mean_gap() -> None:
    keyboard = Keyboard(WedgeDetector(WedgeTiming(max_mean_gap_ms=35)))
    keyboard.type("ABCDEFGHIJ", gap_ms=34)
    keyboard.wait(1000)
    keyboard.type("KLMNOPQRST", gap_ms=36)
    keyboard.wait(1000)
    assert keyboard.scans == ["ABCDEFGHIJ"]


def test_an_id_card_zone_arrives_as_one_scan_of_three_lines() -> None:
    keyboard = Keyboard()
    for line in TD1:
        keyboard.type(line, gap_ms=6)
    keyboard.wait(200)
    assert keyboard.scans == ["\n".join(TD1)]
    parsed = parse_payload(keyboard.scans[0], today=dt.date(2026, 11, 22))
    assert (parsed.kind, parsed.ok, parsed.fields["id_number"]) == (ID_CARD, True, "123456789")


def test_the_next_key_after_the_wait_delivers_the_scan() -> None:
    keyboard = Keyboard()
    keyboard.type("0194a7c2-5e3b-7d4f", gap_ms=4)
    keyboard.now += 500
    keyboard.press("x")  # the registrar types on: the scan is delivered first
    assert keyboard.scans == ["0194a7c2-5e3b-7d4f"]


def test_typing_then_a_scan_keeps_only_the_scan() -> None:
    keyboard = Keyboard()
    keyboard.type("abc", gap_ms=200, enter=False)
    keyboard.now += 400
    keyboard.type("SCANNED-PAYLOAD-42", gap_ms=10)
    keyboard.wait(200)
    assert keyboard.scans == ["SCANNED-PAYLOAD-42"]


def test_modifier_keys_are_ignored_and_backspace_means_a_person() -> None:
    keyboard = Keyboard()
    for char in "SHIFTED-SCAN-1":
        keyboard.now += 3
        keyboard.press("Shift")
        keyboard.now += 3
        keyboard.press(char)
    keyboard.now += 3
    keyboard.press("Enter")
    keyboard.wait(200)
    assert keyboard.scans == ["SHIFTED-SCAN-1"]
    keyboard.type("ABCDEFGH", gap_ms=5, enter=False)
    keyboard.now += 5
    keyboard.press("Backspace")
    keyboard.type("IJ", gap_ms=5)
    keyboard.wait(200)
    assert keyboard.scans == ["SHIFTED-SCAN-1"]


def test_burst_in_progress_lets_the_ui_hold_keys_back() -> None:
    detector = WedgeDetector()
    for at, char in enumerate("ABCD"):
        detector.feed(at * 5.0, char)
    assert detector.burst_in_progress
    slow = WedgeDetector()
    for at, char in enumerate("ABCD"):
        slow.feed(at * 100.0, char)
    assert not slow.burst_in_progress
