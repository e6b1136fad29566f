"""Decoding pictures: both engines, raw bytes (Khmer and accented Latin without ECI), the other
formats, input types, retries and fallbacks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from fieldreg.scanning import decode as scan_decode
from fieldreg.scanning import filters as scan_filters
from fieldreg.scanning import zbar_raw
from fieldreg.scanning.decode import ZBAR, ZXING, ScanImageError, decode, decode_camera_frame
from tests.scan_images import low_contrast, on_canvas, qr_image

# Without an ECI marker zbar guesses an encoding: these came back as CJK or Big5 before the
# raw-bytes mode (found by scanning the gazetteer's village names).
GARBLED_BY_ZBAR_DEFAULT = ["ភ្នំ", "ពង្រ", "ត្របែក", "Café crème brûlée"]
UTF8_PAYLOADS = [
    *GARBLED_BY_ZBAR_DEFAULT,
    "សុខ ដារា",
    "ជ័យ ម៉ី ភូមិអូរធំ",
    "Nguyễn Thị Hồng Ánh",
    "Ñandú über façade",
]


def frame_with(payload: str | bytes, **options: int) -> np.ndarray:
    return on_canvas(qr_image(payload, **options))


@pytest.mark.parametrize("text", UTF8_PAYLOADS)
@pytest.mark.parametrize("engine", [ZXING, ZBAR])
def test_utf8_without_eci_comes_back_exactly(engine: str, text: str) -> None:
    found = decode(frame_with(text.encode("utf-8")), engines=[engine])
    assert [(p.data, p.text, p.decoder, p.format) for p in found] == [
        (text.encode("utf-8"), text, engine, "qr")
    ]


@pytest.mark.parametrize("text", GARBLED_BY_ZBAR_DEFAULT)
def test_zbar_default_text_mode_garbles_what_raw_mode_keeps(text: str) -> None:
    from pyzbar import pyzbar  # loads libzbar (scripts/setup installs libzbar0)

    frame = frame_with(text.encode("utf-8"))
    default = pyzbar.decode(frame)[0].data
    assert default != text.encode("utf-8")  # the problem this module exists for
    assert zbar_raw.read_qr(frame) == [text.encode("utf-8")]
    assert zbar_raw.recover_utf8(default) == text.encode("utf-8")


def test_recover_utf8_leaves_real_text_alone() -> None:
    for data in (b"ABC123", "日本語のテキスト".encode(), "សុខ".encode(), b"\xff\xfe binary"):
        assert zbar_raw.recover_utf8(data) == data


@pytest.mark.parametrize(
    ("fmt", "name"),
    [(zxingcpp.BarcodeFormat.PDF417, "pdf417"), (zxingcpp.BarcodeFormat.DataMatrix, "data_matrix")],
)
def test_pdf417_and_datamatrix_with_khmer_bytes(fmt: zxingcpp.BarcodeFormat, name: str) -> None:
    payload = "សុខ ដារា 123456789".encode()
    picture = np.asarray(zxingcpp.create_barcode(payload, fmt).to_image(scale=4))
    found = decode(on_canvas(Image.fromarray(picture), size=(900, 300)))
    assert [(p.format, p.data, p.text) for p in found] == [(name, payload, payload.decode())]


def test_every_code_in_a_frame_is_returned_once() -> None:
    first, second = qr_image("FIRST-CODE-1"), qr_image("SECOND-CODE-2")
    found = decode(on_canvas(first, second, first))
    assert sorted(p.text for p in found) == ["FIRST-CODE-1", "SECOND-CODE-2"]


def test_accepts_arrays_pil_images_and_files(tmp_path: Path) -> None:
    picture = qr_image("SOK DARA")
    rgb = np.stack([np.asarray(picture)] * 3, axis=2)
    png, jpeg = tmp_path / "code.png", tmp_path / "code.jpg"
    picture.save(png)
    picture.convert("RGB").save(jpeg, quality=60)
    for source in (np.asarray(picture), rgb, picture, picture.convert("RGB"), png, str(jpeg)):
        assert [p.text for p in decode(source)] == ["SOK DARA"]


def test_unreadable_inputs_raise_a_code(tmp_path: Path) -> None:
    garbage = tmp_path / "not-an-image.png"
    garbage.write_bytes(b"\x89PNG but not really")
    with pytest.raises(ScanImageError) as missing:
        decode(tmp_path / "nowhere.png")
    assert missing.value.code == "file_not_found"
    with pytest.raises(ScanImageError) as unreadable:
        decode(garbage)
    assert unreadable.value.code == "unreadable_image"
    with pytest.raises(ScanImageError):
        decode(np.zeros((4, 4, 4, 4), dtype=np.uint8))


def test_frames_without_a_code_give_nothing() -> None:
    assert decode(np.full((720, 1280), 128, dtype=np.uint8)) == []
    noise = np.random.default_rng(5).integers(0, 256, (360, 640), dtype=np.uint8)
    assert decode(noise) == []
    assert decode(np.zeros((0, 0), dtype=np.uint8)) == []


def test_low_contrast_is_read_after_stretching() -> None:
    frame = on_canvas(low_contrast(qr_image("SOK DARA 123456789", scale=3), 112, 130), level=130)
    assert decode(frame, engines=[ZXING], retries=()) == []
    found = decode(frame)
    assert [(p.text, p.decoder, p.preprocessing) for p in found] == [
        ("SOK DARA 123456789", ZXING, "stretch")
    ]


def test_camera_decoder_reads_plain_and_low_contrast_frames() -> None:
    assert [p.text for p in decode_camera_frame(frame_with("RECEIPT"))] == ["RECEIPT"]
    faint = on_canvas(low_contrast(qr_image("FAINT", scale=3), 112, 130), level=130)
    assert [p.preprocessing for p in decode_camera_frame(faint)] == ["stretch"]


def test_stretch_maps_the_frame_onto_the_full_range() -> None:
    frame = np.tile(np.arange(100, 141, dtype=np.uint8), (50, 1))
    stretched = scan_filters.stretch_contrast(frame)
    assert stretched is not None
    assert stretched.min() == 0 and stretched.max() == 255
    assert scan_filters.stretch_contrast(np.full((50, 50), 77, dtype=np.uint8)) is None


def test_filters_keep_shape_and_type() -> None:
    frame = np.random.default_rng(1).integers(0, 256, (31, 47), dtype=np.uint8)
    for name, apply in scan_filters.FILTERS.items():
        result = apply(frame)
        assert result is not None, name
        assert result.shape == frame.shape and result.dtype == np.uint8, name


def test_zbar_takes_over_when_zxing_finds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scan_decode, "_read_zxing", lambda *args: [])
    found = decode(frame_with("សុខ ដារា".encode()))
    assert [(p.text, p.decoder) for p in found] == [("សុខ ដារា", ZBAR)]


def test_the_first_engine_that_reads_wins() -> None:
    found = decode(frame_with("ORDER"), engines=[ZXING, ZBAR])
    assert [p.decoder for p in found] == [ZXING]


def test_unknown_engine_or_format_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        decode(frame_with("X"), engines=["tesseract"])
    with pytest.raises(ValueError):
        decode(frame_with("X"), formats=["aztec"])


def test_json_form_of_a_payload() -> None:
    (payload,) = decode(frame_with("សុខ".encode()))
    assert payload.to_json() == {
        "text": "សុខ",
        "bytes_hex": "សុខ".encode().hex(),
        "format": "qr",
        "decoder": ZXING,
        "preprocessing": "none",
    }
