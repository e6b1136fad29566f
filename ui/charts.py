"""Charts drawn with Qt itself (QPainter; not the deprecated QtCharts): a headline `Tile`, a
horizontal `BarChart` (optionally one bar per series in each row, e.g. women and men) and a
`LineChart` (registrations by day or by hour).

The widgets draw what they are given: the screen turns figures into `Bar`s and points and
hands in how numbers are written (`NumberText`, Khmer digits when the UI is Khmer). Text is
drawn with the widget's font, the app's font with the bundled Khmer font as fallback
(ui/fonts.py), so Khmer labels are shaped as in any label. A count given as a string ("<5",
a suppressed small cell) is drawn as a short grey hatched bar labelled with that string.
Every chart has an accessible name and a description listing its values; hovering a bar or
point shows the exact number.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QFrame, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from ui.theme import CHART_BARS, CHART_GRID, CHART_SMALL, MUTED
from ui.widgets import set_role, text_label

Value = int | float | str | None  # a str is a suppressed count ("<5")
NumberText = Callable[[int | float], str]
MARGIN = 4
GAP = 8  # between a label and its bar, a bar and its value


def plain_number(value: int | float) -> str:
    return str(value)


def value_text(value: Value, number: NumberText) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return number(value)


def show_tooltip(widget: QWidget, event: QEvent, text_at: Callable[[QPoint], str]) -> bool:
    """A tooltip event answered with the exact numbers under the pointer."""
    if event.type() != QEvent.Type.ToolTip or not isinstance(event, QHelpEvent):
        return False
    text = text_at(event.pos())
    if text:
        QToolTip.showText(event.globalPos(), text, widget)
    else:
        QToolTip.hideText()
    return True


def _magnitude(value: Value) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


class Tile(QFrame):
    """A headline number, what it counts, and a line of detail below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.value = text_label("tile_value", wrap=False)
        self.caption = text_label("tile_caption")
        self.detail = text_label("hint")
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 6, 12, 6)
        column.setSpacing(0)
        column.addWidget(self.value)
        column.addWidget(self.caption)
        column.addWidget(self.detail)
        column.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # screen readers reach it by Tab

    def show_value(self, value: str, caption: str, detail: str = "", tip: str = "") -> None:
        self.value.setText(value)
        self.caption.setText(caption)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.setAccessibleName(f"{caption}: {value}")
        self.setAccessibleDescription(detail)
        self.setToolTip(tip or f"{caption}: {value}")


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    values: tuple[Value, ...]  # one per series
    key: str = ""  # what a click on the bar names (a province code, say)
    tips: tuple[str, ...] = ()  # per series: more than the number (a percentage, say)


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    color: str


class BarChart(QWidget):
    """Labelled horizontal bars, one row per `Bar`, one bar per series in a row. With more
    than one series a legend says which is which."""

    bar_clicked = Signal(str)  # the clicked row's key

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bars: list[Bar] = []
        self._series: list[Series] = [Series("", CHART_BARS[0])]
        self._number: NumberText = plain_number
        self._empty = ""
        self._selected = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)

    # -- data ------------------------------------------------------------------------------

    def set_data(
        self,
        bars: Sequence[Bar],
        *,
        series: Sequence[Series] = (),
        number: NumberText = plain_number,
        empty: str = "",
        selected: str = "",
    ) -> None:
        self._bars = list(bars)
        self._series = list(series) or [Series("", CHART_BARS[0])]
        self._number = number
        self._empty = empty
        self._selected = selected
        self.setAccessibleDescription(self.describe())
        self.setCursor(
            Qt.CursorShape.PointingHandCursor
            if any(bar.key for bar in self._bars)
            else Qt.CursorShape.ArrowCursor
        )
        self.updateGeometry()
        self.update()

    def bars(self) -> list[Bar]:
        return list(self._bars)

    def describe(self) -> str:
        """Every value in words, for screen readers (and tests)."""
        if not self._bars:
            return self._empty
        rows = []
        for bar in self._bars:
            parts = [
                f"{serie.name} {value_text(value, self._number)}".strip()
                for serie, value in zip(self._series, bar.values, strict=False)
            ]
            rows.append(f"{bar.label}: {', '.join(parts)}")
        return "; ".join(rows)

    # -- geometry --------------------------------------------------------------------------

    def _legend_height(self) -> int:
        return self.fontMetrics().height() + 10 if len(self._series) > 1 else 0

    def _row_height(self) -> int:
        bars = len(self._series)
        return max(self.fontMetrics().height() + 12, bars * 13 + 10)

    def sizeHint(self) -> QSize:
        rows = max(1, len(self._bars))
        return QSize(320, 2 * MARGIN + self._legend_height() + rows * self._row_height())

    def minimumSizeHint(self) -> QSize:
        return QSize(160, self.sizeHint().height())

    def _columns(self) -> tuple[int, int, int]:
        """x where bars start, their longest length, and the value column's width."""
        metrics = self.fontMetrics()
        width = self.width() - 2 * MARGIN
        labels = max((metrics.horizontalAdvance(bar.label) for bar in self._bars), default=0)
        label_width = min(labels + 4, int(width * 0.45))  # + 4: elision rounds
        values = max(
            (
                metrics.horizontalAdvance(value_text(value, self._number))
                for bar in self._bars
                for value in bar.values
            ),
            default=0,
        )
        start = MARGIN + label_width + GAP
        return start, max(10, width - label_width - GAP - values - GAP), values

    def _row_at(self, y: int) -> int:
        offset = y - MARGIN - self._legend_height()
        row = offset // self._row_height() if offset >= 0 else -1
        return row if 0 <= row < len(self._bars) else -1

    # -- drawing ---------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = self.fontMetrics()
        if not self._bars:
            painter.setPen(QColor(MUTED))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._empty)
            return
        top = MARGIN
        if len(self._series) > 1:
            self._draw_legend(painter, metrics, top)
            top += self._legend_height()
        start, length, _values = self._columns()
        biggest = max((_magnitude(v) for bar in self._bars for v in bar.values), default=0.0)
        row_height = self._row_height()
        thickness = min(16, (row_height - 8) // len(self._series) - 1)
        for index, bar in enumerate(self._bars):
            row = QRect(MARGIN, top + index * row_height, self.width() - 2 * MARGIN, row_height)
            if bar.key and bar.key == self._selected:
                painter.fillRect(row, QColor("#e6eef8"))
            painter.setPen(QColor(self.palette().color(self.foregroundRole())))
            label_rect = QRect(MARGIN, row.top(), start - GAP - MARGIN, row_height)
            shown = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_rect.width())
            painter.drawText(
                label_rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), shown
            )
            bars_top = row.top() + (row_height - len(self._series) * (thickness + 1)) // 2
            for serie_index, (serie, value) in enumerate(
                zip(self._series, bar.values, strict=False)
            ):
                y = bars_top + serie_index * (thickness + 1)
                self._draw_bar(
                    painter, metrics, value, serie, (start, y, length, thickness), biggest
                )
        painter.setPen(QPen(QColor(CHART_GRID)))
        painter.drawLine(start, top, start, top + len(self._bars) * row_height)

    def _draw_bar(
        self,
        painter: QPainter,
        metrics: QFontMetrics,
        value: Value,
        serie: Series,
        place: tuple[int, int, int, int],
        biggest: float,
    ) -> None:
        start, y, length, thickness = place
        if isinstance(value, str):  # a suppressed small cell: grey, hatched, short
            width = max(6, int(length * 4 / biggest)) if biggest else 6
            rect = QRectF(start, y, width, thickness)
            painter.fillRect(rect, QColor("#e3e6e9"))
            painter.fillRect(rect, QBrush(QColor(CHART_SMALL), Qt.BrushStyle.BDiagPattern))
        else:
            width = int(round(length * _magnitude(value) / biggest)) if biggest else 0
            rect = QRectF(start, y, width, thickness)
            painter.fillRect(rect, QColor(serie.color))
        painter.setPen(QColor(self.palette().color(self.foregroundRole())))
        text_rect = QRect(
            int(rect.right()) + GAP // 2, y - 6, metrics.horizontalAdvance("0") * 12, thickness + 12
        )
        painter.drawText(
            text_rect,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            value_text(value, self._number),
        )

    def _draw_legend(self, painter: QPainter, metrics: QFontMetrics, top: int) -> None:
        x = MARGIN
        for serie in self._series:
            painter.fillRect(
                QRect(x, top + (metrics.height() - 10) // 2 + 2, 14, 10), QColor(serie.color)
            )
            x += 14 + 6
            painter.setPen(QColor(self.palette().color(self.foregroundRole())))
            painter.drawText(
                QRect(x, top, metrics.horizontalAdvance(serie.name) + 4, metrics.height() + 4),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                serie.name,
            )
            x += metrics.horizontalAdvance(serie.name) + 20

    # -- interaction -----------------------------------------------------------------------

    def tooltip_at(self, pos: QPoint) -> str:
        """The exact numbers of the row under `pos` ("" when none)."""
        row = self._row_at(pos.y())
        if row < 0:
            return ""
        bar = self._bars[row]
        lines = [bar.label]
        for index, (serie, value) in enumerate(zip(self._series, bar.values, strict=False)):
            tip = bar.tips[index] if index < len(bar.tips) else ""
            text = value_text(value, self._number) + (f" ({tip})" if tip else "")
            lines.append(f"{serie.name}: {text}" if serie.name else text)
        return "\n".join(lines)

    def event(self, event: QEvent) -> bool:
        return show_tooltip(self, event, self.tooltip_at) or super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        row = self._row_at(int(event.position().y()))
        if row >= 0 and self._bars[row].key:
            self.bar_clicked.emit(self._bars[row].key)
        super().mousePressEvent(event)


class LineChart(QWidget):
    """One line through labelled points (days, or hours of a day), with a zero-based axis."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._points: list[tuple[str, int]] = []
        self._number: NumberText = plain_number
        self._empty = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(190)
        self.setMouseTracking(True)

    def set_data(
        self,
        points: Sequence[tuple[str, int]],
        *,
        number: NumberText = plain_number,
        empty: str = "",
    ) -> None:
        self._points = list(points)
        self._number = number
        self._empty = empty
        self.setAccessibleDescription(self.describe())
        self.update()

    def points(self) -> list[tuple[str, int]]:
        return list(self._points)

    def describe(self) -> str:
        if not self._points:
            return self._empty
        return "; ".join(f"{label}: {self._number(value)}" for label, value in self._points)

    def _top_value(self) -> int:
        """A round top for the axis, at or above the highest point."""
        highest = max((value for _, value in self._points), default=0)
        if highest <= 4:
            return 4
        step = 10 ** int(math.log10(highest))
        for factor in (1, 2, 5, 10):
            if factor * step >= highest:
                return factor * step
        return highest

    def _plot(self) -> QRect:
        metrics = self.fontMetrics()
        left = MARGIN + metrics.horizontalAdvance(self._number(self._top_value())) + GAP
        bottom = metrics.height() * 2  # room for Khmer marks below the line
        return QRect(left, MARGIN + metrics.height() // 2, self.width() - left - 12, 0).adjusted(
            0, 0, 0, self.height() - bottom - MARGIN - metrics.height() // 2
        )

    def _positions(self) -> list[QPointF]:
        plot, top = self._plot(), self._top_value()
        count = len(self._points)
        step = plot.width() / max(1, count - 1)
        return [
            QPointF(
                plot.left() + (index * step if count > 1 else plot.width() / 2),
                plot.bottom() - plot.height() * value / top,
            )
            for index, (_, value) in enumerate(self._points)
        ]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = self.fontMetrics()
        ink = QColor(self.palette().color(self.foregroundRole()))
        if not self._points:
            painter.setPen(QColor(MUTED))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._empty)
            return
        plot, top = self._plot(), self._top_value()
        for fraction in (0, 0.5, 1):
            y = int(plot.bottom() - plot.height() * fraction)
            painter.setPen(QPen(QColor(CHART_GRID)))
            painter.drawLine(plot.left(), y, plot.right(), y)
            painter.setPen(ink)
            value = top * fraction
            text = self._number(int(value) if value == int(value) else value)
            painter.drawText(
                QRect(
                    MARGIN, y - metrics.height(), plot.left() - GAP - MARGIN, 2 * metrics.height()
                ),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                text,
            )
        positions = self._positions()
        painter.setPen(QPen(QColor(CHART_BARS[0]), 2))
        painter.drawPolyline(QPolygonF(positions))
        painter.setBrush(QColor(CHART_BARS[0]))
        for point in positions:
            painter.drawEllipse(point, 3, 3)
        painter.setPen(ink)
        widest = max(metrics.horizontalAdvance(label) for label, _ in self._points) + GAP
        every = max(1, math.ceil(widest * len(self._points) / max(1, plot.width())))
        for index in range(0, len(self._points), every):
            label, point = self._points[index][0], positions[index]
            width = metrics.horizontalAdvance(label) + 4
            left = min(max(0, int(point.x() - width / 2)), self.width() - width)  # never cut
            painter.drawText(
                QRect(left, plot.bottom() + 4, width, 2 * metrics.height()),
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                label,
            )

    def tooltip_at(self, pos: QPoint) -> str:
        positions = self._positions()
        if not positions:
            return ""
        nearest = min(range(len(positions)), key=lambda i: abs(positions[i].x() - pos.x()))
        label, value = self._points[nearest]
        return f"{label}: {self._number(value)}"

    def event(self, event: QEvent) -> bool:
        return show_tooltip(self, event, self.tooltip_at) or super().event(event)


class ChartCard(QFrame):
    """A chart under its title, in a card (the title is also the chart's accessible name)."""

    def __init__(self, chart: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chart_card")
        self.chart = chart
        self.title = text_label("chart_title")
        self.note = text_label("hint")
        self.note.hide()
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(12, 8, 12, 10)
        self.column.setSpacing(6)
        self.column.addWidget(self.title)
        self.column.addWidget(self.note)
        self.column.addWidget(chart)
        set_role(self, "card")

    def set_title(self, title: str, note: str = "") -> None:
        self.title.setText(title)
        self.chart.setAccessibleName(title)
        self.note.setText(note)
        self.note.setVisible(bool(note))
