"""Running the installed `fieldreg` command as a user would, in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PASSPHRASE = "tent-desk-passphrase-1"


def fieldreg_command() -> list[str]:
    script = Path(sys.executable).parent / "fieldreg"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from ui.cli import main; raise SystemExit(main())"]


def cli_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("FIELDREG_")}
    env.update(
        FIELDREG_DATA_DIR=str(data_dir), FIELDREG_PASSPHRASE=PASSPHRASE, PYTHONPATH=str(REPO)
    )
    env.update(extra)
    return env


def fieldreg(
    data_dir: Path, *args: str, input: bytes | None = None, cwd: Path | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [*fieldreg_command(), *args],
        input=input,
        capture_output=True,
        cwd=cwd or data_dir.parent,
        env=cli_env(data_dir, **env),
        timeout=120,
        check=False,
    )
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
    )


def init_store(data_dir: Path) -> subprocess.CompletedProcess[str]:
    qr = data_dir.parent / "fieldreg-recovery-key.png"
    result = fieldreg(data_dir, "init", "--operator", "Sokha", "--recovery-qr", str(qr))
    assert result.returncode == 0, result.stderr
    return result


def hub_cli(hub_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`fieldreg-hub ARGS` on `hub_dir`, running this checkout's code."""
    return subprocess.run(
        [sys.executable, "-c", "from sync.hub.cli import main; raise SystemExit(main())", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={
            "PATH": "/usr/bin:/bin",
            "FIELDREG_HUB_DATA_DIR": str(hub_dir),
            "PYTHONPATH": str(REPO),
        },
    )
