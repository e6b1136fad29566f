"""Receipts drawn as PDF and PNG: content from the store, Khmer shaped, QR readable and valid."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image, ImageFont

from fieldreg.gazetteer import load_gazetteer
from fieldreg.receipts import pdf as receipt_pdf
from fieldreg.receipts import png as receipt_png
from fieldreg.receipts import receipt
from fieldreg.receipts.fonts import _codepoints, font_runs, receipt_fonts
from fieldreg.receipts.layout import (
    PAPERS,
    QrBlock,
    ReceiptContent,
    TextBlock,
    qr_module_mm,
    receipt_blocks,
    receipt_content,
)
from fieldreg.scanning.decode import decode
from fieldreg.store.device_identity import DeviceCertificate, DeviceIdentity, public_bytes
from tests.factories import PASSPHRASE, FakeClock, new_store, raw_record

PHNOM_PENH = dt.timezone(dt.timedelta(hours=7))
HUB = Ed25519PrivateKey.generate()
PT_PER_MM = 72 / 25.4


def enrolled_identity() -> DeviceIdentity:
    key, device_id = Ed25519PrivateKey.generate(), str(uuid.uuid4())
    certificate = DeviceCertificate.issue(HUB, device_id, public_bytes(key.public_key()))
    return DeviceIdentity(device_id, key, certificate)


@pytest.fixture(scope="module")
def content() -> ReceiptContent:
    registration_id = "0194a7c2-5e3b-7d4f-8a1b-2c3d4e5f6a7b"
    date = dt.date(2026, 11, 22)
    return ReceiptContent(
        registration_id=registration_id,
        date=date,
        name_km="ស្រីនាង ចាន់ពិសី",
        name_en="SREYNEANG CHANPISEY",
        place_km="ភូមិអូរធំ ឃុំបន្ទាយនាង ស្រុកមង្គលបូរី ខេត្តបន្ទាយមានជ័យ",
        place_en="Ou Thum, Banteay Neang, Mongkol Borey, Banteay Meanchey",
        event="Takeo outreach, Nguyễn Café",
        qr_payload=receipt.make_payload(enrolled_identity(), registration_id, date, "SC"),
    )


def test_content_comes_from_the_stored_registration(tmp_path: Path) -> None:
    # 20:00 UTC is already the next day in Phnom Penh: the receipt shows the registrar's date.
    store, _ = new_store(tmp_path, FakeClock(dt.datetime(2026, 11, 21, 20, 0, tzinfo=dt.UTC)))
    session = store.unlock("Sokha", PASSPHRASE)
    record = session.validate(raw_record()).record
    assert record is not None
    registration_id = session.register(record, event="Takeo outreach")
    stored = session.get(registration_id)
    made = receipt_content(stored, store.device_identity(), load_gazetteer(), tz=PHNOM_PENH)
    assert made.date == dt.date(2026, 11, 22)
    assert (made.registration_id, made.name_km, made.name_en, made.event) == (
        registration_id,
        "សុខ ដារា",
        "SOK DARA",
        "Takeo outreach",
    )
    assert made.place_km == "ភូមិអូរធំ ឃុំបន្ទាយនាង ស្រុកមង្គលបូរី ខេត្តបន្ទាយមានជ័យ"
    assert made.place_en == "Ou Thum, Banteay Neang, Mongkol Borey, Banteay Meanchey"
    claim, _, _ = receipt.read_payload(made.qr_payload)
    assert (claim.registration_id, claim.date, claim.initials) == (registration_id, made.date, "SD")
    assert receipt.verify(made.qr_payload, None).status == receipt.NOT_ENROLLED
    store.close()


def test_every_character_has_a_glyph(content: ReceiptContent) -> None:
    """No tofu boxes: each run goes to a font that has every one of its characters."""
    for block in receipt_blocks(content, PAPERS["a6"]):
        if isinstance(block, TextBlock):
            for run, font in font_runs(block.text, receipt_fonts(block.bold)):
                missing = [c for c in run if ord(c) not in _codepoints(font)]
                assert missing == [], (block.text, font.name)


def test_png_shapes_khmer() -> None:
    """Shaped, a coeng and the consonant after it become one subscript glyph under the base
    (ក្ក is one cluster as wide as ក); drawn letter by letter it would be two bases wide."""
    fonts = receipt_fonts(False)
    unshaped = ImageFont.truetype(str(fonts.khmer), 40, layout_engine=ImageFont.Layout.BASIC)
    cluster_width = receipt_png.text_width("ក្ក", fonts, 40)
    assert cluster_width == pytest.approx(receipt_png.text_width("ក", fonts, 40), abs=1)
    assert cluster_width < 0.6 * unshaped.getlength("ក្ក")
    word = "ស្រុកមង្គលបូរី"
    assert receipt_png.text_width(word, fonts, 40) < unshaped.getlength(word)


def test_pdf_turns_text_shaping_on() -> None:
    document = receipt_pdf._new_document(PAPERS["a6"], 148.0)
    assert document.text_shaping


def test_long_khmer_words_wrap_between_clusters() -> None:
    fonts = receipt_fonts(False)
    text = "ស្រុកមង្គលបូរី" * 6
    lines = receipt_png.wrap(text, fonts, 30, 300)
    assert len(lines) > 1 and "".join(lines) == text
    for line in lines[1:]:
        assert line[0] not in "\u17b6\u17bb\u17bc\u17b8\u17b8\u17c1\u17d2"
    for line in lines[:-1]:
        assert line[-1] != "\u17d2"
        assert receipt_png.text_width(line, fonts, 30) <= 300


@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_png_is_printer_sized_and_its_qr_verifies(content: ReceiptContent, paper: str) -> None:
    image = receipt_png.receipt_image(content, PAPERS[paper])
    assert image.width == round(PAPERS[paper].width_mm * 8)
    found = decode(image)
    assert [p.text for p in found] == [content.qr_payload]
    assert receipt.verify(found[0].text, HUB.public_key()).valid


@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_pdf_page_size_and_readable_qr(content: ReceiptContent, paper: str, tmp_path: Path) -> None:
    data = receipt_pdf.receipt_pdf(content, PAPERS[paper])
    assert data.startswith(b"%PDF")
    box = re.search(rb"/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]", data)
    assert box is not None
    width_mm, height_mm = (float(v) / PT_PER_MM for v in box.groups())
    assert width_mm == pytest.approx(PAPERS[paper].width_mm, abs=0.1)
    if PAPERS[paper].height_mm is None:
        assert 100 < height_mm < 200  # as long as the content, not a fixed page
    assert shutil.which("pdftoppm"), "pdftoppm is missing: scripts/setup installs poppler-utils"
    (tmp_path / "receipt.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", "receipt.pdf", "page"],
        cwd=tmp_path,
        check=True,
        timeout=60,
    )
    found = decode(Image.open(tmp_path / "page.png"))
    assert [p.text for p in found] == [content.qr_payload]


def test_qr_modules_are_whole_printer_dots_and_big_enough(content: ReceiptContent) -> None:
    for paper in PAPERS.values():
        (qr,) = [b for b in receipt_blocks(content, paper) if isinstance(b, QrBlock)]
        dots = qr.module_mm * 8
        assert dots == int(dots) and qr.module_mm >= 0.5
        assert qr.size_mm + 8 * qr.module_mm <= paper.content_width_mm
    assert qr_module_mm(PAPERS["thermal58"], 57) == 0.625


def test_the_registration_id_breaks_at_a_hyphen_on_58mm(content: ReceiptContent) -> None:
    def texts(paper: str) -> list[str]:
        return [b.text for b in receipt_blocks(content, PAPERS[paper]) if isinstance(b, TextBlock)]

    assert content.registration_id in texts("a6")
    assert content.registration_id in texts("thermal80")
    narrow = texts("thermal58")
    assert content.registration_id not in narrow
    start = narrow.index("0194a7c2-5e3b-7d4f-")
    assert narrow[start + 1] == "8a1b-2c3d4e5f6a7b"
