"""Cross-device duplicates and the hub's job table: real devices syncing over HTTP to a real
hub on 127.0.0.1; the jobs run when the test drains them (or the drainer thread, where said)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from fieldreg.clock import iso
from fieldreg.store.database import DataDir, apply_migrations, connect, transaction
from sync.client import HubClient
from sync.hub import duplicates, jobs
from sync.hub.hub import Hub
from sync.hub.keys import throwaway_custody
from sync.hub.schema import HUB_MIGRATIONS
from sync.hub.server import BackgroundHub
from tests.cli_runner import hub_cli
from tests.factories import raw_record
from tests.pg_support import PgCluster
from tests.plaintext import bytes_of, person_values, plaintext_hits
from tests.sync_support import Device, wait_until


@pytest.fixture
def quiet_hub(tmp_path: Path, hub_database: str | None) -> Iterator[BackgroundHub]:
    """A hub that runs no drainer: its jobs wait for the test's `drain_jobs()`."""
    with BackgroundHub(tmp_path / "hub", database=hub_database, drain_jobs=False) as running:
        yield running


def enrolled(root: Path, hub: BackgroundHub) -> Device:
    device = Device(root)
    device.enrol(hub.hub, hub.url)
    return device


@pytest.fixture
def pair(tmp_path: Path, quiet_hub: BackgroundHub) -> tuple[Device, Device]:
    return enrolled(tmp_path / "a", quiet_hub), enrolled(tmp_path / "b", quiet_hub)


def synced(*devices: Device) -> None:
    for device in devices:
        assert device.engine().sync_once().complete


def pairs_of(hub: BackgroundHub) -> list[tuple[set[str], set[str], str]]:
    return [
        (
            {p["registration_a"], p["registration_b"]},
            {p["device_a"], p["device_b"]},
            p["kind"],
        )
        for p in hub.hub.duplicate_pairs()
    ]


def test_same_id_number_on_two_devices_is_one_pair_after_the_drain_not_before(
    quiet_hub: BackgroundHub, pair: tuple[Device, Device]
) -> None:
    a, b = pair
    (first,) = a.register(id_number="731902468")
    (second,) = b.register(id_number="731 902 468")  # typed with spaces: normalised alike
    a.register(3), b.register(3)  # other people
    synced(a, b)
    # ingest answered with the receipts and only queued the work
    assert quiet_hub.hub.duplicate_pairs() == []
    # one per batch, and one refresh of the figures for both (sync/hub/figures.py)
    assert quiet_hub.hub.job_counts()["pending"] == 3
    report = quiet_hub.hub.drain_jobs()
    assert (report.done, report.failed, report.finished) == (3, 0, True)
    devices = {a.store.device_id, b.store.device_id}
    assert pairs_of(quiet_hub) == [({first, second}, devices, "id_number")]
    (listed,) = quiet_hub.hub.duplicate_pairs()
    assert listed["registration_a"] < listed["registration_b"]  # canonical order
    assert listed["found_at"]
    assert quiet_hub.hub.job_counts() == {"pending": 0, "running": 0, "failed": 0}
    assert quiet_hub.hub.drain_jobs().rounds == 1  # nothing left: one empty round


def test_same_phone_is_a_pair_and_both_is_said(
    quiet_hub: BackgroundHub, pair: tuple[Device, Device]
) -> None:
    a, b = pair
    (phone_a,) = a.register(phone="097 531 8642")
    (phone_b,) = b.register(phone="+855 97 531 8642")
    (both_a,) = a.register(id_number="P7319024", id_type="passport", phone="011 246 801")
    (both_b,) = b.register(id_number="p7319024", id_type="passport", phone="85511246801")
    synced(a, b)
    quiet_hub.hub.drain_jobs()
    found = {frozenset(ids): kind for ids, _devices, kind in pairs_of(quiet_hub)}
    assert found == {
        frozenset({phone_a, phone_b}): "phone",
        frozenset({both_a, both_b}): "both",
    }


def test_the_same_person_twice_on_one_device_is_not_flagged_here(
    quiet_hub: BackgroundHub, pair: tuple[Device, Device]
) -> None:
    a, _b = pair
    record = a.session.validate(raw_record(id_number="864297531", phone="012 864 297")).record
    a.session.register(record)
    a.session.register(record, duplicate_reason="twins, one phone")  # the device warned
    synced(a)
    assert quiet_hub.hub.drain_jobs().done == 2  # the duplicates job and the figures' refresh
    assert quiet_hub.hub.duplicate_pairs() == []


def test_a_replayed_batch_still_makes_one_pair(
    quiet_hub: BackgroundHub, pair: tuple[Device, Device]
) -> None:
    a, b = pair
    a.register(id_number="519730864")
    synced(a)
    b.register(id_number="519730864")
    _batch_id, body = b.formed_batch()
    client = HubClient(b.store.sync_settings())
    assert client.upload_batch(body) == client.upload_batch(body)
    quiet_hub.hub.drain_jobs()
    # the same packets again in a new batch (a copy sent by USB, say): duplicates, no new job
    with sqlite3.connect(b.store.data_dir.db_path) as db:
        db.execute("UPDATE outbox SET batch_id = NULL")
        db.execute("DELETE FROM sync_batches")
    assert b.engine().sync_once().duplicate == 1
    assert quiet_hub.hub.job_counts()["pending"] == 0
    # and the job of either side run again writes nothing more
    for pair_ in quiet_hub.hub.duplicate_pairs():
        for side in ("registration_a", "registration_b"):
            with quiet_hub.hub.storage.write() as db:
                duplicates.find_pairs(db, {"registration_ids": [pair_[side]]}, "2030-01-01")
    assert len(quiet_hub.hub.duplicate_pairs()) == 1
    assert quiet_hub.hub.duplicate_pairs()[0]["kind"] == "id_number"


def test_a_correction_replaces_the_index_of_the_version_before(
    quiet_hub: BackgroundHub, pair: tuple[Device, Device]
) -> None:
    a, b = pair
    (moved,) = a.register(id_number="642097531", phone="016 642 097")
    synced(a)
    fixed = a.session.validate(raw_record(id_number="642097535", phone="016 642 098")).record
    a.session.correct(moved, fixed, reason="typo in the ID number")
    synced(a)
    (old_b,) = b.register(id_number="642097531")  # the number the first version had
    (new_b,) = b.register(id_number="642097535")  # the corrected one
    synced(b)
    quiet_hub.hub.drain_jobs()
    assert pairs_of(quiet_hub) == [
        ({moved, new_b}, {a.store.device_id, b.store.device_id}, "id_number")
    ]
    assert old_b not in json.dumps(quiet_hub.hub.duplicate_pairs())


def test_hub_db_never_holds_the_id_number_or_the_phone(
    quiet_hub: BackgroundHub, pair: tuple[Device, Device], hub_files: Callable[[], list[Path]]
) -> None:
    a, b = pair
    person = {"id_number": "908642135", "phone": "017 908 642", "name_en": "Blindindex Test"}
    a.register(**person)
    b.register(**person)
    synced(a, b)
    quiet_hub.hub.drain_jobs()
    assert pairs_of(quiet_hub)[0][2] == "both"
    values = person_values(person)
    folders = hub_files()  # hub.db and its WAL; with PostgreSQL the cluster's files too
    assert all(plaintext_hits(folder, values) == [] for folder in folders)
    # nor an unkeyed hash of them: the index is keyed, and the key is not in the database
    files = [p for folder in folders for p in folder.rglob("*") if p.is_file()]
    assert any(p.name in ("hub.db-wal", "PG_VERSION") for p in files)
    content = b"".join(bytes_of(p) for p in files)
    for value in values:
        digest = hashlib.sha256(value.encode("utf-8"))
        assert digest.digest()[:16] not in content
        assert digest.hexdigest().encode() not in content
    key = quiet_hub.hub.index_key
    assert key not in content and key.hex().encode() not in content


def test_a_job_that_raises_is_retried_then_failed_and_the_others_go_on(
    tmp_path: Path, quiet_hub: BackgroundHub, pair: tuple[Device, Device]
) -> None:
    a, b = pair
    (broken,) = a.register(id_number="375319086")
    (other,) = b.register(id_number="375319086")
    synced(a, b)
    calls: list[str] = []

    def flaky(db: jobs.Db, payload: Mapping[str, Any], now: str) -> None:
        calls.extend(payload["registration_ids"])
        duplicates.find_pairs(db, payload, now)
        if broken in payload["registration_ids"]:  # its writes are rolled back each time
            raise ValueError("cannot handle 375319086")  # a message quoting personal data

    quiet_hub.hub.job_kinds.register(duplicates.JOB_KIND, flaky)
    report = quiet_hub.hub.drain_jobs()
    assert (report.done, report.failed, report.finished) == (2, 1, True)  # and the refresh
    assert report.retried == jobs.MAX_ATTEMPTS - 1
    assert calls.count(broken) == jobs.MAX_ATTEMPTS and calls.count(other) == 1
    assert quiet_hub.hub.job_counts() == {"pending": 0, "running": 0, "failed": 1}
    (failed,) = quiet_hub.hub.failed_jobs()
    assert (failed["error"], failed["attempts"]) == ("ValueError", jobs.MAX_ATTEMPTS)
    assert len(quiet_hub.hub.duplicate_pairs()) == 1  # found from the other side
    assert quiet_hub.hub.drain_jobs().failed == 0  # a failed job is not tried again
    assert plaintext_hits(tmp_path / "hub", {"375319086"}) == []


def test_a_drain_is_bounded_even_while_jobs_keep_coming(
    quiet_hub: BackgroundHub, pair: tuple[Device, Device]
) -> None:
    a, _b = pair

    def endless(db: jobs.Db, _payload: Mapping[str, Any], now: str) -> None:
        jobs.enqueue(db, "again", "{}", now)

    quiet_hub.hub.job_kinds.register(duplicates.JOB_KIND, endless)
    quiet_hub.hub.job_kinds.register("again", endless)
    a.register(1)
    synced(a)
    report = quiet_hub.hub.drain_jobs(max_rounds=5)
    # the figures' refresh ran in the first round too
    assert (report.rounds, report.done, report.finished) == (5, 6, False)
    assert quiet_hub.hub.job_counts()["pending"] == 1


def test_serve_s_drainer_finds_the_pair_after_the_ingest(tmp_path: Path) -> None:
    with BackgroundHub(tmp_path / "hub") as hub:  # its drainer's timer is far off
        a, b = enrolled(tmp_path / "a", hub), enrolled(tmp_path / "b", hub)
        a.register(id_number="246808642")
        b.register(id_number="246808642")
        synced(a, b)
        wait_until(lambda: hub.hub.duplicate_pairs(), 10, "the drainer to flag the pair")
        wait_until(lambda: hub.hub.job_counts()["pending"] == 0, 10, "the drainer to finish")
        assert jobs.DRAIN_INTERVAL_S > 10


def test_the_cli_lists_jobs_and_pairs(tmp_path: Path) -> None:
    hub_dir = tmp_path / "hub"
    with BackgroundHub(hub_dir, drain_jobs=False) as hub:
        a, b = enrolled(tmp_path / "a", hub), enrolled(tmp_path / "b", hub)
        (first,) = a.register(phone="010 975 318")
        (second,) = b.register(phone="010 975 318")
        synced(a, b)
    # the hub has stopped: the CLI opens hub.db alone
    listed = hub_cli(hub_dir, "jobs", passphrase=False)
    assert listed.returncode == 0, listed.stderr
    # a duplicates job per batch, one refresh of the figures
    assert json.loads(listed.stdout) == {"pending": 3, "running": 0, "failed": 0}
    drained = hub_cli(hub_dir, "jobs", "--drain")
    assert drained.returncode == 0, drained.stderr
    report, counts = (json.loads(line) for line in drained.stdout.splitlines())
    assert report["drained"]["done"] == 3 and counts["pending"] == 0
    as_csv = hub_cli(hub_dir, "duplicates", "--format", "csv", passphrase=False)
    assert as_csv.returncode == 0, as_csv.stderr
    header, row = as_csv.stdout.splitlines()
    assert header.split(",") == duplicates.PAIR_COLUMNS
    assert {first, second} <= set(row.split(",")) and ",phone," in row
    as_json = hub_cli(hub_dir, "duplicates", passphrase=False)
    assert json.loads(as_json.stdout)["kind"] == "phone"


@pytest.mark.sqlite_only  # a hub.db from an older release
def test_a_hub_from_before_gets_its_registrations_indexed_by_a_chain_of_jobs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub_dir = tmp_path / "hub"
    with BackgroundHub(hub_dir, drain_jobs=False) as hub:
        a, b = enrolled(tmp_path / "a", hub), enrolled(tmp_path / "b", hub)
        (first,) = a.register(id_number="197531086")
        a.register(4)
        (second,) = b.register(id_number="197531086")
        b.register(2)
        synced(a, b)
    with sqlite3.connect(hub_dir / "hub.db") as db:  # back to the schema before hub_0009
        tables = ("jobs", "blind_index", "duplicate_pairs")
        for table in (*tables, "hub_facts", "hub_figures", "hub_figures_state"):  # and 0010
            db.execute(f"DROP TABLE {table}")
        db.execute(
            "DELETE FROM _migrations WHERE name IN ('hub_0009_duplicates', 'hub_0010_figures')"
        )
    monkeypatch.setattr(duplicates, "BACKFILL_CHUNK", 3)  # 8 registrations: 3 chunks
    with BackgroundHub(hub_dir, drain_jobs=False) as again:
        # each migration left its first chunk (hub_0010's: the figures' facts)
        assert again.hub.job_counts()["pending"] == 2
        report = again.hub.drain_jobs()
        # 3 chunks of indexes, 1 of facts and the refresh it asked for
        assert (report.done, report.failed) == (5, 0)
        assert pairs_of(again) == [
            ({first, second}, {a.store.device_id, b.store.device_id}, "id_number")
        ]
        # ingest as usual from now on: a registers the person again (its operator gave a reason)
        record = a.session.validate(raw_record(id_number="197531086")).record
        assert record is not None
        later = a.session.register(record, duplicate_reason="came back with a new phone")
        a.point_at(again.url)  # the hub came back on another port
        synced(a)
        again.hub.drain_jobs()
        assert len(again.hub.duplicate_pairs()) == 2
        assert later in json.dumps(again.hub.duplicate_pairs())


# -- the job table alone (no hub): claims, leases ------------------------------------------


@pytest.fixture
def job_db(tmp_path: Path) -> Iterator[jobs.Db]:
    db = connect(tmp_path / "hub.db")
    apply_migrations(db, DataDir(tmp_path), backup=False, migrations=HUB_MIGRATIONS)
    yield db
    db.close()


T0 = dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC)


def test_a_claim_takes_each_job_once_and_a_dead_worker_s_job_comes_back(
    job_db: Any,
) -> None:
    with transaction(job_db):
        for n in range(3):
            jobs.enqueue(job_db, "k", json.dumps({"n": n}), iso(T0))
    with transaction(job_db):
        first = jobs.claim(job_db, "w1", 2, "sqlite", iso(T0))
    with transaction(job_db):
        second = jobs.claim(job_db, "w2", 5, "sqlite", iso(T0))
    assert [j.payload for j in first] == ['{"n": 0}', '{"n": 1}']
    assert [j.payload for j in second] == ['{"n": 2}']
    later = iso(T0 + jobs.LEASE - dt.timedelta(seconds=1))
    with transaction(job_db):
        assert jobs.claim(job_db, "w3", 5, "sqlite", later) == []
    after_lease = iso(T0 + jobs.LEASE + dt.timedelta(seconds=1))
    with transaction(job_db):
        again = jobs.claim(job_db, "w3", 5, "sqlite", after_lease)
    assert [j.job_id for j in again] == [j.job_id for j in first + second]
    assert {j.attempts for j in again} == {2}
    # w1 wakes up late: its job is w3's now, and w1 finishing it changes nothing
    registry = jobs.Registry({"k": lambda _db, _payload, _now: None})
    write = lambda: transaction(job_db)  # noqa: E731
    assert jobs.run_one(write, registry, first[0], "w1", after_lease) == "done"
    assert jobs.state_counts(job_db)["running"] == 3
    assert jobs.run_one(write, registry, again[0], "w3", after_lease) == "done"
    assert jobs.state_counts(job_db)["running"] == 2


def test_an_unknown_kind_fails_at_once(job_db: Any) -> None:
    with transaction(job_db):
        jobs.enqueue(job_db, "gone", "{}", iso(T0))
    report = jobs.drain(
        lambda: transaction(job_db), jobs.Registry(), "w", "sqlite", lambda: iso(T0)
    )
    assert (report.failed, report.retried) == (1, 0)
    assert jobs.failed_jobs(job_db)[0]["error"] == "unknown_kind"


def test_postgresql_instances_claiming_at_once_take_different_jobs_without_waiting(
    tmp_path: Path, pg_cluster: PgCluster
) -> None:
    """SKIP LOCKED: a second instance claiming while the first still holds its claim open gets
    the other jobs at once, instead of waiting for the first or taking the same ones."""
    hub = Hub(tmp_path / "hub", throwaway_custody(tmp_path / "hub"), database=pg_cluster.database())
    try:
        with hub.storage.write() as db:
            for n in range(3):
                jobs.enqueue(db, "k", json.dumps({"n": n}), iso(T0))
        with hub.storage.write() as first_db:
            first = jobs.claim(first_db, "w1", 2, "postgresql", iso(T0))
            with hub.storage.write() as second_db:  # while w1's transaction is open
                second = jobs.claim(second_db, "w2", 5, "postgresql", iso(T0))
        assert [j.payload for j in first] == ['{"n": 0}', '{"n": 1}']
        assert [j.payload for j in second] == ['{"n": 2}']
        assert hub.job_counts()["running"] == 3
    finally:
        hub.close()
