"""The desktop app's entry point: the one place that wires concrete objects together.

`run_app(data_dir)` starts the app; `build_main_window(...)` makes the window with every
dependency injectable (KDF cost, clock, sync engine, scanner, receipts, dialogs), which is
what the GUI tests and the screenshot script use.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from fieldreg.clock import Clock, utc_now
from fieldreg.desk import Desk
from fieldreg.store.crypto import KdfParams
from fieldreg.transfer.enrolment import HubLinks
from sync.background import BackgroundSync, NoSyncEngine, SyncStatusSource
from sync.client import HubClient
from ui.dialogs import DialogService, QtDialogs
from ui.executor import NetworkExecutor, StoreExecutor
from ui.fonts import BASE_POINT_SIZE, install_fonts, load_khmer_fonts
from ui.i18n import Formatter, LanguageManager
from ui.main_window import MainWindow
from ui.scan_parser import PayloadScanParser
from ui.seams import ScanParser
from ui.services import Services
from ui.settings import load_settings
from ui.theme import apply_theme

__all__ = [
    "build_main_window",
    "core_engines",
    "demo_setup",
    "load_khmer_fonts",
    "prepare_app",
    "run_app",
]

DEMO_OPERATOR = "Demo"
DEMO_PASSPHRASE = "demo-passphrase"


def prepare_app() -> QApplication:
    """The QApplication (made once per process) with our fonts and look."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("FieldReg")
    app.setApplicationDisplayName("FieldReg")
    install_fonts(app, point_size=BASE_POINT_SIZE)
    apply_theme(app)
    return app


def build_main_window(
    data_dir: Path,
    *,
    app: QApplication,
    kdf: KdfParams | None = None,
    clock: Clock = utc_now,
    sync: SyncStatusSource | None = None,
    scan_parser: ScanParser | None = None,
    hub_links: HubLinks = HubClient,
    dialogs: DialogService | None = None,
    monotonic: Callable[[], float] = time.monotonic,
    login_hint: str = "",
    desk: Desk | None = None,
) -> MainWindow:
    """A started main window (first run or login showing). The window owns the store worker;
    closing it keeps the form as a draft and closes the store."""
    settings = load_settings(data_dir)
    formatter = Formatter(settings.language, use_khmer_digits=settings.khmer_digits)
    executor = StoreExecutor(desk or Desk(data_dir, clock=clock, kdf=kdf))
    network = NetworkExecutor()
    services = Services(
        executor=executor,
        network=network,
        formatter=formatter,
        dialogs=dialogs or QtDialogs(),
        clock=clock,
        sync=sync or NoSyncEngine(),
        scan_parser=scan_parser or PayloadScanParser(clock),
        hub_links=hub_links,
        monotonic=monotonic,
    )
    languages = LanguageManager(app, formatter)
    languages.set_language(settings.language)
    window = MainWindow(services, languages, settings, login_hint=login_hint)
    executor.setParent(window)
    network.setParent(window)
    languages.setParent(window)
    window.start()
    return window


@contextlib.contextmanager
def demo_setup() -> Iterator[tuple[Path, str]]:
    """A throwaway data directory, a local hub on 127.0.0.1 and a demo coordinator whose
    device is already enrolled: ready to register and watch records sync. All of it goes
    away when the app closes."""
    from sync.hub.server import BackgroundHub  # only the demo needs a hub: keep start-up light

    with tempfile.TemporaryDirectory(prefix="fieldreg-demo-") as temp:
        root = Path(temp) / "data"
        with BackgroundHub(Path(temp) / "hub") as hub:
            desk = Desk(root)
            desk.create(DEMO_OPERATOR, DEMO_PASSPHRASE)
            desk.unlock(DEMO_OPERATOR, DEMO_PASSPHRASE)
            desk.enrol(hub.hub.issue_token(hub.url), HubClient)
            desk.close()
            hint = (
                f"Demo: log in as {DEMO_OPERATOR} with the passphrase {DEMO_PASSPHRASE}. "
                f"Local hub at {hub.url}"
            )
            yield root, hint


@contextlib.contextmanager
def core_engines(
    data_dir: Path, *, clock: Clock, kdf: KdfParams | None
) -> Iterator[dict[str, Any]]:
    """The real engines, as keyword arguments for build_main_window: the Desk the store
    worker owns, background sync (running until the block ends) and scanning. The GUI's
    whole-day test uses exactly this wiring."""
    sync = BackgroundSync(data_dir, clock=clock)
    sync.start()
    try:
        yield {
            "desk": Desk(data_dir, clock=clock, kdf=kdf),
            "sync": sync,
            "scan_parser": PayloadScanParser(clock),
        }
    finally:
        sync.stop()


def run_app(
    data_dir: Path,
    *,
    demo: bool = False,
    kdf: KdfParams | None = None,
    clock: Clock = utc_now,
    quit_after_ms: int | None = None,
) -> int:
    """Start the desktop app and run the event loop; returns the exit code.

    `demo` uses a throwaway data directory with a demo coordinator instead of `data_dir`.
    `quit_after_ms` closes the app by itself (for smoke tests)."""
    app = prepare_app()
    with contextlib.ExitStack() as running:
        hint = ""
        if demo:
            data_dir, hint = running.enter_context(demo_setup())
        engines = running.enter_context(core_engines(data_dir, clock=clock, kdf=kdf))
        window = build_main_window(
            data_dir, app=app, kdf=kdf, clock=clock, login_hint=hint, **engines
        )
        window.show()
        # Objects made at start-up (Qt wrappers, the gazetteer) live as long as the app: keep
        # the garbage collector from walking them all again, which held the GIL ~90 ms while
        # syncing (measured by benchmarks/bench_ui.py).
        QTimer.singleShot(3000, gc.freeze)
        if quit_after_ms is not None:
            QTimer.singleShot(quit_after_ms, window.close)
            QTimer.singleShot(quit_after_ms + 50, app.quit)
        return app.exec()
