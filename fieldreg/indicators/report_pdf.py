"""The figures on one A4 page, in Khmer or English: what a coordinator prints or sends on.

It reads only the output of `evaluate()` (normally `suppressed()`): counts of coded
attributes, never a record. Labels come from `definitions`; places are named by the caller's
`places(code)`. Text is drawn as the receipts draw it (fpdf2, HarfBuzz shaping, Noto Sans
Khmer for what the Latin font lacks); every line is cut to its box with "…" and long lists
show their top rows and "and n more", so any figures fit the one page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fpdf import FPDF

from fieldreg.clock import parse_iso
from fieldreg.digits import khmer_digits
from fieldreg.gazetteer import Gazetteer, display_name
from fieldreg.indicators.channels import BANK_BRANCH, BANKS, CHANNELS
from fieldreg.indicators.definitions import (
    BY_ID,
    FIELD_NAMES,
    LABELS,
    SMALL_CELL,
    label,
    report_word,
)
from fieldreg.indicators.facts import CAMBODIA
from fieldreg.receipts.fonts import shorten, wrap_text
from fieldreg.receipts.pdf import PT_TO_MM, use_shaped_fonts

PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 12.0
CONTENT_W = PAGE_W - 2 * MARGIN
GAP = 3.0  # between tiles
COLUMN_GAP = 8.0
COLUMN_W = (CONTENT_W - COLUMN_GAP) / 2
ROW_H = 4.8  # a table row: room for Khmer subscripts at ROW_PT
ROW_PT = 7.5
HEAD_PT = 9.5
TILE_H = 19.0
TOP_PROVINCES = 10
TOP_OPERATORS = 10
TOP_DESKS = 6
GREY, LIGHT, BAR = 90, 235, (120, 150, 190)
FOOTER_Y = PAGE_H - MARGIN - 9.0  # the tables stop above this
SEXES = ("F", "M")


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    width: float
    align: str = "R"


Row = tuple[list[str], float | None]  # cells, and the bar's length (0-1) or None


def figures_pdf(
    figures: Mapping[str, Any],
    *,
    language: str = "en",
    places: Callable[[str], str] | None = None,
    title: str = "",
) -> bytes:
    """The one-page A4 summary of `figures` in `language` ("en" or "km"). `places(code)` names
    a province code in that language (default: the code); `title` replaces the report's."""
    report = _Report(figures, language, places or (lambda code: code))
    report.header(title or report.word("title"))
    report.tiles()
    report.tables()
    report.footer()
    return bytes(report.pdf.output())


def place_names(gazetteer: Gazetteer, language: str = "en") -> Callable[[str], str]:
    """`places` for `figures_pdf`: a province, district or commune code named from the
    gazetteer in `language` (an unknown code as itself)."""

    def name(code: str) -> str:
        place = gazetteer.get(code)
        return display_name(place, language) if place else code

    return name


class _Report:
    def __init__(
        self, figures: Mapping[str, Any], language: str, places: Callable[[str], str]
    ) -> None:
        self.figures = figures
        self.language = "km" if language == "km" else "en"
        self.places = places
        self.by_id = {entry["id"]: entry for entry in figures.get("indicators", [])}
        pdf = FPDF(unit="mm", format="A4")
        pdf.set_creator("FieldReg")
        pdf.set_title("FieldReg M&E figures")
        use_shaped_fonts(pdf)
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(False)
        pdf.add_page()
        self.pdf = pdf

    # words and numbers

    def word(self, key: str, **values: Any) -> str:
        return report_word(key, self.language, **{k: self.digits(v) for k, v in values.items()})

    def digits(self, value: Any) -> str:
        text = str(value)
        return khmer_digits(text) if self.language == "km" else text

    def number(self, value: Any, unit: str = "count") -> str:
        """A count ("<5" stays as it is), a percentage or a rate; "–" when withheld."""
        if value is None:
            return "–"
        if isinstance(value, str):
            return self.digits(value)
        if unit == "percent":
            return self.digits(f"{value:.1f}%")
        if isinstance(value, float):
            return self.digits(f"{value:,.1f}")
        return self.digits(f"{value:,}")

    def name(self, indicator_id: str) -> str:
        """The indicator's name as the figures give it, else as the definitions do."""
        named = self.by_id.get(indicator_id, {}).get("name", {}).get(self.language)
        if named:
            return str(named)
        indicator = BY_ID.get(indicator_id)
        if indicator is None:
            return indicator_id
        return indicator.name_km if self.language == "km" else indicator.name_en

    def share(self, indicator_id: str) -> str:
        """A headline percentage; "–" when nobody is counted (evaluate says 0 then)."""
        entry = self.by_id.get(indicator_id, {})
        value = entry.get("value") if entry.get("denominator") else None
        return self.number(value, "percent")

    def rows(self, indicator_id: str, *by: str) -> list[dict[str, Any]]:
        for breakdown in self.by_id.get(indicator_id, {}).get("breakdowns", []):
            if tuple(breakdown["by"]) == by:
                return list(breakdown["rows"])
        return []

    # drawing

    def text(
        self,
        x: float,
        y: float,
        width: float,
        text: str,
        size: float,
        *,
        bold: bool = False,
        align: str = "L",
        grey: bool = False,
    ) -> None:
        """One line of text in the box, cut with "…" when it is wider."""
        pdf = self.pdf
        pdf.set_font("latin", "B" if bold else "", size)
        pdf.set_text_color(GREY if grey else 0)
        shown = shorten(text, width - 2 * pdf.c_margin, pdf.get_string_width)
        # fpdf2 2.8.9 can leave the fallback (Khmer) font selected in the page after a cell
        # while believing the Latin one is (cf. py-pdf/fpdf2#1772): the next cell's glyphs
        # then come out of the wrong font (boxes, wrong letters). Every cell selects its own.
        pdf.current_font_is_set_on_page = False
        pdf.set_xy(x, y)
        pdf.cell(width, size * PT_TO_MM * 1.45, shown, align=align)

    def lines(self, text: str, width: float, size: float, most: int) -> list[str]:
        """`text` wrapped to `width`, at most `most` lines, the last cut with "…"."""
        self.pdf.set_font("latin", "", size)
        measure = self.pdf.get_string_width
        wrapped = wrap_text(text, width - 2 * self.pdf.c_margin, measure)
        if len(wrapped) <= most:
            return wrapped
        end = 0
        for line in wrapped[: most - 1]:
            end = text.index(line, end) + len(line)
        return [*wrapped[: most - 1], text[end:].strip()]  # `text()` cuts it with "…"

    # the page

    def header(self, title: str) -> None:
        figures, y = self.figures, MARGIN
        self.text(MARGIN, y, CONTENT_W, title, 16, bold=True)
        y += 9.0
        version = self.word("version")
        line = (
            f"{self.word('indicator_set')}: {figures.get('indicator_set', '')}"
            f" {version} {self.digits(figures.get('version', ''))}"
        )
        self.text(MARGIN, y, CONTENT_W, line, 8.5, grey=True)
        y += 5.0
        self.text(MARGIN, y, CONTENT_W, f"{self.word('events')}: {self.events()}", 8.5)
        y += 5.0
        parts = [f"{self.word('period')}: {self.period()}", *self.filters(), self.generated()]
        scope_line = "    ".join(part for part in parts if part)
        self.text(MARGIN, y, CONTENT_W, scope_line, 8.5)

    def events(self) -> str:
        """The events in scope, as many as fit on the line (a long name cut with "…"), then
        "and n more"."""
        events = [str(event) for event in self.figures.get("scope", {}).get("events", [])]
        if not events:
            return self.word("all_events")
        self.pdf.set_font("latin", "", 8.5)
        measure = self.pdf.get_string_width
        room = CONTENT_W - 2 * self.pdf.c_margin - measure(f"{self.word('events')}: ")
        shown = ""
        for index, event in enumerate(events):
            rest = len(events) - index - 1
            tail = f" {self.word('more', n=rest)}" if rest else ""
            start = f"{shown}, " if shown else ""
            fitted = shorten(event, room - measure(start + tail), measure)
            if shown and fitted != event:
                return f"{shown} {self.word('more', n=rest + 1)}"
            shown = start + fitted
        return shown

    def period(self) -> str:
        scope = self.figures.get("scope", {})
        since, until = scope.get("since", ""), scope.get("until", "")
        parts = []
        if since:
            parts.append(self.word("since", day=since))
        if until:
            parts.append(self.word("until", day=until))
        return " ".join(parts) or self.word("all_dates")

    def filters(self) -> list[str]:
        """What else the scope narrows to (the hub's province, channel, group, sex filters)."""
        found = []
        for field, value in self.figures.get("scope", {}).items():
            if field in ("events", "since", "until") or field not in FIELD_NAMES or not value:
                continue
            values = [str(item) for item in (value if isinstance(value, list) else [value])]
            if field in ("province", "district", "commune"):
                names = [self.places(item) for item in values]
            else:
                names = [self.digits(label(field, item, self.language)) for item in values]
            found.append(f"{FIELD_NAMES[field][self._k]}: {', '.join(names)}")
        return found

    def generated(self) -> str:
        stamp = str(self.figures.get("generated_at", ""))
        if not stamp:
            return ""
        try:
            local = parse_iso(stamp).astimezone(CAMBODIA)
        except ValueError:
            return f"{self.word('generated')}: {stamp}"
        when = self.digits(local.strftime("%Y-%m-%d %H:%M"))
        return f"{self.word('generated')}: {when} ({self.word('cambodia_time')})"

    def tiles(self) -> None:
        statuses = {
            row.get("status"): row.get("value") for row in self.rows("sync_status", "status")
        }
        registrations = self.by_id.get("registrations", {})
        lag = self.by_id.get("acknowledgement_lag", {})
        tiles: list[tuple[str, str, str]] = [
            (self.name("registrations"), self.number(registrations.get("value", 0)), ""),
            (
                self.name("female_share"),
                self.share("female_share"),
                self.share_detail("female_share"),
            ),
            (
                self.name("facilitation_rate"),
                self.share("facilitation_rate"),
                self.share_detail("facilitation_rate"),
            ),
            (
                self.name("duplicates_flagged"),
                self.number(self.by_id.get("duplicates_flagged", {}).get("value", 0)),
                "",
            ),
        ]
        tiles += [
            (label("status", status, self.language), self.number(statuses.get(status, 0)), "")
            for status in ("pending", "synced", "rejected")
        ]
        median, p90 = lag.get("median"), lag.get("p90")
        tiles.append(
            (
                self.name("acknowledgement_lag"),
                "–" if median is None else self.word("minutes", n=median),
                "" if p90 is None else self.word("lag_detail", n=p90),
            )
        )
        width = (CONTENT_W - 3 * GAP) / 4
        for index, (name, value, detail) in enumerate(tiles):
            x = MARGIN + (index % 4) * (width + GAP)
            y = MARGIN + 26.0 + (index // 4) * (TILE_H + GAP)
            self.tile(x, y, width, name, value, detail)

    def share_detail(self, indicator_id: str) -> str:
        entry = self.by_id.get(indicator_id, {})
        if "numerator" not in entry:
            return ""
        return f"{self.number(entry['numerator'])} / {self.number(entry.get('denominator'))}"

    def tile(self, x: float, y: float, width: float, name: str, value: str, detail: str) -> None:
        self.pdf.set_fill_color(LIGHT)
        self.pdf.rect(x, y, width, TILE_H, style="F")
        for number, line in enumerate(self.lines(name, width, 7.5, 2)):
            self.text(x, y + 0.5 + number * 3.7, width, line, 7.5, grey=True)
        self.text(x, y + 7.6, width, value, 14, bold=True)
        if detail:
            self.text(x, y + 14.2, width, detail, 6.5, grey=True)

    def tables(self) -> None:
        top = MARGIN + 26.0 + 2 * TILE_H + GAP + 6.0
        y = self.group_by_sex(MARGIN, top)
        y = self.services_by_sex(MARGIN, y + 4.0)
        self.channels(MARGIN, y + 4.0)
        right = MARGIN + COLUMN_W + COLUMN_GAP
        y = self.provinces(right, top)
        y = self.throughput(right, y + 4.0, "people_per_hour_operator", "operator", TOP_OPERATORS)
        y = self.throughput(right, y + 4.0, "people_per_hour_desk", "device", TOP_DESKS)
        self.days(right, y + 4.0)  # as many days as the page has room for

    def table(
        self,
        x: float,
        y: float,
        heading: str,
        columns: Sequence[Column],
        rows: Sequence[Row],
        more: int = 0,
    ) -> float:
        """A heading, a header row, the rows (with a bar in the space the columns leave), and
        "and n more" when rows were left out; returns where the next thing may start."""
        room = int((FOOTER_Y - y - 6.0 - ROW_H - 0.4) // ROW_H)  # rows below the header
        if room < 1:
            return y
        if len(rows) + (1 if more else 0) > room:
            kept = max(room - 1, 0)
            more += len(rows) - kept
            rows = rows[:kept]
        self.text(x, y, COLUMN_W, heading, HEAD_PT, bold=True)
        y += 6.0
        bar_w = COLUMN_W - sum(column.width for column in columns) - 2.0
        cx = x
        for column in columns:
            self.text(cx, y, column.width, column.header, 6.5, align=column.align, grey=True)
            cx += column.width
        y += ROW_H
        self.pdf.set_draw_color(180)
        self.pdf.line(x, y, x + COLUMN_W, y)
        if not rows and not more:
            self.text(x, y + 0.4, COLUMN_W, self.word("none"), ROW_PT, grey=True)
            return y + ROW_H + 0.4
        for cells, bar in rows:
            cx = x
            for column, cell in zip(columns, cells, strict=True):
                self.text(cx, y + 0.4, column.width, cell, ROW_PT, align=column.align)
                cx += column.width
            if bar:
                self.pdf.set_fill_color(*BAR)
                self.pdf.rect(cx + 2.0, y + 1.4, max(bar * bar_w, 0.4), ROW_H - 2.4, style="F")
            y += ROW_H
        if more:
            self.text(x, y + 0.4, COLUMN_W, self.word("more", n=more), ROW_PT, grey=True)
            y += ROW_H
        return y + 0.4

    def group_by_sex(self, x: float, y: float) -> float:
        cells = {
            (row.get("category"), row.get("sex")): row.get("value")
            for row in self.rows("registrations", "category", "sex")
        }
        totals = {
            row.get("category"): row.get("value") for row in self.rows("registrations", "category")
        }
        groups = [group for group in LABELS["category"] if group in totals]
        groups += sorted(str(group) for group in totals if group not in LABELS["category"])
        largest = _largest(totals.values())
        rows: list[Row] = [
            (
                [label("category", group, self.language)]
                + [self.number(cells.get((group, sex), 0)) for sex in SEXES]
                + [self.number(totals[group])],
                _bar(totals[group], largest),
            )
            for group in groups
        ]
        columns = [
            Column(FIELD_NAMES["category"][self._k], 44.0, "L"),
            *(Column(label("sex", sex, self.language), 11.0) for sex in SEXES),
            Column(self.word("total"), 12.0),
        ]
        return self.table(x, y, self.word("by_group_sex"), columns, rows)

    def services_by_sex(self, x: float, y: float) -> float:
        by_sex = {
            (row.get("service"), row.get("sex")): row.get("numerator")
            for row in self.rows("service_interest", "service", "sex")
        }
        overall = {row.get("service"): row for row in self.rows("service_interest", "service")}
        largest = _largest(row.get("numerator") for row in overall.values())
        rows: list[Row] = []
        for service in LABELS["service"]:
            row = overall.get(service, {})
            rows.append(
                (
                    [label("service", service, self.language)]
                    + [self.number(by_sex.get((service, sex), 0)) for sex in SEXES]
                    + [
                        self.number(row.get("numerator", 0)),
                        self.number(row.get("value"), "percent"),
                    ],
                    _bar(row.get("numerator"), largest),
                )
            )
        columns = [
            Column(FIELD_NAMES["service"][self._k], 36.0, "L"),
            *(Column(label("sex", sex, self.language), 10.0) for sex in SEXES),
            Column(self.word("total"), 11.0),
            Column(self.word("share"), 14.0),
        ]
        return self.table(x, y, self.word("by_service_sex"), columns, rows)

    def channels(self, x: float, y: float) -> float:
        channels = {
            row.get("channel"): row.get("value") for row in self.rows("registrations", "channel")
        }
        banks = {
            row.get("bank"): row.get("value") for row in self.rows("bank_registrations", "bank")
        }
        largest = _largest(channels.values())
        rows: list[Row] = []
        for channel in [*CHANNELS, *sorted(str(c) for c in channels if c not in CHANNELS)]:
            if channel not in channels:
                continue
            value = channels[channel]
            rows.append(
                (
                    [label("channel", channel, self.language), self.number(value)],
                    _bar(value, largest),
                )
            )
            if channel == BANK_BRANCH:
                for bank in [*BANKS, *sorted(str(b) for b in banks if b not in BANKS)]:
                    if bank in banks:
                        name = "    " + label("bank", bank, self.language)
                        rows.append(([name, self.number(banks[bank])], _bar(banks[bank], largest)))
        columns = [
            Column(
                f"{FIELD_NAMES['channel'][self._k]} / {FIELD_NAMES['bank'][self._k]}", 52.0, "L"
            ),
            Column(self.word("total"), 14.0),
        ]
        return self.table(x, y, self.word("by_channel"), columns, rows)

    def provinces(self, x: float, y: float) -> float:
        found = self.rows("registrations", "province")
        found.sort(key=lambda row: (-_size(row.get("value")), str(row.get("province"))))
        shown = found[:TOP_PROVINCES]
        largest = _largest(row.get("value") for row in shown)
        rows: list[Row] = [
            (
                [self.places(str(row.get("province"))), self.number(row.get("value"))],
                _bar(row.get("value"), largest),
            )
            for row in shown
        ]
        columns = [
            Column(FIELD_NAMES["province"][self._k], 48.0, "L"),
            Column(self.word("total"), 14.0),
        ]
        return self.table(x, y, self.word("by_province"), columns, rows, len(found) - len(shown))

    def throughput(self, x: float, y: float, indicator_id: str, field: str, top: int) -> float:
        """People per hour per operator or desk, the busiest first."""
        found = self.rows(indicator_id, field)
        found.sort(key=lambda row: (-_size(row.get("numerator")), str(row.get(field))))
        shown = found[:top]
        largest = _largest(row.get("value") for row in shown)
        rows: list[Row] = [
            (
                [
                    str(row.get(field)),
                    self.number(row.get("numerator")),
                    self.number(row.get("denominator")),
                    self.number(row.get("value")),
                ],
                _bar(row.get("value"), largest),
            )
            for row in shown
        ]
        columns = [
            Column(FIELD_NAMES[field][self._k], 30.0, "L"),
            Column(self.word("people"), 13.0),
            Column(self.word("hours"), 13.0),
            Column(self.word("per_hour"), 14.0),
        ]
        heading = self.name(indicator_id)
        return self.table(x, y, heading, columns, rows, len(found) - len(shown))

    def days(self, x: float, y: float) -> float:
        """Registrations per day, the latest first."""
        found = sorted(
            self.rows("registrations", "day"), key=lambda row: str(row.get("day")), reverse=True
        )
        largest = _largest(row.get("value") for row in found)
        rows: list[Row] = [
            (
                [self.digits(row.get("day")), self.number(row.get("value"))],
                _bar(row.get("value"), largest),
            )
            for row in found
        ]
        columns = [Column(FIELD_NAMES["day"][self._k], 52.0, "L"), Column(self.word("total"), 14.0)]
        return self.table(x, y, self.word("by_day"), columns, rows)

    def footer(self) -> None:
        cells = self.figures.get("small_cells", {})
        below = self.digits(cells.get("below", SMALL_CELL))
        first = (
            self.word("small_cells", below=below)
            if cells.get("suppressed")
            else self.word("not_suppressed")
        )
        self.pdf.set_draw_color(180)
        self.pdf.line(MARGIN, FOOTER_Y, PAGE_W - MARGIN, FOOTER_Y)
        self.text(MARGIN, FOOTER_Y + 1.0, CONTENT_W, first, 7.0, grey=True)
        self.text(MARGIN, FOOTER_Y + 4.6, CONTENT_W, self.word("no_personal_data"), 7.0, grey=True)

    @property
    def _k(self) -> int:
        return 1 if self.language == "km" else 0


def _size(value: Any) -> float:
    """For ordering: a count, "<5" just under 5, a withheld value last."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and value.startswith("<"):
        return SMALL_CELL - 0.5
    return -1.0


def _largest(values: Any) -> float:
    return max([_size(value) for value in values] + [0.0])


def _bar(value: Any, largest: float) -> float | None:
    """A bar's length for a number; none for "<5" or a withheld value."""
    if not isinstance(value, int | float) or isinstance(value, bool) or largest <= 0:
        return None
    return value / largest
