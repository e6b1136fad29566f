"""The chart widgets and the figures -> bars view, on figures computed by `evaluate` from
known facts (the same shape the Desk answers): exact numbers in tooltips and accessible
descriptions, Khmer digits in Khmer, "<5" cells drawn and named as such."""

from __future__ import annotations

from PySide6.QtCore import QPoint

from fieldreg.indicators.evaluate import Operations, evaluate, suppressed
from fieldreg.indicators.facts import Fact
from fieldreg.indicators.tally import FactCounts
from ui import figures_view as view
from ui.app import prepare_app
from ui.charts import Bar, BarChart, LineChart, Series, Tile
from ui.i18n import Formatter


def fact(**overrides: object) -> Fact:
    values: dict[str, object] = {
        "day": "2026-11-22",
        "hour": 9,
        "event": "Takeo outreach",
        "channel": "outreach",
        "bank": "",
        "operator": "Sokha",
        "device": "desk-1",
        "sex": "F",
        "category": "self_employed",
        "commune": "210301",
        "services": ("nssf",),
        "duplicate": False,
    }
    values.update(overrides)
    return Fact(**values)  # type: ignore[arg-type]


FACTS = (
    [fact() for _ in range(7)]
    + [fact(sex="M", category="seasonal_worker", hour=10) for _ in range(3)]
    + [fact(channel="bank_branch", bank="acleda", commune="010202", day="2026-11-21")] * 6
)


def figures() -> dict:
    return evaluate(FactCounts(FACTS, Operations({"pending": 16}, {})))


def test_bars_by_sex_hold_the_counts_evaluate_gives(qtbot) -> None:
    words = view.Words(Formatter("en"))
    bars = {bar.key: bar for bar in view.by_sex_bars(figures(), "registrations", "category", words)}
    assert bars["self_employed"].values == (13, 0)
    assert bars["seasonal_worker"].values == (0, 3)
    assert bars["self_employed"].label == "Self-employed"  # the definitions' words
    banks = view.plain_bars(figures(), "bank_registrations", "bank", words)
    assert [(bar.key, bar.values) for bar in banks] == [("acleda", (6,))]
    unit, points = view.timeline(figures(), words)
    assert unit == "day" and [n for _, n in points] == [6, 10]


def test_a_chart_tells_the_exact_numbers_in_khmer_digits(qtbot) -> None:
    prepare_app()
    words = view.Words(Formatter("km"))
    chart = BarChart()
    qtbot.addWidget(chart)
    chart.set_data(
        view.by_sex_bars(figures(), "registrations", "category", words),
        series=[Series(name, "#000") for name in words.sexes()],
        number=words.number,
    )
    chart.resize(500, chart.sizeHint().height())
    chart.show()
    qtbot.waitExposed(chart)
    first_row = QPoint(10, 4 + chart._legend_height() + 5)  # in the first row
    tip = chart.tooltip_at(first_row)
    assert "ស្រី: ១៣" in tip and "ប្រុស: ០" in tip, tip
    assert "១៣" in chart.describe() and "13" not in chart.describe()
    assert chart.grab().width() == 500  # paints without error


def test_small_cells_are_drawn_and_named_as_such(qtbot) -> None:
    prepare_app()
    words = view.Words(Formatter("en"))
    hidden = suppressed(figures())
    bars = view.by_sex_bars(hidden, "registrations", "category", words)
    assert ("<5" in bars[1].values) or ("<5" in bars[0].values)
    chart = BarChart()
    qtbot.addWidget(chart)
    chart.set_data([Bar("Wing Bank", ("<5",)), Bar("ABA Bank", (12,))], number=words.number)
    chart.resize(400, chart.sizeHint().height())
    assert not chart.grab().isNull()
    assert "Wing Bank: <5" in chart.describe()
    assert chart.tooltip_at(QPoint(10, 10)).endswith("<5")


def test_line_and_tile_in_khmer(qtbot) -> None:
    prepare_app()
    words = view.Words(Formatter("km"))
    line = LineChart()
    qtbot.addWidget(line)
    line.set_data([("៩:០០", 7), ("១០:០០", 3)], number=words.number)
    line.resize(400, 190)
    assert not line.grab().isNull()
    assert line.tooltip_at(QPoint(395, 50)) == "១០:០០: ៣"
    tile = Tile()
    qtbot.addWidget(tile)
    tile.show_value(words.percent(43.75), "ស្ត្រី")
    assert tile.value.text() == "៤៣.៨%"  # one decimal, Khmer digits
    assert tile.accessibleName() == "ស្ត្រី: ៤៣.៨%"
