"""One worker thread owns the store; operations run there and report back on the GUI thread.

Like Anki's CollectionOp: a screen says which of the Desk's use cases to run and what to do
with the answer; the answer arrives by a queued signal, so the GUI thread never waits on
SQLite, Argon2id or AES. Every store call happens on the one worker thread, in the order the
GUI asked for them.

Network work (enrolment, hub checks) has its own worker, `NetworkExecutor`, with the same
shape (`NetOp`): a slow or dead hub never holds up a login or a draft save. Its work gets no
store: what it needs from the store is read before, and what it learns is saved after, by
store operations.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, Self, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot

from fieldreg.clock import Clock
from fieldreg.desk import Desk
from fieldreg.desk.results import Changes
from fieldreg.errors import FieldRegError

log = logging.getLogger("fieldreg.ui")
T = TypeVar("T")


class _Executor(Protocol):
    unhandled_error: Any  # a Signal(object)

    def submit(self, op: Any) -> None: ...


@dataclass
class Op(Generic[T]):
    """What a screen asks a worker for: the work, and what to do with its answer.

    Callbacks run on the GUI thread, and only while `owner` still exists. Without a failure
    callback, errors go to the executor's `unhandled_error` signal."""

    owner: QObject
    executor: _Executor
    work: Callable[..., T]
    _on_success: Callable[[T], None] | None = field(default=None, init=False)
    _on_failure: Callable[[Exception], None] | None = field(default=None, init=False)

    def success(self, callback: Callable[[T], None]) -> Self:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[Exception], None]) -> Self:
        self._on_failure = callback
        return self

    def run(self) -> None:
        self.executor.submit(self)

    def _deliver(self, outcome: _Outcome) -> None:
        if not shiboken6.isValid(self.owner):
            return
        if outcome.error is None:
            if self._on_success is not None:
                self._on_success(outcome.result)
        elif isinstance(outcome.error, Exception) and self._on_failure is not None:
            self._on_failure(outcome.error)
        else:
            self.executor.unhandled_error.emit(outcome.error)


class StoreOp(Op[T]):
    """`executor.op(owner, lambda desk: desk.registration(id)).success(show).run()`: the work
    gets the Desk, on the store worker."""


class NetOp(Op[T]):
    """`network.op(owner, lambda: contact_hub(request, link)).success(show).run()`: the work
    gets nothing (no store), on the network worker."""


@dataclass
class _Outcome:
    op: Op[Any]
    result: Any = None
    error: BaseException | None = None


class StoreExecutor(QObject):
    """The single store worker. Lives on the GUI thread; its thread runs the operations.
    `changed` carries the Changes of every result that has some, after the op's own callback:
    the main window forwards them to the screens, each of which decides what to reload."""

    busy_changed = Signal(bool)
    unhandled_error = Signal(object)
    changed = Signal(object)  # Changes
    damaged = Signal()  # an operation found the store file damaged: a coordinator can repair
    _finished = Signal(object)

    def __init__(self, context: Desk, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._queue: queue.SimpleQueue[StoreOp[Any] | None] = queue.SimpleQueue()
        self._pending = 0
        self._finished.connect(self._deliver)
        self._thread = threading.Thread(target=self._work_loop, name="store-worker", daemon=True)
        self._thread.start()

    @property
    def data_dir(self) -> Path:
        return self._context.data_dir

    @property
    def clock(self) -> Clock:
        return self._context.clock

    def is_idle(self) -> bool:
        return self._pending == 0

    def submit(self, op: StoreOp[Any]) -> None:
        if not self._thread.is_alive():
            raise RuntimeError("the store executor has shut down")
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        self._queue.put(op)

    def op(self, owner: QObject, work: Callable[[Desk], T]) -> StoreOp[T]:
        return StoreOp(owner, self, work)

    def shutdown(self, timeout: float = 30.0) -> None:
        """Finish what was asked (a last draft save, say), then close the store."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout)

    def _work_loop(self) -> None:
        while True:
            op = self._queue.get()
            if op is None:
                break
            try:
                outcome = _Outcome(op, result=op.work(self._context))
            except Exception as error:  # reported to the GUI thread, which decides
                if not isinstance(error, FieldRegError):
                    log.exception("store operation failed")
                outcome = _Outcome(op, error=error)
            self._finished.emit(outcome)
        self._context.close()

    @Slot(object)
    def _deliver(self, outcome: _Outcome) -> None:
        self._pending -= 1
        try:
            outcome.op._deliver(outcome)
        finally:
            if getattr(outcome.error, "code", None) == "damaged":
                self.damaged.emit()
            changes = getattr(outcome.result, "changes", None)
            if isinstance(changes, Changes) and changes.any():
                self.changed.emit(changes)
            if self._pending == 0:
                self.busy_changed.emit(False)


# -- the network worker ----------------------------------------------------------------------


class NetworkExecutor(QObject):
    """The single network worker, beside the store worker. Lives on the GUI thread; its thread
    runs the operations in the order they were asked for."""

    busy_changed = Signal(bool)
    unhandled_error = Signal(object)
    _finished = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: queue.SimpleQueue[NetOp[Any] | None] = queue.SimpleQueue()
        self._closing = threading.Event()
        self._pending = 0
        self._finished.connect(self._deliver)
        self._thread = threading.Thread(target=self._work_loop, name="network-worker", daemon=True)
        self._thread.start()

    def is_idle(self) -> bool:
        return self._pending == 0

    def submit(self, op: NetOp[Any]) -> None:
        if self._closing.is_set() or not self._thread.is_alive():
            raise RuntimeError("the network executor has shut down")
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        self._queue.put(op)

    def op(self, owner: QObject, work: Callable[[], T]) -> NetOp[T]:
        return NetOp(owner, self, work)

    def shutdown(self, timeout: float = 2.0) -> None:
        """Drop what has not started and stop. A call under way is waited for at most
        `timeout`: it holds no store, and its answer has nobody left to hear it."""
        self._closing.set()
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout)

    def _work_loop(self) -> None:
        while True:
            op = self._queue.get()
            if op is None or self._closing.is_set():
                break
            try:
                outcome = _Outcome(op, result=op.work())
            except Exception as error:  # reported to the GUI thread, which decides
                if not isinstance(error, FieldRegError):
                    log.exception("network operation failed")
                outcome = _Outcome(op, error=error)
            if self._closing.is_set():
                break
            self._finished.emit(outcome)

    @Slot(object)
    def _deliver(self, outcome: _Outcome) -> None:
        self._pending -= 1
        try:
            outcome.op._deliver(outcome)
        finally:
            if self._pending == 0:
                self.busy_changed.emit(False)
