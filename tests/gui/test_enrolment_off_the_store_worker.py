"""A hub that never answers does not hold up the store: while enrolment waits on the network
worker, the store worker keeps serving logins, draft saves and lists. (Enrolment's HTTP calls
once ran on the store worker, so everything queued behind a dead hub.)"""

from __future__ import annotations

import socket
import threading

from PySide6.QtCore import Qt

from fieldreg.transfer.enrolment_string import format_enrolment
from tests.gui.conftest import WAIT_MS, start_working, type_text, wait_idle


class SilentHub:
    """Accepts one connection on 127.0.0.1 and never answers until `release()`."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self.accepted = threading.Event()
        self._release = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        connection, _address = self._server.accept()
        self.accepted.set()
        self._release.wait(timeout=60)  # bounded even if the test never releases
        connection.close()  # the client sees the connection cut: hub_unreachable

    def release(self) -> None:
        self._release.set()
        self._thread.join(timeout=10)
        self._server.close()


def test_a_silent_hub_does_not_hold_up_the_store(qtbot, make_window, store) -> None:
    hub = SilentHub()
    try:
        window = make_window()
        start_working(qtbot, window)
        window.show_work("settings")
        wait_idle(qtbot, window)
        screen = window.settings_screen
        text = format_enrolment(f"http://127.0.0.1:{hub.port}", "one-time-token", "ab" * 32)
        type_text(qtbot, screen.enrol_text, text)
        qtbot.mouseClick(screen.enrol_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(hub.accepted.is_set, timeout=WAIT_MS)  # the request is on the wire

        services = window.services
        answers: list[int] = []
        services.executor.op(window, lambda desk: desk.registration_count()).success(
            answers.append
        ).run()
        qtbot.waitUntil(lambda: answers == [0], timeout=WAIT_MS)
        assert not services.network.is_idle()  # the hub still has not answered
        assert services.executor.is_idle()
    finally:
        hub.release()
    wait_idle(qtbot, window)
    assert screen.enrol_field.error.text().startswith("The hub cannot be reached")
    assert screen.enrol_button.isEnabled()
