"""Find and decode codes in a picture: camera frames, image files, PIL images. No Qt.

zxing-cpp reads first (QR and Micro QR, then PDF417 and DataMatrix); if it finds nothing, the
frame is contrast-stretched, sharpened and denoised and read again, then zbar (QR only) gets
its turn the same way. Text is always made from the code's raw bytes: UTF-8 when they are
valid UTF-8 (Khmer and accented Latin payloads carry no ECI marker, and both libraries
otherwise guess Latin-1, Shift-JIS or Big5).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import zxingcpp
from PIL import Image, ImageOps, UnidentifiedImageError

from fieldreg.errors import FieldRegError
from fieldreg.scanning import zbar_raw
from fieldreg.scanning.filters import FILTERS

ZXING = "zxing-cpp"
ZBAR = "zbar"
ENGINES = (ZXING, ZBAR)

FORMATS = ("qr", "micro_qr", "pdf417", "data_matrix")
_ZXING_FORMAT = {
    "qr": zxingcpp.BarcodeFormat.QRCode,
    "micro_qr": zxingcpp.BarcodeFormat.MicroQRCode,
    "pdf417": zxingcpp.BarcodeFormat.PDF417,
    "data_matrix": zxingcpp.BarcodeFormat.DataMatrix,
}
_FORMAT_NAMES = {fmt.name: name for name, fmt in _ZXING_FORMAT.items()}
# Looking for PDF417 and DataMatrix costs ~5x more than QR alone, so QR codes are sought first.
_FAST_FORMATS = ("qr", "micro_qr")
RETRIES = ("stretch", "sharpen", "denoise")  # every second chance, for image files
CAMERA_RETRIES = ("stretch",)  # camera frames: the next frame is the better second chance

ImageInput = np.ndarray | Image.Image | str | os.PathLike[str]


class ScanImageError(FieldRegError):
    """An image that cannot be read. `code` is stable."""


@dataclass(frozen=True, slots=True)
class DecodedPayload:
    data: bytes  # exactly what the code holds
    text: str  # UTF-8 of `data` when valid, else the decoder's reading of it
    format: str  # "qr", "micro_qr", "pdf417", "data_matrix"
    decoder: str  # ZXING or ZBAR
    preprocessing: str = "none"  # or the retry filter that made it readable

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "bytes_hex": self.data.hex(),
            "format": self.format,
            "decoder": self.decoder,
            "preprocessing": self.preprocessing,
        }


def text_of(data: bytes, fallback: str | None = None) -> str:
    """UTF-8 when the bytes are UTF-8; otherwise the decoder's own text, else Latin-1."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return fallback if fallback is not None else data.decode("latin-1")


def load_grayscale(image: ImageInput) -> np.ndarray:
    """A C-contiguous 2-D uint8 array from an array, a PIL image or an image file."""
    if isinstance(image, np.ndarray):
        return _array_to_gray(image)
    if isinstance(image, Image.Image):
        return np.asarray(image.convert("L"))
    try:
        with Image.open(image) as opened:
            upright = ImageOps.exif_transpose(opened)
            return np.asarray(upright.convert("L"))
    except FileNotFoundError:
        raise ScanImageError("file_not_found") from None
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ScanImageError("unreadable_image") from None


def _array_to_gray(array: np.ndarray) -> np.ndarray:
    if array.ndim == 3 and array.shape[2] in (3, 4):
        rgb = array[:, :, :3].astype(np.uint32)
        array = (rgb[:, :, 0] * 299 + rgb[:, :, 1] * 587 + rgb[:, :, 2] * 114) // 1000
    if array.ndim != 2:
        raise ScanImageError("unsupported_array_shape")
    if array.dtype != np.uint8:
        array = np.clip(array, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(array)


def decode(
    image: ImageInput,
    *,
    engines: Sequence[str] = ENGINES,
    formats: Sequence[str] = FORMATS,
    retries: Sequence[str] = RETRIES,
) -> list[DecodedPayload]:
    """Every code found by the first attempt that finds any. Raises ScanImageError for an
    unreadable image; a picture with no code gives [].

    Each engine in turn reads the frame as it is, then each retry filter's version of it
    (see scan_filters); zxing-cpp looks for QR codes before the costlier formats."""
    gray = load_grayscale(image)
    if gray.size == 0:
        return []
    variants = _Variants(gray)
    for engine in engines:
        for preprocessing in ("none", *retries):
            frame = variants.get(preprocessing)
            if frame is not None and (found := _read(engine, frame, formats, preprocessing)):
                return found
    return []


def decode_camera_frame(frame: ImageInput) -> list[DecodedPayload]:
    """The frame worker's decoder: zxing-cpp with one contrast-stretch retry. A frame without
    a code costs tens of milliseconds, not the hundreds the file pipeline spends on it; a
    frame it misses is followed by another a moment later."""
    return decode(frame, engines=(ZXING,), retries=CAMERA_RETRIES)


class _Variants:
    """The frame and its filtered versions, each computed once, when first needed."""

    def __init__(self, gray: np.ndarray) -> None:
        self._gray = gray
        self._made: dict[str, np.ndarray | None] = {"none": gray}

    def get(self, name: str) -> np.ndarray | None:
        if name not in self._made:
            self._made[name] = FILTERS[name](self._gray)
        return self._made[name]


def _read(
    engine: str, gray: np.ndarray, formats: Sequence[str], preprocessing: str
) -> list[DecodedPayload]:
    if engine == ZXING:
        for group in _format_groups(tuple(formats)):
            if found := _unique(_read_zxing(gray, group, preprocessing)):
                return found
        return []
    if engine == ZBAR:
        if "qr" not in formats:
            return []
        return _unique(
            DecodedPayload(data, text_of(data), "qr", ZBAR, preprocessing)
            for data in zbar_raw.read_qr(gray)
        )
    raise ValueError(f"unknown decoder {engine!r}")


@cache
def _format_groups(formats: tuple[str, ...]) -> list[zxingcpp.BarcodeFormats]:
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown formats {sorted(unknown)}")
    fast = [f for f in formats if f in _FAST_FORMATS]
    slow = [f for f in formats if f not in _FAST_FORMATS]
    return [zxingcpp.BarcodeFormats([_ZXING_FORMAT[f] for f in g]) for g in (fast, slow) if g]


def _read_zxing(
    gray: np.ndarray, formats: zxingcpp.BarcodeFormats, preprocessing: str
) -> list[DecodedPayload]:
    found = []
    for barcode in zxingcpp.read_barcodes(gray, formats=formats):
        data = bytes(barcode.bytes)
        name = _FORMAT_NAMES.get(barcode.format.name, barcode.format.name.lower())
        text = text_of(data, barcode.text)
        found.append(DecodedPayload(data, text, name, ZXING, preprocessing))
    return found


def _unique(payloads: Iterable[DecodedPayload]) -> list[DecodedPayload]:
    seen: set[tuple[bytes, str]] = set()
    unique = []
    for payload in payloads:
        key = (payload.data, payload.format)
        if key not in seen:
            seen.add(key)
            unique.append(payload)
    return unique
