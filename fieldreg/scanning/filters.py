"""Second chances for a frame no decoder could read: cheap whole-frame filters (numpy and Pillow,
a few milliseconds each on a 720p frame).

- `stretch`: low contrast (a grey print, a dim tent) - the 0.5th-99.5th brightness
  percentiles mapped onto 0-255. The tails are thin so that a small code in a big frame still
  sets them; zxing-cpp's binarizer treats differences under 24 levels as flat otherwise.
- `sharpen`: a slightly out-of-focus camera - unsharp masking with a box blur.
- `denoise`: sensor noise in poor light - a 3x3 box blur.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image, ImageFilter

STRETCH_TAIL = 0.005
MIN_STRETCH_RANGE = 8  # below this the frame is flat: nothing to stretch
SHARPEN_RADIUS = 3
SHARPEN_AMOUNT = 2.0

Filter = Callable[[np.ndarray], "np.ndarray | None"]


def stretch_contrast(gray: np.ndarray) -> np.ndarray | None:
    """None for a flat frame (nothing to stretch)."""
    cumulative = np.cumsum(np.bincount(gray.ravel(), minlength=256))
    low, high = np.searchsorted(
        cumulative, cumulative[-1] * np.array([STRETCH_TAIL, 1 - STRETCH_TAIL])
    )
    if high - low < MIN_STRETCH_RANGE:
        return None
    levels = (np.arange(256, dtype=np.float32) - low) * (255.0 / (high - low))
    lut = np.clip(levels, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(lut[gray])


def sharpen(gray: np.ndarray) -> np.ndarray:
    blurred = np.asarray(Image.fromarray(gray).filter(ImageFilter.BoxBlur(SHARPEN_RADIUS)))
    detail = gray.astype(np.int16) - blurred.astype(np.int16)
    return np.ascontiguousarray(np.clip(gray + SHARPEN_AMOUNT * detail, 0, 255).astype(np.uint8))


def denoise(gray: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(Image.fromarray(gray).filter(ImageFilter.BoxBlur(1))))


FILTERS: dict[str, Filter] = {"stretch": stretch_contrast, "sharpen": sharpen, "denoise": denoise}
