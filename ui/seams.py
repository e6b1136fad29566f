"""Where the sync engine, the scanner and the receipt renderer plug into the desktop app.

Each is a small Protocol. `ui.app.run_app` passes concrete objects in; until a module
exists the app runs without it and says so plainly (it never pretends to have synced,
scanned or printed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from fieldreg.store.session import StoredRegistration

# -- sync ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SyncState:
    """What the status bar shows. `pending` None means not known (yet)."""

    enrolled: bool = False
    online: bool = False
    syncing: bool = False
    pending: int | None = None
    last_success: dt.datetime | None = None
    progress: tuple[int, int] | None = None  # (sent, total) during a long sync
    error_code: str | None = None  # the sync engine's code for the last failure


class SyncStatusSource(Protocol):
    """The sync engine as the status bar sees it. Listeners may be called from any thread;
    the UI re-emits them onto the GUI thread."""

    def current(self) -> SyncState: ...

    def add_listener(self, listener: Callable[[SyncState], None]) -> None: ...

    def sync_now(self) -> None: ...


class NoSyncEngine:
    """Until the sync engine is plugged in: not enrolled, offline, nothing sent."""

    def current(self) -> SyncState:
        return SyncState()

    def add_listener(self, listener: Callable[[SyncState], None]) -> None:
        del listener  # nothing will ever change

    def sync_now(self) -> None:
        return None


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
