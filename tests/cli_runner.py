"""Running the installed `fieldreg` command as a user would, in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sync.hub.keys import THROWAWAY_PASSPHRASE_FILE, KeyCustody, default_key_file
from sync.hub.storage import DATABASE_VARIABLE

REPO = Path(__file__).resolve().parent.parent
PASSPHRASE = "tent-desk-passphrase-1"
HUB_PASSPHRASE = "ledger-kettle-monsoon-9"  # what a coordinator sets at the hub's first start


def cli_custody(hub_dir: Path) -> KeyCustody:
    """The key custody `fieldreg-hub` uses on `hub_dir` in tests, for a Hub opened beside it."""
    return KeyCustody(default_key_file(hub_dir), HUB_PASSPHRASE)


def hub_env(hub_dir: Path) -> dict[str, str]:
    """The environment `fieldreg-hub` runs with in tests: this checkout, the hub's folder and
    its passphrase (the random one a test's BackgroundHub keeps in its folder, if it made the
    keys, else the one a coordinator would have set)."""
    throwaway = hub_dir / THROWAWAY_PASSPHRASE_FILE
    passphrase = throwaway.read_text().strip() if throwaway.exists() else HUB_PASSPHRASE
    # the test's PostgreSQL database, when it runs the hub there (tests/conftest.py)
    database = os.environ.get(DATABASE_VARIABLE)
    return {
        "PATH": "/usr/bin:/bin",
        "FIELDREG_HUB_DATA_DIR": str(hub_dir),
        "FIELDREG_HUB_PASSPHRASE": passphrase,
        "PYTHONPATH": str(REPO),
        **({DATABASE_VARIABLE: database} if database else {}),
    }


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


def hub_cli(
    hub_dir: Path, *args: str, passphrase: bool | str = True
) -> subprocess.CompletedProcess[str]:
    """`fieldreg-hub ARGS` on `hub_dir`, running this checkout's code, with no terminal; with
    `passphrase` False as an operator who does not give it, with a string giving that one."""
    env = hub_env(hub_dir)
    if passphrase is False:
        del env["FIELDREG_HUB_PASSPHRASE"]
    elif isinstance(passphrase, str):
        env["FIELDREG_HUB_PASSPHRASE"] = passphrase
    return subprocess.run(
        [sys.executable, "-c", "from sync.hub.cli import main; raise SystemExit(main())", *args],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )
