"""Where the scanner plugs into the desktop app: a small Protocol, so tests can feed text.
(The sync engine's seam, `SyncStatusSource`, is Qt-free and lives in sync/background.py;
receipts and enrolment are the Desk's use cases.)"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

# -- scanning -----------------------------------------------------------------------------


class ScanParser(Protocol):
    """Decoded text (from a camera, an image file or a hand scanner) -> record fields.

    Returns raw form values by record key (`{"id_number": "123456789", "name_en": ...}`),
    or None when the text is not something that fills a registration."""

    def fields_from_text(self, text: str) -> Mapping[str, str] | None: ...
