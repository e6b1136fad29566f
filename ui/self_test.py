"""`fieldreg --self-test`: does this install work? Run on a checkout and on the PyInstaller
bundle (scripts/build-bundle), where a missing resource, native library or lazily imported
module would otherwise only show on a registrar's laptop.

Everything happens in a temporary directory that is removed afterwards: a store is created
and unlocked (with a light Argon2id: the cost is not what is tested), a sample registration is
saved, the bundled QR image is decoded, a receipt is rendered as PDF and PNG and its QR read
back, the registration is synced to a hub started on 127.0.0.1 (what `fieldreg --demo` does)
and the desktop app's modules are imported (Qt loads, no window opens). The result is one JSON
line; a failure also writes one line on stderr naming the check and the cause, and exits 1.

No Qt is imported here until the last check.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from fieldreg.resources import resource_path

EXIT_OK, EXIT_FAILED = 0, 1
SELFTEST_QR_TEXT = "FieldReg self-test: ការចុះឈ្មោះ ភ្នំពេញ"
KHMER_LETTER_KA = 0x1780
QM_MAGIC = bytes.fromhex("3cb86418caef9c95cd211cbf60a1bddd")  # Qt's .qm file signature
FONT_FILES = (
    "NotoSansKhmer-Regular.ttf",
    "NotoSansKhmer-Bold.ttf",
    "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",
)
LANGUAGES = ("km", "en")
OPERATOR = "Self-test"
PASSPHRASE = "self-test-passphrase-1"
SAMPLE_RECORD: dict[str, Any] = {
    "id_type": "national_id",
    "id_number": "100000007",
    "name_km": "សុខ ដារា",
    "name_en": "Sok Dara",
    "sex": "F",
    "date_of_birth": "1990-01-15",
    "phone": "012 345 678",
    "village_code": "01020101",
    "category": "self_employed",
    "sector": "G",
    "services": ["finance", "nssf"],
    "consent": True,
}


class SelfTestFailure(Exception):
    """A check found something wrong; the message says what, in one line."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise SelfTestFailure(message)


@dataclass
class _Context:
    """What the checks share: a temporary directory and what earlier checks made."""

    temp: Path
    frozen: bool
    values: dict[str, Any] = field(default_factory=dict)


# -- checks ---------------------------------------------------------------------------------


def check_resources(ctx: _Context) -> str:
    from fontTools.ttLib import TTFont

    from fieldreg.gazetteer import load_gazetteer

    for name in FONT_FILES:
        path = resource_path("fonts", name)
        _require(path.is_file(), f"font missing: {path}")
    for name in FONT_FILES[:2]:
        with TTFont(resource_path("fonts", name), lazy=True) as font:
            _require(KHMER_LETTER_KA in font.getBestCmap(), f"{name} has no Khmer letters")
    for language in LANGUAGES:
        path = resource_path("translations", f"fieldreg_{language}.qm")
        _require(path.is_file(), f"translation missing: {path}")
        _require(path.read_bytes()[:16] == QM_MAGIC, f"not a compiled translation: {path}")
    gazetteer = load_gazetteer()
    _require(
        gazetteer.lineage(SAMPLE_RECORD["village_code"]) != [], "gazetteer lacks sample village"
    )
    _require(resource_path("selftest", "qr.png").is_file(), "selftest/qr.png missing")
    return f"{len(FONT_FILES)} fonts, translations {'+'.join(LANGUAGES)}, gazetteer"


def check_scan(ctx: _Context) -> str:
    from fieldreg.scanning import zbar_raw
    from fieldreg.scanning.decode import ZBAR, ZXING, decode

    image = resource_path("selftest", "qr.png")
    engines = [ZXING]
    if zbar_raw.available():
        engines.append(ZBAR)
    else:
        # The bundle carries libzbar; a checkout may run without Debian's libzbar0.
        _require(not ctx.frozen, "libzbar is not in the bundle")
    for engine in engines:
        found = decode(image, engines=(engine,))
        texts = [payload.text for payload in found]
        _require(texts == [SELFTEST_QR_TEXT], f"{engine} read {texts!r} from {image.name}")
    return (
        " and ".join(engines)
        + " decoded Khmer UTF-8"
        + ("" if zbar_raw.available() else " (zbar not installed)")
    )


def check_store(ctx: _Context) -> str:
    from fieldreg.desk import Desk
    from fieldreg.desk.results import Registered
    from fieldreg.store.crypto import KdfParams

    light = KdfParams(memory_kib=8 * 1024, iterations=1, lanes=1)
    desk = Desk(ctx.temp / "device", kdf=light)
    ctx.values["desk"] = desk
    desk.create(OPERATOR, PASSPHRASE)
    desk.unlock(OPERATOR, PASSPHRASE)
    outcome = desk.register(SAMPLE_RECORD, event="self-test")
    _require(isinstance(outcome, Registered), f"sample record refused: {outcome}")
    assert isinstance(outcome, Registered)
    stored = desk.registration(outcome.stored.id).stored
    _require(stored.record.name_km == SAMPLE_RECORD["name_km"], "stored record reads back wrong")
    _require(desk.verify_audit().ok, "audit log does not verify")
    ctx.values["registration_id"] = stored.id
    return "created, unlocked, registered and read back 1 record; " + _signing_key_home(ctx)


def _signing_key_home(ctx: _Context) -> str:
    """keyring finds its backends through its entry points: a bundle without keyring's
    metadata would silently never use the OS keyring (build.spec, PyInstaller's hook-keyring)."""
    from importlib.metadata import entry_points

    from fieldreg.store import signing_key

    backends = {entry.name for entry in entry_points(group="keyring.backends")}
    _require("SecretService" in backends, "keyring's backends are missing from the bundle")
    in_file = signing_key.key_path(ctx.values["desk"].data_dir).is_file()
    return "signing key in " + ("its key file" if in_file else "the OS keyring")


def check_receipt(ctx: _Context) -> str:
    from PIL import Image

    from fieldreg.receipts import receipt
    from fieldreg.scanning.decode import decode

    desk, registration_id = ctx.values["desk"], ctx.values["registration_id"]
    pdf = desk.render_receipt(registration_id, "pdf", paper="a6")
    _require(pdf.startswith(b"%PDF-"), "receipt PDF is not a PDF")
    _require(b"NotoSansKhmer" in pdf, "receipt PDF has no Khmer font embedded")
    png = desk.render_receipt(registration_id, "png", paper="thermal80")
    image = Image.open(io.BytesIO(png))
    _require(image.format == "PNG", "receipt PNG is not a PNG")
    texts = [payload.text for payload in decode(image)]
    qr_payload = desk.receipt_content(registration_id).qr_payload
    _require(texts == [qr_payload], "the receipt PNG's QR does not read back")
    check = receipt.verify(texts[0], desk.trusted_hub_key())
    _require(check.status != receipt.INVALID_SIGNATURE, "the receipt's signature does not verify")
    return f"PDF {len(pdf):,} B, PNG {image.width}x{image.height} with a QR that reads back"


def check_sync(ctx: _Context) -> str:
    from fieldreg.store.database import storage_boundary
    from fieldreg.store.store import Store
    from sync.client import HubClient
    from sync.engine import SyncEngine
    from sync.hub.server import BackgroundHub

    desk = ctx.values["desk"]
    with BackgroundHub(ctx.temp / "hub") as hub:
        desk.enrol(hub.hub.issue_token(hub.url), HubClient)
        with storage_boundary(desk.data_dir):  # the sync engine's own connection, as the app's
            store = Store.open(desk.data_dir)
            try:
                report = SyncEngine(store, HubClient(store.sync_settings())).sync_once()
            finally:
                store.close()
        _require(report.complete, f"sync incomplete: {report.error or report.pending}")
        received = list(hub.hub.registrations())
    _require(
        [row["id"] for row in received] == [ctx.values["registration_id"]],
        "the hub did not receive the registration",
    )
    _require(received[0]["name_km"] == SAMPLE_RECORD["name_km"], "the hub decrypted it wrong")
    return "enrolled with a hub on 127.0.0.1, sealed, signed, sent, acknowledged"


def check_qt(ctx: _Context) -> str:
    """Qt and the desktop app's modules import; translations load; the platform plugins the
    app needs are present, and the camera's when QtMultimedia is. No QApplication, no window:
    this runs without a display."""
    import importlib
    import importlib.util

    importlib.import_module("ui.app")
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import QLibraryInfo, QTranslator

    for language in LANGUAGES:
        translator = QTranslator()
        path = resource_path("translations", f"fieldreg_{language}.qm")
        _require(translator.load(str(path)), f"Qt cannot load {path.name}")
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    linux = sys.platform.startswith("linux")
    _require_plugins(plugins / "platforms", {"libqoffscreen", "libqxcb"} if linux else set())
    camera = importlib.util.find_spec("ui.scan_dialog") is not None
    if camera:  # the Scan dialog: QtMultimedia and its camera plugin (pyside6-addons)
        importlib.import_module("ui.scan_dialog")
        _require_plugins(plugins / "multimedia", {"libffmpegmediaplugin"} if linux else set())
    return f"PySide6 {pyside_version}, ui.app" + (" and ui.scan_dialog (camera)" if camera else "")


def _require_plugins(folder: Path, wanted: set[str]) -> None:
    found = {path.name.split(".")[0] for path in folder.glob("*.so*")}
    found |= {path.stem for path in folder.glob("*.dll")}
    _require(wanted <= found, f"Qt plugins missing from {folder}: {sorted(wanted - found)}")


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[_Context], str]
    needs: tuple[str, ...] = ()


CHECKS = (
    Check("resources", check_resources),
    Check("scan", check_scan),
    Check("store", check_store),
    Check("receipt", check_receipt, needs=("store",)),
    Check("sync", check_sync, needs=("store",)),
    Check("qt", check_qt),
)


# -- running --------------------------------------------------------------------------------


@contextlib.contextmanager
def _context() -> Iterator[_Context]:
    with tempfile.TemporaryDirectory(prefix="fieldreg-selftest-") as temp:
        ctx = _Context(Path(temp), frozen=bool(getattr(sys, "frozen", False)))
        try:
            yield ctx
        finally:
            desk = ctx.values.get("desk")
            if desk is not None:
                desk.close()


def run_self_test(out: TextIO, err: TextIO, *, checks: tuple[Check, ...] = CHECKS) -> int:
    """Run every check (one whose prerequisite failed is skipped); one JSON line on `out`:
    `{"self_test": "ok", "checks": {"store": {"status": "ok", "detail": ..., "ms": 41}, ...}}`.
    """
    started = time.perf_counter()
    results: dict[str, dict[str, Any]] = {}
    failures: list[str] = []
    with _context() as ctx:
        for check in checks:
            if any(results[need]["status"] != "ok" for need in check.needs):
                results[check.name] = {
                    "status": "skipped",
                    "detail": "needs " + "+".join(check.needs),
                }
                continue
            check_started = time.perf_counter()
            try:
                detail, status = check.run(ctx), "ok"
            except Exception as error:  # reported as a failed check, never a traceback
                detail = str(error) if isinstance(error, SelfTestFailure) else _describe(error)
                status = "failed"
                failures.append(check.name)
                err.write(f"fieldreg: self-test failed at {check.name}: {detail}\n")
            elapsed_ms = round((time.perf_counter() - check_started) * 1000)
            results[check.name] = {"status": status, "detail": detail, "ms": elapsed_ms}
    summary = {
        "self_test": "failed" if failures else "ok",
        "failed": failures,
        "frozen": ctx.frozen,
        "python": sys.version.split()[0],
        "seconds": round(time.perf_counter() - started, 2),
        "checks": results,
    }
    out.write(json.dumps(summary, ensure_ascii=False) + "\n")
    out.flush()
    return EXIT_FAILED if failures else EXIT_OK


def _describe(error: BaseException) -> str:
    """One line: the exception and where it was raised (enough to find a missing module)."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    text = str(error).splitlines()[0] if str(error) else ""
    code = getattr(error, "code", None)
    if code and code != text:  # StoreError and friends: the stable code, then the words
        text = f"{code}: {text}" if text else str(code)
    return f"{type(error).__name__}: {text}{where}"


def main() -> int:
    return run_self_test(sys.stdout, sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
