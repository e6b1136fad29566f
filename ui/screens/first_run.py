"""First run on a new laptop: language, the first coordinator, the recovery key, enrolment.

Creating the store (two Argon2id runs: create, then log in) happens on the store worker
while a progress bar moves."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldreg.desk import Desk
from fieldreg.desk.results import Created
from fieldreg.store.operators import MIN_PASSPHRASE_LENGTH, Operator
from ui import messages
from ui.enrolment_flow import enrol
from ui.i18n import LANGUAGE_NAMES
from ui.screens.recovery_key import RecoveryKeyPage
from ui.services import Services
from ui.widgets import LabelledField, button, centered, primary_button, text_label


def _page(*widgets: QWidget, margin: int = 48) -> tuple[QWidget, QVBoxLayout]:
    page = QWidget()
    column = QVBoxLayout(page)
    column.setContentsMargins(margin, 32, margin, 32)
    column.setSpacing(10)
    for widget in widgets:
        column.addWidget(widget)
    return page, column


class FirstRunFlow(QStackedWidget):
    language_chosen = Signal(str)
    finished = Signal(object)  # the first coordinator (fieldreg.store.operators.Operator)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._operator: Operator | None = None
        self._build_language_page()
        self._build_coordinator_page()
        self.recovery_page = RecoveryKeyPage(services)
        self.recovery_page.confirmed.connect(lambda: self.setCurrentWidget(self.enrol_page))
        self.addWidget(self.recovery_page)
        self._build_enrol_page()
        self.retranslate()

    # -- pages -------------------------------------------------------------------------------

    def _build_language_page(self) -> None:
        self.welcome = text_label("title")
        self.welcome_km = text_label("subtitle")
        self.language_buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        row.addStretch(1)
        for code, name in LANGUAGE_NAMES.items():
            choice = primary_button() if code == "km" else button()
            choice.setText(name)
            choice.setAccessibleName(name)
            choice.setMinimumSize(220, 72)
            font = choice.font()
            font.setPointSizeF(font.pointSizeF() * 1.5)
            choice.setFont(font)
            choice.clicked.connect(lambda _c=False, code=code: self._choose_language(code))
            self.language_buttons[code] = choice
            row.addWidget(choice)
        row.addStretch(1)
        for label in (self.welcome, self.welcome_km):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.language_page, column = _page()
        column.addStretch(2)
        column.addWidget(self.welcome)
        column.addWidget(self.welcome_km)
        column.addSpacing(24)
        column.addLayout(row)
        column.addStretch(3)
        self.addWidget(self.language_page)

    def _build_coordinator_page(self) -> None:
        self.coordinator_title = text_label("title")
        self.coordinator_intro = text_label()
        self.name = QLineEdit()
        self.name.setMaxLength(64)
        self.passphrase = QLineEdit()
        self.repeat = QLineEdit()
        for line in (self.passphrase, self.repeat):
            line.setEchoMode(QLineEdit.EchoMode.Password)
        self.name_field = LabelledField(self.name)
        self.passphrase_field = LabelledField(self.passphrase)
        self.repeat_field = LabelledField(self.repeat)
        self.rules = text_label("hint")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.hide()
        self.create_error = text_label("error")
        self.create_button = primary_button()
        self.create_button.clicked.connect(lambda: self.create_store())
        self.repeat.returnPressed.connect(lambda: self.create_store())
        self.name.returnPressed.connect(self.passphrase.setFocus)
        self.passphrase.returnPressed.connect(self.repeat.setFocus)
        form = QWidget()
        inner = QVBoxLayout(form)
        inner.setContentsMargins(0, 0, 0, 0)
        for widget in (
            self.coordinator_title,
            self.coordinator_intro,
            self.name_field,
            self.passphrase_field,
            self.repeat_field,
            self.rules,
            self.progress,
            self.create_error,
        ):
            inner.addWidget(widget)
        inner.addWidget(self.create_button, 0, Qt.AlignmentFlag.AlignRight)
        self.coordinator_page, column = _page()
        column.addStretch(1)
        column.addLayout(centered(form, 580))
        column.addStretch(2)
        self.addWidget(self.coordinator_page)

    def _build_enrol_page(self) -> None:
        self.enrol_title = text_label("title")
        self.enrol_intro = text_label()
        self.enrol_text = QLineEdit()
        self.enrol_field = LabelledField(self.enrol_text)
        self.enrol_button = primary_button()
        self.skip_button = button()
        self.skip_button.clicked.connect(lambda: self._finish())
        self.enrol_button.clicked.connect(lambda: self._enrol())
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.skip_button)
        row.addWidget(self.enrol_button)
        self.enrol_page, column = _page(self.enrol_title, self.enrol_intro, self.enrol_field)
        column.addLayout(row)
        column.addStretch(1)
        self.addWidget(self.enrol_page)

    # -- steps -------------------------------------------------------------------------------

    def _choose_language(self, code: str) -> None:
        self.language_chosen.emit(code)
        self.setCurrentWidget(self.coordinator_page)
        self.name.setFocus()

    def create_store(self) -> None:
        name, passphrase = self.name.text().strip(), self.passphrase.text()
        problem = messages.new_passphrase_problem(passphrase, self.repeat.text(), name)
        if problem:
            self.create_error.setText(problem)
            return
        self.create_error.clear()
        self.progress.show()
        self.create_button.setEnabled(False)

        self._services.executor.op(
            self, lambda desk: _create_and_unlock(desk, name, passphrase)
        ).success(self._created).failure(self._create_failed).run()

    def _created(self, created: Created) -> None:
        recovery_key, self._operator = created.recovery_key, created.operator
        for line in (self.passphrase, self.repeat):
            line.clear()
        self.progress.hide()
        self.recovery_page.show_key(recovery_key)
        self.setCurrentWidget(self.recovery_page)

    def _create_failed(self, error: Exception) -> None:
        self.progress.hide()
        self.create_button.setEnabled(True)
        self.create_error.setText(messages.error_text(error))

    def _enrol(self) -> None:
        text = self.enrol_text.text().strip()
        if not text:
            return
        self.enrol_button.setEnabled(False)

        def failed(error: Exception) -> None:
            self.enrol_button.setEnabled(True)
            self.enrol_field.set_error(messages.error_text(error))

        enrol(self._services, self, text, done=lambda _enrolled: self._finish(), failed=failed)

    def _finish(self) -> None:
        if self._operator is not None:
            self.finished.emit(self._operator)

    # -- language ----------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.welcome.setText(self.tr("Welcome to FieldReg"))
        self.welcome_km.setText("សូមជ្រើសរើសភាសា · Please choose a language")
        self.coordinator_title.setText(self.tr("Create the first coordinator"))
        self.coordinator_intro.setText(
            self.tr(
                "The coordinator manages this laptop: adds registrars, resets passphrases "
                "and sees every registration made here."
            )
        )
        self.name_field.set_caption(self.tr("Coordinator name"))
        self.passphrase_field.set_caption(self.tr("Passphrase"))
        self.repeat_field.set_caption(self.tr("Passphrase again"))
        self.rules.setText(
            self.tr(
                "At least {n} characters. A short sentence is easy to remember and hard to "
                "guess. Nobody can recover it for you: keep the recovery key shown next."
            ).format(n=self._services.formatter.number(MIN_PASSPHRASE_LENGTH))
        )
        self.create_button.setText(self.tr("Create"))
        self.enrol_title.setText(self.tr("Connect to the hub"))
        self.enrol_intro.setText(
            self.tr(
                "Registrations go to the national platform through the hub. Paste or scan "
                "the enrolment code from your coordinator, or skip and work offline: you "
                "can enrol later in Settings."
            )
        )
        self.enrol_field.set_caption(self.tr("Enrolment code"))
        self.enrol_button.setText(self.tr("Enrol"))
        self.skip_button.setText(self.tr("Skip, work offline"))


def _create_and_unlock(desk: Desk, name: str, passphrase: str) -> Created:
    """On the store worker: the new coordinator goes straight on to work."""
    created = desk.create(name, passphrase)
    desk.unlock(name, passphrase)
    return created
