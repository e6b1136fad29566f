"""The front ends are thin: every use case is the Desk's, so a rule lives in one place.

Read from the sources (AST): the Qt screens and the CLI reach the store only through
fieldreg.desk.Desk, never through the Store or the Session, and none of them runs its own
duplicate lookup, batch registration or enrolment. The one exception is `fieldreg sync`, which
hands the sync engine its own connection to the store, as the app's background sync does.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORE_MODULES = {"fieldreg.store.store", "fieldreg.store.session", "sync.enrol"}
STORE_NAMES = {"Store", "Session", "enrol_device"}
USE_CASE_INTERNALS = {
    "find_duplicates",
    "indexes",
    "register_many",
    "seal_backlog",
    "save_enrolment",
    "set_sync_settings",
    "set_device_setting",
}
# (file, name) pairs allowed, each with its reason
ALLOWED = {
    ("ui/cli/sync.py", "Store"): "the sync engine gets its own connection, like the app's",
    ("ui/self_test.py", "Store"): "the install check runs the sync engine as the app does",
}


def _uses(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in STORE_MODULES:
            found |= {alias.name for alias in node.names} & STORE_NAMES
        elif isinstance(node, ast.Attribute) and node.attr in USE_CASE_INTERNALS:
            found.add(node.attr)
        elif isinstance(node, ast.Name) and node.id in USE_CASE_INTERNALS:
            found.add(node.id)
    return found


def test_front_ends_reach_the_store_only_through_the_desk() -> None:
    offenders = {}
    for path in sorted((ROOT / "ui").rglob("*.py")):
        relative = str(path.relative_to(ROOT))
        bad = {name for name in _uses(path) if (relative, name) not in ALLOWED}
        if bad:
            offenders[relative] = sorted(bad)
    assert offenders == {}, f"front ends doing the Desk's work themselves: {offenders}"


def test_the_probe_sees_a_front_end_that_bypasses_the_desk(tmp_path: Path) -> None:
    """The check above would catch the shape it guards against (a screen with its own
    duplicate query, as the register screen once had)."""
    screen = tmp_path / "screen.py"
    screen.write_text(
        "from fieldreg.store.session import Session\n"
        "def save(session: Session, record):\n"
        "    return session.find_duplicates(record)\n",
        encoding="utf-8",
    )
    assert _uses(screen) == {"Session", "find_duplicates"}
