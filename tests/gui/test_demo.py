"""`fieldreg --demo`: a throwaway store, a local hub, an enrolled device, and nothing left."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fieldreg.store.store import Store
from ui.app import DEMO_OPERATOR, DEMO_PASSPHRASE, demo_setup


def test_demo_store_is_enrolled_and_goes_away() -> None:
    with demo_setup() as (root, hint):
        store = Store.open(root)
        assert store.trusted_hub_signing_key() is not None
        session = store.unlock(DEMO_OPERATOR, DEMO_PASSPHRASE)
        assert session.hub_key is not None and "127.0.0.1" in hint
        store.close()
    assert not root.exists()


def test_demo_app_starts_and_quits_by_itself(tmp_path: Path) -> None:
    code = (
        "import pathlib, sys\n"
        "from ui.app import run_app\n"
        "sys.exit(run_app(pathlib.Path(sys.argv[1]), demo=True, quit_after_ms=800))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "unused")],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "unused").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("fieldreg-demo-")]
