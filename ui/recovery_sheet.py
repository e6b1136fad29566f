"""The recovery key as a printable sheet: QR code and the key as text (made in memory)."""

from __future__ import annotations

import io

import qrcode
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.pil import PilImage

SHEET_SIZE = (1240, 1754)  # A4 at 150 dpi


def qr_png(text: str, *, box_size: int = 8) -> bytes:
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M, box_size=box_size, border=4, image_factory=PilImage
    )
    code.add_data(text)
    buffer = io.BytesIO()
    code.make_image().save(buffer, kind="PNG")
    return buffer.getvalue()


def qr_image(text: str, *, box_size: int = 8) -> QImage:
    return QImage.fromData(qr_png(text, box_size=box_size))


def recovery_sheet(key: str, heading: str, lines: list[str]) -> QImage:
    """A page to print or save: heading, explanation lines, the QR, the key in large type."""
    width, height = SHEET_SIZE
    sheet = QImage(width, height, QImage.Format.Format_RGB32)
    sheet.fill(QColor("white"))
    painter = QPainter(sheet)
    try:
        painter.setPen(QColor("black"))
        font = QFont(painter.font())
        font.setPixelSize(44)
        font.setBold(True)
        painter.setFont(font)
        margin = 110
        painter.drawText(QRect(margin, 100, width - 2 * margin, 80), 0, heading)
        font.setPixelSize(28)
        font.setBold(False)
        painter.setFont(font)
        flags = int(Qt.TextFlag.TextWordWrap)
        text_box = QRect(margin, 200, width - 2 * margin, 320)
        painter.drawText(text_box, flags, "\n".join(lines))
        code = qr_image(key, box_size=16)
        side = min(code.width(), 640)
        painter.drawImage(QRect((width - side) // 2, 560, side, side), code)
        mono = QFont("DejaVu Sans Mono")
        mono.setPixelSize(46)
        painter.setFont(mono)
        painter.drawText(
            QRect(margin, 560 + side + 40, width - 2 * margin, 80),
            int(Qt.AlignmentFlag.AlignHCenter),
            key,
        )
    finally:
        painter.end()
    return sheet


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs ask for bytes
    buffer.close()
    return bytes(data.data())
