"""Coordinators: registrations on a USB stick when there is no internet. Export the signed
batches to a folder on the stick, take it to the hub (`fieldreg-hub import FOLDER` writes a
receipt beside each batch), bring it back and import the receipts. The same batches and
receipts as over the internet, so nothing is counted twice whichever way arrives first.

The work runs on the store worker (each batch file is written atomically by the core) while a
progress bar moves; the rest of the app stays usable."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldreg.desk.results import MediaExported, MediaState, ReceiptsImported
from ui import messages
from ui.services import Services
from ui.widgets import LabelledField, button, primary_button, set_role, text_label

TICK_MS = 200


class MediaScreen(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._state: MediaState | None = None
        self._working = ""  # "export" or "import" while the worker writes or reads
        # the last outcome and its folder, kept so a language change can say it again
        self._result: MediaExported | ReceiptsImported | Exception | None = None
        self._result_folder = ""
        self.title = text_label("title")
        self.intro = text_label()
        self.waiting = text_label("notice")

        self.folder = QLineEdit()
        self.folder_field = LabelledField(self.folder)
        self.choose_button = button()
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_field, 1)
        folder_row.addWidget(self.choose_button, 0, Qt.AlignmentFlag.AlignBottom)

        self.export_group, self.export_text, self.export_button = self._step(primary=True)
        self.hub_group, self.hub_text, _none = self._step(with_button=False)
        self.import_group, self.import_text, self.import_button = self._step(primary=True)
        steps = QHBoxLayout()
        steps.setSpacing(12)
        for group in (self.export_group, self.hub_group, self.import_group):
            steps.addWidget(group, 1)

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # the core reports no steps: a moving bar and the time
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.progress_text = text_label("hint")
        self.result = text_label()
        self.problems = text_label("error")
        self._clock = QElapsedTimer()
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self._render_progress)

        column = QVBoxLayout(self)
        column.setContentsMargins(16, 10, 16, 10)
        column.setSpacing(10)
        column.addWidget(self.title)
        column.addWidget(self.intro)
        column.addWidget(self.waiting)
        column.addLayout(folder_row)
        column.addLayout(steps)
        column.addWidget(self.progress)
        column.addWidget(self.progress_text)
        column.addWidget(self.result)
        column.addWidget(self.problems)
        column.addStretch(1)

        self.choose_button.clicked.connect(lambda: self.choose_folder())
        self.export_button.clicked.connect(lambda: self.export())
        self.import_button.clicked.connect(lambda: self.import_receipts())
        self.folder.textChanged.connect(lambda _t: self.folder_field.set_error(""))
        self._render_busy()
        self.retranslate()

    def _step(
        self, *, primary: bool = False, with_button: bool = True
    ) -> tuple[QGroupBox, QLabel, QPushButton]:
        group = QGroupBox()
        text = text_label()
        text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        action = primary_button() if primary else button()
        column = QVBoxLayout(group)
        column.addWidget(text, 1)
        if with_button:
            column.addWidget(action, 0, Qt.AlignmentFlag.AlignRight)
        else:
            action.hide()
        return group, text, action

    # -- state -------------------------------------------------------------------------------

    def shown(self) -> None:
        self.prepare()
        self.folder.setFocus()

    def prepare(self) -> None:
        """Shown: how many registrations wait, and whether this laptop is enrolled."""
        self._services.executor.op(self, lambda desk: desk.media_state()).success(
            self._show_state
        ).run()

    def _show_state(self, state: MediaState) -> None:
        self._state = state
        self._render_state()

    def _render_state(self) -> None:
        state, fmt = self._state, self._services.formatter
        if state is None:
            self.waiting.hide()
            return
        set_role(self.waiting, "notice")
        if not state.enrolled:
            self.waiting.setText(messages.store_error("not_enrolled"))
        elif state.pending == 0:
            self.waiting.setText(self.tr("Every registration has the hub's receipt."))
            set_role(self.waiting, "hint")
        else:
            self.waiting.setText(
                self.tr(
                    "%n registration(s) wait for the hub's receipt.", "", state.pending
                ).replace(str(state.pending), fmt.number(state.pending))
            )
        self.waiting.show()
        self._render_busy()

    def _render_busy(self) -> None:
        working = bool(self._working)
        enrolled = self._state is not None and self._state.enrolled
        self.progress.setVisible(working)
        self.progress_text.setVisible(working)
        for action in (self.export_button, self.import_button):
            action.setEnabled(enrolled and not working)
        self.folder.setEnabled(not working)
        self.choose_button.setEnabled(not working)

    def _render_progress(self) -> None:
        seconds = self._services.formatter.number(self._clock.elapsed() // 1000)
        text = (
            self.tr("Writing batch files to {folder}... {seconds} s")
            if self._working == "export"
            else self.tr("Reading receipt files from {folder}... {seconds} s")
        )
        self.progress_text.setText(text.format(folder=self.folder.text().strip(), seconds=seconds))
        self.progress.setAccessibleName(self.progress_text.text())

    # -- actions -----------------------------------------------------------------------------

    def choose_folder(self) -> None:
        chosen = self._services.dialogs.choose_folder(
            self, self.tr("Choose the folder on the USB stick"), self.folder.text().strip()
        )
        if chosen is not None:
            self.folder.setText(str(chosen))

    def _chosen_folder(self) -> Path | None:
        text = self.folder.text().strip()
        if not text:
            self.folder_field.set_error(messages.field_error("invalid_folder"))
            self.folder.setFocus()
            return None
        return Path(text).expanduser()

    def _start(self, kind: str) -> None:
        self._working = kind
        self._result = None
        self.result.clear()
        self.problems.hide()
        self._clock.start()
        self._render_progress()
        self._ticker.start()
        self._render_busy()

    def _stop(self) -> None:
        self._working = ""
        self._ticker.stop()
        self._render_busy()

    def export(self) -> None:
        folder = self._chosen_folder()
        if folder is None or self._working:
            return
        self._start("export")
        self._services.executor.op(self, lambda desk: desk.export_batches(folder)).success(
            self._exported
        ).failure(self._failed).run()

    def _exported(self, done: MediaExported) -> None:
        self._stop()
        self._show_state(done.state)
        self._result, self._result_folder = done, self.folder.text().strip()
        self._render_result()

    def import_receipts(self) -> None:
        folder = self._chosen_folder()
        if folder is None or self._working:
            return
        self._start("import")
        self._services.executor.op(self, lambda desk: desk.import_receipts(folder)).success(
            self._imported
        ).failure(self._failed).run()

    def _imported(self, done: ReceiptsImported) -> None:
        self._stop()
        self._show_state(done.state)
        self._result = done
        self._render_result()
        if done.applied:
            self._services.sync.sync_now()  # the status bar's count catches up at once

    def _failed(self, error: Exception) -> None:
        self._stop()
        if getattr(error, "code", "") == "invalid_folder":
            self.folder_field.set_error(messages.field_error("invalid_folder"))
            self.folder.setFocus()
            return
        self._result = error
        self._render_result()

    # -- words -------------------------------------------------------------------------------

    def _count(self, text: str, n: int) -> str:
        return text.replace(str(n), self._services.formatter.number(n))

    def _render_result(self) -> None:
        self.problems.hide()
        if self._result is None:
            self.result.clear()
            return
        result = self._result
        if isinstance(result, MediaExported):
            files = result.files
            if files == 0:
                self.result.setText(self.tr("Nothing to export: every registration has a receipt."))
            else:
                self.result.setText(
                    self._count(
                        self.tr("%n batch file(s) written to {folder}.", "", files), files
                    ).format(folder=self._result_folder)
                    + " "
                    + self.tr("Take the USB stick to the hub computer.")
                )
            set_role(self.result, "success")
        elif isinstance(result, ReceiptsImported):
            self._render_imported(result)
        else:
            self.result.setText(
                self.tr("Nothing was changed: {reason}").format(reason=messages.error_text(result))
            )
            set_role(self.result, "error")

    def _render_imported(self, done: ReceiptsImported) -> None:
        if done.applied == 0 and not done.problems:
            self.result.setText(
                self.tr(
                    "No receipts for this laptop in that folder. Has the hub imported the "
                    "batch files yet?"
                )
            )
            set_role(self.result, "notice")
        else:
            text = (
                self._count(self.tr("%n receipt(s) applied:", "", done.applied), done.applied)
                + " "
                + self.tr(
                    "{accepted} accepted, {duplicate} already received, {rejected} rejected."
                ).format(
                    accepted=self._services.formatter.number(done.accepted),
                    duplicate=self._services.formatter.number(done.duplicate),
                    rejected=self._services.formatter.number(done.rejected),
                )
            )
            if done.rejected:
                text += " " + self.tr(
                    "Rejected registrations show the reason under Registrations; correct them "
                    "there."
                )
            self.result.setText(text)
            set_role(self.result, "success")
        lines = [
            self.tr("{file}: {reason}").format(
                file=problem.file, reason=messages.sync_error(problem.code)
            )
            for problem in done.problems
        ]
        if done.other_device:
            lines.append(
                self._count(
                    self.tr(
                        "%n receipt file(s) are for other laptops and were left alone.",
                        "",
                        done.other_device,
                    ),
                    done.other_device,
                )
            )
        if lines:
            self.problems.setText("\n".join(lines))
            set_role(self.problems, "error" if done.problems else "hint")
            self.problems.show()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.title.setText(self.tr("USB transfer"))
        self.intro.setText(
            self.tr(
                "No internet for a while? Registrations can travel to the hub on a USB stick. "
                "They stay sealed and signed: only the hub can open them."
            )
        )
        self.folder_field.set_caption(self.tr("Folder on the USB stick"))
        self.choose_button.setText(self.tr("Choose folder..."))
        self.export_group.setTitle(self.tr("1. Export batches"))
        self.export_text.setText(
            self.tr(
                "Writes every registration still waiting for the hub into batch files "
                "in the folder. Exporting again is safe: nothing is counted twice."
            )
        )
        self.export_button.setText(self.tr("Export batches"))
        self.hub_group.setTitle(self.tr("2. At the hub"))
        self.hub_text.setText(
            self.tr(
                "On the hub computer run: fieldreg-hub import FOLDER. It writes a receipt "
                "file beside each batch file."
            )
        )
        self.import_group.setTitle(self.tr("3. Import receipts"))
        self.import_text.setText(
            self.tr(
                "Back here, reads the receipts from the same folder: the registrations "
                "they confirm are marked as synced."
            )
        )
        self.import_button.setText(self.tr("Import receipts"))
        if self._working:
            self._render_progress()
        self._render_state()
        self._render_result()
