"""Test pictures of codes, made with segno (a different library from the decoders under test)."""

from __future__ import annotations

import io

import numpy as np
import segno
from PIL import Image


def qr_image(payload: str | bytes, *, scale: int = 4, error: str = "m") -> Image.Image:
    """A grayscale QR picture. Bytes are encoded in byte mode without an ECI marker, as most
    phone apps and printers do."""
    code = segno.make(payload, error=error, micro=False, boost_error=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=scale, border=4)
    buffer.seek(0)
    return Image.open(buffer).convert("L")


def on_canvas(
    *codes: Image.Image, size: tuple[int, int] = (640, 360), level: int = 200
) -> np.ndarray:
    """Codes placed side by side on a plain grey frame, as a 2-D uint8 array."""
    canvas = Image.new("L", size, level)
    x = 20
    for code in codes:
        canvas.paste(code, (x, 20))
        x += code.width + 20
    return np.asarray(canvas)


def low_contrast(image: Image.Image, dark: int, light: int) -> Image.Image:
    """The same picture with ink at `dark` and paper at `light`."""
    pixels = np.asarray(image, dtype=np.float32) / 255.0
    return Image.fromarray((dark + pixels * (light - dark)).round().astype(np.uint8), mode="L")
