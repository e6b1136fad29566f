"""QR images written to disk (the recovery key today; enrolment and receipts later)."""

from __future__ import annotations

import io
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.pil import PilImage

from fieldreg.files import PRIVATE, SHARED, write_atomic


def write_qr_png(text: str, path: Path, *, private: bool = True) -> None:
    """Drawn in memory, then written atomically (`fieldreg.files`)."""
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M, box_size=8, border=4, image_factory=PilImage
    )
    code.add_data(text)
    png = io.BytesIO()
    code.make_image().save(png, kind="PNG")
    write_atomic(path, png.getvalue(), mode=PRIVATE if private else SHARED)
