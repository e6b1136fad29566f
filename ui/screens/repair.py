"""Repair a damaged store: shown instead of the login when the store file cannot be read.

A coordinator chooses between restoring the newest backup and rebuilding the store from every
row that still reads (salvage), and logs in for it. The Desk does the work on the store worker
while a progress bar moves; the result says what came back and where the damaged file was kept.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QLineEdit,
    QProgressBar,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from fieldreg.desk import Desk
from fieldreg.desk.results import BackupRestored, RepairChoices
from fieldreg.store.salvage import BackupSummary, Salvaged
from ui import messages
from ui.services import Services
from ui.widgets import LabelledField, centered, primary_button, text_label

CHOICE_INDENT = 26  # a choice's details line up with its text, past the radio button


class RepairScreen(QWidget):
    finished = Signal()  # repaired: on to the login

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._choices: RepairChoices | None = None
        self._result: Salvaged | BackupRestored | None = None
        self._error: tuple[str, dict[str, object]] | None = None
        self._busy = False
        self.title = text_label("title", wrap=False)
        self.explanation = text_label()
        self.coordinator = QComboBox()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.coordinator_field = LabelledField(self.coordinator)
        self.passphrase_field = LabelledField(self.passphrase)
        self.no_coordinator = text_label("error")
        self.restore_choice = QRadioButton()
        self.restore_detail = text_label("hint")
        self.restore_detail.setIndent(CHOICE_INDENT)
        self.salvage_choice = QRadioButton()
        self.salvage_detail = text_label("hint")
        self.salvage_detail.setIndent(CHOICE_INDENT)
        self.choice_group = QButtonGroup(self)
        self.choice_group.addButton(self.restore_choice)
        self.choice_group.addButton(self.salvage_choice)
        self.salvage_choice.setChecked(True)
        self.repair_button = primary_button()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.hide()
        self.working = text_label("notice")
        self.working.hide()
        self.message = text_label("error")
        self.message.hide()
        self.result = text_label("notice")
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.hide()
        self.continue_button = primary_button()
        self.continue_button.hide()
        self.form = QWidget()
        self._lay_out()
        self.repair_button.clicked.connect(lambda: self.repair())
        self.passphrase.returnPressed.connect(lambda: self.repair())
        self.continue_button.clicked.connect(self.finished)
        self.coordinator.currentIndexChanged.connect(lambda _i: self._show_error(None))
        self.retranslate()

    def _lay_out(self) -> None:
        form = QVBoxLayout(self.form)
        form.setContentsMargins(0, 0, 0, 0)
        form.setSpacing(8)
        form.addWidget(self.coordinator_field)
        form.addWidget(self.passphrase_field)
        form.addWidget(self.no_coordinator)
        form.addWidget(self.restore_choice)
        form.addWidget(self.restore_detail)
        form.addWidget(self.salvage_choice)
        form.addWidget(self.salvage_detail)
        form.addWidget(self.progress)
        form.addWidget(self.working)
        form.addWidget(self.repair_button)
        form.addWidget(self.message)
        column = QVBoxLayout()
        column.setSpacing(10)
        column.addWidget(self.title)
        column.addWidget(self.explanation)
        column.addWidget(self.form)
        column.addWidget(self.result)
        column.addWidget(self.continue_button)
        holder = QWidget()
        holder.setLayout(column)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(centered(holder, 640))
        outer.addStretch(2)

    # -- what can be done --------------------------------------------------------------------

    def shown(self) -> None:
        """Read who may repair and what backup there is (without opening the store)."""
        self._result = None
        self._show_error(None)
        self._render_title()
        self.explanation.show()
        self.form.show()
        self.result.hide()
        self.continue_button.hide()
        self._services.executor.op(self, lambda desk: desk.repair_choices()).success(
            self._show_choices
        ).failure(self._show_failure).run()

    def _show_choices(self, choices: RepairChoices) -> None:
        self._choices = choices
        chosen = self.coordinator.currentData()
        self.coordinator.blockSignals(True)
        self.coordinator.clear()
        for name in choices.coordinators:
            self.coordinator.addItem(name, name)
        self.coordinator.setCurrentIndex(max(self.coordinator.findData(chosen), 0))
        self.coordinator.blockSignals(False)
        has_backup = choices.backup is not None
        self.restore_choice.setEnabled(has_backup)
        if not has_backup:
            self.salvage_choice.setChecked(True)
        self._render_choices()
        (self.passphrase if len(choices.coordinators) == 1 else self.coordinator).setFocus()

    # -- the repair --------------------------------------------------------------------------

    def repair(self) -> None:
        name = self.coordinator.currentData()
        passphrase = self.passphrase.text()
        if self._busy or not name or not passphrase:
            return
        restoring = self.restore_choice.isChecked()
        self._set_busy(True, restoring)
        self.passphrase.clear()

        def work(desk: Desk) -> Salvaged | BackupRestored:
            if restoring:
                return desk.restore_latest_backup(name, passphrase)
            return desk.salvage(name, passphrase)

        self._services.executor.op(self, work).success(self._repaired).failure(self._failed).run()

    def _set_busy(self, busy: bool, restoring: bool = False) -> None:
        self._busy = busy
        self._show_error(None)
        self.progress.setVisible(busy)
        self.working.setVisible(busy)
        if busy:
            self.working.setText(
                self.tr("Restoring the backup…")
                if restoring
                else self.tr("Rebuilding the store. With many registrations this takes a while…")
            )
        for widget in (self.repair_button, self.coordinator, self.passphrase):
            widget.setEnabled(not busy)
        for choice in (self.restore_choice, self.salvage_choice):
            choice.setEnabled(not busy and (choice is self.salvage_choice or self._has_backup()))

    def _repaired(self, result: Salvaged | BackupRestored) -> None:
        self._set_busy(False)
        self._result = result
        self.form.hide()
        self.explanation.hide()
        self._render_title()
        self._render_result()
        self.result.show()
        self.continue_button.show()
        self.continue_button.setFocus()

    def _failed(self, error: Exception) -> None:
        self._set_busy(False)
        self._show_failure(error)
        self.passphrase.setFocus()

    def _show_failure(self, error: Exception) -> None:
        code = getattr(error, "code", "unexpected")
        self._show_error((code, dict(getattr(error, "detail", {}))))

    def _show_error(self, error: tuple[str, dict[str, object]] | None) -> None:
        self._error = error
        self._render_error()

    # -- words -------------------------------------------------------------------------------

    def _has_backup(self) -> bool:
        return self._choices is not None and self._choices.backup is not None

    def _count(self, text: str, n: int) -> str:
        return text.replace(str(n), self._services.formatter.number(n))

    def _backup_words(self, backup: BackupSummary | None) -> str:
        if backup is None:
            return self.tr("No backup has been taken on this laptop yet.")
        taken = self.tr("Taken {date}.").format(
            date=self._services.formatter.date_time(backup.taken_at)
        )
        if backup.since is None:
            lost = self.tr("Registrations made since then may be lost.")
        elif backup.since == 0:
            lost = self.tr("Nothing was registered since then.")
        else:
            lost = self._count(
                self.tr("%n registration(s) made since then may be lost.", "", backup.since),
                backup.since,
            )
        return f"{taken} {lost}"

    def _render_choices(self) -> None:
        choices = self._choices
        self.restore_detail.setText(self._backup_words(choices.backup if choices else None))
        missing = choices is not None and not choices.coordinators
        self.no_coordinator.setVisible(missing)
        self.repair_button.setEnabled(not missing and not self._busy)

    def _render_error(self) -> None:
        text = ""
        if self._error is not None:
            code, detail = self._error
            text = messages.store_error(code, detail)
            if code == "not_permitted":
                text = self.tr("Only a coordinator can repair the store. Choose a coordinator.")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _render_result(self) -> None:
        result = self._result
        if isinstance(result, Salvaged):
            lines = [
                self.tr("The store was rebuilt."),
                self._count(
                    self.tr("%n registration(s) recovered.", "", result.registrations),
                    result.registrations,
                ),
                self._count(
                    self.tr("%n registration(s) could not be read and are lost.", "", lost),
                    lost,
                )
                if (lost := result.registrations_lost)
                else self.tr("No registration was lost."),
            ]
            aside = result.aside
        elif isinstance(result, BackupRestored):
            lines = [self.tr("The newest backup is back in place.")]
            aside = result.aside
        else:
            return
        if aside is not None:
            lines.append(self.tr("The damaged file was kept aside at {path}").format(path=aside))
        lines.append(self.tr("Log in to go on working."))
        self.result.setText("\n".join(lines))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _render_title(self) -> None:
        if self._result is None:
            self.title.setText(self.tr("The store needs repair"))
        else:
            self.title.setText(self.tr("The store is repaired"))

    def retranslate(self) -> None:
        self._render_title()
        self.explanation.setText(
            self.tr(
                "Part of the file where this laptop keeps its registrations can no longer be "
                "read. A fault of the disk or a power cut can do this. Nothing has been "
                "deleted, and the damaged file is kept whatever you choose. A coordinator "
                "can repair the store here."
            )
        )
        self.coordinator_field.set_caption(self.tr("Coordinator"))
        self.passphrase_field.set_caption(self.tr("Coordinator's passphrase"))
        self.no_coordinator.setText(
            self.tr(
                "No coordinator could be read from this store or its backups. Keep the "
                "laptop as it is and ask for technical help."
            )
        )
        self.restore_choice.setText(self.tr("Restore the newest backup"))
        self.salvage_choice.setText(self.tr("Rebuild from everything that still reads"))
        self.salvage_detail.setText(
            self.tr(
                "Every registration that still reads is kept; the report says how many "
                "could not be read."
            )
        )
        self.repair_button.setText(self.tr("Repair the store"))
        self.continue_button.setText(self.tr("Go to the login"))
        self._render_choices()
        self._render_error()
        self._render_result()
