"""Receipts as PDF with fpdf2: HarfBuzz shaping (uharfbuzz) places Khmer subscripts and vowels,
the QR is drawn as vector squares so it prints sharp at any resolution."""

from __future__ import annotations

from fpdf import FPDF

from fieldreg.receipts.fonts import receipt_fonts
from fieldreg.receipts.layout import (
    Block,
    Paper,
    QrBlock,
    ReceiptContent,
    TextBlock,
    receipt_blocks,
)

LINE_HEIGHT = 1.45  # times the font size: room for Khmer stacked subscripts and vowels
PT_TO_MM = 25.4 / 72
MUTED_GREY = 90
MEASURING_HEIGHT_MM = 2000.0


def receipt_pdf(content: ReceiptContent, paper: Paper) -> bytes:
    blocks = receipt_blocks(content, paper)
    height = paper.height_mm
    if height is None:
        # A roll: lay out once on a long page to learn the length, then for real.
        height = _render(blocks, paper, MEASURING_HEIGHT_MM).get_y() + paper.margin_mm
    return bytes(_render(blocks, paper, height).output())


def _new_document(paper: Paper, height_mm: float) -> FPDF:
    pdf = FPDF(unit="mm", format=(paper.width_mm, height_mm))
    pdf.set_creator("FieldReg")
    pdf.set_title("FieldReg registration receipt")
    use_shaped_fonts(pdf)
    pdf.set_margins(paper.margin_mm, paper.margin_mm, paper.margin_mm)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    return pdf


def use_shaped_fonts(pdf: FPDF) -> None:
    """Khmer and Latin in one document: font family "latin" (regular and "B"), with Noto Sans
    Khmer as the fallback for what it lacks, shaped by HarfBuzz."""
    for bold in (False, True):
        fonts = receipt_fonts(bold)
        style = "B" if bold else ""
        pdf.add_font("latin", style, str(fonts.latin))
        pdf.add_font("khmer", style, str(fonts.khmer))
    pdf.set_fallback_fonts(["khmer"])
    pdf.set_text_shaping(True)


def _render(blocks: list[Block], paper: Paper, height_mm: float) -> FPDF:
    pdf = _new_document(paper, height_mm)
    for block in blocks:
        pdf.set_y(pdf.get_y() + block.space_before_mm)
        if isinstance(block, TextBlock):
            _text(pdf, block)
        else:
            _qr(pdf, block, paper)
    return pdf


def _text(pdf: FPDF, block: TextBlock) -> None:
    pdf.set_font("latin", "B" if block.bold else "", block.size_pt)
    pdf.set_text_color(MUTED_GREY if block.muted else 0)
    pdf.multi_cell(
        w=0,
        h=block.size_pt * PT_TO_MM * LINE_HEIGHT,
        text=block.text,
        align="C" if block.centred else "L",
        new_x="LMARGIN",
        new_y="NEXT",
    )


def _qr(pdf: FPDF, block: QrBlock, paper: Paper) -> None:
    """Dark modules as horizontal runs: one rectangle per run keeps the file small."""
    left = (paper.width_mm - block.size_mm) / 2
    top = pdf.get_y()
    size = block.module_mm
    pdf.set_fill_color(0)
    for y, row in enumerate(block.rows):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            pdf.rect(left + start * size, top + y * size, (x - start) * size, size, style="F")
    pdf.set_y(top + block.size_mm)
