"""The hub as several instances on one database, on both engines (issue 10 item 2): what two
`serve` processes could do at the same moment is settled in the database, never by a lock in
one process. Two Hub objects on one database are two instances (each its own connections);
the engine comes from `any_hub_database` (SQLite hub.db, then a throwaway PostgreSQL).

PostgreSQL-only faults at the end: the database restarting under a sync, every connection in
use, and instances migrating a new database at the same moment."""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldreg.store.device_identity import public_bytes
from fieldreg.transfer.enrolment_string import parse_enrolment
from sync.hub.app import RETRY_AFTER_S
from sync.hub.hub import Hub, HubError
from sync.hub.keys import throwaway_custody
from sync.hub.schema import HUB_MIGRATIONS_PG
from sync.hub.server import BackgroundHub
from sync.hub.storage.postgres import PostgresStorage
from tests.cli_runner import hub_cli
from tests.pg_support import PgCluster
from tests.sync_support import Device, hub_ids

THREADS = 4


def _instance(folder: Path, database: str | None) -> Hub:
    return Hub(folder, throwaway_custody(folder), database=database)


@pytest.fixture
def two(tmp_path: Path, any_hub_database: str | None) -> Iterator[tuple[Hub, Hub]]:
    """Instances A and B of one hub: one database, one key file."""
    first = _instance(tmp_path / "hub", any_hub_database)
    second = _instance(tmp_path / "hub", any_hub_database)
    try:
        yield first, second
    finally:
        first.close()
        second.close()


def enrolled(tmp_path: Path, hub: Hub) -> Device:
    """A device enrolled over HTTP through a third instance of `hub` (closed afterwards)."""
    device = Device(tmp_path / "device")
    with BackgroundHub(hub.data_dir, database=hub.database) as third:
        device.enrol(third.hub, third.url)
    return device


def _at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released together; their results (or exceptions) in order."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        start.wait(timeout=30)
        try:
            results[index] = calls[index]()
        except Exception as error:  # noqa: BLE001 - returned for the test to judge
            results[index] = error

    threads = [threading.Thread(target=run, args=[i]) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_a_batch_replayed_to_another_instance_gets_the_byte_identical_receipt(
    tmp_path: Path, two: tuple[Hub, Hub]
) -> None:
    a, b = two
    device = enrolled(tmp_path, a)
    ids = device.register(5)
    _, body = device.formed_batch()
    first = a.receive_batch(body, transport="https")
    assert b.receive_batch(body, transport="https") == first
    assert sorted(hub_ids(b)) == sorted(ids) == sorted(hub_ids(a))
    assert a.counts() == b.counts() == {"accepted": 5, "rejected": 0}


def test_the_same_batch_at_two_instances_at_once_is_stored_once_with_one_receipt(
    tmp_path: Path, two: tuple[Hub, Hub]
) -> None:
    a, b = two
    device = enrolled(tmp_path, a)
    device.register(20)
    _, body = device.formed_batch()
    receipts = _at_once(
        [lambda hub=hub: hub.receive_batch(body, transport="https") for hub in (a, b) * 2]
    )
    assert all(isinstance(receipt, bytes) for receipt in receipts), receipts
    assert len(set(receipts)) == 1
    assert a.counts() == {"accepted": 20, "rejected": 0}
    assert len(hub_ids(b)) == 20


def test_devices_syncing_through_both_instances_at_once_lose_and_double_nothing(
    tmp_path: Path, two: tuple[Hub, Hub]
) -> None:
    a, b = two
    with BackgroundHub(tmp_path / "hub", hub=a) as sa, BackgroundHub(tmp_path / "hub", hub=b) as sb:
        devices = [Device(tmp_path / f"device-{n}") for n in range(THREADS)]
        for n, device in enumerate(devices):
            device.enrol(a, sa.url)
            device.register(30)
            device.point_at((sa, sb)[n % 2].url)
        reports = _at_once([lambda d=d: d.engine().sync_once() for d in devices])
        assert all(report.complete for report in reports), reports
        expected = sorted(rid for d in devices for rid in d.statuses())
        assert sorted(hub_ids(a)) == expected == sorted(hub_ids(b))
        assert all(set(d.statuses().values()) == {"synced"} for d in devices)
        assert a.verify_audit().ok and b.verify_audit().ok


def test_one_enrolment_token_used_at_two_instances_at_once_enrols_one_device(
    two: tuple[Hub, Hub],
) -> None:
    a, b = two
    enrolment, _ = parse_enrolment(a.issue_token("http://127.0.0.1:9"))
    assert enrolment is not None
    keys = [public_bytes(Ed25519PrivateKey.generate().public_key()) for _ in range(2)]
    results = _at_once(
        [
            lambda hub=hub, n=n: hub.enrol(enrolment.token, str(uuid.uuid4()), keys[n])
            for n, hub in enumerate((a, b))
        ]
    )
    refused = [r for r in results if isinstance(r, HubError)]
    assert len(refused) == 1 and refused[0].code == "token_used", results
    assert len(b.devices()) == 1


def test_the_audit_chain_stays_one_chain_when_instances_write_at_once(
    two: tuple[Hub, Hub],
) -> None:
    a, b = two
    _at_once([lambda hub=hub: hub.issue_token("http://127.0.0.1:9") for hub in (a, b) * 4])
    check = b.verify_audit()
    assert check.ok and check.keyed and check.entries == 8
    assert [e["seq"] for e in a.audit_entries()] == list(range(1, 9))


# -- PostgreSQL faults ----------------------------------------------------------------------


@pytest.fixture
def own_cluster() -> Iterator[PgCluster]:
    """A cluster of its own, durable like a real one (fsync, synchronous commits): these
    tests crash it, and a crash must not lose what was committed."""
    with PgCluster(fsync=True) as cluster:
        yield cluster


def test_a_database_restart_under_a_sync_loses_nothing(
    tmp_path: Path, own_cluster: PgCluster
) -> None:
    database = own_cluster.database()
    with BackgroundHub(tmp_path / "hub", database=database) as served:
        device = Device(tmp_path / "device")
        device.enrol(served.hub, served.url)
        first = device.register(3)
        assert device.engine().sync_once().complete
        own_cluster.stop(mode="immediate")  # PostgreSQL crashes
        later = device.register(2)
        down = device.engine().sync_once()
        assert not down.complete  # a 503 the device keeps its batch for
        assert device.statuses()[later[0]] == "pending"
        own_cluster.start()  # back, every pooled connection broken
        again = device.engine().sync_once()
        assert again.complete, again
        assert sorted(hub_ids(served.hub)) == sorted(first + later)
        assert set(device.statuses().values()) == {"synced"}


def test_every_connection_in_use_is_a_503_the_device_retries(
    tmp_path: Path, pg_cluster: PgCluster, caplog: pytest.LogCaptureFixture
) -> None:
    database = pg_cluster.database()
    hub = _instance(tmp_path / "hub", database)
    hub.storage.close()
    hub.storage = PostgresStorage.open(database, max_size=1, timeout_s=0.5)
    with BackgroundHub(tmp_path / "hub", hub=hub) as served:
        device = Device(tmp_path / "device")
        device.enrol(hub, served.url)
        ids = device.register(2)
        _, body = device.formed_batch()
        with hub.storage.write():  # the one connection, held elsewhere
            answer = requests.post(f"{served.url}/v1/batches", data=body, timeout=30)
            assert (answer.status_code, answer.json()["error"]) == (503, "hub_busy")
            assert answer.headers["Retry-After"] == str(RETRY_AFTER_S)
            assert "answered 503 hub_busy" in caplog.text  # what the operator's log shows
            assert not device.engine().sync_once().complete  # kept for later
        assert device.engine().sync_once().complete
        assert sorted(hub_ids(hub)) == sorted(ids)
        assert set(device.statuses().values()) == {"synced"}


def test_instances_starting_together_migrate_once_and_share_one_key(
    tmp_path: Path, pg_cluster: PgCluster
) -> None:
    database = pg_cluster.database()
    throwaway_custody(tmp_path / "hub")  # the instances' one passphrase, made beforehand
    hubs = _at_once([lambda: _instance(tmp_path / "hub", database) for _ in range(3)])
    try:
        assert all(isinstance(hub, Hub) for hub in hubs), hubs
        assert len({hub.fingerprint for hub in hubs}) == 1
        with hubs[0].storage.read() as db:
            names = [row[0] for row in db.execute("SELECT name FROM _migrations")]
        assert sorted(names) == sorted(name for name, _ in HUB_MIGRATIONS_PG)  # each once
    finally:
        for hub in hubs:
            if isinstance(hub, Hub):
                hub.close()


def test_the_audit_log_is_append_only_in_postgresql_too(
    tmp_path: Path, pg_cluster: PgCluster
) -> None:
    hub = _instance(tmp_path / "hub", pg_cluster.database())
    try:
        hub.issue_token("http://127.0.0.1:9")
        for statement in (
            "UPDATE audit_log SET actor = 'someone else'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ):
            with pytest.raises(psycopg.errors.RaiseException), hub.storage.write() as db:
                db.execute(statement)
        assert hub.verify_audit().ok and len(hub.audit_entries()) == 1
    finally:
        hub.close()


def test_a_database_that_is_down_at_start_is_named_unavailable_without_its_password(
    tmp_path: Path,
) -> None:
    """`fieldreg-hub --database URL` when nothing answers at URL: the operator reads that the
    database cannot be reached (not that the hub is busy), and the URL's password appears
    nowhere in what the command prints."""
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    secret = "S3cret-Passw0rd-in-the-url"
    done = hub_cli(
        tmp_path / "hub",
        "--database",
        f"postgresql://fieldreg:{secret}@127.0.0.1:{port}/hub",
        "devices",
    )
    assert done.returncode == 1
    assert "(database_unavailable)" in done.stderr, done.stderr
    assert secret not in done.stderr + done.stdout
