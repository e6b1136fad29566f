"""Figures (issue 11): the M&E indicators of the events and period chosen, as tiles and charts.

Coordinators and registrars see it; only coordinators save a report (PDF, CSV or JSON, small
counts hidden) or ask for a full recount. Figures come from the Desk (`Desk.figures`, its
aggregate table) on the store worker: the screen says "Counting…" meanwhile, and only the
newest request's answer is shown. Nothing personal is on this screen: only counts of coded
values, names of events, operators and desks.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, QEvent, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fieldreg.desk import Desk
from fieldreg.desk.results import Changes, FiguresRecount
from fieldreg.gazetteer import Gazetteer
from fieldreg.indicators.facts import CAMBODIA
from fieldreg.indicators.scope import FigureScope
from ui import figures_view as view
from ui import messages
from ui.charts import BarChart, ChartCard, LineChart, Series, Tile
from ui.figures_view import Figures, Words
from ui.services import Services
from ui.theme import CHART_MEN, CHART_WOMEN
from ui.widgets import button, primary_button, set_role, text_label

PERIODS = ("today", "week", "all", "range")
FORMATS = {".pdf": "pdf", ".csv": "csv", ".json": "json"}
TILES = ("registrations", "female_share", "facilitation_rate", "duplicates", "sync", "lag")


class FiguresScreen(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.words = Words(services.formatter)
        self.figures: Figures | None = None
        self.current_event = ""  # the day's event: chosen by default
        self.events: list[str] = []
        self.chosen_events: set[str] | None = None  # None: the current event
        self.province = ""
        self.coordinator = False
        self._request = 0  # the newest figures asked for; older answers are dropped
        self._loaded = False

        self.title = text_label("title", wrap=False)
        self.state = text_label("hint")
        self.event_caption = text_label(wrap=False)
        self.event_button = QPushButton()  # opens the menu of events
        self.event_menu = QMenu(self)
        self.event_button.setMenu(self.event_menu)
        self.event_button.setMinimumWidth(260)
        set_role(self.event_button, "picker")
        self.period_caption = text_label(wrap=False)
        self.period = QComboBox()
        for code in PERIODS:
            self.period.addItem("", code)
        self.since = QDateEdit()
        self.until = QDateEdit()
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.range_dash = text_label(wrap=False)
        self.recount_button = button()
        self.save_button = primary_button()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setFixedWidth(120)
        self.progress.hide()
        self.message = text_label()
        self.small_note = text_label("hint", wrap=False)

        self.tiles = {key: Tile() for key in TILES}
        self.sex_group = BarChart()
        self.services_chart = BarChart()
        self.provinces = BarChart()
        self.district_choice = QComboBox()
        self.district_caption = text_label(wrap=False)
        self.districts = BarChart()
        self.timeline = LineChart()
        self.timeline_unit = QComboBox()  # by day or by hour of the day
        for unit in ("day", "hour"):
            self.timeline_unit.addItem("", unit)
        self._chosen_unit = ""  # none chosen: by hour for one day, else by day
        self.per_operator = BarChart()
        self.per_desk = BarChart()
        self.banks = BarChart()
        self.channels = BarChart()
        self.cards = {
            "sex_group": ChartCard(self.sex_group),
            "services": ChartCard(self.services_chart),
            "places": ChartCard(self.provinces),
            "timeline": ChartCard(self.timeline),
            "operators": ChartCard(self.per_operator),
            "desks": ChartCard(self.per_desk),
            "banks": ChartCard(self.banks),
            "channels": ChartCard(self.channels),
        }
        self._lay_out()
        self._connect()
        self._render_period_inputs()
        self.retranslate()

    # -- layout ----------------------------------------------------------------------------

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addWidget(self.state, 1)
        top.addWidget(self.progress)
        top.addWidget(self.recount_button)
        top.addWidget(self.save_button)
        filters = QHBoxLayout()
        filters.addWidget(self.event_caption)
        filters.addWidget(self.event_button, 2)
        filters.addSpacing(12)
        filters.addWidget(self.period_caption)
        filters.addWidget(self.period)
        filters.addWidget(self.since)
        filters.addWidget(self.range_dash)
        filters.addWidget(self.until)
        filters.addStretch(1)
        filters.addWidget(self.small_note)
        self.event_caption.setBuddy(self.event_button)
        self.period_caption.setBuddy(self.period)

        content = QWidget()
        content.setObjectName("figures_content")
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 4, 8)
        column.setSpacing(10)
        tiles = QGridLayout()
        tiles.setSpacing(10)
        for index, tile in enumerate(self.tiles.values()):
            tiles.addWidget(tile, index // 3, index % 3)
        column.addLayout(tiles)
        district_row = QHBoxLayout()
        district_row.addWidget(self.district_caption)
        district_row.addWidget(self.district_choice, 1)
        places = self.cards["places"]
        places.column.addLayout(district_row)
        places.column.addWidget(self.districts)
        self.cards["timeline"].column.insertWidget(
            1, self.timeline_unit, 0, Qt.AlignmentFlag.AlignLeft
        )
        charts = QGridLayout()
        charts.setSpacing(10)
        for index, card in enumerate(self.cards.values()):
            charts.addWidget(card, index // 2, index % 2, Qt.AlignmentFlag.AlignTop)
        charts.setColumnStretch(0, 1)
        charts.setColumnStretch(1, 1)
        column.addLayout(charts)
        column.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(content)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 10, 16, 8)
        outer.setSpacing(8)
        outer.addLayout(top)
        outer.addLayout(filters)
        outer.addWidget(self.scroll_area, 1)
        outer.addWidget(self.message)

    def _connect(self) -> None:
        self.period.currentIndexChanged.connect(lambda _i: self._period_changed())
        self.since.dateChanged.connect(lambda _d: self.refresh())
        self.until.dateChanged.connect(lambda _d: self.refresh())
        self.provinces.bar_clicked.connect(self.show_province)
        self.district_choice.activated.connect(
            lambda index: self.show_province(str(self.district_choice.itemData(index)))
        )
        self.timeline_unit.activated.connect(
            lambda index: self.show_timeline(str(self.timeline_unit.itemData(index)))
        )
        self.recount_button.clicked.connect(lambda: self.recount())
        self.save_button.clicked.connect(lambda: self.save_report())

    # -- what the main window tells -------------------------------------------------------

    def set_gazetteer(self, gazetteer: Gazetteer) -> None:
        self.words.gazetteer = gazetteer
        self._render()

    def set_coordinator(self, coordinator: bool) -> None:
        """Only coordinators save reports and recount (registrars see the figures)."""
        self.coordinator = coordinator
        for control in (self.save_button, self.recount_button):
            control.setVisible(coordinator)
            control.setEnabled(coordinator)
        self.small_note.setVisible(coordinator)

    def set_current_event(self, event: str) -> None:
        self.current_event = event
        self.chosen_events = None

    def clear(self) -> None:
        """Locked: forget what was shown."""
        self._request += 1
        self.figures = None
        self._loaded = False
        self.message.clear()
        self._render()

    def shown(self) -> None:
        if not self._loaded:  # a range starts as today, the day of the choice
            today = QDate(self.today().year, self.today().month, self.today().day)
            for edit in (self.since, self.until):
                edit.blockSignals(True)
                edit.setDate(today)
                edit.blockSignals(False)
        self.refresh_events()
        self.refresh()
        self.event_button.setFocus()

    def apply_changes(self, changes: Changes, *, showing: bool) -> None:
        if showing and (changes.registrations or changes.outbox):
            self.refresh()

    # -- scope -----------------------------------------------------------------------------

    def today(self) -> dt.date:
        """Today in Cambodia, where the figures' days are counted."""
        return self._services.clock().astimezone(CAMBODIA).date()

    def selected_events(self) -> tuple[str, ...]:
        if self.chosen_events is None:
            return (self.current_event,) if self.current_event else ()
        return tuple(sorted(self.chosen_events))

    def scope(self) -> FigureScope:
        period, today = str(self.period.currentData()), self.today()
        since = until = ""
        if period == "today":
            since = until = today.isoformat()
        elif period == "week":
            since = (today - dt.timedelta(days=today.weekday())).isoformat()
            until = today.isoformat()
        elif period == "range":
            since = self.since.date().toString("yyyy-MM-dd")
            until = self.until.date().toString("yyyy-MM-dd")
            if since > until:
                since, until = until, since
        return FigureScope(events=self.selected_events(), since=since, until=until)

    def choose_events(self, events: set[str] | None) -> None:
        """`None`: the day's event; an empty set: every event; else those events."""
        self.chosen_events = None if events is None else set(events)
        self._render_event_button()
        self.refresh()

    def choose_period(self, period: str, since: str = "", until: str = "") -> None:
        if since and until:
            self.since.blockSignals(True)
            self.until.blockSignals(True)
            self.since.setDate(QDate.fromString(since, "yyyy-MM-dd"))
            self.until.setDate(QDate.fromString(until, "yyyy-MM-dd"))
            self.since.blockSignals(False)
            self.until.blockSignals(False)
        self.period.setCurrentIndex(self.period.findData(period))

    def _period_changed(self) -> None:
        self._render_period_inputs()
        self.refresh()

    def _render_period_inputs(self) -> None:
        ranged = self.period.currentData() == "range"
        for widget in (self.since, self.until, self.range_dash):
            widget.setVisible(ranged)

    # -- loading ---------------------------------------------------------------------------

    def refresh_events(self) -> None:
        self._services.executor.op(self, lambda desk: desk.figure_events()).success(
            self._set_events
        ).run()

    def _set_events(self, events: list[str]) -> None:
        self.events = list(events)
        self._render_event_button()

    def refresh(self) -> None:
        """Ask the Desk for the figures of the scope shown; the newest request wins."""
        self._request += 1
        request = self._request
        scope = self.scope()
        self._set_counting(True)
        self._services.executor.op(self, lambda desk: desk.figures(scope)).success(
            lambda figures: self._show(request, figures)
        ).failure(lambda error: self._failed(request, error)).run()

    def _show(self, request: int, figures: Figures) -> None:
        if request != self._request:
            return  # an older question: a newer one is on its way
        self.figures = figures
        self._loaded = True
        self._set_counting(False)
        self._render()

    def _failed(self, request: int, error: Exception) -> None:
        if request != self._request:
            return
        self._set_counting(False)
        self.state.setText(messages.error_text(error))

    def _set_counting(self, counting: bool) -> None:
        self.progress.setVisible(counting)
        if counting:
            self.state.setText(self.tr("Counting…"))
        else:
            self._render_state()

    # -- recount and report ---------------------------------------------------------------

    def recount(self) -> None:
        """A full recount from the registrations, off the GUI thread; says whether the
        stored figures were right, then shows the recount's."""
        if not self.coordinator:
            return
        self._request += 1
        request, scope = self._request, self.scope()
        self.recount_button.setEnabled(False)
        self.progress.show()
        self.state.setText(self.tr("Counting every registration again…"))

        def done(result: FiguresRecount) -> None:
            self.recount_button.setEnabled(True)
            if result.matches:
                text = self.tr("The stored figures match a full recount ({seconds} s).")
                set_role(self.message, "success")
            else:
                text = self.tr(
                    "The stored figures did not match a full recount ({seconds} s): "
                    "the recount is shown and the stored figures were rebuilt."
                )
                set_role(self.message, "error")
            seconds = self._services.formatter.digits(f"{result.seconds:.1f}")
            self.message.setText(text.format(seconds=seconds))
            self._show(request, result.figures)

        def failed(error: Exception) -> None:
            self.recount_button.setEnabled(True)
            self._failed(request, error)

        self._services.executor.op(self, lambda desk: desk.recount_figures(scope)).success(
            done
        ).failure(failed).run()

    def save_report(self) -> None:
        if not self.coordinator:
            return
        day = self.today().isoformat()
        path = self._services.dialogs.save_file_path(
            self,
            self.tr("Save the figures"),
            f"fieldreg-figures-{day}.pdf",
            self.tr("PDF report (*.pdf);;CSV (*.csv);;JSON (*.json)"),
        )
        if path is None:
            return
        fmt = FORMATS.get(path.suffix.lower())
        if fmt is None:
            fmt, path = "pdf", path.with_name(path.name + ".pdf")
        scope, language = self.scope(), self._services.formatter.language
        self.save_button.setEnabled(False)
        self.message.setText(self.tr("Writing {file}…").format(file=path.name))
        set_role(self.message, "hint")

        def written(_result: object) -> None:
            self.save_button.setEnabled(True)
            self.message.setText(
                self.tr("Saved to {path}. Counts under 5 are shown as <5.").format(path=str(path))
            )
            set_role(self.message, "success")

        def failed(error: Exception) -> None:
            self.save_button.setEnabled(True)
            self.message.setText(
                self.tr("Nothing was saved: {reason}").format(reason=messages.error_text(error))
            )
            set_role(self.message, "error")

        def export(desk: Desk) -> int:
            return desk.export_figures(scope, fmt, Path(path), language=language)

        self._services.executor.op(self, export).success(written).failure(failed).run()

    # -- drawing ---------------------------------------------------------------------------

    def show_timeline(self, unit: str) -> None:
        self._chosen_unit = unit
        self._render()

    def show_province(self, code: str) -> None:
        self.province = code
        self._render_places()

    def _render(self) -> None:
        figures = self.figures or {"indicators": []}
        self._render_state()
        self._render_tiles(figures)
        words, language, empty = self.words, self.words.language, self.tr("No registrations")
        sexes = [
            Series(name, color)
            for name, color in zip(words.sexes(), (CHART_WOMEN, CHART_MEN), strict=True)
        ]
        for chart, indicator_id, field in (
            (self.sex_group, "registrations", "category"),
            (self.services_chart, "service_interest", "service"),
        ):
            bars = view.by_sex_bars(figures, indicator_id, field, words)
            chart.set_data(bars, series=sexes, number=words.number, empty=empty)
        for chart, indicator_id, field in (
            (self.per_operator, "people_per_hour_operator", "operator"),
            (self.per_desk, "people_per_hour_desk", "device"),
            (self.banks, "bank_registrations", "bank"),
            (self.channels, "registrations", "channel"),
        ):
            bars = view.plain_bars(figures, indicator_id, field, words)
            chart.set_data(bars, number=words.number, empty=empty)
        self._render_places()
        unit, points = view.timeline(figures, words, self._chosen_unit)
        self.timeline.set_data(points, number=words.number, empty=empty)
        self.timeline_unit.setCurrentIndex(self.timeline_unit.findData(unit))
        titles = {
            "sex_group": view.title(figures, "registrations", ("category", "sex"), language),
            "services": view.title(figures, "service_interest", ("service", "sex"), language),
            "places": view.title(figures, "registrations", ("province",), language),
            "timeline": view.name(figures, "registrations", language),
            "operators": view.name(figures, "people_per_hour_operator", language),
            "desks": view.name(figures, "people_per_hour_desk", language),
            "banks": view.title(figures, "bank_registrations", ("bank",), language),
            "channels": view.title(figures, "registrations", ("channel",), language),
        }
        notes = {"places": self.tr("Click a province to see its districts.")}
        for key, card in self.cards.items():
            card.set_title(titles[key], notes.get(key, ""))

    def _render_places(self) -> None:
        figures, words = self.figures or {"indicators": []}, self.words
        provinces = view.plain_bars(figures, "registrations", "province", words)
        codes = [bar.key for bar in provinces]
        if self.province not in codes:
            self.province = codes[0] if codes else ""
        empty = self.tr("No registrations")
        self.provinces.set_data(provinces, number=words.number, empty=empty, selected=self.province)
        self.district_choice.blockSignals(True)
        self.district_choice.clear()
        for bar in provinces:
            self.district_choice.addItem(bar.label, bar.key)
        self.district_choice.setCurrentIndex(max(0, codes.index(self.province)) if codes else -1)
        self.district_choice.blockSignals(False)
        self.districts.set_data(
            view.district_bars(figures, self.province, words), number=words.number, empty=empty
        )

    def _render_tiles(self, figures: Figures) -> None:
        words, language = self.words, self.words.language
        total = view.indicator(figures, "registrations")
        women = view.indicator(figures, "female_share")
        banks = view.indicator(figures, "facilitation_rate")
        duplicates = view.indicator(figures, "duplicates_flagged")
        lag = view.indicator(figures, "acknowledgement_lag")
        statuses = {
            row["status"]: row["value"] for row in view.rows(figures, "sync_status", ("status",))
        }
        sex_counts = {
            row["sex"]: row["value"] for row in view.rows(figures, "registrations", ("sex",))
        }
        tiles = self.tiles
        tiles["registrations"].show_value(
            words.value(total.get("value") or 0),
            view.name(figures, "registrations", language),
            " · ".join(
                f"{name} {words.value(sex_counts.get(sex, 0))}"
                for name, sex in zip(words.sexes(), view.SEXES, strict=True)
            ),
        )
        for key, share in (("female_share", women), ("facilitation_rate", banks)):
            tiles[key].show_value(
                words.percent(share.get("value")),
                view.name(figures, key, language),
                self.tr("{part} of {whole}").format(
                    part=words.value(share.get("numerator", 0)),
                    whole=words.value(share.get("denominator", 0)),
                ),
            )
        tiles["duplicates"].show_value(
            words.value(duplicates.get("value") or 0),
            view.name(figures, "duplicates_flagged", language),
        )
        order = ("pending", "synced", "rejected")
        tiles["sync"].show_value(
            " / ".join(words.value(statuses.get(status, 0)) for status in order),
            view.name(figures, "sync_status", language),
            " / ".join(words.coded("status", status) for status in order),
        )
        minutes = self.tr("{minutes} min")
        median, p90 = lag.get("median"), lag.get("p90")
        tiles["lag"].show_value(
            minutes.format(minutes=words.value(median)) if median is not None else "—",
            view.name(figures, "acknowledgement_lag", language),
            self.tr("median; 90% within {p90}").format(
                p90=minutes.format(minutes=words.value(p90)) if p90 is not None else "—"
            ),
        )

    def _render_state(self) -> None:
        if self.progress.isVisible():
            return
        if not self._loaded or self.figures is None:
            self.state.setText("")
            return
        total = view.indicator(self.figures, "registrations").get("value") or 0
        count = total if isinstance(total, int) else 0
        self.state.setText(
            self.tr("%n registration(s) counted", "", count).replace(
                str(count), self.words.number(count)
            )
        )

    def _render_event_button(self) -> None:
        self.event_menu.clear()
        current = QAction(self.tr("Today's event"), self.event_menu)
        current.setCheckable(True)
        current.setChecked(self.chosen_events is None)
        current.triggered.connect(lambda: self.choose_events(None))
        everything = QAction(self.tr("All events"), self.event_menu)
        everything.setCheckable(True)
        everything.setChecked(self.chosen_events == set())
        everything.triggered.connect(lambda: self.choose_events(set()))
        self.event_menu.addAction(current)
        self.event_menu.addAction(everything)
        self.event_menu.addSeparator()
        chosen = self.chosen_events or set()
        for event in self.events:
            action = QAction(event, self.event_menu)
            action.setCheckable(True)
            action.setChecked(event in chosen)
            action.triggered.connect(lambda on, event=event: self._toggle_event(event, on))
            self.event_menu.addAction(action)
        if self.chosen_events is None:
            text = self.tr("Today's event")
        elif not self.chosen_events:
            text = self.tr("All events")
        elif len(self.chosen_events) == 1:
            text = next(iter(self.chosen_events))
        else:
            count = len(self.chosen_events)
            text = self.tr("%n event(s)", "", count).replace(str(count), self.words.number(count))
        self.event_button.setText(text)
        self.event_button.setToolTip("\n".join(self.selected_events()) or text)
        self.event_button.setAccessibleName(self.tr("Events") + ": " + text)

    def _toggle_event(self, event: str, on: bool) -> None:
        chosen = set(self.chosen_events or set())
        if on:
            chosen.add(event)
        else:
            chosen.discard(event)
        self.choose_events(chosen)

    # -- language --------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Figures"))
        self.event_caption.setText(self.tr("Events"))
        self.period_caption.setText(self.tr("Period"))
        periods = {
            "today": self.tr("Today"),
            "week": self.tr("This week"),
            "all": self.tr("All time"),
            "range": self.tr("From – to"),
        }
        for index in range(self.period.count()):
            self.period.setItemText(index, periods[str(self.period.itemData(index))])
        self.period.setAccessibleName(self.tr("Period"))
        self.since.setAccessibleName(self.tr("From"))
        self.until.setAccessibleName(self.tr("To"))
        self.range_dash.setText("–")
        self.recount_button.setText(self.tr("Recount"))
        self.recount_button.setToolTip(
            self.tr("Count every registration again and check the stored figures")
        )
        self.save_button.setText(self.tr("Save report…"))
        self.save_button.setToolTip(self.tr("A PDF, CSV or JSON file of these figures"))
        self.small_note.setText(self.tr("Saved reports show counts under 5 as <5."))
        for index in range(self.timeline_unit.count()):
            unit = str(self.timeline_unit.itemData(index))
            self.timeline_unit.setItemText(index, view.field_name(unit, self.words.language))
        self.district_caption.setText(self.tr("Districts of"))
        self.district_choice.setAccessibleName(self.tr("Districts of"))
        self._render_event_button()
        self._render()
