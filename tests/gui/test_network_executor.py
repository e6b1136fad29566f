"""The network worker: hub calls run beside the store worker, never in its queue, and answer
on the GUI thread with the same rules as store operations."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QObject

from fieldreg.errors import FieldRegError
from tests.gui.conftest import WAIT_MS, WindowFactory, wait_idle
from ui.executor import NetworkExecutor

WAIT = WAIT_MS / 1000  # a bound on waiting for a thread, never a measurement


@pytest.fixture
def network(qtbot: Any) -> Iterator[NetworkExecutor]:
    executor = NetworkExecutor()
    yield executor
    executor.shutdown()


def test_a_slow_hub_call_does_not_hold_up_the_store(qtbot: Any, make_window: WindowFactory) -> None:
    window = make_window()
    services = window.services
    started, release = threading.Event(), threading.Event()
    hub_answers: list[str] = []
    store_answers: list[str] = []
    threads: list[str] = []

    def slow_hub_call() -> str:
        threads.append(threading.current_thread().name)
        started.set()
        release.wait(WAIT)
        return "hub answered"

    def store_work(_context: object) -> str:
        threads.append(threading.current_thread().name)
        return "store answered"

    services.network.op(window, slow_hub_call).success(hub_answers.append).run()
    assert started.wait(WAIT)  # the hub call is under way and will not finish by itself
    services.executor.op(window, store_work).success(store_answers.append).run()
    qtbot.waitUntil(lambda: store_answers == ["store answered"], timeout=WAIT_MS)
    assert hub_answers == []  # the store answered while the hub call was still waiting
    release.set()
    qtbot.waitUntil(lambda: hub_answers == ["hub answered"], timeout=WAIT_MS)
    assert threads == ["network-worker", "store-worker"]
    wait_idle(qtbot, window)


def test_the_window_owns_the_network_worker(qtbot: Any, make_window: WindowFactory) -> None:
    window = make_window()
    network = window.services.network
    assert network.parent() is window
    window.close()
    with pytest.raises(RuntimeError):
        network.op(window, lambda: None).run()


def test_failures_go_to_the_failure_callback_or_else_to_unhandled_error(
    qtbot: Any, network: NetworkExecutor
) -> None:
    owner = QObject()
    failures: list[Exception] = []
    unhandled: list[object] = []
    network.unhandled_error.connect(unhandled.append)

    def refused() -> None:
        raise FieldRegError("hub_unreachable")

    network.op(owner, refused).failure(failures.append).run()
    network.op(owner, refused).run()
    qtbot.waitUntil(network.is_idle, timeout=WAIT_MS)
    assert [f.code for f in failures if isinstance(f, FieldRegError)] == ["hub_unreachable"]
    assert [str(u) for u in unhandled] == ["hub_unreachable"]


def test_an_answer_for_a_closed_screen_is_dropped(qtbot: Any, network: NetworkExecutor) -> None:
    owner = QObject()
    started, release = threading.Event(), threading.Event()
    answers: list[str] = []

    def hub_call() -> str:
        started.set()
        release.wait(WAIT)
        return "answer"

    network.op(owner, hub_call).success(answers.append).run()
    assert started.wait(WAIT)
    shiboken6.delete(owner)  # the screen that asked is gone
    release.set()
    qtbot.waitUntil(network.is_idle, timeout=WAIT_MS)
    assert answers == []


def test_shutdown_drops_calls_not_yet_started(qtbot: Any) -> None:
    network = NetworkExecutor()
    owner = QObject()
    started, release = threading.Event(), threading.Event()
    ran: list[str] = []

    def first() -> None:
        started.set()
        release.wait(WAIT)
        ran.append("first")

    network.op(owner, first).run()
    network.op(owner, lambda: ran.append("second")).run()
    assert started.wait(WAIT)
    network.shutdown(timeout=0)  # while the first call is under way
    release.set()
    network.shutdown(timeout=WAIT)
    assert ran == ["first"]
    with pytest.raises(RuntimeError):
        network.op(owner, lambda: None).run()
