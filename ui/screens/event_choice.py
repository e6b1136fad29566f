"""Once a day: the outreach event (name, date, commune) or the bank branch. Every record
registered after this carries it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QLineEdit,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldreg.gazetteer import Gazetteer, display_name
from ui.i18n import Formatter
from ui.place_picker import PlacePicker
from ui.services import Services
from ui.widgets import EnterMovesFocus, LabelledField, centered, primary_button, text_label

PARTNER_BANKS = ("ABA Bank", "ACLEDA Bank", "ARDB Bank", "SME Bank", "Vattanac Bank", "Wing Bank")
MAX_NAME = 60


@dataclass(frozen=True, slots=True)
class EventChoice:
    channel: str  # "outreach" or "branch"
    name: str  # event name, or the bank
    place: str  # commune code, or the branch name
    day: str  # ISO date

    def label(self) -> str:
        """The `event` text every record of the day carries (at most 100 characters)."""
        if self.channel == "branch":
            return f"{self.name} · {self.place}"
        return f"{self.name} · {self.day} · {self.place}"


def describe_event(choice: EventChoice, gazetteer: Gazetteer | None, formatter: Formatter) -> str:
    """The event as people read it: the commune by name, the date in their language."""
    if choice.channel == "branch":
        return f"{choice.name} · {choice.place}"
    place = gazetteer.get(choice.place) if gazetteer else None
    where = display_name(place, formatter.language) if place else choice.place
    return f"{choice.name} · {where} · {formatter.date(dt.date.fromisoformat(choice.day))}"


class EventChoiceScreen(QWidget):
    chosen = Signal(object)  # EventChoice

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.title = text_label("title")
        self.intro = text_label()
        self.outreach = QRadioButton()
        self.branch = QRadioButton()
        self.outreach.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.outreach)
        group.addButton(self.branch)
        self.event_name = QLineEdit()
        self.event_name.setMaxLength(MAX_NAME)
        self.commune = PlacePicker("commune")
        self.day_label = text_label("hint")
        self.bank = QComboBox()
        self.bank.addItems(PARTNER_BANKS)
        self.branch_name = QLineEdit()
        self.branch_name.setMaxLength(MAX_NAME)
        self.name_field = LabelledField(self.event_name)
        self.commune_field = LabelledField(self.commune)
        self.bank_field = LabelledField(self.bank)
        self.branch_field = LabelledField(self.branch_name)
        self.error = text_label("error")
        self.start_button = primary_button()

        outreach_box = QWidget()
        outreach_column = QVBoxLayout(outreach_box)
        outreach_column.setContentsMargins(0, 0, 0, 0)
        for widget in (self.name_field, self.commune_field, self.day_label):
            outreach_column.addWidget(widget)
        branch_box = QWidget()
        branch_column = QVBoxLayout(branch_box)
        branch_column.setContentsMargins(0, 0, 0, 0)
        branch_column.addWidget(self.bank_field)
        branch_column.addWidget(self.branch_field)
        branch_column.addStretch(1)
        self.details = QStackedWidget()
        self.details.addWidget(outreach_box)
        self.details.addWidget(branch_box)
        self.outreach.toggled.connect(lambda on: self.details.setCurrentIndex(0 if on else 1))

        holder = QWidget()
        column = QVBoxLayout(holder)
        for part in (self.title, self.intro, self.outreach, self.branch, self.details):
            column.addWidget(part)
        column.addWidget(self.error)
        column.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignRight)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(centered(holder, 560))
        outer.addStretch(2)
        EnterMovesFocus(self).watch(self.event_name, self.commune, self.bank, self.branch_name)
        self.start_button.clicked.connect(lambda: self.start())
        self.retranslate()

    def set_gazetteer(self, gazetteer: Gazetteer) -> None:
        self.commune.set_gazetteer(gazetteer)

    def prefill(self, choice: EventChoice | None) -> None:
        """Offer yesterday's answer again; the date is always today."""
        self.error.clear()
        if choice is not None:
            self.outreach.setChecked(choice.channel == "outreach")
            self.branch.setChecked(choice.channel == "branch")
            if choice.channel == "outreach":
                self.event_name.setText(choice.name)
                self.commune.set_code(choice.place)
            else:
                self.bank.setCurrentText(choice.name)
                self.branch_name.setText(choice.place)
        self._render_day()
        (self.event_name if self.outreach.isChecked() else self.bank).setFocus()

    def current_choice(self) -> EventChoice | None:
        today = self._services.today_iso()
        if self.outreach.isChecked():
            name = " ".join(self.event_name.text().split())
            self.commune.accept_best_match()
            if not name or not self.commune.code:
                return None
            return EventChoice("outreach", name, self.commune.code, today)
        branch = " ".join(self.branch_name.text().split())
        if not branch:
            return None
        return EventChoice("branch", self.bank.currentText(), branch, today)

    def start(self) -> None:
        choice = self.current_choice()
        if choice is None:
            self.error.setText(self.tr("Please fill in every field."))
            return
        self.error.clear()
        self.chosen.emit(choice)

    def _render_day(self) -> None:
        today = dt.date.fromisoformat(self._services.today_iso())
        self.day_label.setText(
            self.tr("Date: {date}").format(date=self._services.formatter.date(today))
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Where are you registering today?"))
        self.intro.setText(self.tr("Every registration you make today will carry this."))
        self.outreach.setText(self.tr("Outreach event"))
        self.branch.setText(self.tr("Bank branch"))
        self.name_field.set_caption(self.tr("Event name"))
        self.event_name.setPlaceholderText(self.tr("e.g. Takeo outreach week"))
        self.commune_field.set_caption(self.tr("Commune or sangkat of the event"))
        self.commune.setPlaceholderText(self.tr("Type in Khmer or Latin"))
        self.bank_field.set_caption(self.tr("Bank"))
        self.branch_field.set_caption(self.tr("Branch"))
        self.start_button.setText(self.tr("Start registering"))
        self._render_day()
