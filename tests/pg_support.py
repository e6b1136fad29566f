"""A throwaway PostgreSQL cluster for tests and benchmarks: Debian's PostgreSQL binaries,
`initdb` in a temporary directory (as the `postgres` user when we are root: initdb refuses
root), `pg_ctl` on a free 127.0.0.1 port, stopped and removed afterwards. Nothing is left
running: `stop` runs at the end of the session and, should that be skipped, at exit."""

from __future__ import annotations

import atexit
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg

PG_BIN_CANDIDATES = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
SUPERUSER = "postgres"


def pg_bin() -> Path:
    """The newest installed PostgreSQL's bin directory (scripts/setup installs Debian's)."""
    for candidate in PG_BIN_CANDIDATES:
        if (candidate / "initdb").exists():
            return candidate
    raise RuntimeError("PostgreSQL is not installed: run scripts/setup (Debian's postgresql)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PgCluster:
    """One throwaway cluster; `database()` makes a fresh database and returns its URL."""

    def __init__(self, *, fsync: bool = False, max_connections: int = 200) -> None:
        self.bin = pg_bin()
        self.root = Path(tempfile.mkdtemp(prefix="fieldreg-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.fsync = fsync
        self.max_connections = max_connections
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:  # initdb refuses root: the cluster belongs to `postgres`
            account = pwd.getpwnam(SUPERUSER)
            os.chown(self.root, account.pw_uid, account.pw_gid)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", SUPERUSER, "--no-sync")
        self.running = False
        atexit.register(self.stop)

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if self._as_postgres:
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> PgCluster:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
            f" -c max_connections={self.max_connections}"
            f" -c fsync={'on' if self.fsync else 'off'}"
            f" -c synchronous_commit={'on' if self.fsync else 'off'}"
        )
        # -w: pg_ctl returns once the server accepts connections (its readiness signal)
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        self.running = True
        return self

    def stop(self, mode: str = "fast") -> None:
        if self.running:
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")
            self.running = False

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def restart(self) -> None:
        """A database restart under the hub (every connection broken)."""
        self.stop(mode="immediate")
        self.start()

    def checkpoint(self) -> None:
        """Write every dirty page and the WAL to the cluster's files."""
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute("CHECKPOINT")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def database(self) -> str:
        name = f"hub_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def __enter__(self) -> PgCluster:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.remove()
