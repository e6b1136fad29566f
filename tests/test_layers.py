"""The layer rules, at run time (what importing a package loads) and in the source (what each
file imports):

- `fieldreg/` (the core) loads no `sync`, `requests`, Qt or `ui`, and its files import no
  `socket` either;
- `sync/` loads no Qt or `ui`;
- `ui/` files import no `sqlite3`, `sqlite_utils` or `requests`: the UI reaches the data
  through the core, and the network through `sync`.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QT = ("PySide6", "shiboken6")
CORE_MUST_NOT_LOAD = ("sync", "requests", "ui", *QT)
SYNC_MUST_NOT_LOAD = ("ui", *QT)
CORE_MUST_NOT_IMPORT = ("sync", "requests", "socket", "ui", *QT)
SYNC_MUST_NOT_IMPORT = ("ui", *QT)
UI_MUST_NOT_IMPORT = ("sqlite3", "sqlite_utils", "requests")

# Imports every module of a package in a fresh interpreter, then reports what got loaded.
# `__main__` modules are left out: importing one runs the program (the AST tests below still
# check them).
_PROBE = """
import importlib, json, pkgutil, sys
forbidden = tuple(sys.argv[1].split(","))
package = sys.argv[2]
errors = {}
names = [package]
pkg = importlib.import_module(package)
def onerror(name):
    errors[name] = repr(sys.exc_info()[1])
for info in pkgutil.walk_packages(pkg.__path__, package + ".", onerror=onerror):
    if info.name.rsplit(".", 1)[-1] != "__main__":
        names.append(info.name)
for name in names:
    try:
        importlib.import_module(name)
    except Exception as exc:
        errors[name] = repr(exc)
loaded = sorted(
    m for m in sys.modules if any(m == f or m.startswith(f + ".") for f in forbidden)
)
print(json.dumps({"imported": names, "errors": errors, "loaded": loaded}))
"""


def _matches(module: str, names: tuple[str, ...]) -> bool:
    return any(module == name or module.startswith(name + ".") for name in names)


def _loaded_by_importing(package: str, forbidden: tuple[str, ...]) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, ",".join(forbidden), package],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(report["imported"]) > 1, f"no modules found in {package}"
    assert report["errors"] == {}, f"{package} modules failed to import: {report['errors']}"
    return list(report["loaded"])


def test_importing_every_fieldreg_module_loads_no_sync_requests_qt_or_ui() -> None:
    loaded = _loaded_by_importing("fieldreg", CORE_MUST_NOT_LOAD)
    assert loaded == [], f"importing fieldreg loaded {loaded}"


def test_importing_every_sync_module_loads_no_qt_or_ui() -> None:
    loaded = _loaded_by_importing("sync", SYNC_MUST_NOT_LOAD)
    assert loaded == [], f"importing sync loaded {loaded}"


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, anywhere in it (functions too), as (line, name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def _offenders(package: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"no source files found in {package}/"
    offenders = {}
    for path in files:
        imports = _imports(path)
        hits = [f"line {line}: {name}" for line, name in imports if _matches(name, forbidden)]
        if hits:
            offenders[str(path.relative_to(ROOT))] = hits
    return offenders


def test_fieldreg_sources_import_no_socket_requests_sync_qt_or_ui() -> None:
    """At the source level, because at run time `socket` cannot be ruled out: third-party
    dependencies of the core load it (uuid6 through importlib.metadata and email.utils; fpdf
    through urllib.request), without any network use. So this test holds our own files to
    the rule: no file under fieldreg/ imports socket, requests, sync, Qt or ui."""
    offenders = _offenders("fieldreg", CORE_MUST_NOT_IMPORT)
    assert offenders == {}, f"forbidden imports in the core: {offenders}"


def test_sync_sources_import_no_qt_or_ui() -> None:
    offenders = _offenders("sync", SYNC_MUST_NOT_IMPORT)
    assert offenders == {}, f"Qt/ui imported from sync: {offenders}"


def test_ui_sources_import_no_sqlite_or_requests() -> None:
    offenders = _offenders("ui", UI_MUST_NOT_IMPORT)
    assert offenders == {}, f"the UI imports storage or HTTP libraries directly: {offenders}"


def test_the_source_check_finds_a_forbidden_import(tmp_path: Path) -> None:
    """The AST search itself works, for plain, dotted, from- and function-level imports."""
    source = tmp_path / "module.py"
    source.write_text(
        "import os\nimport sqlite3.dbapi2\nfrom requests import get\n"
        "def later():\n    import socket\n",
        encoding="utf-8",
    )
    names = [name for _line, name in _imports(source)]
    assert [n for n in names if _matches(n, ("sqlite3", "requests", "socket"))] == [
        "sqlite3.dbapi2",
        "requests",
        "socket",
    ]
