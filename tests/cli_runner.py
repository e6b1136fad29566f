"""Running the installed `fieldreg` command as a user would, in a subprocess."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from fieldreg.errors import FieldRegError
from sync.hub.hub import HUB_DB, Hub
from sync.hub.keys import THROWAWAY_KDF, THROWAWAY_PASSPHRASE_FILE, KeyCustody, default_key_file
from sync.hub.operators import ADMIN, HubOperators
from sync.hub.storage import DATABASE_VARIABLE

REPO = Path(__file__).resolve().parent.parent
PASSPHRASE = "tent-desk-passphrase-1"
HUB_PASSPHRASE = "ledger-kettle-monsoon-9"  # what a coordinator sets at the hub's first start
# the hub user (an admin) the tests run `fieldreg-hub token`, `export` ... as
HUB_USER, HUB_USER_PASSPHRASE = "tester", "harbour-mango-lattice-7"
# the commands that need a hub user (sync/hub/cli_users.py)
_AS_USER = ("token", "export", "quarantine", "indicators")


def cli_custody(hub_dir: Path) -> KeyCustody:
    """The key custody `fieldreg-hub` uses on `hub_dir` in tests, for a Hub opened beside it."""
    return KeyCustody(default_key_file(hub_dir), HUB_PASSPHRASE)


def hub_env(hub_dir: Path) -> dict[str, str]:
    """The environment `fieldreg-hub` runs with in tests: this checkout, the hub's folder and
    its passphrase (the random one a test's BackgroundHub keeps in its folder, if it made the
    keys, else the one a coordinator would have set)."""
    # the test's PostgreSQL database, when it runs the hub there (tests/conftest.py)
    database = os.environ.get(DATABASE_VARIABLE)
    return {
        "PATH": "/usr/bin:/bin",
        "FIELDREG_HUB_DATA_DIR": str(hub_dir),
        "FIELDREG_HUB_PASSPHRASE": _hub_passphrase(hub_dir),
        "FIELDREG_HUB_USER": HUB_USER,
        "FIELDREG_HUB_USER_PASSPHRASE": HUB_USER_PASSPHRASE,
        "PYTHONPATH": str(REPO),
        **({DATABASE_VARIABLE: database} if database else {}),
    }


def _hub_passphrase(hub_dir: Path) -> str:
    throwaway = hub_dir / THROWAWAY_PASSPHRASE_FILE
    return throwaway.read_text().strip() if throwaway.exists() else HUB_PASSPHRASE


def _has_admin(hub_dir: Path) -> bool:
    """Read straight from hub.db (opening the hub runs Argon2id on its key file)."""
    if not (hub_dir / HUB_DB).exists():
        return False
    with closing(sqlite3.connect(hub_dir / HUB_DB)) as db:
        try:
            row = db.execute(
                "SELECT count(*) FROM hub_users WHERE role = 'admin' AND disabled_at IS NULL"
            ).fetchone()
        except sqlite3.OperationalError:  # a hub from before its accounts: no table yet
            return False
    return bool(row[0])


def ensure_hub_user(hub_dir: Path, passphrase: str | None = None) -> None:
    """The tests' hub user, added as the hub's first admin (with the hub passphrase, as
    `fieldreg-hub user add` would, but with cheap Argon2id) unless the hub has an admin already.
    A hub this passphrase does not open is left alone: the command run next says why."""
    database = os.environ.get(DATABASE_VARIABLE)  # PostgreSQL: ask the hub itself
    if database is None and _has_admin(hub_dir):
        return
    try:
        hub = Hub(
            hub_dir,
            KeyCustody(default_key_file(hub_dir), passphrase or _hub_passphrase(hub_dir)),
            database=database,
        )
    except FieldRegError:
        return
    try:
        operators = HubOperators(hub, kdf=THROWAWAY_KDF)
        if operators.needs_first_admin():
            operators.add(HUB_USER, ADMIN, HUB_USER_PASSPHRASE, by=None)
    finally:
        hub.close()


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
    hub_dir: Path,
    *args: str,
    passphrase: bool | str = True,
    user: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`fieldreg-hub ARGS` on `hub_dir`, running this checkout's code, with no terminal; with
    `passphrase` False as an operator who does not give it, with a string giving that one.
    A command that needs a hub user runs as the tests' admin (added first if need be), unless
    `user` gives the hub-user variables to run with instead ({}: nobody in particular)."""
    env = hub_env(hub_dir)
    if passphrase is False:
        del env["FIELDREG_HUB_PASSPHRASE"]
    elif isinstance(passphrase, str):
        env["FIELDREG_HUB_PASSPHRASE"] = passphrase
    if user is not None:
        env = {key: value for key, value in env.items() if "HUB_USER" not in key} | user
    elif passphrase is not False and (args and args[0] in _AS_USER or "--revoke" in args):
        ensure_hub_user(hub_dir, env["FIELDREG_HUB_PASSPHRASE"])
    return subprocess.run(
        [sys.executable, "-c", "from sync.hub.cli import main; raise SystemExit(main())", *args],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )
