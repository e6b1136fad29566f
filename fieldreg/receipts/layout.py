"""What a receipt shows and how it is laid out, shared by the PDF and PNG renderers.

Sizes are in millimetres and points. Thermal papers are as wide as the roll and as long as the
content; the QR's module is a whole number of printer dots (8 dots/mm, 203 dpi) so it prints
crisp, and at least 0.5 mm so a phone camera or desk webcam reads it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from fieldreg.clock import parse_iso
from fieldreg.gazetteer import Gazetteer, display_name
from fieldreg.receipts import receipt
from fieldreg.store.device_identity import DeviceIdentity
from fieldreg.store.session import StoredRegistration

DOTS_PER_MM = 8  # 203 dpi thermal heads; PNGs are drawn at the same scale
QR_QUIET_MODULES = 4
NARROW_PAPER_MM = 60.0  # content narrower than this gets the registration id on two lines


@dataclass(frozen=True, slots=True)
class Paper:
    name: str
    width_mm: float
    margin_mm: float
    height_mm: float | None  # None: as long as the content (a roll)
    text_scale: float
    qr_target_mm: float

    @property
    def content_width_mm(self) -> float:
        return self.width_mm - 2 * self.margin_mm


PAPERS = {
    "a6": Paper("a6", 105.0, 8.0, 148.0, 1.0, 42.0),
    "thermal80": Paper("thermal80", 80.0, 4.0, None, 0.95, 52.0),
    "thermal58": Paper("thermal58", 58.0, 5.0, None, 0.8, 46.0),
}


@dataclass(frozen=True, slots=True)
class ReceiptContent:
    registration_id: str
    date: dt.date
    name_km: str
    name_en: str
    place_km: str
    place_en: str
    event: str
    qr_payload: str


def receipt_content(
    stored: StoredRegistration,
    identity: DeviceIdentity,
    gazetteer: Gazetteer,
    *,
    tz: dt.tzinfo | None = None,
) -> ReceiptContent:
    """The receipt of one stored registration, signed by this device. `tz` is the registrar's
    time zone (default: the computer's), which decides the date printed."""
    created = parse_iso(stored.created_at)
    date = created.astimezone(tz).date() if tz else created.astimezone().date()
    lineage = list(reversed(gazetteer.lineage(stored.record.village_code)))
    record = stored.record
    return ReceiptContent(
        registration_id=stored.id,
        date=date,
        name_km=record.name_km,
        name_en=record.name_en,
        place_km=" ".join(display_name(place, "km") for place in lineage),
        place_en=", ".join(display_name(place, "en") for place in lineage),
        event=stored.event,
        qr_payload=receipt.make_payload(
            identity, stored.id, date, receipt.initials_of(record.name_en)
        ),
    )


@dataclass(frozen=True, slots=True)
class TextBlock:
    text: str
    size_pt: float
    bold: bool = False
    centred: bool = False
    muted: bool = False  # labels: grey on paper and screen
    space_before_mm: float = 0.0


@dataclass(frozen=True, slots=True)
class QrBlock:
    rows: tuple[tuple[bool, ...], ...]  # dark modules, without the quiet zone
    module_mm: float
    space_before_mm: float = 3.0

    @property
    def size_mm(self) -> float:
        return len(self.rows) * self.module_mm


Block = TextBlock | QrBlock

TITLE_KM = "បង្កាន់ដៃចុះឈ្មោះ"
TITLE_EN = "Registration receipt"
LABELS = {
    "id": "លេខចុះឈ្មោះ · Registration ID",
    "date": "កាលបរិច្ឆេទ · Date",
    "place": "អាសយដ្ឋាន · Place",
    "event": "ព្រឹត្តិការណ៍ · Event",
}
FOOTER = "សូមរក្សាទុកបង្កាន់ដៃនេះ · Please keep this receipt"
FOOTER_CHECK = "FieldReg: scan the code to check this receipt"


def qr_rows(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The QR for a receipt payload (base45 text, so alphanumeric mode), error correction M."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(payload)
    code.make(fit=True)
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())


def qr_module_mm(paper: Paper, modules: int) -> float:
    """Whole printer dots per module, as many as fit `qr_target_mm` with the quiet zone."""
    dots = int(paper.qr_target_mm * DOTS_PER_MM // (modules + 2 * QR_QUIET_MODULES))
    return max(dots, 4) / DOTS_PER_MM


def _id_lines(registration_id: str, paper: Paper) -> list[str]:
    """A UUID is too wide for a 58 mm roll at a readable size: split it after a hyphen rather
    than let the line break fall inside a group."""
    if paper.content_width_mm >= NARROW_PAPER_MM or len(registration_id) != 36:
        return [registration_id]
    return [registration_id[:19], registration_id[19:]]


def receipt_blocks(content: ReceiptContent, paper: Paper) -> list[Block]:
    scale = paper.text_scale

    def text(
        value: str,
        size: float,
        *,
        bold: bool = False,
        centred: bool = False,
        muted: bool = False,
        space_before_mm: float = 0.0,
    ) -> TextBlock:
        return TextBlock(value, size * scale, bold, centred, muted, space_before_mm)

    blocks: list[Block] = [
        text(TITLE_KM, 14, bold=True, centred=True),
        text(TITLE_EN, 10, centred=True),
        text(content.name_km, 15, bold=True, centred=True, space_before_mm=3.0),
        text(content.name_en, 11, bold=True, centred=True),
    ]
    fields = [
        ("id", _id_lines(content.registration_id, paper)),
        ("date", [content.date.isoformat()]),
        ("place", [content.place_km, content.place_en]),
        ("event", [content.event]),
    ]
    for key, values in fields:
        shown = [value for value in values if value]
        if shown:
            blocks.append(text(LABELS[key], 7.5, muted=True, space_before_mm=2.0))
            blocks += [text(value, 9.5) for value in shown]
    rows = qr_rows(content.qr_payload)
    blocks.append(QrBlock(rows, qr_module_mm(paper, len(rows))))
    blocks.append(text(FOOTER, 7.5, centred=True, space_before_mm=3.0))
    blocks.append(text(FOOTER_CHECK, 7, centred=True, muted=True))
    return blocks
