"""`kill -9` in the middle of registering loses no record whose id was printed."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from tests.cli_runner import cli_env, fieldreg, fieldreg_command, init_store
from tests.factories import raw_record


def start_register(data_dir: Path, payload: bytes) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [*fieldreg_command(), "register", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(data_dir),
        cwd=data_dir.parent,
    )
    assert process.stdin is not None
    process.stdin.write(payload)
    process.stdin.close()
    return process


def assert_consistent_and_holds(data_dir: Path, printed: list[str]) -> None:
    with sqlite3.connect(data_dir / "fieldreg.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in db.execute("SELECT id FROM registrations")}
        versions = {
            row[0] for row in db.execute("SELECT registration_id FROM registration_versions")
        }
    assert set(printed) <= stored, "a printed id was lost"
    assert stored == versions, "a registration without its encrypted record"
    assert fieldreg(data_dir, "audit", "verify").returncode == 0
    listed = [json.loads(line)["id"] for line in fieldreg(data_dir, "list").stdout.splitlines()]
    assert sorted(listed) == sorted(stored)


def test_kill_during_a_long_register_keeps_every_printed_id(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    init_store(data_dir)
    payload = "\n".join(json.dumps(raw_record()) for _ in range(3000)).encode()
    process = start_register(data_dir, payload)
    assert process.stdout is not None
    printed: list[str] = []
    while len(printed) < 260:  # past the first commit, somewhere inside a later chunk
        line = process.stdout.readline()
        assert line, process.stderr.read() if process.stderr else ""
        printed.append(json.loads(line)["id"])
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    printed += [json.loads(line)["id"] for line in process.stdout.read().splitlines()]
    assert process.returncode == -signal.SIGKILL
    assert len(printed) < 3000
    assert_consistent_and_holds(data_dir, printed)


def test_kill_at_random_moments_across_many_register_calls(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    init_store(data_dir)
    rng = random.Random(20261122)
    printed: list[str] = []
    killed = 0
    for _ in range(12):
        payload = "\n".join(json.dumps(raw_record()) for _ in range(rng.randint(1, 400)))
        process = start_register(data_dir, payload.encode())
        time.sleep(rng.uniform(0.2, 1.5))
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            killed += 1
        process.wait()
        assert process.stdout is not None
        printed += [json.loads(line)["id"] for line in process.stdout.read().splitlines()]
    assert killed >= 3, "the test should actually interrupt some runs"
    assert_consistent_and_holds(data_dir, printed)
    after = fieldreg(data_dir, "register", "-", input=json.dumps(raw_record()).encode())
    assert after.returncode == 0, after.stderr  # no stale lock, the store goes on working
