"""The main window: which screen is showing, and the moves between them (first run, login,
event, work; lock on Ctrl+L or when idle). Screens do the work; this only routes."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldreg.desk.results import Changes
from fieldreg.gazetteer import Gazetteer, load_gazetteer
from fieldreg.indicators.channels import BANK_BRANCH, COMMUNE_OFFICE, OUTREACH, Channel
from fieldreg.store.operators import Operator
from ui import messages
from ui.i18n import LanguageManager
from ui.idle import IdleWatcher
from ui.screens.event_choice import EventChoice, EventChoiceScreen, bank_id, describe_event
from ui.screens.figures_screen import FiguresScreen
from ui.screens.first_run import FirstRunFlow
from ui.screens.login import LoginScreen
from ui.screens.media_screen import MediaScreen
from ui.screens.operators import OperatorsScreen
from ui.screens.record_detail import RecordDetailDialog
from ui.screens.recover import RecoverDialog
from ui.screens.register_screen import RegisterScreen
from ui.screens.registrations import RegistrationsScreen
from ui.screens.repair import RepairScreen
from ui.screens.settings_screen import IDLE_DEFAULT, SettingsScreen
from ui.screens.sync_log_screen import SyncLogScreen
from ui.services import Services
from ui.settings import AppSettings, save_settings
from ui.status_bar import AppStatusBar
from ui.widgets import button, text_label

BUSY_SHOW_AFTER_MS = 300
# sidebar order -> shortcut (Ctrl+N); the numbers registrars know stay the same
NAV_SHORTCUTS = {
    "register": 1,
    "registrations": 2,
    "figures": 7,
    "operators": 3,
    "sync_log": 5,
    "media": 6,
    "settings": 4,
}
NAV_KEYS = tuple(NAV_SHORTCUTS)
COORDINATOR_ONLY = frozenset({"operators", "sync_log", "media"})


class MainWindow(QMainWindow):
    def __init__(
        self,
        services: Services,
        languages: LanguageManager,
        settings: AppSettings,
        *,
        login_hint: str = "",
    ) -> None:
        super().__init__()
        self.services = services
        self.languages = languages
        self.settings = settings
        self.operator: Operator | None = None
        self.day_event: EventChoice | None = None
        self.gazetteer: Gazetteer | None = None
        self.detail_dialog: RecordDetailDialog | None = None
        self.recover_dialog: RecoverDialog | None = None
        self._login_hint = login_hint
        self.idle_lock_minutes = IDLE_DEFAULT  # the store's device setting, read at each login
        self.setObjectName("main_window")
        self.resize(1366, 768)

        self.first_run = FirstRunFlow(services)
        self.login = LoginScreen(services)
        self.repair = RepairScreen(services)
        self.event_screen = EventChoiceScreen(services)
        self.register = RegisterScreen(services)
        self.registrations = RegistrationsScreen(services)
        self.figures = FiguresScreen(services)
        self.operators = OperatorsScreen(services)
        self.settings_screen = SettingsScreen(services)
        self.sync_log = SyncLogScreen(services)
        self.media = MediaScreen(services)
        self.work = QStackedWidget()
        for screen in self._screens().values():
            self.work.addWidget(screen)
        self.pages = QStackedWidget()
        for page in (
            self.first_run,
            self.login,
            self.repair,
            self.event_screen,
            self._work_area(),
        ):
            self.pages.addWidget(page)
        self.setCentralWidget(self.pages)
        self.status = AppStatusBar(services.sync, services.formatter)
        self.setStatusBar(self.status)
        self.repair_offer = button()  # shown once an operation finds the store damaged
        self.repair_offer.hide()
        self.status.addPermanentWidget(self.repair_offer)

        self.idle = IdleWatcher(services.monotonic, self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_SHOW_AFTER_MS)
        self._busy_timer.timeout.connect(lambda: self.status.set_busy(True))
        self._connect()
        self.retranslate()

    def _work_area(self) -> QWidget:
        sidebar = QFrame()
        sidebar.setObjectName("sidebar")
        sidebar.setFixedWidth(200)
        self.nav_buttons: dict[str, QPushButton] = {}
        self.nav_group = QButtonGroup(self)
        column = QVBoxLayout(sidebar)
        column.setContentsMargins(0, 12, 0, 12)
        column.setSpacing(2)
        self.product = text_label(wrap=False)
        self.product.setContentsMargins(16, 0, 16, 12)
        font = self.product.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.product.setFont(font)
        column.addWidget(self.product)
        for key in NAV_KEYS:
            nav = QPushButton()
            nav.setCheckable(True)
            nav.clicked.connect(lambda _c=False, key=key: self.show_work(key))
            self.nav_group.addButton(nav)
            self.nav_buttons[key] = nav
            column.addWidget(nav)
            shortcut = QKeySequence(f"Ctrl+{NAV_SHORTCUTS[key]}")
            QShortcut(shortcut, self).activated.connect(lambda key=key: self.show_work(key))
        column.addStretch(1)
        self.who = text_label()
        self.who.setContentsMargins(16, 0, 16, 0)
        column.addWidget(self.who)
        self.lock_button = QPushButton()
        column.addWidget(self.lock_button)
        area = QWidget()
        row = QHBoxLayout(area)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(sidebar)
        row.addWidget(self.work, 1)
        self.work_area = area
        return area

    def _connect(self) -> None:
        executor = self.services.executor
        executor.busy_changed.connect(self._on_busy)
        executor.unhandled_error.connect(self._on_unhandled_error)
        self.first_run.language_chosen.connect(lambda code: self.apply_settings(language=code))
        self.first_run.finished.connect(self._on_unlocked)
        self.login.unlocked.connect(self._on_unlocked)
        self.login.recovery_requested.connect(self._open_recovery)
        executor.damaged.connect(self._on_damaged)
        self.repair_offer.clicked.connect(lambda: self.open_repair())
        self.repair.finished.connect(self._on_repaired)
        self.event_screen.chosen.connect(self._on_event_chosen)
        self.register.change_event_requested.connect(self._ask_event)
        self.services.executor.changed.connect(self._forward_changes)
        self.register.open_registration.connect(self.open_registration)
        self.registrations.open_registration.connect(self.open_registration)
        self.registrations.open_draft.connect(self._open_draft)
        self.settings_screen.changed.connect(lambda new: self.apply_settings(**_changes(new)))
        self.settings_screen.idle_lock_changed.connect(self._set_idle_lock)
        self.lock_button.clicked.connect(lambda: self.lock())
        self.idle.idle.connect(self.lock)
        lock = QShortcut(QKeySequence("Ctrl+L"), self)
        lock.setContext(Qt.ShortcutContext.ApplicationShortcut)
        lock.activated.connect(self.lock)

    # -- start -------------------------------------------------------------------------------

    def start(self) -> None:
        """First run or login, and the gazetteer loaded off the GUI thread meanwhile."""
        executor = self.services.executor
        executor.op(self, lambda _ctx: load_gazetteer()).success(self._set_gazetteer).run()
        executor.op(self, lambda desk: desk.store_exists()).success(self._show_start).run()

    def _show_start(self, exists: bool) -> None:
        if exists:
            self._show_login()
        else:
            self.pages.setCurrentWidget(self.first_run)
            self.first_run.language_buttons[self.settings.language].setFocus()

    def _set_gazetteer(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.register.set_gazetteer(gazetteer)
        self.event_screen.set_gazetteer(gazetteer)
        self.figures.set_gazetteer(gazetteer)

    def _show_login(self) -> None:
        self.login.refresh(hint=self._login_hint)
        self.pages.setCurrentWidget(self.login)

    # -- session -----------------------------------------------------------------------------

    def _on_unlocked(self, operator: Operator) -> None:
        self.operator = operator
        self.idle.arm(self.idle_lock_minutes)
        self.services.executor.op(
            self, lambda desk: desk.device_settings().idle_lock_minutes
        ).success(self._set_idle_lock).run()
        for key in COORDINATOR_ONLY:
            self.nav_buttons[key].setVisible(operator.is_coordinator)
        self.figures.set_coordinator(operator.is_coordinator)  # only they save reports
        self._render_who()
        self._refresh_device_count()
        self.operators.continue_reprotection()  # a rotation left unfinished resumes here
        today = self.services.today_iso()
        if self.day_event is not None and self.day_event.day == today:
            self._begin_work()
        else:
            self._ask_event()

    def _ask_event(self) -> None:
        self.register.save_draft_now()
        self.event_screen.prefill(self.day_event or self._remembered_event())
        self.pages.setCurrentWidget(self.event_screen)

    def _remembered_event(self) -> EventChoice | None:
        s, today = self.settings, self.services.today_iso()
        outreach = bank = office = None
        if s.last_event_name and s.last_event_place:
            outreach = EventChoice(Channel(OUTREACH), s.last_event_name, s.last_event_place, today)
        if bank_id(s.last_bank) and s.last_branch:
            bank = EventChoice(Channel(BANK_BRANCH, bank_id(s.last_bank)), "", s.last_branch, today)
        if s.last_office:
            office = EventChoice(Channel(COMMUNE_OFFICE), "", s.last_office, today)
        remembered = {OUTREACH: outreach, BANK_BRANCH: bank, COMMUNE_OFFICE: office}
        return remembered.get(s.last_channel) or outreach or bank or office

    def _on_event_chosen(self, choice: EventChoice) -> None:
        self.day_event = choice
        kind = choice.channel.kind
        if kind == OUTREACH:
            self.apply_settings(
                last_channel=kind, last_event_name=choice.name, last_event_place=choice.place
            )
        elif kind == BANK_BRANCH:
            self.apply_settings(
                last_channel=kind, last_bank=choice.channel.bank, last_branch=choice.place
            )
        else:
            self.apply_settings(last_channel=kind, last_office=choice.place)
        self.figures.set_current_event(choice.label())
        if self.register.active:  # changing the event mid-session keeps the form
            self.register.set_event(choice.label(), self._event_shown(), choice.channel)
            self._begin_work(restore=False)
        else:
            self._begin_work()

    def _event_shown(self) -> str:
        if self.day_event is None:
            return "—"
        return describe_event(self.day_event, self.gazetteer, self.services.formatter)

    def _begin_work(self, *, restore: bool = True) -> None:
        assert self.day_event is not None
        if restore:
            self.register.begin(self.day_event.label(), self._event_shown(), self.day_event.channel)
        self._render_who()
        self.pages.setCurrentWidget(self.work_area)
        self.show_work("register")

    def _screens(self) -> dict[str, QWidget]:
        return {
            "register": self.register,
            "registrations": self.registrations,
            "figures": self.figures,
            "operators": self.operators,
            "sync_log": self.sync_log,
            "media": self.media,
            "settings": self.settings_screen,
        }

    def show_work(self, key: str) -> None:
        if self.operator is None or self.pages.currentWidget() is not self.work_area:
            return
        if key in COORDINATOR_ONLY and not self.operator.is_coordinator:
            return
        self.nav_buttons[key].setChecked(True)
        self.work.setCurrentWidget(self._screens()[key])
        if key == "settings":
            coordinator = bool(self.operator and self.operator.is_coordinator)
            self.settings_screen.show_settings(self.settings, coordinator=coordinator)
        else:
            shown = {
                "register": self.register.shown,
                "registrations": self.registrations.shown,
                "figures": self.figures.shown,
                "operators": self.operators.shown,
                "sync_log": self.sync_log.shown,
                "media": self.media.shown,
            }
            shown[key]()  # each screen reloads what it shows and takes the focus

    def lock(self) -> None:
        """Keep the form as a draft, forget everything decrypted, ask for the passphrase."""
        if self.operator is None:
            return
        for dialog in (
            self.detail_dialog,
            self.register.duplicate_dialog,
            self.register.receipt_dialog,
        ):
            if dialog is not None:
                dialog.reject()
        self.register.leave()
        self.registrations.clear()
        self.figures.clear()
        self.operator = None
        self.idle.disarm()
        self.services.executor.op(self, lambda desk: desk.lock()).run()
        self._render_who()
        self._show_login()

    # -- a damaged store ---------------------------------------------------------------------

    def _on_damaged(self) -> None:
        """Before anyone is logged in, the Repair screen takes the login's place; while
        someone works, the status bar offers it (a registrar's form is not swept away)."""
        if self.operator is None and self.pages.currentWidget() is self.login:
            self.open_repair()
        elif self.pages.currentWidget() is not self.repair:
            self.repair_offer.show()

    def open_repair(self) -> None:
        """Keep the form as a draft and lock (as Ctrl+L does), then show the Repair screen."""
        self.lock()
        self.repair_offer.hide()
        self.pages.setCurrentWidget(self.repair)
        self.repair.shown()

    def _on_repaired(self) -> None:
        self.repair_offer.hide()
        self._show_login()

    def _open_recovery(self) -> None:
        dialog = RecoverDialog(self.services, self)
        dialog.recovered.connect(self._on_unlocked)
        self.recover_dialog = dialog
        dialog.open()

    # -- records -----------------------------------------------------------------------------

    def _forward_changes(self, changes: Changes) -> None:
        """What an operation changed reaches every screen; each decides what to reload."""
        if changes.registrations:
            self._refresh_device_count()
        if self.operator is None:
            return
        for screen in self._screens().values():
            apply = getattr(screen, "apply_changes", None)
            if apply is not None:
                apply(changes, showing=self.work.currentWidget() is screen)

    def _refresh_device_count(self) -> None:
        self.services.executor.op(self, lambda desk: desk.registration_count()).success(
            self.status.sync.set_device_count
        ).run()
        self.services.executor.op(self, lambda desk: desk.disk_space()).success(
            self.status.set_disk_space
        ).run()

    def open_registration(self, registration_id: str) -> None:
        dialog = RecordDetailDialog(registration_id, self.services, self.gazetteer, self)
        self.detail_dialog = dialog
        dialog.open()

    def _open_draft(self, draft_id: str) -> None:
        self.show_work("register")
        self.register.open_draft(draft_id)

    # -- settings and language ---------------------------------------------------------------

    def apply_settings(self, **changes: object) -> None:
        new = self.settings.with_changes(**changes)
        if new == self.settings and "language" not in changes:
            return
        old, self.settings = self.settings, new
        self.services.formatter.use_khmer_digits = new.khmer_digits
        if new.language != old.language or self.languages.language != new.language:
            self.languages.set_language(new.language)
        elif new.khmer_digits != old.khmer_digits:
            self._rerender_all()
        data_dir = self.services.executor.data_dir
        self.services.executor.op(self, lambda _ctx: save_settings(data_dir, new)).run()

    def _set_idle_lock(self, minutes: int) -> None:
        """The coordinator's idle-lock time (a device setting in the store); 0 never locks."""
        self.idle_lock_minutes = minutes
        if self.operator is None:
            return
        if minutes > 0:
            self.idle.arm(minutes)
        else:
            self.idle.disarm()

    def _rerender_all(self) -> None:
        """Digits changed: re-read texts as a language change does."""
        for widget in QApplication.allWidgets():
            QApplication.postEvent(widget, QEvent(QEvent.Type.LanguageChange))

    # -- status ------------------------------------------------------------------------------

    def _on_busy(self, busy: bool) -> None:
        if busy:
            self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self.status.set_busy(False)

    def _on_unhandled_error(self, error: BaseException) -> None:
        self.status.showMessage(messages.error_text(error), 10000)

    def _render_who(self) -> None:
        if self.operator is None:
            self.who.setText("")
            self.status.set_who("")
            return
        role = messages.choice(messages.ROLES, self.operator.role)
        self.who.setText(f"{self.operator.name}\n{role}")
        self.status.set_who(
            self.tr("{name} · {event}").format(name=self.operator.name, event=self._event_shown())
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("FieldReg"))
        self.product.setText(self.tr("FieldReg"))
        titles = {
            "register": self.tr("Register"),
            "registrations": self.tr("Registrations"),
            "figures": self.tr("Figures"),
            "operators": self.tr("Users"),
            "sync_log": self.tr("Sync log"),
            "media": self.tr("USB transfer"),
            "settings": self.tr("Settings"),
        }
        for key, text in titles.items():
            self.nav_buttons[key].setText(text)
            self.nav_buttons[key].setToolTip(f"Ctrl+{NAV_SHORTCUTS[key]}")
            self.nav_buttons[key].setAccessibleName(text)
        self.lock_button.setText(self.tr("Lock (Ctrl+L)"))
        self.repair_offer.setText(self.tr("Repair the store…"))
        self._render_who()
        if self.day_event is not None:  # the commune name and date follow the language
            self.register.set_event(
                self.day_event.label(), self._event_shown(), self.day_event.channel
            )

    # -- closing -----------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Nothing typed is lost: the form goes to a draft before the store closes."""
        if self.operator is not None:
            self.register.leave()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
        self.services.network.shutdown()
        self.services.executor.shutdown()
        self.languages.uninstall()
        event.accept()


def _changes(settings: AppSettings) -> dict[str, object]:
    return {"language": settings.language, "khmer_digits": settings.khmer_digits}
