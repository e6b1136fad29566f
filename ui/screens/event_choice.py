"""Once a day: where registration happens (the event's channel, issue 11). An outreach
campaign (name, commune, today's date), a partner-bank branch (which bank, the branch) or a
commune office (the commune). Every record registered after this carries the event and its
channel."""

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
from fieldreg.indicators.channels import BANK_BRANCH, BANKS, COMMUNE_OFFICE, OUTREACH, Channel
from fieldreg.indicators.definitions import label
from ui.i18n import Formatter
from ui.place_picker import PlacePicker
from ui.services import Services
from ui.widgets import EnterMovesFocus, LabelledField, centered, primary_button, text_label

MAX_NAME = 60
# what the app saved as the bank before banks had ids (its English name)
OLD_BANK_NAMES = {
    "ABA Bank": "aba",
    "ACLEDA Bank": "acleda",
    "ARDB Bank": "ardb",
    "SME Bank": "sme",
    "Vattanac Bank": "vattanac",
    "Wing Bank": "wing",
}


@dataclass(frozen=True, slots=True)
class EventChoice:
    channel: Channel
    name: str  # the event's name (outreach); empty otherwise
    place: str  # commune code (outreach, commune office) or the branch's name (bank branch)
    day: str  # ISO date

    def label(self) -> str:
        """The `event` text every record of the day carries (at most 100 characters). It does
        not follow the UI language: the figures group registrations by it."""
        if self.channel.kind == BANK_BRANCH:
            return f"{label('bank', self.channel.bank)} · {self.place}"
        if self.channel.kind == COMMUNE_OFFICE:
            return f"{label('channel', COMMUNE_OFFICE)} · {self.place}"
        return f"{self.name} · {self.day} · {self.place}"


def bank_id(saved: str) -> str:
    """A bank as settings keep it (an id, or an English name from before ids): its id."""
    return saved if saved in BANKS else OLD_BANK_NAMES.get(saved, "")


def describe_event(choice: EventChoice, gazetteer: Gazetteer | None, formatter: Formatter) -> str:
    """The event as people read it: the bank and commune by name, the date in their language."""
    kind, language = choice.channel.kind, formatter.language
    if kind == BANK_BRANCH:
        return f"{label('bank', choice.channel.bank, language)} · {choice.place}"
    place = gazetteer.get(choice.place) if gazetteer else None
    where = display_name(place, language) if place else choice.place
    if kind == COMMUNE_OFFICE:
        return f"{label('channel', COMMUNE_OFFICE, language)} · {where}"
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
        self.office = QRadioButton()
        self.kinds = {
            OUTREACH: self.outreach,
            BANK_BRANCH: self.branch,
            COMMUNE_OFFICE: self.office,
        }
        self.outreach.setChecked(True)
        group = QButtonGroup(self)
        for radio in self.kinds.values():
            group.addButton(radio)
        self.event_name = QLineEdit()
        self.event_name.setMaxLength(MAX_NAME)
        self.commune = PlacePicker("commune")
        self.day_label = text_label("hint")
        self.bank = QComboBox()
        for bank in BANKS:
            self.bank.addItem("", bank)
        self.branch_name = QLineEdit()
        self.branch_name.setMaxLength(MAX_NAME)
        self.office_commune = PlacePicker("commune")
        self.name_field = LabelledField(self.event_name)
        self.commune_field = LabelledField(self.commune)
        self.bank_field = LabelledField(self.bank)
        self.branch_field = LabelledField(self.branch_name)
        self.office_field = LabelledField(self.office_commune)
        self.error = text_label("error")
        self.start_button = primary_button()

        self.details = QStackedWidget()
        for widgets in (
            (self.name_field, self.commune_field, self.day_label),
            (self.bank_field, self.branch_field),
            (self.office_field,),
        ):
            box = QWidget()
            box_column = QVBoxLayout(box)
            box_column.setContentsMargins(0, 0, 0, 0)
            for widget in widgets:
                box_column.addWidget(widget)
            box_column.addStretch(1)
            self.details.addWidget(box)
        for index, radio in enumerate(self.kinds.values()):
            radio.toggled.connect(
                lambda on, index=index: self.details.setCurrentIndex(index) if on else None
            )

        holder = QWidget()
        column = QVBoxLayout(holder)
        for part in (self.title, self.intro, *self.kinds.values(), self.details):
            column.addWidget(part)
        column.addWidget(self.error)
        column.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignRight)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(centered(holder, 560))
        outer.addStretch(2)
        EnterMovesFocus(self).watch(
            self.event_name, self.commune, self.bank, self.branch_name, self.office_commune
        )
        self.start_button.clicked.connect(lambda: self.start())
        self.retranslate()

    def set_gazetteer(self, gazetteer: Gazetteer) -> None:
        self.commune.set_gazetteer(gazetteer)
        self.office_commune.set_gazetteer(gazetteer)

    def kind(self) -> str:
        return next(kind for kind, radio in self.kinds.items() if radio.isChecked())

    def prefill(self, choice: EventChoice | None) -> None:
        """Offer yesterday's answer again; the date is always today."""
        self.error.clear()
        if choice is not None:
            self.kinds[choice.channel.kind].setChecked(True)
            if choice.channel.kind == OUTREACH:
                self.event_name.setText(choice.name)
                self.commune.set_code(choice.place)
            elif choice.channel.kind == BANK_BRANCH:
                self.bank.setCurrentIndex(self.bank.findData(choice.channel.bank))
                self.branch_name.setText(choice.place)
            else:
                self.office_commune.set_code(choice.place)
        self._render_day()
        first = {OUTREACH: self.event_name, BANK_BRANCH: self.bank}
        first.get(self.kind(), self.office_commune).setFocus()

    def current_choice(self) -> EventChoice | None:
        today, kind = self._services.today_iso(), self.kind()
        if kind == OUTREACH:
            name = " ".join(self.event_name.text().split())
            self.commune.accept_best_match()
            if not name or not self.commune.code:
                return None
            return EventChoice(Channel(OUTREACH), name, self.commune.code, today)
        if kind == BANK_BRANCH:
            branch = " ".join(self.branch_name.text().split())
            if not branch:
                return None
            return EventChoice(
                Channel(BANK_BRANCH, str(self.bank.currentData())), "", branch, today
            )
        self.office_commune.accept_best_match()
        if not self.office_commune.code:
            return None
        return EventChoice(Channel(COMMUNE_OFFICE), "", self.office_commune.code, today)

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
        language = self._services.formatter.language
        self.title.setText(self.tr("Where are you registering today?"))
        self.intro.setText(self.tr("Every registration you make today will carry this."))
        self.outreach.setText(self.tr("Outreach campaign"))
        self.branch.setText(self.tr("Partner-bank branch"))
        self.office.setText(self.tr("Commune office"))
        self.name_field.set_caption(self.tr("Event name"))
        self.event_name.setPlaceholderText(self.tr("e.g. Takeo outreach week"))
        self.commune_field.set_caption(self.tr("Commune or sangkat of the event"))
        self.commune.setPlaceholderText(self.tr("Type in Khmer or Latin"))
        self.bank_field.set_caption(self.tr("Bank"))
        for index in range(self.bank.count()):
            self.bank.setItemText(index, label("bank", str(self.bank.itemData(index)), language))
        self.branch_field.set_caption(self.tr("Branch"))
        self.branch_name.setPlaceholderText(self.tr("e.g. Takeo branch"))
        self.office_field.set_caption(self.tr("Commune or sangkat of the office"))
        self.office_commune.setPlaceholderText(self.tr("Type in Khmer or Latin"))
        self.start_button.setText(self.tr("Start registering"))
        self._render_day()
