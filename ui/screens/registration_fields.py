"""The registration record as widgets: identity, contact, address, work, services, consent.

Used by the registration screen and by the correction dialog. It knows nothing of the
store: it gives out the values typed (`values()`) and shows error codes it is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldreg.gazetteer import LEVELS, Gazetteer
from fieldreg.record import CATEGORIES, ID_TYPES, ISIC_SECTIONS, SERVICES, SEXES
from ui import messages
from ui.form_values import display_date
from ui.place_picker import AddressCascade, PlacePicker
from ui.widgets import EnterMovesFocus, LabelledField, set_flag, text_label

_COMBO_TABLES = {
    "id_type": (ID_TYPES, messages.ID_TYPES),
    "sex": (SEXES, messages.SEXES),
    "category": (CATEGORIES, messages.CATEGORIES),
    "sector": (ISIC_SECTIONS, messages.SECTORS),
}


def _line(max_length: int = 100) -> QLineEdit:
    line = QLineEdit()
    line.setMaxLength(max_length)
    return line


class RegistrationFields(QWidget):
    """Emits `edited` on every change and `field_left(key)` when the registrar moves on."""

    edited = Signal()
    field_left = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self._errors: dict[str, str] = {}
        self.touched: set[str] = set()
        self.scanned: set[str] = set()
        self.combos = {key: QComboBox() for key in _COMBO_TABLES}
        self.lines = {
            "id_number": _line(32),
            "name_km": _line(),
            "name_en": _line(),
            "date_of_birth": _line(10),
            "phone": _line(20),
            "business_name": _line(200),
            "workers": _line(6),
        }
        self.pickers = {level: PlacePicker(level) for level in LEVELS}
        self.cascade = AddressCascade(self.pickers, self)
        self.service_boxes = {code: QCheckBox() for code in SERVICES}
        self.consent = QCheckBox()
        self.fields: dict[str, LabelledField] = {}
        for key, editor in [*self.combos.items(), *self.lines.items()]:
            self.fields[key] = LabelledField(editor)
        for level, picker in self.pickers.items():
            self.fields[level] = LabelledField(picker)
        self.fields["village_code"] = self.fields.pop("village")
        self.services_group = QGroupBox()
        self.consent_field = LabelledField(self.consent)
        self.groups = {name: QGroupBox() for name in ("identity", "contact", "address", "work")}
        self.age_hint = text_label("hint")
        self._fill_combos()
        self._lay_out()
        self._connect()
        self.retranslate()

    # -- building --------------------------------------------------------------------------

    def _fill_combos(self) -> None:
        for key, combo in self.combos.items():
            codes, _ = _COMBO_TABLES[key]
            if key != "id_type":
                combo.addItem("", "")
            for code in codes:
                combo.addItem("", code)
        self.lines["phone"].setInputMethodHints(Qt.InputMethodHint.ImhDialableCharactersOnly)
        digits = QRegularExpressionValidator(r"[0-9០-៩]{0,6}")
        self.lines["workers"].setValidator(digits)

    def _lay_out(self) -> None:
        identity = QVBoxLayout(self.groups["identity"])
        for key in ("id_type", "id_number", "name_km", "name_en"):
            identity.addWidget(self.fields[key])
        pair = QHBoxLayout()
        pair.addWidget(self.fields["sex"], 2, Qt.AlignmentFlag.AlignTop)
        birth = QVBoxLayout()
        birth.setSpacing(0)
        birth.addWidget(self.fields["date_of_birth"])
        birth.addWidget(self.age_hint)
        pair.addLayout(birth, 3)
        identity.addLayout(pair)
        identity.addStretch(1)

        QVBoxLayout(self.groups["contact"]).addWidget(self.fields["phone"])
        address = QVBoxLayout(self.groups["address"])
        for key in ("province", "district", "commune", "village_code"):
            address.addWidget(self.fields[key])
        address.addStretch(1)
        middle = QVBoxLayout()
        middle.addWidget(self.groups["contact"])
        middle.addWidget(self.groups["address"], 1)

        work = QGridLayout(self.groups["work"])
        work.addWidget(self.fields["category"], 0, 0, 1, 2)
        work.addWidget(self.fields["sector"], 1, 0, 1, 2)
        work.addWidget(self.fields["business_name"], 2, 0)
        work.addWidget(self.fields["workers"], 2, 1)
        work.setColumnStretch(0, 3)
        work.setColumnStretch(1, 1)
        services = QGridLayout(self.services_group)
        for n, box in enumerate(self.service_boxes.values()):
            services.addWidget(box, n // 2, n % 2)
        right = QVBoxLayout()
        right.addWidget(self.groups["work"])
        right.addWidget(self.services_group)
        right.addWidget(self.consent_field)
        right.addStretch(1)

        columns = QHBoxLayout(self)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(12)
        columns.addWidget(self.groups["identity"], 1)
        columns.addLayout(middle, 1)
        columns.addLayout(right, 1)

    def _connect(self) -> None:
        mover = EnterMovesFocus(self)
        for key, combo in self.combos.items():
            combo.currentIndexChanged.connect(lambda _i, key=key: self._changed(key, left=True))
            mover.watch(combo)
        for key, line in self.lines.items():
            line.textEdited.connect(lambda _t, key=key: self._changed(key))
            line.editingFinished.connect(lambda key=key: self._left(key))
            mover.watch(line)
        for picker in self.pickers.values():
            mover.watch(picker)
        self.cascade.village_changed.connect(lambda _c: self._changed("village_code", left=True))
        for box in self.service_boxes.values():
            box.toggled.connect(lambda _on: self._changed("services", left=True))
            mover.watch(box)
        mover.watch(self.consent)
        self.consent.toggled.connect(lambda _on: self._changed("consent", left=True))
        self.combos["id_type"].currentIndexChanged.connect(self._id_type_changed)
        chain = self.tab_chain()
        for before, after in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(before, after)

    def tab_chain(self) -> list[QWidget]:
        """The editors in reading order: Tab and Enter follow it."""
        lines, combos = self.lines, self.combos
        return [
            combos["id_type"],
            lines["id_number"],
            lines["name_km"],
            lines["name_en"],
            combos["sex"],
            lines["date_of_birth"],
            lines["phone"],
            *self.pickers.values(),
            combos["category"],
            combos["sector"],
            lines["business_name"],
            lines["workers"],
            *self.service_boxes.values(),
            self.consent,
        ]

    def set_gazetteer(self, gazetteer: Gazetteer) -> None:
        self.cascade.set_gazetteer(gazetteer)

    def first_editor(self) -> QWidget:
        return self.combos["id_type"]

    # -- values ----------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """What is on screen, as typed: a draft keeps exactly this."""
        values: dict[str, Any] = {key: c.currentData() or "" for key, c in self.combos.items()}
        values.update({key: line.text() for key, line in self.lines.items()})
        values["village_code"] = self.cascade.village_code
        values["village_text"] = "" if values["village_code"] else self.pickers["village"].text()
        values["services"] = [code for code, box in self.service_boxes.items() if box.isChecked()]
        values["consent"] = self.consent.isChecked()
        values["scanned"] = sorted(self.scanned)
        return values

    def set_values(self, values: Mapping[str, Any], *, scanned: bool = False) -> None:
        """Fill from a draft, a stored record or a scan; keys not given are left as they are."""
        self._loading = True
        try:
            for key, combo in self.combos.items():
                if key in values:
                    index = combo.findData(values[key])
                    combo.setCurrentIndex(max(index, 0))
            for key, line in self.lines.items():
                if key in values and values[key] is not None:
                    text = str(values[key])
                    line.setText(display_date(text) if key == "date_of_birth" else text)
                    line.setCursorPosition(0)
            if "village_code" in values:
                self.cascade.set_village(str(values["village_code"] or ""))
            if values.get("village_text") and not values.get("village_code"):
                self.pickers["village"].setText(str(values["village_text"]))
            if "services" in values:
                for code, box in self.service_boxes.items():
                    box.setChecked(code in values["services"])
            if "consent" in values:
                self.consent.setChecked(bool(values["consent"]))
            keys = set(values) & (set(self.lines) | set(self.combos) | {"village_code"})
            self._mark_scanned(keys if scanned else set(values.get("scanned", [])))
        finally:
            self._loading = False
        self.edited.emit()

    def clear(self) -> None:
        self._loading = True
        try:
            for key, combo in self.combos.items():
                combo.setCurrentIndex(combo.findData("national_id") if key == "id_type" else 0)
            for line in self.lines.values():
                line.clear()
            self.cascade.clear()
            for box in [*self.service_boxes.values(), self.consent]:
                box.setChecked(False)
            self._mark_scanned(set())
            self.age_hint.clear()  # the last person's age must not stay beside an empty date
        finally:
            self._loading = False
        self.touched.clear()
        self.show_errors({})

    def _mark_scanned(self, keys: set[str]) -> None:
        self.scanned = keys
        for key, field in self.fields.items():
            set_flag(field.editor, "scanned", key in keys)

    # -- changes and errors ----------------------------------------------------------------

    def _changed(self, key: str, *, left: bool = False) -> None:
        if self._loading:
            return
        if key in self.scanned:
            self.scanned.discard(key)
            set_flag(self.fields[key].editor, "scanned", False)
        self.edited.emit()
        if left:
            self._left(key)

    def _left(self, key: str) -> None:
        if self._loading:
            return
        self.touched.add(key)
        self.field_left.emit(key)

    def _id_type_changed(self) -> None:
        has_id = self.combos["id_type"].currentData() != "none"
        self.lines["id_number"].setEnabled(has_id)
        if not has_id:
            self.lines["id_number"].clear()

    def touch_all(self) -> None:
        self.touched.update(self.fields)
        self.touched.add("consent")

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Errors by record key (codes); only fields already visited show theirs."""
        self._errors = {key: code for key, code in errors.items() if key in self.touched}
        self._render_errors()

    def _render_errors(self) -> None:
        for key, field in self.fields.items():
            code = self._errors.get(key)
            field.set_error(messages.field_error(code) if code else "")
        consent_code = self._errors.get("consent")
        self.consent_field.set_error(messages.field_error(consent_code) if consent_code else "")

    def shown_errors(self) -> dict[str, str]:
        return dict(self._errors)

    def first_invalid_editor(self) -> QWidget | None:
        for key in ("id_type", "id_number", "name_km", "name_en", "sex", "date_of_birth"):
            if key in self._errors:
                return self.fields[key].editor
        for key in ("phone", "village_code", "category", "sector", "business_name", "workers"):
            if key in self._errors:
                return self.fields[key].editor
        return self.consent if "consent" in self._errors else None

    def set_age_hint(self, text: str) -> None:
        self.age_hint.setText(text)

    # -- language --------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        titles = {
            "identity": self.tr("Identity"),
            "contact": self.tr("Contact"),
            "address": self.tr("Address"),
            "work": self.tr("Work"),
        }
        for name, group in self.groups.items():
            group.setTitle(titles[name])
        self.services_group.setTitle(self.tr("Services of interest"))
        captions = {
            "id_type": self.tr("ID document"),
            "id_number": self.tr("ID number"),
            "name_km": self.tr("Name in Khmer"),
            "name_en": self.tr("Name in Latin letters"),
            "sex": self.tr("Sex"),
            "date_of_birth": self.tr("Date of birth"),
            "phone": self.tr("Phone number"),
            "province": self.tr("Province or capital"),
            "district": self.tr("District, municipality or khan"),
            "commune": self.tr("Commune or sangkat"),
            "village_code": self.tr("Village"),
            "category": self.tr("Target group"),
            "sector": self.tr("Business sector"),
            "business_name": self.tr("Business name (optional)"),
            "workers": self.tr("Workers"),
        }
        for key, text in captions.items():
            self.fields[key].set_caption(text)
        self.consent_field.set_caption(self.tr("Consent"))
        self.consent.setText(
            self.tr("The person agrees to register and to share this information with CAM-IE")
        )
        self.consent.setAccessibleName(self.consent.text())
        self.lines["date_of_birth"].setPlaceholderText(self.tr("e.g. 15/01/1990"))
        self.lines["phone"].setPlaceholderText(self.tr("e.g. 012 345 678"))
        self.lines["id_number"].setPlaceholderText(self.tr("9 digits on the ID card"))
        for picker in self.pickers.values():
            picker.setPlaceholderText(self.tr("Type in Khmer or Latin"))
        for key, combo in self.combos.items():
            _, table = _COMBO_TABLES[key]
            for index in range(combo.count()):
                code = combo.itemData(index)
                text = messages.choice(table, code) if code else self.tr("Choose...")
                if key == "sector" and code:
                    text = f"{code} · {text}"
                combo.setItemText(index, text)
        for code, box in self.service_boxes.items():
            box.setText(messages.choice(messages.SERVICES, code))
            box.setAccessibleName(box.text())
        self._render_errors()
