"""The layer rule: fieldreg/ and sync/ never import Qt or the ui package."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE_PACKAGES = ("fieldreg", "sync")
FORBIDDEN = ("PySide6", "shiboken6", "ui")

# Imports every module of the core packages in a fresh interpreter, then reports what
# got loaded. `__main__` modules are left out: importing one runs the program (the AST
# test below still checks them).
_PROBE = """
import importlib, json, pkgutil, sys
forbidden = tuple(sys.argv[1].split(","))
errors = {}
names = []
for package in sys.argv[2].split(","):
    names.append(package)
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


def _is_forbidden(module: str) -> bool:
    return any(module == f or module.startswith(f + ".") for f in FORBIDDEN)


def test_importing_core_packages_loads_no_qt_or_ui() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, ",".join(FORBIDDEN), ",".join(CORE_PACKAGES)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(CORE_PACKAGES) <= set(report["imported"])
    assert report["errors"] == {}, f"core modules failed to import: {report['errors']}"
    assert report["loaded"] == [], f"importing {', '.join(CORE_PACKAGES)} loaded {report['loaded']}"


def _forbidden_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        else:
            continue
        found += [f"line {node.lineno}: {m}" for m in modules if _is_forbidden(m)]
    return found


def test_core_sources_do_not_import_qt_or_ui() -> None:
    files = sorted(p for package in CORE_PACKAGES for p in (ROOT / package).rglob("*.py"))
    assert files, "no source files found"
    offenders = {
        str(path.relative_to(ROOT)): hits for path in files if (hits := _forbidden_imports(path))
    }
    assert offenders == {}, f"Qt/ui imported from the core layer: {offenders}"
