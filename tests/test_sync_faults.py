"""Faults we must survive: a bad network, a hub killed mid-sync, a device killed mid-sync.
After the faults stop and sync completes, the hub holds exactly the registered set."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sync.enrol import enrol_device
from sync.faulty_link import Fault, FaultyLink, LinkShape
from sync.hub.hub import Hub
from sync.hub.server import BackgroundHub
from tests.cli_runner import (
    cli_custody,
    cli_env,
    fieldreg,
    fieldreg_command,
    hub_env,
    init_store,
)
from tests.factories import raw_record
from tests.sync_support import Device, hub_ids, wait_until


def sync_until_complete(
    device: Device, attempts: int = 40, errors: list[str] | None = None
) -> list[str]:
    """Retry as the app does; each attempt opens a new connection (so each meets a fault).
    The errors go into `errors` as they happen, for a test watching from another thread."""
    errors = [] if errors is None else errors
    for _ in range(attempts):
        report = device.engine().sync_once()
        errors += report.errors
        if report.complete:
            return errors
        time.sleep(0.2)
    raise AssertionError(f"sync never completed: {errors}")


def test_dropped_cut_reset_and_delayed_connections_lose_and_duplicate_nothing(
    tmp_path: Path, hub_database: str | None
) -> None:
    with (
        BackgroundHub(tmp_path / "hub", database=hub_database) as hub,
        FaultyLink(hub.port, delay_seconds=1) as link,
    ):
        device = Device(tmp_path / "device")
        device.enrol(hub.hub, hub.url)
        device.point_at(link.url)
        ids = device.register(400)
        link.inject(
            Fault.DROP_BEFORE_REQUEST,
            Fault.DROP_MID_UPLOAD,
            Fault.DROP_BEFORE_RESPONSE,
            Fault.RESET,
            Fault.DROP_BEFORE_RESPONSE,
            Fault.DROP_MID_UPLOAD,
            Fault.DELAY,
        )
        errors = sync_until_complete(device)
        assert errors == ["hub_unreachable"] * 6
        assert not link.faults, "every fault was met"
        assert sorted(hub_ids(hub.hub)) == sorted(ids)
        assert set(device.statuses().values()) == {"synced"}
        # the hub committed batches whose receipts were cut off: the resend was answered
        # from its records, not stored twice
        assert hub.hub.counts() == {"accepted": 400, "rejected": 0}


def start_hub_process(data_dir: Path) -> tuple[subprocess.Popen[bytes], int]:
    """`fieldreg-hub serve` on port 0; the port it really bound, from the line it prints once
    its socket is listening."""
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "fieldreg-hub"),
            "--data-dir",
            str(data_dir),
            "serve",
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=hub_env(data_dir),
    )
    assert process.stdout is not None
    line = process.stdout.readline().decode()
    listening = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
    assert listening, f"the hub did not start: {line!r}"
    return process, int(listening.group(1))


def acknowledged(device: Device) -> int:
    """Read progress through a second connection, as a coordinator's screen would."""
    with sqlite3.connect(device.store.data_dir.db_path) as db:
        return int(db.execute("SELECT count(*) FROM outbox WHERE state != 'pending'").fetchone()[0])


def test_hub_killed_mid_sync_and_restarted(tmp_path: Path, hub_database: str | None) -> None:
    """The device knows the hub by the link's address; the hub behind it is killed, and a new
    hub process on the same data directory takes its place (on whatever port it gets)."""
    hub_dir = tmp_path / "hub"
    hub, hub_port = start_hub_process(hub_dir)
    errors: list[str] = []
    try:
        with FaultyLink(hub_port, shape=LinkShape(rtt_ms=40, bandwidth_bps=4_000_000)) as link:
            tokens = Hub(
                hub_dir, cli_custody(hub_dir), database=hub_database
            )  # the running hub's keys and tokens
            token = tokens.issue_token(link.url)
            tokens.close()
            device = Device(tmp_path / "device")
            enrol_device(device.store, device.session, token)
            ids = device.register(1500)
            syncing = threading.Thread(
                target=sync_until_complete, args=(device,), kwargs={"errors": errors}
            )
            syncing.start()
            wait_until(lambda: acknowledged(device) > 0, 60, "the first batch acknowledged")
            os.kill(hub.pid, signal.SIGKILL)  # mid-sync: some batches in, more on the wire
            hub.wait()
            assert 0 < acknowledged(device) < 1500
            wait_until(lambda: "hub_unreachable" in errors, 60, "the device meeting no hub")
            hub, link.target_port = start_hub_process(hub_dir)
            syncing.join(timeout=120)
            assert not syncing.is_alive()
    finally:
        hub.kill()
        hub.wait()
    final = Hub(hub_dir, cli_custody(hub_dir), database=hub_database)
    assert sorted(hub_ids(final)) == sorted(ids)
    assert final.counts()["accepted"] == len(ids)
    assert set(device.statuses().values()) == {"synced"}


def test_device_killed_mid_sync_resumes_without_loss(
    tmp_path: Path, hub_database: str | None
) -> None:
    data_dir = tmp_path / "device"
    init_store(data_dir)
    payload = "\n".join(json.dumps(raw_record()) for _ in range(1200)).encode()
    registered = fieldreg(data_dir, "register", "-", input=payload)
    ids = sorted(json.loads(line)["id"] for line in registered.stdout.splitlines())
    assert len(ids) == 1200
    with (
        BackgroundHub(tmp_path / "hub", database=hub_database) as hub,
        FaultyLink(hub.port, shape=LinkShape(rtt_ms=60, bandwidth_bps=4_000_000)) as link,
    ):
        assert fieldreg(data_dir, "enroll", hub.hub.issue_token(link.url)).returncode == 0
        syncing = subprocess.Popen(
            [*fieldreg_command(), "sync"],
            env=cli_env(data_dir),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        wait_until(lambda: hub.hub.counts()["accepted"] > 0, 60, "the first batch accepted")
        sent = link.bytes_up
        wait_until(lambda: link.bytes_up > sent + 16 * 1024, 60, "the next batch on the wire")
        os.kill(syncing.pid, signal.SIGKILL)
        syncing.wait()
        partial = hub.hub.counts()["accepted"]
        assert 0 < partial < 1200, "the kill should land mid-sync"
        finished = fieldreg(data_dir, "sync", "--once")
        assert finished.returncode == 0, finished.stderr
        assert sorted(hub_ids(hub.hub)) == ids
        listed = fieldreg(data_dir, "list", "--status", "synced")
        assert len(listed.stdout.splitlines()) == 1200


@pytest.mark.parametrize("fault", [Fault.DROP_BEFORE_RESPONSE, Fault.DROP_MID_UPLOAD])
def test_sync_once_reports_failure_and_keeps_everything_pending(
    tmp_path: Path, fault: Fault, hub_database: str | None
) -> None:
    with (
        BackgroundHub(tmp_path / "hub", database=hub_database) as hub,
        FaultyLink(hub.port) as link,
    ):
        device = Device(tmp_path / "device")
        device.enrol(hub.hub, hub.url)
        device.point_at(link.url)
        device.register(5)
        link.inject(fault)
        report = device.engine().sync_once()
        assert report.error == "hub_unreachable" and not report.complete
        assert set(device.statuses().values()) == {"pending"}


def test_sync_starts_again_by_itself_when_the_hub_comes_back(
    tmp_path: Path, hub_database: str | None
) -> None:
    """The device knows the hub by the link's address; behind it the hub stops, and later a
    hub on the same data directory starts again (on whatever port it gets)."""
    device = Device(tmp_path / "device")
    with FaultyLink(target_port=0) as link:  # port 0: nothing behind the link yet
        with BackgroundHub(tmp_path / "hub", database=hub_database) as hub:
            link.target_port = hub.port
            device.enrol(hub.hub, link.url)
        ids = device.register(20)  # the hub is down now
        stop, reports = threading.Event(), []
        worker = threading.Thread(
            target=device.engine().run_forever,
            args=(stop,),
            kwargs={"rng": random.Random(1), "on_report": reports.append},
        )
        worker.start()
        try:
            wait_until(lambda: len(reports) >= 2, 20, "two failed attempts")  # it keeps trying
            assert [r.error for r in reports[:2]] == ["hub_unreachable"] * 2
            with BackgroundHub(tmp_path / "hub", database=hub_database) as hub:
                link.target_port = hub.port
                wait_until(lambda: device.store.outbox.pending_count() == 0, 40, "all sent")
                assert sorted(hub_ids(hub.hub)) == sorted(ids)
        finally:
            stop.set()
            worker.join(timeout=10)
    assert not worker.is_alive()
