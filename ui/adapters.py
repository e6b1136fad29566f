"""The concrete engines behind the desktop app's seams (ui/seams.py). No Qt here: each runs
on the store worker, and the UI re-emits what they report. Background sync lives in
sync/background.py."""

from __future__ import annotations

from collections.abc import Callable

from fieldreg.gazetteer import load_gazetteer
from fieldreg.receipts.layout import PAPERS, ReceiptContent, receipt_content
from fieldreg.store.session import StoredRegistration
from sync.enrol import enrol_device
from ui.executor import WorkerContext


class CoreReceipts:
    """The core's receipt, signed by this device; the same bytes `fieldreg receipt` writes.
    Called on the store worker, which owns the store."""

    def __init__(self, context: WorkerContext, paper: str = "a6") -> None:
        self._context = context
        self._paper = PAPERS[paper]

    def _content(self, registration: StoredRegistration) -> ReceiptContent:
        identity = self._context.store.device_identity()
        return receipt_content(registration, identity, load_gazetteer())

    def png(self, registration: StoredRegistration, *, language: str) -> bytes:
        del language  # the receipt is bilingual: Khmer and Latin on the same slip
        from fieldreg.receipts.png import receipt_png  # loaded when first needed, not at start

        return receipt_png(self._content(registration), self._paper)

    def pdf(self, registration: StoredRegistration, *, language: str) -> bytes:
        del language
        from fieldreg.receipts.pdf import receipt_pdf  # loaded when first needed, not at start

        return receipt_pdf(self._content(registration), self._paper)


class DeviceEnrolment:
    """Enrol with the hub from the enrolment string, on the store worker: the unlocked
    session seals every earlier registration for the hub in the same step."""

    def __init__(self, context: WorkerContext, on_enrolled: Callable[[], None]) -> None:
        self._context = context
        self._on_enrolled = on_enrolled

    def enrol(self, enrolment_string: str) -> None:
        enrol_device(self._context.store, self._context.unlocked, enrolment_string)
        self._on_enrolled()
