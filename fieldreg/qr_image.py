"""QR images written to disk (the recovery key today; enrolment and receipts later)."""

from __future__ import annotations

import os
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.pil import PilImage


def write_qr_png(text: str, path: Path, *, private: bool = True) -> None:
    """Atomic save: temp file with permissions set first, fsync, then rename into place."""
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M, box_size=8, border=4, image_factory=PilImage
    )
    code.add_data(text)
    image = code.make_image()
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as handle:
        image.save(handle, kind="PNG")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)
