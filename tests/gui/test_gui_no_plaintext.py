"""No personal data in plaintext on the desktop app's path: after registering a person through
the form, printing and saving their receipt from the receipt view, and leaving a second person
half typed as a draft, no byte of the data directory (database, WAL, logs, backups, settings),
of the temp directory or of the folder the receipt went to holds either person's whole values.
The receipt file the coordinator chose is meant to carry the name: it alone is left out."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from fieldreg.store.store import Store
from tests.gui.conftest import WAIT_MS, fill_person, start_working, type_khmer, type_text, wait_idle
from tests.plaintext import person_values, plaintext_hits

REGISTERED = {
    "name_km": "ច័ន្ទ សុភ័ក្ត្រា",
    "name_en": "Zyxwvu Chanphaktra",
    "id_number": "918273645",
    "phone": "097 531 8642",
}
DRAFTED = {
    "name_km": "ហេង វិចិត្រា",
    "name_en": "Plokijuh Vichetra",
    "id_number": "564738291",
    "phone": "016 975 310",
}
VALUES = person_values(REGISTERED) | person_values(DRAFTED)


@pytest.fixture
def temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temp directory for Python and Qt, where it can be searched."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    return temp


@contextlib.contextmanager
def logging_to(path: Path):  # type: ignore[no-untyped-def]
    """Every log record of the process, at every level, into a file beside the store."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        handler.close()


def drafts_kept(data_dir: Path) -> int:
    uri = f"file:{data_dir / 'fieldreg.db'}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
        return int(db.execute("SELECT count(*) FROM drafts").fetchone()[0])


def everywhere(data_dir: Path, temp_dir: Path, out_dir: Path, chosen: list[Path]) -> list[str]:
    return (
        plaintext_hits(data_dir, VALUES)
        + plaintext_hits(temp_dir, VALUES)
        + plaintext_hits(out_dir, VALUES, exclude=chosen)
    )


def test_nothing_personal_at_rest_after_registering_a_receipt_and_a_draft(
    qtbot, make_window, store: Store, data_dir: Path, temp_dir: Path, dialogs, tmp_path: Path
) -> None:
    out_dir = tmp_path / "receipts"
    out_dir.mkdir()
    receipt_file = out_dir / "receipt.pdf"
    with logging_to(data_dir / "logs" / "app.log"):
        window = make_window()
        start_working(qtbot, window)
        register = window.register

        fill_person(qtbot, window, **REGISTERED)
        qtbot.keyClick(register.save_button, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        wait_idle(qtbot, window)
        assert "ZYXWVU CHANPHAKTRA" in register.saved_label.text(), register.notice.text()

        register.show_receipt()
        receipt = register.receipt_dialog
        assert receipt is not None
        qtbot.waitUntil(receipt.pdf_button.isEnabled, timeout=WAIT_MS)
        qtbot.mouseClick(receipt.print_button, Qt.MouseButton.LeftButton)
        assert len(dialogs.printed) == 1 and not dialogs.printed[0].isNull()
        dialogs.save_path = receipt_file
        qtbot.mouseClick(receipt.pdf_button, Qt.MouseButton.LeftButton)
        wait_idle(qtbot, window)
        qtbot.waitUntil(receipt_file.exists, timeout=WAIT_MS)
        assert receipt_file.read_bytes().startswith(b"%PDF")
        receipt.close()

        fields = register.fields
        type_text(qtbot, fields.lines["id_number"], DRAFTED["id_number"])
        type_khmer(fields.lines["name_km"], DRAFTED["name_km"])
        type_text(qtbot, fields.lines["name_en"], DRAFTED["name_en"])
        type_text(qtbot, fields.lines["phone"], DRAFTED["phone"])
        register.save_draft_now()
        wait_idle(qtbot, window)
        assert drafts_kept(data_dir) == 1

        assert (data_dir / "fieldreg.db-wal").stat().st_size > 0  # not yet merged
        assert everywhere(data_dir, temp_dir, out_dir, [receipt_file]) == []

        window.lock()  # keeps the form as the same draft, then the store goes on working
        wait_idle(qtbot, window)
        window.close()
    assert (data_dir / "logs" / "app.log").stat().st_size > 0
    assert everywhere(data_dir, temp_dir, out_dir, [receipt_file]) == []
