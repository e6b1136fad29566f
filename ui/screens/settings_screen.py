"""Settings for this laptop: language and Khmer digits (anyone), idle lock (coordinators),
and the hub connection (arrives with the sync engine)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.i18n import LANGUAGE_NAMES
from ui.services import Services
from ui.settings import IDLE_LOCK_RANGE, AppSettings
from ui.widgets import LabelledField, text_label


class SettingsScreen(QWidget):
    changed = Signal(object)  # AppSettings

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._settings = AppSettings()
        self._loading = False
        self.title = text_label("title")
        self.language_group = QGroupBox()
        self.language_buttons = {code: QRadioButton(name) for code, name in LANGUAGE_NAMES.items()}
        choice = QButtonGroup(self)
        languages = QHBoxLayout()
        languages.setSpacing(32)
        for button in self.language_buttons.values():
            choice.addButton(button)
            languages.addWidget(button)
        languages.addStretch(1)
        self.khmer_digits = QCheckBox()
        language_column = QVBoxLayout(self.language_group)
        language_column.addLayout(languages)
        language_column.addWidget(self.khmer_digits)

        self.lock_group = QGroupBox()
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(*IDLE_LOCK_RANGE)
        self.idle_minutes.setMaximumWidth(160)
        self.idle_field = LabelledField(self.idle_minutes)
        self.lock_note = text_label("hint")
        lock_column = QVBoxLayout(self.lock_group)
        lock_column.addWidget(self.idle_field)
        lock_column.addWidget(self.lock_note)

        self.hub_group = QGroupBox()
        self.hub_state = text_label()
        QVBoxLayout(self.hub_group).addWidget(self.hub_state)

        column = QVBoxLayout(self)
        column.setContentsMargins(16, 10, 16, 10)
        column.addWidget(self.title)
        for group in (self.language_group, self.lock_group, self.hub_group):
            group.setMaximumWidth(720)
            column.addWidget(group)
        column.addStretch(1)

        for code, button in self.language_buttons.items():
            button.toggled.connect(lambda on, code=code: self._language_toggled(code, on))
        self.khmer_digits.toggled.connect(lambda on: self._emit(khmer_digits=on))
        self.idle_minutes.valueChanged.connect(lambda value: self._emit(idle_lock_minutes=value))
        self.retranslate()

    def show_settings(self, settings: AppSettings, *, coordinator: bool) -> None:
        self._loading = True
        try:
            self._settings = settings
            self.language_buttons[settings.language].setChecked(True)
            self.khmer_digits.setChecked(settings.khmer_digits)
            self.idle_minutes.setValue(settings.idle_lock_minutes)
            self.idle_minutes.setEnabled(coordinator)
            self.lock_note.setVisible(not coordinator)
        finally:
            self._loading = False

    def _language_toggled(self, code: str, on: bool) -> None:
        if on:
            self._emit(language=code)

    def _emit(self, **changes: object) -> None:
        if self._loading:
            return
        self._settings = self._settings.with_changes(**changes)
        self.changed.emit(self._settings)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Settings"))
        self.language_group.setTitle(self.tr("Language"))
        self.khmer_digits.setText(self.tr("Show numbers and dates in Khmer digits"))
        self.lock_group.setTitle(self.tr("Lock"))
        self.idle_field.set_caption(self.tr("Lock after this many idle minutes"))
        self.idle_minutes.setSuffix(self.tr(" min"))
        self.lock_note.setText(self.tr("Only a coordinator can change this."))
        self.hub_group.setTitle(self.tr("Hub connection"))
        enrolled = self._services.sync.current().enrolled
        self.hub_state.setText(
            self.tr("This laptop is enrolled with the hub.")
            if enrolled
            else self.tr(
                "Not enrolled with a hub yet. Registrations are kept safely on this laptop "
                "until it is enrolled."
            )
        )
