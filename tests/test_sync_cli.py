"""The whole loop from the README, as a newcomer runs it: hub, token, enrol, register, sync,
hub export, sync log; and the same over removable media."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_runner import fieldreg, hub_cli, hub_env, init_store
from tests.factories import raw_record
from tests.plaintext import found_in, person_values


def serve_hub(hub_dir: Path) -> subprocess.Popen[str]:
    """`fieldreg-hub serve` on a free port of 127.0.0.1, started as a coordinator would."""
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "fieldreg-hub"),
            "--data-dir",
            str(hub_dir),
            "serve",
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=hub_env(hub_dir),
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert "listening on http://127.0.0.1:" in line, process.stderr.read() if process.stderr else ""
    return process


@pytest.fixture
def served_hub(tmp_path: Path):
    hub_dir = tmp_path / "hub"
    process = serve_hub(hub_dir)
    yield hub_dir
    process.terminate()
    process.wait(timeout=10)


PEOPLE = [
    raw_record(name_en="Loop Sokunthea", name_km="សុគន្ធា"),
    raw_record(name_en="Loop Vibol", name_km="វិបុល", sex="M"),
]


def test_readme_loop_register_sync_export(tmp_path: Path, served_hub: Path) -> None:
    data_dir = tmp_path / "device"
    init_store(data_dir)
    payload = "\n".join(json.dumps(p, ensure_ascii=False) for p in PEOPLE).encode()
    ids = [
        json.loads(line)["id"]
        for line in fieldreg(
            data_dir, "register", "--event", "Kampot", "-", input=payload
        ).stdout.splitlines()
    ]
    token = hub_cli(served_hub, "token", "--qr", str(tmp_path / "token.png"))
    assert token.returncode == 0 and token.stdout.startswith("FRENROLL1:")
    assert (tmp_path / "token.png").stat().st_size > 0
    enrolled = fieldreg(data_dir, "enroll", token.stdout.strip())
    assert enrolled.returncode == 0, enrolled.stderr
    assert "2 earlier registration(s) sealed" in enrolled.stdout
    pending = fieldreg(data_dir, "sync", "--once", FIELDREG_PASSPHRASE="")
    assert pending.returncode == 0, pending.stderr  # no passphrase needed to sync
    assert json.loads(pending.stdout)["accepted"] == 2
    exported = [json.loads(line) for line in hub_cli(served_hub, "export").stdout.splitlines()]
    assert sorted(row["id"] for row in exported) == sorted(ids)
    assert {row["name_en"] for row in exported} == {"LOOP SOKUNTHEA", "LOOP VIBOL"}
    assert {row["event"] for row in exported} == {"Kampot"}
    table = list(
        csv.DictReader(io.StringIO(hub_cli(served_hub, "export", "--format", "csv").stdout))
    )
    assert len(table) == 2 and table[0]["name_km"] in ("សុគន្ធា", "វិបុល")
    statuses = {
        json.loads(line)["status"] for line in fieldreg(data_dir, "list").stdout.splitlines()
    }
    assert statuses == {"synced"}

    log_file = tmp_path / "sync-log.csv"
    logged = fieldreg(
        data_dir, "sync-log", "--format", "csv", "--out", str(log_file), FIELDREG_PASSPHRASE=""
    )
    assert logged.returncode == 0
    rows = list(csv.DictReader(io.StringIO(log_file.read_text())))
    assert rows[-1]["outcome"] == "ok" and rows[-1]["accepted"] == "2"
    json_log = fieldreg(data_dir, "sync-log", "--format", "json").stdout
    personal = set().union(*(person_values(person) for person in PEOPLE))
    assert found_in(log_file.read_bytes() + json_log.encode("utf-8"), personal) == []

    devices = [json.loads(line) for line in hub_cli(served_hub, "devices").stdout.splitlines()]
    assert devices[0]["accepted"] == 2
    revoked = hub_cli(served_hub, "devices", "--revoke", devices[0]["device_id"])
    assert revoked.returncode == 0
    late = fieldreg(data_dir, "register", "-", input=json.dumps(raw_record()).encode())
    assert late.returncode == 0, late.stderr
    refused = fieldreg(data_dir, "sync", "--once")
    assert refused.returncode == 1 and "revoked" in refused.stderr


def test_sync_once_without_a_hub_says_so_and_keeps_records(
    tmp_path: Path, served_hub: Path
) -> None:
    data_dir = tmp_path / "device"
    init_store(data_dir)
    not_enrolled = fieldreg(data_dir, "sync", "--once")
    assert not_enrolled.returncode == 1 and "fieldreg enroll" in not_enrolled.stderr
    token = hub_cli(served_hub, "token", "--url", "http://127.0.0.1:9").stdout.strip()
    unreachable = fieldreg(data_dir, "enroll", token)
    assert unreachable.returncode == 1 and "cannot be reached" in unreachable.stderr


def test_removable_media_round_trip_with_the_clis(tmp_path: Path) -> None:
    hub_dir, usb = tmp_path / "hub", tmp_path / "usb"
    data_dir = tmp_path / "device"
    init_store(data_dir)
    # enrolment needs the hub once (on loopback here); afterwards only the stick travels
    hub = serve_hub(hub_dir)
    try:
        token = hub_cli(hub_dir, "token").stdout.strip()
        assert fieldreg(data_dir, "enroll", token).returncode == 0
    finally:
        hub.terminate()
        hub.wait(timeout=10)
    payload = "\n".join(json.dumps(raw_record()) for _ in range(5)).encode()
    assert fieldreg(data_dir, "register", "-", input=payload).returncode == 0
    usb.mkdir()  # export-batches never creates the folder: the stick must be there
    written = fieldreg(data_dir, "export-batches", "--out", str(usb), FIELDREG_PASSPHRASE="")
    assert written.returncode == 0 and "1 batch file(s)" in written.stdout
    imported = hub_cli(hub_dir, "import", str(usb))
    assert imported.returncode == 0 and "receipt written" in imported.stdout
    applied = fieldreg(data_dir, "import-receipts", str(usb), FIELDREG_PASSPHRASE="")
    assert applied.returncode == 0 and "5 accepted" in applied.stdout
    again = hub_cli(hub_dir, "import", str(usb))  # the same stick twice: nothing new
    assert again.returncode == 0
    assert len(hub_cli(hub_dir, "export").stdout.splitlines()) == 5
    assert len(fieldreg(data_dir, "list", "--status", "synced").stdout.splitlines()) == 5
