"""Attacks through the command lines: an enrolment token that never expires, a register cut
off mid-stream, and a recovery key image left where nobody asked for it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli_runner import REPO, cli_env, fieldreg, fieldreg_command, hub_cli, init_store
from tests.factories import raw_record


@pytest.mark.parametrize("hours", ["nan", "-1", "0", "0.5", "169", "1e400", "inf"])
def test_a_token_lifetime_outside_one_hour_to_seven_days_is_refused(
    tmp_path: Path, hours: str
) -> None:
    result = hub_cli(tmp_path, "token", f"--hours={hours}")
    assert result.returncode != 0
    assert result.stdout == ""  # no token was issued
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("fieldreg-hub: --hours must be between 1 and 168")


def test_register_cut_off_mid_stream_keeps_what_is_stored_and_says_how_many(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    init_store(data_dir)
    people = tmp_path / "big.jsonl"
    # far more output than a pipe holds, so the writer meets the closed pipe mid-stream
    people.write_text("".join(json.dumps(raw_record()) + "\n" for _ in range(3000)))
    register = subprocess.Popen(
        [*fieldreg_command(), "register", str(people)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(data_dir),
        cwd=tmp_path,
    )
    assert register.stdout is not None and register.stderr is not None
    first = register.stdout.readline()  # like `| head -1`: one line, then the reader is gone
    register.stdout.close()
    stderr = register.stderr.read().decode()
    assert register.wait(timeout=120) == 1
    assert json.loads(first)["id"]
    assert "Traceback" not in stderr
    [said] = stderr.splitlines()
    assert said.startswith("fieldreg: output closed early: ") and "of 3000" in said
    stored = int(said.removeprefix("fieldreg: output closed early: ").split()[0])
    listed = fieldreg(data_dir, "list").stdout.splitlines()
    assert 0 < stored == len(listed) < 3000


def test_init_writes_the_recovery_qr_only_where_told(tmp_path: Path) -> None:
    work = tmp_path / "checkout"
    work.mkdir()
    data_dir = tmp_path / "data"
    plain = fieldreg(data_dir, "init", "--operator", "Sokha", cwd=work)  # the CLI contract
    assert plain.returncode == 0, plain.stderr
    assert "RECOVERY KEY" in plain.stdout and "--recovery-qr" in plain.stdout
    assert list(work.iterdir()) == []  # no key image left in the folder it ran from
    qr = tmp_path / "stick" / "key.png"
    qr.parent.mkdir()
    data_dir = tmp_path / "data2"
    done = fieldreg(data_dir, "init", "--operator", "Sokha", "--recovery-qr", str(qr), cwd=work)
    assert done.returncode == 0, done.stderr
    assert qr.is_file() and list(work.iterdir()) == []
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "fieldreg-recovery-key.png"], cwd=REPO, check=False
    )
    assert ignored.returncode == 0, "fieldreg-recovery-key.png must be in .gitignore"
