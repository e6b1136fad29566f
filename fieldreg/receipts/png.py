"""Receipts as PNG with Pillow, at thermal-printer resolution (8 px/mm, 203 dpi).

Pillow's wheels carry libraqm (HarfBuzz + FriBidi), which shapes Khmer. Without it Khmer would
come out as unjoined letters, so rendering refuses (`no_text_shaping`) rather than print that.
Lines are wrapped as `fonts.wrap_text` says.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont, features

from fieldreg.receipts.fonts import FontMissing, FontPair, font_runs, receipt_fonts, wrap_text
from fieldreg.receipts.layout import (
    DOTS_PER_MM,
    Paper,
    QrBlock,
    ReceiptContent,
    TextBlock,
    receipt_blocks,
)

PX_PER_PT = DOTS_PER_MM * 25.4 / 72
LINE_HEIGHT = 1.45
BASELINE = 1.05  # baseline below the line's top, in font sizes
MUTED = 90


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    top: int
    block: TextBlock


def receipt_png(content: ReceiptContent, paper: Paper) -> bytes:
    buffer = io.BytesIO()
    receipt_image(content, paper).save(buffer, format="PNG", dpi=(203, 203), optimize=True)
    return buffer.getvalue()


def receipt_image(content: ReceiptContent, paper: Paper) -> Image.Image:
    """The receipt as a grayscale image, `paper.width_mm` * 8 pixels wide."""
    if not features.check("raqm"):
        raise FontMissing("no_text_shaping")
    width = round(paper.width_mm * DOTS_PER_MM)
    margin = round(paper.margin_mm * DOTS_PER_MM)
    lines, qr_places, bottom = _layout(content, paper, width - 2 * margin, margin)
    height = round(paper.height_mm * DOTS_PER_MM) if paper.height_mm else bottom + margin
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for line in lines:
        _draw_line(draw, line, margin, width - 2 * margin)
    for block, top in qr_places:
        _paste_qr(image, block, top)
    return image


def _layout(
    content: ReceiptContent, paper: Paper, text_width: int, margin: int
) -> tuple[list[_Line], list[tuple[QrBlock, int]], int]:
    y = margin
    lines: list[_Line] = []
    qr_places: list[tuple[QrBlock, int]] = []
    for block in receipt_blocks(content, paper):
        y += round(block.space_before_mm * DOTS_PER_MM)
        if isinstance(block, QrBlock):
            qr_places.append((block, y))
            y += _module_px(block) * len(block.rows)
            continue
        step = round(_size_px(block) * LINE_HEIGHT)
        for text in wrap(block.text, _fonts(block), _size_px(block), text_width):
            lines.append(_Line(text, y, block))
            y += step
    return lines, qr_places, y


def _size_px(block: TextBlock) -> int:
    return round(block.size_pt * PX_PER_PT)


def _module_px(block: QrBlock) -> int:
    return round(block.module_mm * DOTS_PER_MM)


def _fonts(block: TextBlock) -> FontPair:
    return receipt_fonts(block.bold)


@cache
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.RAQM)


def text_width(text: str, fonts: FontPair, size: int) -> float:
    return sum(_font(font, size).getlength(run) for run, font in font_runs(text, fonts))


def _draw_line(draw: ImageDraw.ImageDraw, line: _Line, margin: int, width: int) -> None:
    size = _size_px(line.block)
    fonts = _fonts(line.block)
    x = float(margin)
    if line.block.centred:
        x += (width - text_width(line.text, fonts, size)) / 2
    baseline = line.top + size * BASELINE
    fill = MUTED if line.block.muted else 0
    for run, path in font_runs(line.text, fonts):
        font = _font(path, size)
        draw.text((x, baseline), run, font=font, fill=fill, anchor="ls")
        x += font.getlength(run)


def _paste_qr(image: Image.Image, block: QrBlock, top: int) -> None:
    module = _module_px(block)
    dark = np.array(block.rows, dtype=bool)
    pixels = np.where(np.kron(dark, np.ones((module, module), dtype=bool)), 0, 255)
    qr = Image.fromarray(pixels.astype(np.uint8), mode="L")
    image.paste(qr, ((image.width - qr.width) // 2, top))


def wrap(text: str, fonts: FontPair, size: int, width: int) -> list[str]:
    """Greedy line breaking at spaces; over-wide words are cut at cluster boundaries."""
    return wrap_text(text, width, lambda part: text_width(part, fonts, size))
