"""Settings. Anyone: language and Khmer digits (this user's, kept in ui-settings.json).
Coordinators: this laptop's idle-lock time (an audited device setting in the store), the hub
connection (address, CamDX / X-Road, batch size) and enrolment with a hub. Everything is read
and saved on the store worker; the sync thread picks new hub settings up on its next try."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fieldreg.desk.results import DeviceSettings, Enrolled, SettingsSaved
from fieldreg.desk.settings import HUB_FIELDS
from fieldreg.desk.upkeep import BACKUP_EVERY
from fieldreg.errors import FieldRegError
from fieldreg.store.administration import DEVICE_SETTINGS, MIN_DEVICE_SETTING
from fieldreg.store.outbox import MAX_BATCH
from fieldreg.store.sync_settings import SyncSettings
from ui import messages
from ui.enrolment_flow import enrol
from ui.i18n import LANGUAGE_NAMES
from ui.services import Services
from ui.settings import AppSettings
from ui.widgets import LabelledField, button, primary_button, set_role, text_label

IDLE_KEY = "idle_lock_minutes"
IDLE_DEFAULT, IDLE_MAX = DEVICE_SETTINGS[IDLE_KEY]
IDLE_MIN = 1  # the store allows 0, but a shared laptop that never locks is not offered


class SettingsScreen(QWidget):
    changed = Signal(object)  # AppSettings: language or digits (this user's)
    idle_lock_changed = Signal(int)  # minutes, after a coordinator saved them

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._settings = AppSettings()
        self._device = DeviceSettings(IDLE_DEFAULT, SyncSettings(), enrolled=False)
        self._coordinator = False
        self._loading = False
        self.title = text_label("title")

        self.language_group = QGroupBox()
        self.language_buttons = {code: QRadioButton(name) for code, name in LANGUAGE_NAMES.items()}
        choice = QButtonGroup(self)
        languages = QHBoxLayout()
        languages.setSpacing(32)
        for radio in self.language_buttons.values():
            choice.addButton(radio)
            languages.addWidget(radio)
        languages.addStretch(1)
        self.khmer_digits = QCheckBox()
        self.language_note = text_label("hint")
        language_column = QVBoxLayout(self.language_group)
        language_column.addLayout(languages)
        language_column.addWidget(self.khmer_digits)
        language_column.addWidget(self.language_note)

        self.lock_group = QGroupBox()
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(IDLE_MIN, IDLE_MAX)
        self.idle_minutes.setValue(IDLE_DEFAULT)
        self.idle_minutes.setMaximumWidth(200)
        self.idle_field = LabelledField(self.idle_minutes)
        self.lock_note = text_label("hint")
        lock_column = QVBoxLayout(self.lock_group)
        lock_column.addWidget(self.idle_field)
        lock_column.addWidget(self.lock_note)

        self.backup_group = QGroupBox()
        self.backup_every = QSpinBox()
        self.backup_every.setRange(MIN_DEVICE_SETTING, DEVICE_SETTINGS[BACKUP_EVERY][1])
        self.backup_every.setSingleStep(50)
        self.backup_every.setMaximumWidth(240)
        self.backup_field = LabelledField(self.backup_every)
        self.backup_note = text_label("hint")
        backup_column = QVBoxLayout(self.backup_group)
        backup_column.addWidget(self.backup_field)
        backup_column.addWidget(self.backup_note)

        self.hub_group = self._build_hub_group()
        self.save_message = text_label()
        self.save_button = primary_button()
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_message, 1)
        save_row.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)

        left = QVBoxLayout()
        left.addWidget(self.language_group)
        left.addStretch(1)
        right = QVBoxLayout()  # this laptop's settings, saved together
        right.addWidget(self.lock_group)
        right.addWidget(self.backup_group)
        right.addWidget(self.hub_group)
        right.addStretch(1)
        content = QWidget()
        content.setObjectName("settings_content")
        columns = QHBoxLayout(content)
        columns.setContentsMargins(0, 0, 4, 0)
        columns.setSpacing(16)
        columns.addLayout(left, 4)
        columns.addLayout(right, 5)
        # errors, enrolment and CamDX fields can make it taller than a 768-pixel screen:
        # it scrolls rather than stretching the window
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(content)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 10, 16, 10)
        column.addWidget(self.title)
        column.addWidget(self.scroll_area, 1)
        column.addLayout(save_row)  # always in sight, however far the page scrolls

        for code, radio in self.language_buttons.items():
            radio.toggled.connect(lambda on, code=code: self._language_toggled(code, on))
        self.khmer_digits.toggled.connect(lambda on: self._emit(khmer_digits=on))
        self.use_camdx.toggled.connect(lambda _on: self._render_camdx())
        self.save_button.clicked.connect(lambda: self.save())
        self.enrol_button.clicked.connect(lambda: self.enrol())
        self.enrol_text.returnPressed.connect(lambda: self.enrol())
        self.retranslate()
        self._render_role()

    def _build_hub_group(self) -> QGroupBox:
        group = QGroupBox()
        self.hub_state = text_label()
        self.enrol_text = QLineEdit()
        self.enrol_field = LabelledField(self.enrol_text)
        self.enrol_button = button()
        enrol_row = QHBoxLayout()
        enrol_row.addWidget(self.enrol_field, 1)
        enrol_row.addWidget(self.enrol_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.enrol_row = QWidget()
        self.enrol_row.setLayout(enrol_row)
        enrol_row.setContentsMargins(0, 0, 0, 0)

        self.hub_lines = {name: QLineEdit() for name in HUB_FIELDS}
        for line in self.hub_lines.values():
            line.setMaxLength(300)
        self.hub_fields = {name: LabelledField(line) for name, line in self.hub_lines.items()}
        self.use_camdx = QCheckBox()
        self.batch_size = QSpinBox()
        self.batch_size.setRange(0, MAX_BATCH)
        self.batch_size.setSingleStep(10)
        self.batch_size.setMaximumWidth(240)
        self.batch_field = LabelledField(self.batch_size)
        self.hub_note = text_label("hint")

        camdx_box = QWidget()
        camdx_column = QVBoxLayout(camdx_box)
        camdx_column.setContentsMargins(24, 0, 0, 0)
        for name in ("camdx_security_server", "camdx_client", "camdx_service_path"):
            camdx_column.addWidget(self.hub_fields[name])
        self.camdx_box = camdx_box

        self.hub_settings = QWidget()
        settings_column = QVBoxLayout(self.hub_settings)
        settings_column.setContentsMargins(0, 0, 0, 0)
        settings_column.addWidget(self.hub_fields["hub_url"])
        settings_column.addWidget(self.use_camdx)
        settings_column.addWidget(camdx_box)
        settings_column.addWidget(self.batch_field)
        settings_column.addWidget(self.hub_note)

        column = QVBoxLayout(group)
        column.addWidget(self.hub_state)
        column.addWidget(self.enrol_row)
        column.addWidget(self.hub_settings)
        return group

    # -- showing -----------------------------------------------------------------------------

    def show_settings(self, settings: AppSettings, *, coordinator: bool) -> None:
        """The user's own settings at once; the laptop's from the store (on the worker)."""
        self._loading = True
        try:
            self._settings = settings
            self.language_buttons[settings.language].setChecked(True)
            self.khmer_digits.setChecked(settings.khmer_digits)
        finally:
            self._loading = False
        self._coordinator = coordinator
        self.save_message.clear()
        self._render_role()
        self._services.executor.op(self, lambda desk: desk.device_settings()).success(
            self._show_device
        ).failure(self._show_save_error).run()

    def _show_device(self, device: DeviceSettings) -> None:
        self._device = device
        sync = device.sync
        self.idle_minutes.setValue(max(IDLE_MIN, device.idle_lock_minutes))
        self.backup_every.setValue(device.backup_every)
        self.hub_lines["hub_url"].setText(sync.hub_url)
        self.hub_lines["camdx_security_server"].setText(sync.camdx_security_server)
        self.hub_lines["camdx_client"].setText(sync.camdx_client)
        self.hub_lines["camdx_service_path"].setText(sync.camdx_service_path)
        self.use_camdx.setChecked(sync.uses_camdx)
        self.batch_size.setValue(sync.batch_size)
        for field in (*self.hub_fields.values(), self.batch_field, self.enrol_field):
            field.set_error("")
        self._render_role()
        self._render_hub_state()

    def _render_role(self) -> None:
        coordinator = self._coordinator
        self.idle_minutes.setEnabled(coordinator)
        self.backup_every.setEnabled(coordinator)
        self.lock_note.setVisible(not coordinator)
        self.hub_settings.setVisible(coordinator)
        self.save_button.setVisible(coordinator)
        self.enrol_row.setVisible(
            coordinator and (not self._device.enrolled or self._device.rekey_needed)
        )
        self._render_camdx()

    def _render_camdx(self) -> None:
        self.camdx_box.setVisible(self.use_camdx.isChecked())

    def _render_hub_state(self) -> None:
        if self._device.rekey_needed:
            self.hub_state.setText(
                self.tr(
                    "This laptop's signing key is lost, so nothing can be sent to the hub. "
                    "Ask the hub administrator for a re-key enrolment code for device id "
                    "{device_id}, then a coordinator enters it here."
                ).format(device_id=self._device.device_id)
            )
        elif self._device.enrolled:
            self.hub_state.setText(self.tr("This laptop is enrolled with the hub."))
        else:
            self.hub_state.setText(
                self.tr(
                    "Not enrolled with a hub yet. Registrations are kept safely on this laptop "
                    "until it is enrolled."
                )
            )

    # -- the user's own settings -------------------------------------------------------------

    def _language_toggled(self, code: str, on: bool) -> None:
        if on:
            self._emit(language=code)

    def _emit(self, **changes: object) -> None:
        if self._loading:
            return
        self._settings = self._settings.with_changes(**changes)
        self.changed.emit(self._settings)

    # -- the laptop's settings (coordinators) ------------------------------------------------

    def typed_sync_settings(self) -> SyncSettings:
        lines = {name: line.text().strip() for name, line in self.hub_lines.items()}
        if not self.use_camdx.isChecked():  # off: straight to the hub
            for name in ("camdx_security_server", "camdx_client", "camdx_service_path"):
                lines[name] = ""
        return replace(self._device.sync, batch_size=self.batch_size.value(), **lines)

    def save(self) -> None:
        if not self._coordinator:
            return
        sync = self.typed_sync_settings()
        self._show_field_errors({})
        minutes, every = self.idle_minutes.value(), self.backup_every.value()
        hub_changed = sync != self._device.sync
        self.save_button.setEnabled(False)
        self.save_message.setText(self.tr("Saving..."))
        set_role(self.save_message, "hint")

        def saved(result: SettingsSaved) -> None:
            device = result.settings
            self.save_button.setEnabled(True)
            self._show_device(device)
            self.save_message.setText(
                self.tr("Saved. The sync uses the new hub settings from its next try.")
                if hub_changed
                else self.tr("Saved.")
            )
            set_role(self.save_message, "success")
            self.idle_lock_changed.emit(device.idle_lock_minutes)
            if hub_changed:
                self._services.sync.sync_now()

        self._services.executor.op(
            self, lambda desk: desk.save_device_settings(minutes, sync, backup_every=every)
        ).success(saved).failure(self._show_save_error).run()

    def _show_field_errors(self, errors: dict[str, str]) -> None:
        for name, field in self.hub_fields.items():
            field.set_error(messages.field_error(errors[name]) if name in errors else "")
        self.batch_field.set_error(
            messages.field_error(errors["batch_size"]) if "batch_size" in errors else ""
        )

    def _show_save_error(self, error: Exception) -> None:
        self.save_button.setEnabled(True)
        errors = (
            getattr(error, "detail", {}).get("fields") if isinstance(error, FieldRegError) else None
        )
        if not errors:
            self.save_message.setText(messages.error_text(error))
            set_role(self.save_message, "error")
            return
        self._show_field_errors(errors)  # the Desk's check of the typed settings
        self.save_message.setText(self.tr("Please fix the marked fields."))
        set_role(self.save_message, "error")
        first = next(name for name in (*HUB_FIELDS, "batch_size") if name in errors)
        editor = self.batch_size if first == "batch_size" else self.hub_lines[first]
        editor.setFocus()
        self.scroll_area.ensureWidgetVisible(editor)

    def enrol(self) -> None:
        text = self.enrol_text.text().strip()
        if not self._coordinator:
            return
        if not text:
            self.enrol_field.set_error(messages.field_error("required"))
            self.enrol_text.setFocus()
            return
        self.enrol_field.set_error("")
        self.enrol_button.setEnabled(False)
        self.hub_state.setText(self.tr("Contacting the hub..."))

        def enrolled(result: Enrolled) -> None:
            self.enrol_button.setEnabled(True)
            self.enrol_text.clear()
            self._show_device(result.settings)
            self.save_message.setText(self.tr("Enrolled. Registrations will now go to the hub."))
            set_role(self.save_message, "success")

        def failed(error: Exception) -> None:
            self.enrol_button.setEnabled(True)
            self._render_hub_state()
            self.enrol_field.set_error(messages.error_text(error))
            self.enrol_text.setFocus()

        enrol(self._services, self, text, done=enrolled, failed=failed)

    # -- language ----------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Settings"))
        self.language_group.setTitle(self.tr("Language"))
        self.khmer_digits.setText(self.tr("Show numbers and dates in Khmer digits"))
        self.language_note.setText(self.tr("Your own choice: it applies at once, only to you."))
        self.lock_group.setTitle(self.tr("Lock this laptop"))
        self.idle_field.set_caption(self.tr("Lock after this many idle minutes"))
        self.idle_minutes.setSuffix(self.tr(" min"))
        self.lock_note.setText(self.tr("Only a coordinator can change this."))
        self.backup_group.setTitle(self.tr("Backups"))
        self.backup_field.set_caption(self.tr("Back up after every this many registrations"))
        self.backup_note.setText(
            self.tr(
                "Also at logout when anything was registered since. The newest five backups "
                "are kept on this laptop, encrypted like the registrations."
            )
        )
        self.hub_group.setTitle(self.tr("Hub connection"))
        self.enrol_field.set_caption(self.tr("Enrolment code"))
        self.enrol_button.setText(self.tr("Enrol"))
        captions = {
            "hub_url": self.tr("Hub address"),
            "camdx_security_server": self.tr("Security server address"),
            "camdx_client": self.tr("Client (X-Road-Client header)"),
            "camdx_service_path": self.tr("Service path"),
        }
        for name, caption in captions.items():
            self.hub_fields[name].set_caption(caption)
        self.hub_lines["hub_url"].setPlaceholderText(self.tr("https://hub.example.org"))
        self.hub_lines["camdx_security_server"].setPlaceholderText(
            self.tr("https://security-server.example.org")
        )
        self.hub_lines["camdx_client"].setPlaceholderText(
            self.tr("CAMBODIA/COM/MEMBER-CODE/SUBSYSTEM")
        )
        self.hub_lines["camdx_service_path"].setPlaceholderText(
            self.tr("/r1/CAMBODIA/GOV/MEMBER-CODE/SUBSYSTEM/SERVICE")
        )
        self.use_camdx.setText(self.tr("Send through a CamDX (X-Road) security server"))
        self.batch_field.set_caption(self.tr("Records per batch"))
        self.batch_size.setSpecialValueText(self.tr("Adapt to the link"))
        self.hub_note.setText(
            self.tr(
                "Batches are sealed and signed, so a wrong address cannot read them: the sync "
                "only fails until the address is right."
            )
        )
        self.save_button.setText(self.tr("Save"))
        self._render_hub_state()
