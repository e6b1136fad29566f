"""`fieldreg --self-test` (ui/self_test.py), run from the checkout: the bundle runs the same
checks in scripts/build-bundle."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from fieldreg.resources import resource_path
from fieldreg.scanning.decode import decode
from ui import self_test
from ui.cli import build_parser
from ui.cli import run as cli_run

ROOT = Path(__file__).resolve().parent.parent


def run(**kwargs: object) -> tuple[int, dict, str]:
    out, err = io.StringIO(), io.StringIO()
    code = self_test.run_self_test(out, err, **kwargs)  # type: ignore[arg-type]
    lines = out.getvalue().splitlines()
    assert len(lines) == 1, out.getvalue()
    return code, json.loads(lines[0]), err.getvalue()


def test_every_check_passes_and_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    code, summary, err = run()
    assert code == 0, err
    assert err == ""
    assert summary["self_test"] == "ok" and summary["failed"] == []
    assert summary["frozen"] is False
    assert list(summary["checks"]) == [check.name for check in self_test.CHECKS]
    for name, result in summary["checks"].items():
        assert result["status"] == "ok", (name, result)
    assert list(tmp_path.iterdir()) == []  # the temporary store and hub are gone


def test_a_failure_names_the_check_exits_1_and_skips_what_depends_on_it() -> None:
    def broken(ctx: object) -> str:
        raise self_test.SelfTestFailure("the store file is read-only")

    checks = (
        self_test.Check("store", broken),
        self_test.Check("receipt", self_test.check_receipt, needs=("store",)),
        self_test.Check("resources", self_test.check_resources),
    )
    code, summary, err = run(checks=checks)
    assert code == 1
    assert err == "fieldreg: self-test failed at store: the store file is read-only\n"
    assert summary["self_test"] == "failed" and summary["failed"] == ["store"]
    assert summary["checks"]["receipt"]["status"] == "skipped"
    assert summary["checks"]["resources"]["status"] == "ok"


def test_an_unexpected_error_is_one_line_naming_where_it_happened() -> None:
    def crashing(ctx: object) -> str:
        import_name = "fieldreg_module_that_is_not_bundled"
        __import__(import_name)
        return "unreachable"

    code, summary, err = run(checks=(self_test.Check("qt", crashing),))
    assert code == 1
    assert err.count("\n") == 1
    assert "ModuleNotFoundError" in err and "fieldreg_module_that_is_not_bundled" in err
    assert "test_self_test.py:" in summary["checks"]["qt"]["detail"]


def test_missing_resources_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A bundle whose resources/ was left out: fieldreg.resources looks in sys._MEIPASS.
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    code, summary, err = run(checks=(self_test.Check("resources", self_test.check_resources),))
    assert code == 1
    assert "font missing" in summary["checks"]["resources"]["detail"]
    assert "NotoSansKhmer-Regular.ttf" in err


def test_the_bundled_qr_image_holds_the_expected_khmer_text() -> None:
    (payload,) = decode(resource_path("selftest", "qr.png"))
    assert payload.text == self_test.SELFTEST_QR_TEXT
    assert not payload.text.isascii()


def test_the_module_runs_on_its_own_without_a_display(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "ui.self_test"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["self_test"] == "ok"


def test_fieldreg_self_test_flag(tmp_path: Path) -> None:
    assert "--self-test" in build_parser().format_help()
    out, err = io.StringIO(), io.StringIO()
    assert cli_run(["--self-test", "--data-dir", str(tmp_path / "unused")], out, err) == 0
    assert json.loads(out.getvalue())["self_test"] == "ok"
    assert not (tmp_path / "unused").exists()  # it never touches the real data directory
