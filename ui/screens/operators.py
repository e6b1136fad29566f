"""Coordinators only: the people who use this laptop; add one, set a new passphrase for one
who forgot theirs or is locked out, disable one who should no longer log in (never yourself;
their registrations stay), enable them again. Argon2id for a new passphrase runs on the
worker, like every store call here; each change is audited by the core."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldreg.desk import Desk
from fieldreg.desk.results import Changes, OperatorsChanged
from fieldreg.store.key_rotation import Progress
from fieldreg.store.operators import LOCK_OUT_AFTER, ROLES, Operator
from ui import messages
from ui.reprotection import Reprotection
from ui.services import Services
from ui.widgets import LabelledField, button, primary_button, read_only_rows, set_role, text_label


def _password() -> QLineEdit:
    line = QLineEdit()
    line.setEchoMode(QLineEdit.EchoMode.Password)
    return line


class OperatorsScreen(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._operators: list[Operator] = []
        self._me = ""  # the coordinator logged in: cannot disable themself
        self._noted = ""  # the user the message under the table is about
        self._notes = ""  # what the last rotation asks of the coordinator
        self.title = text_label("title")
        self.table = QTableWidget(0, 3)
        read_only_rows(self.table)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.disable_button = button()
        self.disable_message = text_label()
        selected_row = QHBoxLayout()
        selected_row.addWidget(self.disable_message, 1)
        selected_row.addWidget(self.disable_button)
        # after a disable or a reset: the data key was changed, records follow in chunks
        self.rotation_message = text_label("hint")
        self.new_recovery_key = text_label()
        self.new_recovery_key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        set_role(self.new_recovery_key, "secret")
        self.new_recovery_key.hide()
        self.reprotection = Reprotection(services.executor, self)
        self.reprotection.progressed.connect(self._show_progress)
        self.reprotection.failed.connect(
            lambda error: self.rotation_message.setText(messages.error_text(error))
        )

        self.add_group = QGroupBox()
        self.new_name = QLineEdit()
        self.new_name.setMaxLength(64)
        self.new_role = QComboBox()
        for role in ROLES:
            self.new_role.addItem("", role)
        self.new_passphrase, self.new_repeat = _password(), _password()
        self.add_fields = [
            LabelledField(w)
            for w in (self.new_name, self.new_role, self.new_passphrase, self.new_repeat)
        ]
        self.add_button = primary_button()
        self.add_message = text_label()
        add_column = QVBoxLayout(self.add_group)
        for field in self.add_fields:
            add_column.addWidget(field)
        add_column.addWidget(self.add_message)
        add_column.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignRight)
        add_column.addStretch(1)

        self.reset_group = QGroupBox()
        self.reset_who = text_label()
        self.reset_passphrase, self.reset_repeat = _password(), _password()
        self.reset_fields = [LabelledField(w) for w in (self.reset_passphrase, self.reset_repeat)]
        self.reset_button = primary_button()
        self.reset_message = text_label()
        reset_column = QVBoxLayout(self.reset_group)
        reset_column.addWidget(self.reset_who)
        for field in self.reset_fields:
            reset_column.addWidget(field)
        reset_column.addWidget(self.reset_message)
        reset_column.addWidget(self.reset_button, 0, Qt.AlignmentFlag.AlignRight)
        reset_column.addStretch(1)

        forms = QHBoxLayout()
        forms.addWidget(self.add_group, 1)
        forms.addWidget(self.reset_group, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 10, 16, 10)
        column.addWidget(self.title)
        column.addWidget(self.table, 1)
        column.addLayout(selected_row)
        column.addWidget(self.rotation_message)
        column.addWidget(self.new_recovery_key)
        column.addLayout(forms, 2)

        self.add_button.clicked.connect(lambda: self.add_operator())
        self.reset_button.clicked.connect(lambda: self.reset_operator())
        self.disable_button.clicked.connect(lambda: self.toggle_disabled())
        self.table.itemSelectionChanged.connect(self._render_selected)
        self.retranslate()

    def shown(self) -> None:
        self.refresh()

    def apply_changes(self, changes: Changes, *, showing: bool) -> None:
        del changes, showing  # its own operations answer with the new list

    def refresh(self) -> None:
        def load(desk: Desk) -> tuple[list[Operator], str]:
            return desk.operators(), desk.operator.name if desk.operator else ""

        def loaded(result: tuple[list[Operator], str]) -> None:
            self._me = result[1]
            self._show(result[0])

        self._services.executor.op(self, load).success(loaded).run()

    def _show(self, operators: list[Operator]) -> None:
        chosen = self._selected()
        self._operators = operators
        self._render_table()
        names = [op.name for op in operators]
        if chosen is not None and chosen.name in names:
            self.table.selectRow(names.index(chosen.name))
        elif operators:
            self.table.selectRow(0)
        self._render_selected()

    def _state(self, op: Operator) -> str:
        if op.disabled:
            return self.tr("Disabled")
        if op.failed_attempts >= LOCK_OUT_AFTER:
            return self.tr("Locked out")
        if op.failed_attempts:
            return self.tr("%n wrong passphrase(s)", "", op.failed_attempts)
        return self.tr("Active")

    def _render_table(self) -> None:
        self.table.setRowCount(len(self._operators))
        for row, op in enumerate(self._operators):
            name = op.name + (" " + self.tr("(you)") if op.name == self._me else "")
            values = (name, messages.choice(messages.ROLES, op.role), self._state(op))
            for column, text in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(text))

    def _selected(self) -> Operator | None:
        rows = self.table.selectionModel().selectedRows()
        return self._operators[rows[0].row()] if rows else None

    def _render_selected(self) -> None:
        self._render_reset_target()
        chosen = self._selected()
        self.disable_button.setText(
            self.tr("Enable user") if chosen and chosen.disabled else self.tr("Disable user")
        )
        self.disable_button.setEnabled(chosen is not None and chosen.name != self._me)
        self.disable_button.setToolTip(
            self.tr("You cannot disable yourself.") if chosen and chosen.name == self._me else ""
        )
        self.disable_button.setAccessibleName(
            f"{self.disable_button.text()}: {chosen.name}" if chosen else self.disable_button.text()
        )
        name = chosen.name if chosen else ""
        if name != self._noted:  # another user chosen: the last message was about someone else
            self._noted = name
            myself = bool(chosen) and name == self._me
            self.disable_message.setText(self.tr("You cannot disable yourself.") if myself else "")
            set_role(self.disable_message, "hint")

    def toggle_disabled(self) -> None:
        """Disable the chosen user (or enable them again). Reversible, so no confirmation."""
        chosen = self._selected()
        if chosen is None or chosen.name == self._me:
            return
        name, disable = chosen.name, not chosen.disabled
        self.disable_button.setEnabled(False)

        def change(desk: Desk) -> OperatorsChanged:
            return desk.set_operator_disabled(name, disable)

        def done(changed: OperatorsChanged) -> None:
            text = (
                self.tr("{name} is disabled and cannot log in. Their registrations stay.")
                if disable
                else self.tr("{name} can log in again.")
            )
            self.disable_message.setText(text.format(name=name))
            set_role(self.disable_message, "success")
            self._show(changed.operators)
            self._follow_rotation(changed)

        def failed(error: Exception) -> None:
            self.disable_message.setText(messages.error_text(error))
            set_role(self.disable_message, "error")
            self._render_selected()

        self._services.executor.op(self, change).success(done).failure(failed).run()

    def _render_reset_target(self) -> None:
        chosen = self._selected()
        self.reset_who.setText(
            self.tr("For: {name}").format(name=chosen.name) if chosen else self.tr("Choose a user")
        )

    def _check_pair(self, first: QLineEdit, second: QLineEdit) -> str:
        return messages.new_passphrase_problem(first.text(), second.text())

    def add_operator(self) -> None:
        problem = self._check_pair(self.new_passphrase, self.new_repeat)
        self.add_message.setText(problem)
        if problem:
            return
        name, role = self.new_name.text().strip(), str(self.new_role.currentData())
        passphrase = self.new_passphrase.text()
        self.add_button.setEnabled(False)

        def add(desk: Desk) -> OperatorsChanged:
            return desk.add_operator(name, role, passphrase)

        def added(changed: OperatorsChanged) -> None:
            self.add_button.setEnabled(True)
            for line in (self.new_name, self.new_passphrase, self.new_repeat):
                line.clear()
            self.add_message.setText(self.tr("{name} can now log in.").format(name=name))
            self._show(changed.operators)

        def failed(error: Exception) -> None:
            self.add_button.setEnabled(True)
            self.add_message.setText(messages.error_text(error))

        self._services.executor.op(self, add).success(added).failure(failed).run()

    def reset_operator(self) -> None:
        chosen = self._selected()
        problem = self._check_pair(self.reset_passphrase, self.reset_repeat)
        if chosen is None:
            problem = self.tr("Choose a user")
        self.reset_message.setText(problem)
        if problem or chosen is None:
            return
        name, passphrase = chosen.name, self.reset_passphrase.text()
        self.reset_button.setEnabled(False)

        def reset(desk: Desk) -> OperatorsChanged:
            return desk.reset_operator(name, passphrase)

        def done(changed: OperatorsChanged) -> None:
            self.reset_button.setEnabled(True)
            self.reset_passphrase.clear()
            self.reset_repeat.clear()
            self.reset_message.setText(self.tr("New passphrase set for {name}.").format(name=name))
            self._show(changed.operators)
            self._follow_rotation(changed)

        def failed(error: Exception) -> None:
            self.reset_button.setEnabled(True)
            self.reset_message.setText(messages.error_text(error))

        self._services.executor.op(self, reset).success(done).failure(failed).run()

    def _follow_rotation(self, changed: OperatorsChanged) -> None:
        """The data key was changed: say what that means and re-protect the records."""
        if changed.reprotecting is None:
            return
        notes = []
        if changed.needs_reset:
            notes.append(
                self.tr(
                    "These users have no key for the new data key yet and need a new "
                    "passphrase: {names}"
                ).format(names=", ".join(changed.needs_reset))
            )
        if changed.new_recovery_key:
            notes.append(
                self.tr(
                    "The old recovery key no longer opens this laptop. Write down the new one "
                    "now, keep it away from the laptop and destroy the old one:"
                )
            )
            self.new_recovery_key.setText(changed.new_recovery_key)
            self.new_recovery_key.show()
        self._notes = "\n".join(notes)
        self._show_progress(changed.reprotecting)
        self.continue_reprotection()

    def continue_reprotection(self) -> None:
        """Re-protect whatever a rotation left (also after a login: it resumes there)."""
        self.reprotection.start()

    def _show_progress(self, progress: Progress) -> None:
        if progress.finished and not self._notes and not self.rotation_message.text():
            return  # nothing was rotated: nothing to say
        if progress.finished:
            text = self.tr("All records are protected by the new key.")
        else:
            text = self.tr("Records are being re-protected ({done} of {total}).").format(
                done=progress.done, total=progress.total
            )
        self.rotation_message.setText("\n".join(filter(None, [self._notes, text])))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self._noted = "\0"  # say it again in the new language
        self.title.setText(self.tr("Users of this laptop"))
        self.table.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Role"), self.tr("State")])
        self.add_group.setTitle(self.tr("Add a user"))
        captions = (self.tr("Name"), self.tr("Role"), self.tr("Passphrase"), self.tr("Again"))
        for field, caption in zip(self.add_fields, captions, strict=True):
            field.set_caption(caption)
        for index in range(self.new_role.count()):
            self.new_role.setItemText(
                index, messages.choice(messages.ROLES, str(self.new_role.itemData(index)))
            )
        self.add_button.setText(self.tr("Add user"))
        self.reset_group.setTitle(self.tr("Set a new passphrase"))
        self.reset_fields[0].set_caption(self.tr("New passphrase"))
        self.reset_fields[1].set_caption(self.tr("Again"))
        self.reset_button.setText(self.tr("Set passphrase"))
        self._render_table()
        self._render_selected()
