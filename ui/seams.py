"""Where enrolment, the scanner and the receipt renderer plug into the desktop app (the sync
engine's seam, `SyncStatusSource`, is Qt-free and lives in sync/background.py).

Each is a small Protocol. `ui.app.run_app` passes concrete objects in; until a module
exists the app runs without it and says so plainly (it never pretends to have synced,
scanned or printed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from fieldreg.store.session import StoredRegistration

# -- enrolment ---------------------------------------------------------------------------


class Enrolment(Protocol):
    """Enrol this device with the hub from the enrolment string (text or scanned QR).
    Called off the GUI thread; raises an exception with a `code` attribute on failure."""

    def enrol(self, enrolment_string: str) -> None: ...


# -- scanning -----------------------------------------------------------------------------


class ScanParser(Protocol):
    """Decoded text (from a camera, an image file or a hand scanner) -> record fields.

    Returns raw form values by record key (`{"id_number": "123456789", "name_en": ...}`),
    or None when the text is not something that fills a registration."""

    def fields_from_text(self, text: str) -> Mapping[str, str] | None: ...


# -- receipts -----------------------------------------------------------------------------


class ReceiptRenderer(Protocol):
    """The core's receipt: the same one the CLI writes, shown and printed by the UI."""

    def png(self, registration: StoredRegistration, *, language: str) -> bytes: ...

    def pdf(self, registration: StoredRegistration, *, language: str) -> bytes: ...
