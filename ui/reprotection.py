"""After the data key is rotated (an operator disabled or reset), the records are re-encrypted
under the new key on the store worker, one short chunk per operation: whatever a screen asks
meanwhile (a registration, a draft save) runs between two chunks, never behind all of them."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from fieldreg.desk import Desk
from fieldreg.store.key_rotation import Progress
from ui.executor import StoreExecutor

log = logging.getLogger("fieldreg.ui")


class Reprotection(QObject):
    progressed = Signal(object)  # Progress, after each chunk
    failed = Signal(object)  # the exception that stopped it (it resumes at the next start)

    def __init__(self, executor: StoreExecutor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = executor
        self._running = False

    @property
    def running(self) -> bool:
        return self._running

    def start(self) -> None:
        """Carry on whatever is left (nothing, usually); a second start while running is a no-op."""
        if self._running:
            return
        self._running = True
        self._run(lambda desk: desk.rotation_progress())

    def _run(self, work: Callable[[Desk], Progress | None]) -> None:
        self._executor.op(self, work).success(self._next).failure(self._stop).run()

    def _next(self, progress: Progress | None) -> None:
        if progress is None:  # locked meanwhile: the next login starts it again
            self._running = False
            return
        self.progressed.emit(progress)
        if progress.finished:
            self._running = False
            log.info("re-protection finished: %d registration versions", progress.total)
            return
        self._run(_reprotect)

    def _stop(self, error: Exception) -> None:
        self._running = False
        self.failed.emit(error)


def _reprotect(desk: Desk) -> Progress:
    return desk.reprotect()
