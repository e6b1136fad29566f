"""Desktop app start: process start to the login screen, in a fresh interpreter each time.

Run: python -m benchmarks.bench_startup [--quick]   (prints a Markdown section; `run()` returns it)

Each run is a new `python -c` process (Qt's offscreen platform; also a real X server when Xvfb
is installed) that starts the app exactly as `fieldreg` does, through `ui.app.run_app`, on an
existing store. The clock starts in the parent just before the process is spawned and stops at
the first paint of the login screen once its operator list has arrived from the store worker:
the moment a registrar can type a passphrase. CLOCK_MONOTONIC is shared by both processes.
The stages in between are stamped by the child. Import costs come from one `-X importtime`
run, as self time summed by top-level package.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

from benchmarks.common import NS_PER_MS, Timings, ms, package_version, standalone, table, verdict
from fieldreg.store.crypto import KdfParams
from fieldreg.store.store import Store

ROOT = Path(__file__).resolve().parent.parent
FULL_RUNS = 10
QUICK_RUNS = 3
TARGET_MS = 1500.0
CHILD_TIMEOUT_S = 60
LIGHT_KDF = KdfParams(memory_kib=8 * 1024, iterations=1, lanes=1)  # not on the measured path

# The child: stamps each stage, runs the app as `fieldreg` does, stops at the login screen.
CHILD = r"""
import json, sys, time
stamps = {"interpreter": time.monotonic_ns()}
from pathlib import Path
from PySide6 import QtCore, QtGui, QtWidgets
stamps["pyside6_imported"] = time.monotonic_ns()
import ui.app
from ui.screens.login import LoginScreen
stamps["app_modules_imported"] = time.monotonic_ns()
app = QtWidgets.QApplication(sys.argv[:1])
stamps["qapplication"] = time.monotonic_ns()

def login_of(widget):
    while widget is not None:
        if isinstance(widget, LoginScreen):
            return widget
        widget = widget.parentWidget()
    return None

class LoginPainted(QtCore.QObject):
    done = False
    def eventFilter(self, obj, event):
        if (not self.done and event.type() == QtCore.QEvent.Type.Paint
                and isinstance(obj, QtWidgets.QWidget)):
            login = login_of(obj)
            if login is not None and login.isVisible() and login.operator.count() > 0:
                self.done = True
                QtCore.QTimer.singleShot(0, self.finish)  # after this paint has completed
        return False
    def finish(self):
        stamps["login_painted"] = time.monotonic_ns()
        print(json.dumps(stamps), flush=True)
        for window in app.topLevelWidgets():
            window.close()
        app.quit()

watcher = LoginPainted()
app.installEventFilter(watcher)
QtCore.QTimer.singleShot(30_000, app.quit)  # never hang the benchmark
sys.exit(ui.app.run_app(Path(sys.argv[1])))
"""
OUR_PACKAGES = ("fieldreg", "sync", "ui")
QT_PACKAGES = ("PySide6", "shiboken6", "shibokensupport")
IMPORTS = "import PySide6.QtCore, PySide6.QtGui, PySide6.QtWidgets; import ui.app"
STAGES = (
    ("interpreter", "Python started"),
    ("pyside6_imported", "PySide6 (QtCore, QtGui, QtWidgets) imported"),
    ("app_modules_imported", "`ui.app` and everything it imports"),
    ("qapplication", "QApplication made"),
    ("login_painted", "window built, store opened, login painted"),
)


class StartFailed(RuntimeError):
    pass


def _environment(platform: str, display: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDREG_")}
    env["QT_QPA_PLATFORM"] = platform
    env.pop("DISPLAY", None)
    if display:
        env["DISPLAY"] = display
    return env


def start_once(data_dir: Path, platform: str, display: str | None = None) -> dict[str, int]:
    """One cold start; nanoseconds from spawning the process to each stage."""
    env = _environment(platform, display)
    started = time.monotonic_ns()
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(data_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise StartFailed(f"app start failed ({result.returncode}): {result.stderr[-2000:]}")
    stamps = json.loads(lines[-1])
    return {stage: stamps[stage] - started for stage, _ in STAGES}


def import_profile() -> dict[str, float]:
    """Self import time in ms by top-level package, from one `python -X importtime` run."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", IMPORTS],
        cwd=ROOT,
        env=_environment("offscreen", None),
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        check=True,
    )
    totals: dict[str, float] = defaultdict(float)
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _cumulative, name = (part.strip() for part in line[12:].split("|"))
        totals[name.split(".")[0]] += int(self_us) / 1000
    return dict(totals)


@contextlib.contextmanager
def xvfb_display() -> Iterator[str | None]:
    """A private Xvfb at 1366x768 for the runs on a real X server; None without Xvfb."""
    binary = shutil.which("Xvfb")
    if binary is None:
        yield None
        return
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        [binary, "-displayfd", str(write_fd), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        yield f":{number}" if number else None
    finally:
        server.terminate()
        server.wait(timeout=10)


def make_store(data_dir: Path) -> None:
    store, _recovery_key = Store.create(
        data_dir, operator="Sokha", passphrase="startup-bench-passphrase", kdf=LIGHT_KDF
    )
    store.close()


def measure(runs: int) -> tuple[dict[str, list[dict[str, int]]], dict[str, float]]:
    results: dict[str, list[dict[str, int]]] = {}
    with tempfile.TemporaryDirectory(prefix="fieldreg-startup-bench-") as directory:
        data_dir = Path(directory) / "data"
        make_store(data_dir)
        results["offscreen"] = [start_once(data_dir, "offscreen") for _ in range(runs)]
        with xvfb_display() as display:
            if display is not None:
                try:
                    results["xcb (Xvfb)"] = [
                        start_once(data_dir, "xcb", display) for _ in range(runs)
                    ]
                except StartFailed as error:  # the X libraries scripts/setup installs
                    print(f"bench_startup: xcb skipped: {error}", file=sys.stderr)
    return results, import_profile()


def _timings(runs: list[dict[str, int]], stage: str) -> Timings:
    return Timings(tuple(run[stage] for run in runs))


def report(results: dict[str, list[dict[str, int]]], imports: dict[str, float], quick: bool) -> str:
    runs = len(results["offscreen"])
    intro = (
        f"Process start to the login screen, {runs} fresh processes per platform"
        f"{' (quick run)' if quick else ''}: `python -c` starting the app through "
        "`ui.app.run_app` on an existing store, exactly as `fieldreg` does, until the login "
        "screen has painted with its operator list (read from the store on the store worker). "
        "The files are in the page cache after the first run, so the first-run column is the "
        "closest to a laptop's first start of the day. PySide6 "
        f"{package_version('pyside6-essentials')}; Qt's offscreen platform, and the xcb "
        "platform on a private Xvfb when Xvfb is installed."
    )
    bar_rows = []
    for platform, platform_runs in results.items():
        total = _timings(platform_runs, "login_painted")
        bar_rows.append(
            [
                f"Cold start to login, {platform}",
                ms(total.p50_ms),
                ms(total.p95_ms),
                ms(platform_runs[0]["login_painted"] / NS_PER_MS),
                f"<= {TARGET_MS:,.0f} ms",
                verdict(total.p95_ms, TARGET_MS),
            ]
        )
    bars = table(["Bar", "median", "p95", "first run", "target", "verdict"], bar_rows, "lrrrrl")
    stage_rows = []
    offscreen = results["offscreen"]
    previous = "start"
    for stage, label in STAGES:
        stage_rows.append(
            [
                label,
                ms(_timings(offscreen, stage).p50_ms),
                ms(Timings(tuple(run[stage] - run.get(previous, 0) for run in offscreen)).p50_ms),
            ]
        )
        previous = stage
    stages = table(
        ["Stage (offscreen)", "median since spawn", "median for this stage"], stage_rows, "lrr"
    )
    ranked = sorted(imports.items(), key=lambda item: item[1], reverse=True)
    groups = {"ours": OUR_PACKAGES, "qt": QT_PACKAGES}
    ours, qt = (sum(v for k, v in imports.items() if k in names) for names in groups.values())
    everything = sum(imports.values())
    import_rows = [[f"`{name}`", ms(value)] for name, value in ranked[:12]]
    import_rows += [
        ["**Qt bindings** (`PySide6`, `shiboken6`, `shibokensupport`)", ms(qt)],
        ["**our packages** (`fieldreg`, `sync`, `ui`)", ms(ours)],
        ["**other third-party and standard library**", ms(everything - qt - ours)],
        ["**everything**", ms(everything)],
    ]
    import_table = table(["Top-level package", "self import time"], import_rows, "lr")
    return "\n\n".join(
        [
            "## Desktop app start",
            intro,
            bars,
            stages,
            f"Where `{IMPORTS}` spends its time (one run with `-X importtime`, which itself adds "
            "a little; self time of every module, summed by top-level package):",
            import_table,
        ]
    )


def run(quick: bool = False) -> str:
    results, imports = measure(QUICK_RUNS if quick else FULL_RUNS)
    return report(results, imports, quick)


def main(argv: Sequence[str] | None = None) -> int:
    return standalone(run, __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
