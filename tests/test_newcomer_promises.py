"""The small promises a newcomer meets in the first minutes: setup keeps stdout clean and waits
for apt, stderr carries one sentence, a closed pipe is no crash, no display is one line, --help
names every environment variable, and `fieldreg-hub` takes --data-dir after the command."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from sync.hub import cli as hub_cli
from sync.hub.hub import HUB_DB
from tests.cli_runner import (
    HUB_PASSPHRASE,
    REPO,
    cli_env,
    ensure_hub_user,
    fieldreg,
    fieldreg_command,
    hub_env,
    init_store,
)
from ui.cli import entry
from ui.display import missing_display


def test_setup_prints_nothing_on_stdout_and_waits_for_the_apt_lock(tmp_path: Path) -> None:
    # A copy of scripts/setup in a fake checkout, with apt, dpkg, sudo and the venv's python
    # replaced by scripts that chatter on stdout and log their arguments.
    (tmp_path / "scripts").mkdir()
    shutil.copy2(REPO / "scripts" / "setup", tmp_path / "scripts" / "setup")
    (tmp_path / "pyproject.toml").write_text("")
    fakes = tmp_path / "bin"
    fakes.mkdir()
    apt_log = tmp_path / "apt.log"
    scripts = {
        fakes / "dpkg": "exit 1",  # nothing is installed
        fakes / "sudo": 'exec "$@"',
        fakes / "apt-get": f'echo "apt-get chatter"; echo "$*" >> {apt_log}',
        tmp_path / ".venv" / "bin" / "python": 'echo "python chatter $*"',
    }
    for path, body in scripts.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)
    result = subprocess.run(
        [str(tmp_path / "scripts" / "setup")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": f"{fakes}:/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "setup: installing Debian packages" in result.stderr
    assert "apt-get chatter" in result.stderr
    assert "python chatter -m pip install" in result.stderr
    update, install = apt_log.read_text().splitlines()
    assert update.startswith("-o DPkg::Lock::Timeout=300 update")
    assert install.startswith("-o DPkg::Lock::Timeout=300 install")


def test_an_error_is_one_sentence_on_stderr_and_nothing_else(tmp_path: Path) -> None:
    init_store(tmp_path / "data")
    again = fieldreg(
        tmp_path / "data", "init", "--operator", "Sokha", "--recovery-qr", str(tmp_path / "k.png")
    )
    assert again.returncode == 1
    assert again.stderr.splitlines() == [
        f"fieldreg: a FieldReg store already exists at {tmp_path / 'data' / 'fieldreg.db'}"
    ]


def run_with_closed_stdout(command: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Like `command | head -0`: the reader is gone before the first byte is written."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            command, stdout=write_end, stderr=subprocess.PIPE, env=env, timeout=120, check=False
        )
    finally:
        os.close(write_end)
    return result.returncode, result.stderr.decode()


def test_fieldreg_list_into_a_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    init_store(data_dir)
    code, stderr = run_with_closed_stdout(
        [*fieldreg_command(), "list", "--format", "csv"], cli_env(data_dir)
    )
    assert (code, stderr) == (1, "")


def test_hub_export_into_a_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    command = [str(Path(sys.executable).parent / "fieldreg-hub"), "export", "--format", "csv"]
    ensure_hub_user(tmp_path / "hub")  # an export needs a hub user
    assert run_with_closed_stdout(command, hub_env(tmp_path / "hub")) == (1, "")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 and Wayland are Linux's")
@pytest.mark.parametrize("platform", [None, "xcb", "wayland;xcb"])
def test_the_app_without_a_display_says_so_in_one_line(
    tmp_path: Path, platform: str | None
) -> None:
    env = {
        key: value
        for key, value in cli_env(tmp_path / "data").items()
        if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    if platform:
        env["QT_QPA_PLATFORM"] = platform
    result = subprocess.run(
        fieldreg_command(), capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert result.returncode == 1  # not -6, Qt's SIGABRT
    [line] = result.stderr.splitlines()
    assert line.startswith("fieldreg: no display found: ")
    assert "scripts/run --demo" in line and "xvfb-run" in line
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    ("environ", "platform"),
    [
        ({"DISPLAY": ":0"}, "linux"),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux"),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux"),
        ({"QT_QPA_PLATFORM": "wayland;offscreen"}, "linux"),
        ({"QT_QPA_PLATFORM": "xcb:nograb", "DISPLAY": ":99"}, "linux"),
        ({}, "darwin"),
        ({}, "win32"),
    ],
)
def test_a_display_or_a_headless_platform_lets_the_app_start(
    environ: dict[str, str], platform: str
) -> None:
    assert missing_display(environ, platform) is None


def test_a_platform_naming_its_missing_display() -> None:
    problem = missing_display({"QT_QPA_PLATFORM": "wayland", "DISPLAY": ":0"}, "linux")
    assert problem and "QT_QPA_PLATFORM=wayland needs WAYLAND_DISPLAY" in problem


def environment_names(root: Path) -> dict[Path, set[str]]:
    """Every environment variable a source file reads, found the way a reviewer would grep."""
    reads = re.compile(
        r"""(?:environ(?:\.get|\.pop|\.setdefault)?\s*[\(\[]|getenv\s*\()\s*["']([A-Z][A-Z0-9_]*)["']"""
    )
    named = re.compile(r"""["'](FIELDREG_[A-Z0-9_]+)["']""")
    found: dict[Path, set[str]] = {}
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        names = set(reads.findall(text)) | set(named.findall(text))
        if names:
            found[path] = names
    return found


def help_text(
    main: Callable[[Sequence[str]], int], *argv: str, capsys: pytest.CaptureFixture[str]
) -> str:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    assert exited.value.code == 0
    return capsys.readouterr().out


def test_help_names_every_environment_variable_the_code_reads(
    capsys: pytest.CaptureFixture[str],
) -> None:
    found = {**environment_names(REPO / "ui"), **environment_names(REPO / "sync")}
    hub_names = {n for path, names in found.items() if "hub" in path.parts for n in names}
    app_names = {n for path, names in found.items() if "hub" not in path.parts for n in names}
    assert {"FIELDREG_RECOVERY_KEY", "FIELDREG_NEW_PASSPHRASE"} <= app_names  # the grep works
    assert "FIELDREG_HUB_DATA_DIR" in hub_names
    for argv in (["--help"], ["operator", "recover", "--help"], ["list", "--help"]):
        text = help_text(entry.main, *argv, capsys=capsys)
        assert sorted(n for n in app_names if n not in text) == [], argv
    for argv in (["--help"], ["serve", "--help"]):
        text = help_text(hub_cli.main, *argv, capsys=capsys)
        assert sorted(n for n in hub_names if n not in text) == [], argv


def test_hub_data_dir_is_accepted_before_or_after_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIELDREG_HUB_PASSPHRASE", HUB_PASSPHRASE)
    for name, value in hub_env(tmp_path).items():  # `token` needs a hub user: the tests' one
        if name.startswith("FIELDREG_HUB_USER"):
            monkeypatch.setenv(name, value)
    before, after = tmp_path / "before", tmp_path / "after"
    ensure_hub_user(after)
    parse = hub_cli.build_parser().parse_args
    assert parse(["--data-dir", str(before), "serve"]).data_dir == before
    assert parse(["serve", "--data-dir", str(after)]).data_dir == after
    assert parse(["--data-dir", str(before), "serve", "--data-dir", str(after)]).data_dir == after
    assert parse(["serve"]).data_dir is None
    assert hub_cli.main(["token", "--data-dir", str(after), "--url", "http://127.0.0.1:1"]) == 0
    assert capsys.readouterr().out.startswith("FRENROLL1:")
    assert (after / HUB_DB).exists() and not before.exists()
