"""Every code the core can raise has words: in the CLI's English table, in the app's English
table and in its Khmer translation; and every code the core raises is listed in ERROR_CODES
(found by reading the source, so a new `raise StoreError("new_code")` fails here until both
tables have words for it)."""

from __future__ import annotations

import ast
import errno
import sqlite3
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale

from fieldreg.errors import ERROR_CODES, FieldRegError
from fieldreg.store.database import DataDir, damaged, storage_error
from sync.background import crash_code
from ui import messages
from ui.cli import messages as cli_messages
from ui.i18n import Formatter, LanguageManager

ROOT = Path(__file__).resolve().parent.parent
CORE_PACKAGES = ("fieldreg", "sync")
BASE_CLASS = "FieldRegError"
# Calls that pass a code on without knowing it, and why that is fine.
PASSED_ON = {
    ("sync/client.py", "HubRefused"): "the code of the hub's 4xx answer (the hub's own codes)",
    ("sync/hub/hub.py", "HubError"): "a WireError's code, answered as a 400",
    ("sync/hub/admin_api.py", "HubError"): "a figures filter's code, answered as a 400",
}
# Keywords and attributes that carry a code as a plain string (results, reports).
CODE_NAMES = ("error", "code", "error_code")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def sample_detail(template: str) -> dict[str, str]:
    return {name: f"<{name}>" for name in placeholders(template)}


# -- reading the core's source ---------------------------------------------------------------


@dataclass(frozen=True)
class CodedClass:
    code_at: int | None  # where a call passes the code; None: the class fixes its own code
    detail: frozenset[str]  # details the class adds itself (FileWriteError's path)


@dataclass(frozen=True)
class RaiseSite:
    where: str
    cls: str
    code: str | None  # None: computed, passed on from elsewhere
    detail: frozenset[str]


def core_modules() -> Iterator[tuple[str, ast.Module]]:
    for package in CORE_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_super_init(call: ast.Call) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "__init__"
        and isinstance(func.value, ast.Call)
        and _name(func.value.func) == "super"
    )


def _literal(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def coded_classes(modules: list[tuple[str, ast.Module]]) -> dict[str, CodedClass]:
    """FieldRegError and every subclass, with where its constructor takes the code (read from
    its __init__ signature: StoreError("x"), HubRefused(status, "x"), FileWriteError("x", ...))."""
    classes = {BASE_CLASS: CodedClass(0, frozenset())}
    defs = [
        node for _, tree in modules for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
    ]
    grown = True
    while grown:
        grown = False
        for node in defs:
            bases = [_name(base) for base in node.bases if _name(base) in classes]
            if node.name in classes or not bases:
                continue
            inherited = classes[bases[0]]
            init = next(
                (f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"),
                None,
            )
            if init is None:
                classes[node.name] = inherited
            else:
                params = [arg.arg for arg in init.args.args[1:]]
                added = {
                    keyword.arg
                    for call in ast.walk(init)
                    if isinstance(call, ast.Call) and _is_super_init(call)
                    for keyword in call.keywords
                    if keyword.arg
                }
                classes[node.name] = CodedClass(
                    params.index("code") if "code" in params else None,
                    inherited.detail | added,
                )
            grown = True
    return classes


def raise_sites() -> list[RaiseSite]:
    modules = list(core_modules())
    classes = coded_classes(modules)
    sites = []
    for where, tree in modules:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name in classes:
                # a class that fixes its own code: HubUnreachable -> "hub_unreachable"
                for call in ast.walk(node):
                    if isinstance(call, ast.Call) and _is_super_init(call) and call.args:
                        code = _literal(call.args[0])
                        if code is not None:
                            detail = frozenset(k.arg for k in call.keywords if k.arg)
                            sites.append(
                                RaiseSite(f"{where}:{call.lineno}", node.name, code, detail)
                            )
            if not isinstance(node, ast.Call):
                continue
            cls = classes.get(_name(node.func))
            if cls is None or cls.code_at is None:
                continue
            argument = next((k.value for k in node.keywords if k.arg == "code"), None)
            if argument is None and len(node.args) > cls.code_at:
                argument = node.args[cls.code_at]
            detail = cls.detail | {k.arg for k in node.keywords if k.arg and k.arg != "code"}
            sites.append(
                RaiseSite(f"{where}:{node.lineno}", _name(node.func), _literal(argument), detail)
            )
    return sites


def plain_codes() -> dict[str, str]:
    """Codes carried as plain strings: InputItem(error="invalid_json"), report.error = "..."."""
    found: dict[str, str] = {}
    for where, tree in core_modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call | ast.Assign):
                continue
            values: list[ast.expr] = []
            if isinstance(node, ast.Call):
                values = [k.value for k in node.keywords if k.arg in CODE_NAMES]
            elif isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Attribute) and target.attr in CODE_NAMES
                for target in node.targets
            ):
                values = [node.value]
            for value in values:
                code = _literal(value)
                if code:
                    found.setdefault(code, f"{where}:{node.lineno}")
    return found


def detail_given(code: str, sites: list[RaiseSite]) -> frozenset[str]:
    """The details every raise of `code` provides (none if it is never raised with any)."""
    given = [site.detail for site in sites if site.code == code]
    return frozenset.intersection(*given) if given else frozenset()


SITES = raise_sites()


# -- the core raises only listed codes --------------------------------------------------------


def test_reading_the_source_finds_the_raise_sites() -> None:
    """The scan itself works: it knows every coded class and the codes each raises."""
    classes = {site.cls for site in SITES}
    assert {
        "StoreError",
        "FieldError",
        "WireError",
        "ScanImageError",
        "ReceiptFormatError",
        "FontMissing",
        "FileWriteError",
        "HubError",
        "HubRefused",
        "HubUnreachable",
    } <= classes
    codes = {site.code for site in SITES}
    assert {"locked", "wrong_type", "not_a_hub", "file_exists", "hub_unreachable"} <= codes


def test_every_code_the_core_raises_is_listed() -> None:
    unlisted = sorted(
        f"{site.code} ({site.cls} at {site.where})"
        for site in SITES
        if site.code is not None and site.code not in ERROR_CODES
    )
    assert unlisted == [], f"raised but not in fieldreg.errors.ERROR_CODES: {unlisted}"


def test_every_code_carried_as_a_string_is_listed() -> None:
    unlisted = sorted(
        f"{code} ({where})" for code, where in plain_codes().items() if code not in ERROR_CODES
    )
    assert unlisted == [], f"reported but not in fieldreg.errors.ERROR_CODES: {unlisted}"


def test_codes_passed_on_come_only_from_known_places() -> None:
    """A call whose code is computed hides which code it raises: each one is named here."""
    computed = sorted(
        f"{site.cls} at {site.where}"
        for site in SITES
        if site.code is None and (site.where.split(":")[0], site.cls) not in PASSED_ON
    )
    assert computed == [], f"codes computed at run time, not listed in PASSED_ON: {computed}"


def test_the_store_and_the_sync_loop_report_listed_codes(tmp_path: Path) -> None:
    data_dir = DataDir(tmp_path)
    full, busy, locked = (sqlite3.OperationalError("x") for _ in range(3))
    full.sqlite_errorcode = sqlite3.SQLITE_FULL
    busy.sqlite_errorcode = sqlite3.SQLITE_BUSY
    locked.sqlite_errorcode = sqlite3.SQLITE_LOCKED
    reported = {
        "damaged()": damaged(data_dir, sqlite3.DatabaseError("malformed")).code,
        "storage_error(full)": storage_error(data_dir, full).code,
        "storage_error(busy)": storage_error(data_dir, busy).code,
        "storage_error(locked)": storage_error(data_dir, locked).code,
        "storage_error(other)": storage_error(data_dir, sqlite3.InterfaceError("x")).code,
        "crash_code(ENOSPC)": crash_code(OSError(errno.ENOSPC, "full")),
        "crash_code(sqlite full)": crash_code(full),
        "crash_code(malformed)": crash_code(sqlite3.DatabaseError("malformed")),
        "crash_code(bug)": crash_code(RuntimeError("bug")),
        "crash_code(coded)": crash_code(FieldRegError("store_busy")),
    }
    unlisted = {source: code for source, code in reported.items() if code not in ERROR_CODES}
    assert unlisted == {}, f"reported but not in fieldreg.errors.ERROR_CODES: {unlisted}"
    assert set(reported.values()) >= {"damaged", "disk_full", "store_busy", "sync_crashed"}


# -- the CLI's English words ------------------------------------------------------------------


def test_every_code_has_cli_words() -> None:
    missing, wrong = [], []
    for code, kind in ERROR_CODES.items():
        words = cli_messages.TABLES.get(kind, {}).get(code)
        text = cli_messages.error_text(FieldRegError(code))
        if not words:
            missing.append(f"{code} ({kind})")
        elif text == code or words.split("{")[0] not in text:
            wrong.append(f"{code}: {text!r}")
    assert missing == [], f"no words in ui/cli/messages.py for: {missing}"
    assert wrong == [], f"ui.cli.messages.error_text does not show the words for: {wrong}"


def test_cli_words_name_only_details_the_core_gives() -> None:
    """A sentence never shows "{path}" to a user: each placeholder is a detail every raise of
    the code provides, and the sentence then formats completely."""
    unfilled = []
    for code, kind in ERROR_CODES.items():
        words = cli_messages.TABLES.get(kind, {}).get(code, "")
        given = detail_given(code, SITES)
        text = cli_messages.error_text(FieldRegError(code, **{key: "X" for key in given}))
        if not placeholders(words) <= given or "{" in text:
            unfilled.append(f"{code}: needs {sorted(placeholders(words) - given)}")
    assert unfilled == [], f"CLI words name details the core does not give: {unfilled}"


# -- the desktop app's words, English and Khmer -----------------------------------------------


def qt_template(code: str) -> tuple[str, str]:
    """(context, English source) of the app's words for `code`, or ("", "") if none."""
    context, table = messages.WORDS_BY_KIND.get(ERROR_CODES[code], ("", {}))
    return context, table.get(code, "")


@pytest.fixture
def khmer(qapp: QCoreApplication) -> Iterator[LanguageManager]:
    locale = QLocale()
    languages = LanguageManager(qapp, Formatter("km"))
    languages.set_language("km")
    yield languages
    languages.uninstall()
    QLocale.setDefault(locale)


def test_every_code_has_app_words(qapp: QCoreApplication) -> None:
    fallback = messages.error_text(FieldRegError("no_such_code"))
    missing, wrong = [], []
    for code, kind in ERROR_CODES.items():
        _context, source = qt_template(code)
        text = messages.error_text(FieldRegError(code, **sample_detail(source)))
        if not source:
            missing.append(f"{code} ({kind})")
        elif text in (code, fallback) or source.split("{")[0] not in text:
            wrong.append(f"{code}: {text!r}")
    assert missing == [], f"no words in ui/messages.py for: {missing}"
    assert wrong == [], f"ui.messages.error_text does not show the words for: {wrong}"


def test_app_words_name_only_details_the_core_gives(qapp: QCoreApplication) -> None:
    unfilled = []
    for code in ERROR_CODES:
        _context, source = qt_template(code)
        given = detail_given(code, SITES)
        text = messages.error_text(FieldRegError(code, **{key: "X" for key in given}))
        if not placeholders(source) <= given or "{" in text:
            unfilled.append(f"{code}: needs {sorted(placeholders(source) - given)}")
    assert unfilled == [], f"app words name details the core does not give: {unfilled}"


def test_every_code_has_khmer_words(khmer: LanguageManager) -> None:
    untranslated, broken = [], []
    for code in ERROR_CODES:
        context, source = qt_template(code)
        translated = QCoreApplication.translate(context, source)
        if not source or translated == source:
            untranslated.append(code)
        elif placeholders(translated) != placeholders(source):
            broken.append(f"{code}: {sorted(placeholders(source))} -> {translated!r}")
        detail = sample_detail(source)
        if messages.error_text(FieldRegError(code, **detail)) != translated.format(**detail):
            broken.append(f"{code}: error_text does not show the Khmer words")
    assert untranslated == [], (
        f"no Khmer in fieldreg_km.ts (run update, translate) for: {untranslated}"
    )
    assert broken == [], f"Khmer words that lose a placeholder or are not shown: {broken}"


def test_the_app_reads_an_uncoded_file_error_by_errno(qapp: QCoreApplication) -> None:
    assert messages.error_text(OSError(errno.EROFS, "read-only")) == (
        "The disk is read-only (is the USB stick write-protected?)."
    )
