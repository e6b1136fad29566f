"""A stored registration shown read-only, in the user's language (duplicate warning, details)."""

from __future__ import annotations

import phonenumbers
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from fieldreg.clock import parse_iso
from fieldreg.gazetteer import Gazetteer, display_name
from fieldreg.store.session import StoredRegistration
from ui import messages
from ui.form_values import display_date
from ui.i18n import Formatter


def national_phone(e164: str) -> str:
    """`+85512345678` -> `012 345 678`, as people say and write it."""
    try:
        number = phonenumbers.parse(e164, "KH")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def address_text(gazetteer: Gazetteer | None, village_code: str, language: str) -> str:
    """Smallest unit first, the Cambodian way: village, commune, district, province."""
    if gazetteer is None:
        return village_code
    lineage = gazetteer.lineage(village_code)
    if not lineage:
        return village_code
    return ", ".join(display_name(place, language) for place in reversed(lineage))


class RecordSummary(QWidget):
    """Caption/value rows for one registration."""

    ROWS = (
        "name_km",
        "name_en",
        "sex",
        "date_of_birth",
        "id",
        "phone",
        "address",
        "category",
        "sector",
        "services",
        "registered",
        "status",
    )

    def __init__(self, formatter: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._formatter = formatter
        self._gazetteer: Gazetteer | None = None
        self._stored: StoredRegistration | None = None
        self._layout = QFormLayout(self)
        self._layout.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self._layout.setVerticalSpacing(4)
        self._captions: dict[str, QLabel] = {}
        self._values: dict[str, QLabel] = {}
        for key in self.ROWS:
            caption, value = QLabel(), QLabel()
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._captions[key], self._values[key] = caption, value
            self._layout.addRow(caption, value)
        self.retranslate()

    def set_gazetteer(self, gazetteer: Gazetteer | None) -> None:
        self._gazetteer = gazetteer

    def show_registration(self, stored: StoredRegistration | None) -> None:
        self._stored = stored
        self._fill()

    def value_text(self, key: str) -> str:
        return self._values[key].text()

    def _fill(self) -> None:
        stored = self._stored
        if stored is None:
            for label in self._values.values():
                label.clear()
            return
        record, fmt = stored.record, self._formatter
        id_text = messages.choice(messages.ID_TYPES, record.id_type)
        if record.id_number:
            id_text = f"{id_text}: {record.id_number}"
        created = parse_iso(stored.created_at)
        registered = self.tr("{when} by {operator}").format(
            when=fmt.date_time(created), operator=stored.operator
        )
        if stored.event:
            registered += f" · {stored.event}"
        status = messages.choice(messages.STATUSES, stored.status)
        rejection = messages.rejection_text(stored.reject_code, stored.reject_reason)
        if stored.status == "rejected" and rejection:
            status += f": {rejection}"
        values = {
            "name_km": record.name_km,
            "name_en": record.name_en,
            "sex": messages.choice(messages.SEXES, record.sex),
            "date_of_birth": fmt.digits(display_date(record.date_of_birth)),
            "id": fmt.digits(id_text),
            "phone": fmt.digits(national_phone(record.phone)),
            "address": address_text(self._gazetteer, record.village_code, fmt.language),
            "category": messages.choice(messages.CATEGORIES, record.category),
            "sector": f"{record.sector} · {messages.choice(messages.SECTORS, record.sector)}",
            "services": ", ".join(messages.choice(messages.SERVICES, s) for s in record.services)
            or "—",
            "registered": registered,
            "status": status,
        }
        for key, text in values.items():
            self._values[key].setText(text)
            self._values[key].setAccessibleName(f"{self._captions[key].text()} {text}")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        captions = {
            "name_km": self.tr("Name in Khmer"),
            "name_en": self.tr("Name in Latin letters"),
            "sex": self.tr("Sex"),
            "date_of_birth": self.tr("Date of birth"),
            "id": self.tr("ID document"),
            "phone": self.tr("Phone number"),
            "address": self.tr("Address"),
            "category": self.tr("Target group"),
            "sector": self.tr("Business sector"),
            "services": self.tr("Services of interest"),
            "registered": self.tr("Registered"),
            "status": self.tr("Status"),
        }
        for key, text in captions.items():
            self._captions[key].setText(text)
        self._fill()
