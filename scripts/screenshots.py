"""Capture every screen of the desktop app, in English and in Khmer, at 1366x768.

Run through `scripts/screenshots` (Xvfb, the xcb platform: what a person would see).
Each language gets a throwaway data directory with sample registrations, enrolled with a
throwaway hub on 127.0.0.1 (so the sync log and USB transfer have something to show); nothing
here touches a real store. Writes docs/screenshots/<language>/<NN-screen>.png, and the Figures
screen (about 300 varied registrations) and the event screen's three channels as
docs/screenshots/figures-<language>.png and event-channel-<language>.png.
`scripts/screenshots docs/screenshots figures` takes only those two.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import segno
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtMultimedia import QVideoFrame
from PySide6.QtWidgets import QApplication, QWidget

from fieldreg.gazetteer import load_gazetteer
from fieldreg.indicators.channels import BANK_BRANCH, COMMUNE_OFFICE, OUTREACH, Channel
from fieldreg.indicators.definitions import label
from fieldreg.record import validate
from fieldreg.store.crypto import KdfParams
from fieldreg.store.store import Store
from sync.background import SyncState, SyncStatusSource
from sync.client import HubClient
from sync.engine import SyncEngine
from sync.enrol import enrol_device
from sync.hub.media import import_batches_for_hub
from sync.hub.server import BackgroundHub
from ui.app import build_main_window, prepare_app
from ui.main_window import MainWindow
from ui.scan_dialog import ScanOptions
from ui.scan_parser import PayloadScanParser
from ui.screens.event_choice import EventChoice
from ui.settings import AppSettings, save_settings

KDF = KdfParams(memory_kib=8 * 1024, iterations=1, lanes=1)  # sample data only
PASSPHRASE = "tent-desk-passphrase-1"
SIZE = (1366, 768)
SCRATCH_PREFIX = f"fieldreg-shots-{os.getpid()}-"
# Khmer name, Latin name, sex, born, phone, village, target group, sector
PEOPLE = [  # noqa: E501
    ("សុខ ដារា", "Sok Dara", "F", "1990-01-15", "012 345 678", "01020201", "self_employed", "G"),
    (
        "ចាន់ សុភា",
        "Chan Sophea",
        "F",
        "1985-06-02",
        "097 771 2345",
        "21030102",
        "microenterprise",
        "I",
    ),
    (
        "ហេង វណ្ណា",
        "Heng Vanna",
        "M",
        "1979-11-30",
        "016 888 123",
        "21030103",
        "seasonal_worker",
        "A",
    ),
    (
        "លី ស្រីនាង",
        "Ly Sreyneang",
        "F",
        "2001-03-09",
        "088 555 0101",
        "12010101",
        "microenterprise_employee",
        "C",
    ),
    ("គឹម សំណាង", "Kim Samnang", "M", "1994-08-21", "070 234 567", "12010102", "self_employed", "H"),
    (
        "ម៉ៅ ចន្ថា",
        "Mao Chantha",
        "F",
        "1988-12-12",
        "031 600 7788",
        "02010101",
        "microenterprise",
        "G",
    ),
    (
        "សៀង រតនា",
        "Sieng Rathana",
        "F",
        "1999-04-17",
        "015 321 987",
        "02010102",
        "self_employed",
        "S",
    ),
    ("ពៅ វិចិត្រ", "Pov Vichet", "M", "1975-02-28", "092 123 456", "08010101", "seasonal_worker", "A"),
]


def settle(ms: int = 150) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the screen did not get ready")
        settle(20)


def idle(window: MainWindow) -> None:
    wait_until(window.services.executor.is_idle)
    settle(200)


def shoot(out: Path, name: str, window: QWidget) -> None:
    """The whole screen, so dialogs show over the window as a person sees them."""
    settle(250)
    shot = window.screen().grabWindow(0, 0, 0, *SIZE)
    path = out / f"{name}.png"
    if shot.isNull() or not shot.save(str(path)):
        raise RuntimeError(f"screenshot failed: {path}")
    print(f"saved {path}")


def sample_store(
    root: Path,
    language: str,
    hub: BackgroundHub | None = None,
    *,
    copies: int = 1,
    backup_after: int = 0,
) -> None:
    """Eight people (`copies` times over, each copy its own ID and phone; a backup after the
    first `backup_after`). With a hub: five synced over the internet, three waiting after a
    failed try."""
    store, _key = Store.create(root, operator="Sokha", passphrase=PASSPHRASE, kdf=KDF)
    session = store.unlock("Sokha", PASSPHRASE)
    session.add_operator("Vanna", "registrar", "vanna-passphrase-1")
    if hub is not None:
        enrol_device(store, session, hub.hub.issue_token(hub.url))
    for n, (km, en, sex, born, phone, village, category, sector) in enumerate(PEOPLE * copies):
        if n >= len(PEOPLE):
            phone = f"012 4{n:02d} {n:03d}"
        if backup_after and n == backup_after:
            store.take_backup(f"after-{n}", keep_free=0)
        if hub is None:
            pass
        elif n == 5:
            assert SyncEngine(store, HubClient(store.sync_settings())).sync_once().complete
            settings = store.sync_settings()
            session.set_sync_settings(replace(settings, hub_url="http://127.0.0.1:9"))
        elif n == len(PEOPLE) - 1:
            assert SyncEngine(store, HubClient(store.sync_settings())).sync_once().error
            session.set_sync_settings(settings)
        raw = {
            "id_type": "national_id",
            "id_number": f"{110200300 + n * 1371}",
            "name_km": km,
            "name_en": en,
            "sex": sex,
            "date_of_birth": born,
            "phone": phone,
            "village_code": village,
            "category": category,
            "sector": sector,
            "services": ["finance", "nssf"] if n % 2 else ["skills", "health_insurance"],
            "consent": True,
        }
        record = validate(raw, today=session.today(), villages=load_gazetteer()).record
        assert record is not None, raw
        session.register(record, event="Takeo outreach · 2026-11-20 · 210301")
    store.close()
    save_settings(
        root,
        AppSettings(language=language, last_event_name="Takeo outreach", last_event_place="210301"),
    )


class OfflineTent:
    """The status bar of a tent without internet: enrolled, offline, synced earlier today."""

    def __init__(self) -> None:
        self.state = SyncState(
            enrolled=True, online=False, last_success=dt.datetime.now(dt.UTC).replace(hour=2)
        )

    def current(self) -> SyncState:
        return self.state

    def add_listener(self, listener: Callable[[SyncState], None]) -> None:
        del listener

    def sync_now(self) -> None:
        return None


def new_window(
    app: QApplication, data_dir: Path, sync: SyncStatusSource | None = None
) -> MainWindow:
    window = build_main_window(data_dir, app=app, kdf=KDF, sync=sync)
    window.setGeometry(0, 0, *SIZE)
    window.show()
    idle(window)
    return window


def first_run(app: QApplication, out: Path, language: str) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX)) / "first-run"
    save_settings(data_dir, AppSettings(language=language))
    window = new_window(app, data_dir)
    flow = window.first_run
    shoot(out, "01-first-run-language", window)
    flow.language_buttons[language].click()
    flow.name.setText("Sokha")
    flow.passphrase.setText(PASSPHRASE)
    flow.repeat.setText(PASSPHRASE)
    shoot(out, "02-first-run-coordinator", window)
    flow.create_store()
    idle(window)
    shoot(out, "03-first-run-recovery-key", window)
    flow.recovery_page.kept.setChecked(True)
    flow.recovery_page.continue_button.click()
    shoot(out, "04-first-run-enrol", window)
    window.close()


def working_day(app: QApplication, out: Path, language: str) -> None:
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
    with BackgroundHub(scratch / "hub") as hub:
        data_dir = scratch / "day"
        sample_store(data_dir, language, hub)
        window = new_window(app, data_dir, OfflineTent())
        registrar_day(out, window)
        coordinator_screens(out, window, hub, scratch / "KINGSTON-8GB")
        window.lock()
        idle(window)
        window.login.recovery_button.click()
        shoot(out, "19-recovery", window)
        window.close()


def registrar_day(out: Path, window: MainWindow) -> None:
    login = window.login
    shoot(out, "05-login", window)
    login.passphrase.setText("not the passphrase")
    login.log_in()
    idle(window)
    shoot(out, "06-login-wrong-passphrase", window)
    wait_until(lambda: login.login_button.isEnabled(), timeout=5)
    login.passphrase.setText(PASSPHRASE)
    login.log_in()
    idle(window)
    shoot(out, "07-event-choice", window)
    window.event_screen.start()
    idle(window)
    shoot(out, "08-register-empty", window)

    fields = window.register.fields
    fields.set_values({"name_km": "Sok", "phone": "123", "date_of_birth": "15/01/2015"})
    fields.touched.update({"name_km", "phone", "date_of_birth"})
    window.register.save()
    shoot(out, "09-register-errors", window)

    fields.clear()
    fields.set_values(
        {
            "id_type": "national_id",
            "id_number": "110200300",
            "name_km": "សុខ ដារ៉ា",
            "name_en": "Sok Dara",
            "sex": "F",
            "date_of_birth": "1990-01-15",
            "phone": "012 999 888",
            "village_code": "21030101",
            "category": "self_employed",
            "sector": "G",
            "services": ["finance", "nssf", "skills"],
            "consent": True,
        }
    )
    window.register.check_fields()
    shoot(out, "10-register-filled", window)
    window.register.save()
    idle(window)
    shoot(out, "11-duplicate-warning", window)
    dialog = window.register.duplicate_dialog
    assert dialog is not None
    dialog.reason.setText("Two people share one ID card number by mistake")
    dialog.anyway_button.click()
    idle(window)
    shoot(out, "12-register-saved", window)
    window.register.show_receipt()
    idle(window)
    shoot(out, "13-receipt", window)
    if window.register.receipt_dialog is not None:
        window.register.receipt_dialog.accept()

    window.show_work("registrations")
    idle(window)
    shoot(out, "14-registrations", window)
    first = window.registrations.model.row_at(1)
    window.open_registration(first.id)
    idle(window)
    shoot(out, "15-registration-detail", window)
    detail = window.detail_dialog
    assert detail is not None
    detail.start_correction()
    idle(window)
    shoot(out, "16-correction", window)
    if detail.correction_dialog is not None:
        detail.correction_dialog.reject()
    detail.accept()


def coordinator_screens(out: Path, window: MainWindow, hub: BackgroundHub, usb: Path) -> None:
    window.show_work("operators")
    idle(window)
    window.operators.table.selectRow(1)  # Vanna, whom a coordinator could disable
    shoot(out, "17-operators", window)
    window.show_work("settings")
    idle(window)
    shoot(out, "18-settings", window)

    usb.mkdir()
    window.show_work("media")
    idle(window)
    media = window.media
    media.folder.setText(str(usb))
    media.export()
    idle(window)
    shoot(out, "20-usb-transfer-exported", window)
    import_batches_for_hub(hub.hub, usb)
    media.import_receipts()
    idle(window)
    shoot(out, "21-usb-transfer-imported", window)

    window.show_work("sync_log")
    idle(window)
    shoot(out, "22-sync-log", window)
    window.sync_log.outcome.setCurrentIndex(window.sync_log.outcome.findData("error"))
    idle(window)
    shoot(out, "23-sync-log-failed", window)


def damage_a_page(path: Path) -> None:
    """Garbage over a page in the middle of the registrations' versions, as a bad sector
    leaves it, and a WAL behind as after a power cut (so the open checks the whole file)."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        size = db.execute("PRAGMA page_size").fetchone()[0]
        pages = db.execute(
            "SELECT pageno FROM dbstat WHERE name = 'registration_versions'"
            " AND pagetype = 'leaf' ORDER BY pageno"
        ).fetchall()
    with open(path, "r+b") as handle:
        handle.seek((pages[len(pages) // 2][0] - 1) * size + 8)
        handle.write(b"\xa5" * (size - 8))
    Path(f"{path}-wal").write_bytes(b"\x00" * 32)


def repair(app: QApplication, out: Path, language: str) -> None:
    """A store with a bad page after a power cut: the Repair screen, then after a rebuild."""
    data_dir = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX)) / "repair"
    sample_store(data_dir, language, copies=12, backup_after=90)
    damage_a_page(data_dir / "fieldreg.db")
    window = new_window(app, data_dir, OfflineTent())
    screen = window.repair
    wait_until(lambda: window.pages.currentWidget() is screen)
    idle(window)
    screen.passphrase.setText(PASSPHRASE)
    shoot(out, "24-repair", window)
    screen.repair()
    idle(window)
    wait_until(screen.result.isVisible)
    shoot(out, "25-repair-rebuilt", window)
    window.close()


# The synthetic specimen of a Khmer ID card's machine-readable zone (three lines of 30).
ID_ZONE = "\n".join(
    (
        "IDKHM1234567897<<<<<<<<<<<<<<<",
        "9001158F3001145KHM<<<<<<<<<<<4",
        "SOK<<DARA<<<<<<<<<<<<<<<<<<<<<",
    )
)


def scanning(app: QApplication, out: Path, language: str) -> None:
    """The Scan dialog without a camera (as under Xvfb), its live preview fed one frame,
    and the form filled from a picture of an ID card's code."""
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
    data_dir = scratch / "scan"
    sample_store(data_dir, language)
    picture = scratch / "id-card-code.png"
    segno.make(ID_ZONE, error="m").save(str(picture), scale=8, border=4)
    window = build_main_window(data_dir, app=app, kdf=KDF, scan_parser=PayloadScanParser())
    window.setGeometry(0, 0, *SIZE)
    window.show()
    idle(window)
    window.login.passphrase.setText(PASSPHRASE)
    window.login.log_in()
    idle(window)
    window.event_screen.start()
    idle(window)
    register = window.register
    register.scan_options = ScanOptions(cameras=list)  # the same pictures on every machine
    register.open_scan_dialog()
    shoot(out, "30-scan-no-camera", window)

    dialog = register.scan_dialog
    assert dialog is not None
    frame = QImage(1280, 720, QImage.Format.Format_RGB32)  # a camera frame: code on a desk
    frame.fill(QColor("#8d8f88"))
    code = QImage(str(picture)).scaledToHeight(560)
    painter = QPainter(frame)
    painter.drawImage((1280 - code.width()) // 2, 80, code)
    painter.end()
    dialog.video.videoSink().setVideoFrame(QVideoFrame(frame))  # one sighting: not taken
    shoot(out, "31-scan-camera", window)

    dialog.read_picture(picture)
    wait_until(lambda: register.scan_dialog is None)
    idle(window)
    shoot(out, "32-register-scanned", window)
    window.close()


class MovingClock:
    """The sample's clock: set by hand to each registration's moment."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


# (channel, where) of the sample's events: an outreach campaign in Takeo, an ACLEDA and a Wing
# branch, a commune office in Banteay Meanchey; and the communes their people come from
FIGURE_EVENTS = (
    (Channel(OUTREACH), "210301", ("210301", "210302", "210303", "210101", "080101")),
    (Channel(BANK_BRANCH, "acleda"), "Takeo", ("210301", "210201", "120101", "020101")),
    (Channel(BANK_BRANCH, "wing"), "Phnom Penh", ("120101", "120109", "120111", "210301")),
    (Channel(COMMUNE_OFFICE), "010202", ("010202", "010201", "010203")),
)
FIGURE_PEOPLE = 300


def figures_store(root: Path, language: str, hub: BackgroundHub) -> str:
    """About 300 registrations over three days at three events (one per channel), by two
    operators; synced every few dozen, the last ones still waiting. Returns the event of
    the outreach campaign (today's)."""
    today = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    clock = MovingClock(today - dt.timedelta(days=2, hours=6))
    store, _key = Store.create(root, operator="Sokha", passphrase=PASSPHRASE, kdf=KDF, clock=clock)
    session = store.unlock("Sokha", PASSPHRASE)
    session.add_operator("Vanna", "registrar", "vanna-passphrase-1")
    enrol_device(store, session, hub.hub.issue_token(hub.url))
    registrar = store.unlock("Vanna", "vanna-passphrase-1")
    gazetteer, rnd = load_gazetteer(), random.Random(11)
    categories = ("microenterprise", "microenterprise_employee", "seasonal_worker", "self_employed")
    services = ("nssf", "health_insurance", "skills", "finance", "tax", "social_protection")
    engine = SyncEngine(store, HubClient(store.sync_settings()))
    outreach = ""
    for n in range(FIGURE_PEOPLE):
        day, minute = divmod(n, FIGURE_PEOPLE // 3)
        clock.now = (
            today
            - dt.timedelta(days=2 - day, hours=6)
            + dt.timedelta(hours=1, minutes=minute * 5 + rnd.randrange(5))
        )
        channel, where, communes = FIGURE_EVENTS[rnd.choice((0, 0, 0, 1, 1, 2, 3))]
        choice = EventChoice(channel, "Takeo outreach", where, clock.now.date().isoformat())
        if channel.kind == OUTREACH and day == 2:
            outreach = choice.label()
        villages = gazetteer.children(rnd.choice(communes))
        raw = {
            "id_type": "national_id",
            "id_number": f"{300100200 + n * 7919 % 699999999:09d}",
            "name_km": "សុខ ដារា",
            "name_en": "Sok Dara",
            "sex": rnd.choice("FFFM"),
            "date_of_birth": f"{1960 + rnd.randrange(45)}-0{1 + rnd.randrange(9)}-1{n % 9}",
            # now and then the phone of the one before, registered anyway with a reason
            "phone": f"012 {n - (n % 61 == 7):03d} 000",
            "village_code": rnd.choice(villages).code,
            "category": rnd.choice(categories),
            "sector": "G",
            "services": rnd.sample(services, rnd.randrange(4)),
            "consent": True,
        }
        record = validate(raw, today=session.today(), villages=gazetteer).record
        assert record is not None, raw
        who = registrar if n % 3 else session
        who.register(
            record,
            event=choice.label(),
            channel=channel,
            duplicate_reason="Shares a phone with a relative" if n % 61 == 7 else None,
        )
        if n % 40 == 39 and n < FIGURE_PEOPLE - 30:
            clock.now += dt.timedelta(minutes=rnd.randrange(3, 40))
            assert engine.sync_once().complete
    store.close()
    save_settings(
        root,
        AppSettings(
            language=language,
            last_channel=OUTREACH,
            last_event_name="Takeo outreach",
            last_event_place="210301",
            last_bank="acleda",
            last_branch="Takeo",
        ),
    )
    return outreach


def figures(app: QApplication, root: Path, language: str) -> None:
    """The event screen with the bank branch chosen, then the Figures screen over every
        event and day: docs/screenshots/event-channel-<language>.png, figures-<language>.png and,
    scrolled to its end, figures-<language>-lower.png."""
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
    with BackgroundHub(scratch / "hub") as hub:
        data_dir = scratch / "figures"
        figures_store(data_dir, language, hub)
        window = new_window(app, data_dir, OfflineTent())
        window.login.passphrase.setText(PASSPHRASE)
        window.login.log_in()
        idle(window)
        screen = window.event_screen
        screen.branch.setChecked(True)
        screen.bank.setCurrentIndex(screen.bank.findData("acleda"))
        screen.branch_name.setText("Takeo")
        shoot(root, f"event-channel-{language}", window)
        screen.outreach.setChecked(True)
        screen.start()
        idle(window)
        window.show_work("figures")
        idle(window)
        shown = window.figures
        shown.choose_period("all")
        shown.choose_events(set())
        idle(window)
        shoot(root, f"figures-{language}", window)
        bar = shown.scroll_area.verticalScrollBar()
        bar.setValue(bar.maximum())  # the charts below the first screenful
        shoot(root, f"figures-{language}-lower", window)
        assert label("bank", "acleda", language) in shown.banks.describe()
        window.close()


def main(argv: list[str]) -> int:
    root = Path(argv[1] if len(argv) > 1 else "docs/screenshots")
    only = argv[2] if len(argv) > 2 else ""  # "figures": only the Figures pictures
    app = prepare_app()
    try:
        for language in ("en", "km"):
            out = root / language
            out.mkdir(parents=True, exist_ok=True)
            figures(app, root, language)
            if only == "figures":
                continue
            first_run(app, out, language)
            working_day(app, out, language)
            scanning(app, out, language)
            repair(app, out, language)
    finally:
        for scratch in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*"):
            shutil.rmtree(scratch, ignore_errors=True)
    print(f"done at {dt.datetime.now():%H:%M:%S}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
