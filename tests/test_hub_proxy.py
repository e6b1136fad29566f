"""A real front door (issue 10 items 3 and 4): `fieldreg-hub serve` processes sharing one
database behind Debian's nginx on loopback, configured by deploy/nginx/fieldreg-hub.conf.
Devices enrol and sync through nginx over pinned TLS; an instance SIGKILLed with a batch in
flight costs nothing (0 lost, 0 duplicated, the same receipt from any instance); a body past
the hub's cap is refused by nginx before an instance sees it; the hub believes X-Forwarded-For
from the proxy's address alone."""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import requests

from fieldreg.store.sync_settings import SyncSettings
from fieldreg.transfer.media import MAX_BATCH_FILE_BYTES
from sync.client import HubClient, HubRefused
from sync.engine import SyncReport
from sync.enrol import enrol_device
from sync.hub.app import MAX_BATCH_BYTES
from sync.tls import make_self_signed, pin_of_file
from tests.cli_runner import hub_cli
from tests.proxy_support import PROXY_ADDRESS, Instance, ProxiedHubs, alive, queued_bytes
from tests.sync_support import Device, wait_until

BATCHES = "/v1/batches"


@pytest.fixture
def hubs(tmp_path: Path, hub_database: str | None) -> Iterator[ProxiedHubs]:
    with ProxiedHubs(tmp_path, instances=2, database=hub_database) as running:
        yield running
        started = running.pids()
    assert len(started) >= 4  # two instances, nginx and at least one worker
    assert [pid for pid in started if alive(pid)] == []  # nothing left running


def enrolled(hubs: ProxiedHubs, folder: Path) -> Device:
    """A device enrolled through nginx with a string that pins nginx's TLS key."""
    device = Device(folder)
    text = hubs.hub().issue_token(hubs.url, tls_pin=pin_of_file(hubs.tls[0]))
    enrol_device(device.store, device.session, text)
    return device


def count(hubs: ProxiedHubs, sql: str, params: list[object] | None = None) -> int:
    with hubs.hub().storage.read() as db:
        return int(db.execute(sql, params or []).fetchone()[0])


def batch_lines(hubs: ProxiedHubs) -> list[str]:
    return [line for line in hubs.access_log() if f'"POST {BATCHES}"' in line]


def upstreams(line: str) -> list[str]:
    """The instances nginx tried for one request, in order (`-`: none)."""
    field = line.split(" upstream=", 1)[1].split(" upstream_status=", 1)[0]
    return [part.strip() for part in field.split(",")]


def test_three_devices_over_two_instances_arrive_once(hubs: ProxiedHubs, tmp_path: Path) -> None:
    devices = [enrolled(hubs, tmp_path / f"device-{n}") for n in range(3)]
    ids: list[str] = []
    for device in devices:  # ten records a batch: six batches each
        settings = replace(device.store.sync_settings(), batch_size=10)
        device.session.set_sync_settings(settings)
        ids += device.register(60)
    reports: list[SyncReport] = []
    threads = [
        threading.Thread(target=lambda d=device: reports.append(d.engine().sync_once()))
        for device in devices
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert [(r.complete, r.accepted, r.batches) for r in reports] == [(True, 60, 6)] * 3
    assert sorted(row["id"] for row in hubs.hub().registrations()) == sorted(ids)
    assert count(hubs, "SELECT count(*) FROM packets") == 180  # each record once
    assert count(hubs, "SELECT count(*) FROM batches") == 18
    wait_until(lambda: len(batch_lines(hubs)) == 18, 10, "nginx to log every batch")
    served = {upstreams(line)[0] for line in batch_lines(hubs)}
    assert served == {f"127.0.0.1:{i.port}" for i in hubs.instances}  # both took batches
    # over TLS to nginx, from the devices' address: the hub believed the proxy's headers
    with hubs.hub().storage.read() as db:
        rows = db.execute("SELECT DISTINCT transport, client FROM batches").fetchall()
    assert [tuple(row) for row in rows] == [("https", "127.0.0.1")]


def stopped_instance_holding_a_request(hubs: ProxiedHubs, at_least: int) -> Instance | None:
    """The stopped instance whose socket holds a forwarded request it has not read yet."""
    held = [i for i in hubs.instances if queued_bytes(i.port) >= at_least]
    return held[0] if len(held) == 1 else None


def test_an_instance_killed_with_a_batch_in_flight_costs_nothing(
    hubs: ProxiedHubs, tmp_path: Path
) -> None:
    """Both instances are stopped (SIGSTOP); the device sends its batch; once nginx has
    forwarded it to one of them (it sits unread in that instance's socket), that instance is
    SIGKILLed and the other resumed. nginx sends the batch on to the other; the device sees
    one answer and carries on."""
    device = enrolled(hubs, tmp_path / "device")
    ids = device.register(40)
    batch_id, body = device.formed_batch()  # what the engine will send first
    for instance in hubs.instances:
        os.kill(instance.pid, signal.SIGSTOP)
    reports: list[SyncReport] = []
    sending = threading.Thread(target=lambda: reports.append(device.engine().sync_once()))
    sending.start()
    try:
        wait_until(
            lambda: stopped_instance_holding_a_request(hubs, min(len(body), 16 * 1024)),
            30,
            "nginx to forward the batch to an instance",
        )
        victim = stopped_instance_holding_a_request(hubs, min(len(body), 16 * 1024))
        assert victim is not None
        hubs.kill(victim)
    finally:
        for instance in hubs.instances:
            if instance.process.poll() is None:
                os.kill(instance.pid, signal.SIGCONT)
    sending.join(60)
    (report,) = reports
    assert (report.complete, report.error, report.accepted) == (True, "", 40)
    assert set(device.statuses().values()) == {"synced"}
    assert sorted(row["id"] for row in hubs.hub().registrations()) == sorted(ids)
    assert count(hubs, "SELECT count(*) FROM packets") == 40
    assert count(hubs, "SELECT count(*) FROM batches WHERE batch_id = ?", [batch_id]) == 1
    (survivor,) = [i for i in hubs.instances if i is not victim]
    wait_until(lambda: len(batch_lines(hubs)) == 1, 10, "nginx to log the batch")
    (line,) = batch_lines(hubs)
    tried = [f"127.0.0.1:{victim.port}", f"127.0.0.1:{survivor.port}"]
    assert upstreams(line) == tried and '" 200 ' in line  # the victim, then the survivor


def test_a_batch_stored_by_a_dead_instance_gets_the_same_receipt_from_another(
    hubs: ProxiedHubs, tmp_path: Path
) -> None:
    """Instance A stores the batch and dies before the device hears back; the device sends
    the same batch again through nginx, which reaches B: B answers with A's receipt, byte for
    byte, and nothing is counted twice."""
    device = enrolled(hubs, tmp_path / "device")
    device.register(25)
    batch_id, body = device.formed_batch()
    first, second = hubs.instances
    from_first = HubClient(SyncSettings(hub_url=first.url)).upload_batch(body)
    hubs.kill(first)
    through_proxy = HubClient(device.store.sync_settings())
    assert through_proxy.upload_batch(body) == from_first
    assert through_proxy.upload_batch(body) == from_first  # and again, whichever answers
    report = device.engine().sync_once()  # the device's own retry of its open batch
    assert (report.complete, report.error, report.batches) == (True, "", 1)
    assert set(device.statuses().values()) == {"synced"}
    assert count(hubs, "SELECT count(*) FROM packets") == 25
    assert count(hubs, "SELECT count(*) FROM batches") == 1
    wait_until(lambda: len(batch_lines(hubs)) == 3, 10, "nginx to log the batches")
    assert {upstreams(line)[-1] for line in batch_lines(hubs)} == {f"127.0.0.1:{second.port}"}


def test_a_body_over_the_cap_is_refused_by_nginx_before_any_instance(
    hubs: ProxiedHubs, tmp_path: Path
) -> None:
    assert MAX_BATCH_BYTES == MAX_BATCH_FILE_BYTES == 16 * 1024 * 1024  # nginx's 16m
    device = enrolled(hubs, tmp_path / "device")
    client = HubClient(device.store.sync_settings())
    with pytest.raises(HubRefused) as refused:
        client.upload_batch(b"x" * (MAX_BATCH_BYTES + 1))
    assert (refused.value.status, refused.value.code) == (413, "too_large")
    with pytest.raises(HubRefused) as at_the_cap:  # exactly the cap goes on to the hub
        client.upload_batch(b"x" * MAX_BATCH_BYTES)
    assert (at_the_cap.value.status, at_the_cap.value.code) == (400, "not_a_batch")
    wait_until(lambda: len(batch_lines(hubs)) == 2, 10, "nginx to log both")
    too_large, at_cap = batch_lines(hubs)
    assert '" 413 ' in too_large and upstreams(too_large) == ["-"]  # no instance saw it
    assert '" 400 ' in at_cap and upstreams(at_cap) != ["-"]


def test_the_enrolment_string_pins_the_proxys_key(hubs: ProxiedHubs, tmp_path: Path) -> None:
    """`fieldreg-hub token --tls-cert` pins nginx's certificate; the device checks it through
    nginx; nginx restarted at the same address with another key is refused."""
    on = ["--database", hubs.database] if hubs.database else []
    made = hub_cli(hubs.data_dir, "token", "--url", hubs.url, "--tls-cert", str(hubs.tls[0]), *on)
    assert made.returncode == 0, made.stderr
    device = Device(tmp_path / "device")
    enrol_device(device.store, device.session, made.stdout.strip())
    assert device.store.sync_settings().tls_pin == pin_of_file(hubs.tls[0])
    assert device.store.sync_settings().tls_pin != hubs.hub().tls_pin  # not an instance's
    device.register(3)
    assert device.engine().sync_once().complete
    assert [attempt.transport for attempt in device.store.outbox.sync_log()] == ["https"]
    hubs.stop_nginx()
    hubs.start_nginx(make_self_signed(tmp_path / "other-tls"))
    device.register(2)
    report = device.engine().sync_once()
    assert report.error == "tls_pin_mismatch"
    assert Counter(device.statuses().values()) == {"synced": 3, "pending": 2}
    assert count(hubs, "SELECT count(*) FROM packets") == 3


def test_forwarded_headers_are_believed_from_the_proxy_alone(
    hubs: ProxiedHubs, tmp_path: Path
) -> None:
    """A device cannot name another address, claim TLS or claim to be a CamDX client: nginx
    replaces what it sent, and an instance reached directly ignores the headers, since only
    the proxy's address is trusted (`serve --forwarded-allow-ips`)."""
    claims = {
        "X-Forwarded-For": "203.0.113.9",
        "X-Forwarded-Proto": "https",
        "X-Road-Client": "CAMBODIA/GOV/SPOOF/ED",
    }
    device = enrolled(hubs, tmp_path / "device")
    device.register(2)
    _, via_proxy = device.formed_batch()
    claiming = requests.Session()
    claiming.headers.update(claims)
    HubClient(device.store.sync_settings(), http=claiming).upload_batch(via_proxy)
    device.register(2)
    _, direct = device.formed_batch()
    direct_to_instance = SyncSettings(hub_url=hubs.instances[0].url)
    claiming_too = requests.Session()  # (X-Road-Client is CamDX's affair, not the proxy's)
    claiming_too.headers.update({k: v for k, v in claims.items() if k != "X-Road-Client"})
    HubClient(direct_to_instance, http=claiming_too).upload_batch(direct)
    with hubs.hub().storage.read() as db:
        rows = db.execute("SELECT transport, client FROM batches").fetchall()
    assert sorted(tuple(row) for row in rows) == [("http", "127.0.0.1"), ("https", "127.0.0.1")]
    assert PROXY_ADDRESS not in {row[1] for row in rows}
