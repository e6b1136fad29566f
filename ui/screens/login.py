"""Log in: pick the operator, type the passphrase. Argon2id runs on the store worker while a
progress bar moves; wrong passphrases show the wait before the next try, counting down."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QProgressBar, QVBoxLayout, QWidget

from fieldreg.store.database import StoreError
from fieldreg.store.operators import LOCK_OUT_AFTER, Operator
from ui import messages
from ui.services import Services
from ui.widgets import LabelledField, centered, link_button, primary_button, text_label


class LoginScreen(QWidget):
    unlocked = Signal(object)  # fieldreg.store.operators.Operator
    recovery_requested = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._operators: list[Operator] = []
        self._retry_at = 0.0
        self._busy = False
        self._error: tuple[str, dict[str, object]] | None = None
        self.title = text_label("title", wrap=False)
        self.subtitle = text_label("subtitle")
        self.operator = QComboBox()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.operator_field = LabelledField(self.operator)
        self.passphrase_field = LabelledField(self.passphrase)
        self.login_button = primary_button()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.hide()
        self.message = text_label("error")
        self.countdown = text_label("notice")
        self.countdown.hide()
        self.hint = text_label("hint")
        self.recovery_button = link_button()
        self._ticker = QTimer(self)
        self._ticker.setInterval(250)
        self._ticker.timeout.connect(self._tick)

        column = QVBoxLayout()
        column.setSpacing(10)
        column.addWidget(self.title)
        column.addWidget(self.subtitle)
        column.addSpacing(12)
        column.addWidget(self.operator_field)
        column.addWidget(self.passphrase_field)
        column.addWidget(self.progress)
        column.addWidget(self.login_button)
        column.addWidget(self.message)
        column.addWidget(self.countdown)
        column.addWidget(self.hint)
        column.addWidget(self.recovery_button, 0, Qt.AlignmentFlag.AlignLeft)
        holder = QWidget()
        holder.setLayout(column)
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        outer.addLayout(centered(holder, 520))
        outer.addStretch(3)

        self.login_button.clicked.connect(lambda: self.log_in())
        self.passphrase.returnPressed.connect(lambda: self.log_in())
        self.operator.currentIndexChanged.connect(lambda _i: self._clear_error())
        self.recovery_button.clicked.connect(self.recovery_requested)
        self.retranslate()

    def refresh(self, *, hint: str = "") -> None:
        """Reload the operator list (someone may have been added or reset)."""
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self._services.executor.op(self, lambda desk: desk.operators()).success(
            self._show_operators
        ).failure(self._show_error).run()

    def _show_operators(self, operators: list[Operator]) -> None:
        chosen = self.operator.currentData()
        self._operators = operators
        self.operator.blockSignals(True)
        self.operator.clear()
        for op in operators:
            self.operator.addItem(op.name, op.name)
        index = self.operator.findData(chosen)
        self.operator.setCurrentIndex(max(index, 0))
        self.operator.blockSignals(False)
        self._render_operator_roles()
        (self.passphrase if len(operators) == 1 else self.operator).setFocus()

    def log_in(self) -> None:
        name = self.operator.currentData()
        passphrase = self.passphrase.text()
        if self._busy or not name or not passphrase or self._waiting():
            return
        self._busy = True
        self._clear_error()
        self.progress.show()
        self.login_button.setEnabled(False)
        self.passphrase.clear()

        self._services.executor.op(self, lambda desk: desk.unlock(name, passphrase)).success(
            self._unlocked
        ).failure(self._failed).run()

    def _unlocked(self, operator: Operator) -> None:
        self._busy = False
        self.progress.hide()
        self.login_button.setEnabled(True)
        self.unlocked.emit(operator)

    def _failed(self, error: Exception) -> None:
        self._busy = False
        self.progress.hide()
        self.login_button.setEnabled(True)
        self._show_error(error)
        seconds = getattr(error, "detail", {}).get("seconds")
        if isinstance(error, StoreError) and isinstance(seconds, int | float) and seconds > 0:
            self._retry_at = self._now() + float(seconds)
            self._tick()
            self._ticker.start()
        self.passphrase.setFocus()

    def _show_error(self, error: Exception) -> None:
        code = getattr(error, "code", "unexpected")
        self._error = (code, dict(getattr(error, "detail", {})))
        self._render_error()

    def _clear_error(self) -> None:
        self._error = None
        self._render_error()

    def _render_error(self) -> None:
        text = messages.store_error(*self._error) if self._error else ""
        self.message.setText(text)
        self.message.setVisible(bool(text))
        locked = self._error is not None and self._error[0] == "locked_out"
        self.passphrase.setEnabled(not locked)

    # -- back-off countdown ------------------------------------------------------------------

    def _now(self) -> float:
        return self._services.clock().timestamp()

    def _waiting(self) -> bool:
        return self._now() < self._retry_at

    def _tick(self) -> None:
        remaining = math.ceil(self._retry_at - self._now())
        if remaining <= 0:
            self._ticker.stop()
            self.countdown.hide()
            self.login_button.setEnabled(True)
            return
        self.login_button.setEnabled(False)
        self.countdown.setText(
            self.tr("You can try again in %n second(s).", "", remaining).replace(
                str(remaining), self._services.formatter.number(remaining)
            )
        )
        self.countdown.show()

    # -- language ----------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _render_operator_roles(self) -> None:
        for index, op in enumerate(self._operators):
            text = f"{op.name} · {messages.choice(messages.ROLES, op.role)}"
            if op.disabled or op.failed_attempts >= LOCK_OUT_AFTER:
                text += " · " + self.tr("locked")
            self.operator.setItemText(index, text)

    def retranslate(self) -> None:
        self.title.setText(self.tr("FieldReg"))
        self.subtitle.setText(self.tr("Log in to register"))
        self.operator_field.set_caption(self.tr("User"))
        self.passphrase_field.set_caption(self.tr("Passphrase"))
        self.login_button.setText(self.tr("Log in"))
        self.recovery_button.setText(
            self.tr("Forgot the coordinator passphrase? Use the recovery key")
        )
        self._render_operator_roles()
        self._render_error()
        if self._ticker.isActive():
            self._tick()
