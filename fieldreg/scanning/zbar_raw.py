"""zbar's QR reader, returning the code's raw bytes.

`pyzbar.decode` lets zbar turn byte-mode data into text first: with no ECI marker zbar guesses
an encoding and re-encodes to UTF-8, so UTF-8 Khmer (`ភ្នំ`) comes back as Shift-JIS kanji and
`Café` as Big5 (`Caf矇`). Setting ZBAR_CFG_BINARY on the QR decoder keeps the bytes as they
are; pyzbar does not expose that option, so this module drives libzbar through pyzbar's ctypes
bindings itself. Where libzbar is too old for the option (before 0.23), `recover_utf8` undoes
the guess instead.

libzbar is optional: without it `available()` is False and `read_qr` finds nothing.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from typing import Any

import numpy as np

try:
    from pyzbar import wrapper as _zbar
except (ImportError, OSError):  # libzbar0 not installed
    _zbar = None

ZBAR_CFG_ENABLE = 0
ZBAR_CFG_BINARY = 4  # zbar.h: "don't convert binary data to text" (zbar >= 0.23)
ZBAR_NONE = 0  # every symbology
_Y800 = 0x30303859  # fourcc 'Y800': 8-bit grayscale
_GUESSED_ENCODINGS = ("shift_jis", "big5")


def available() -> bool:
    return _zbar is not None


def read_qr(gray: np.ndarray) -> list[bytes]:
    """The raw bytes of every QR code zbar finds in a 2-D uint8 array."""
    if _zbar is None:
        return []
    pixels = np.ascontiguousarray(gray, dtype=np.uint8)
    height, width = pixels.shape
    scanner = _zbar.zbar_image_scanner_create()
    image = _zbar.zbar_image_create()
    try:
        raw = _configure(scanner)
        _zbar.zbar_image_set_format(image, _Y800)
        _zbar.zbar_image_set_size(image, width, height)
        _zbar.zbar_image_set_data(image, pixels.ctypes.data_as(ctypes.c_void_p), pixels.size, None)
        if _zbar.zbar_scan_image(scanner, image) <= 0:
            return []
        found = list(_symbol_data(image))
    finally:
        _zbar.zbar_image_destroy(image)
        _zbar.zbar_image_scanner_destroy(scanner)
    return found if raw else [recover_utf8(data) for data in found]


def _configure(scanner: Any) -> bool:
    """QR only (zbar's 1-D readers would see barcodes in noise); True if raw bytes are on."""
    assert _zbar is not None
    qr = int(_zbar.ZBarSymbol.QRCODE)
    _zbar.zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0)
    _zbar.zbar_image_scanner_set_config(scanner, qr, ZBAR_CFG_ENABLE, 1)
    return _zbar.zbar_image_scanner_set_config(scanner, qr, ZBAR_CFG_BINARY, 1) == 0


def _symbol_data(image: Any) -> Iterator[bytes]:
    assert _zbar is not None
    symbol = _zbar.zbar_image_first_symbol(image)
    while symbol:
        yield ctypes.string_at(
            _zbar.zbar_symbol_get_data(symbol), _zbar.zbar_symbol_get_data_length(symbol)
        )
        symbol = _zbar.zbar_symbol_next(symbol)


def recover_utf8(converted: bytes) -> bytes:
    """Undo zbar's text conversion: if it read UTF-8 bytes as Shift-JIS or Big5 and handed back
    that reading in UTF-8, encoding the reading back gives the original bytes. Kept only when the
    result is itself valid, non-ASCII UTF-8, the one thing the payload could have been."""
    try:
        reading = converted.decode("utf-8")
    except UnicodeDecodeError:
        return converted
    for encoding in _GUESSED_ENCODINGS:
        try:
            original = reading.encode(encoding)
            original.decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if original != converted and not original.isascii():
            return original
    return converted
