"""Sync against a real hub on 127.0.0.1: enrolment, exactly-once delivery, refusals."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from fieldreg.store.database import StoreError
from fieldreg.transfer.media import export_batches, import_receipts
from fieldreg.transfer.sealing import packet_info
from sync.client import HubClient, HubRefused
from sync.enrol import enrol_device
from sync.hub.hub import Hub
from sync.hub.keys import throwaway_custody
from sync.hub.media import import_batches_for_hub
from sync.hub.server import BackgroundHub
from tests.factories import PASSPHRASE, FakeClock, raw_record
from tests.plaintext import person_values, plaintext_hits
from tests.sync_support import Device, hub_ids


def test_registrations_reach_the_hub_exactly_once(device: Device, hub: BackgroundHub) -> None:
    ids = device.register(120)
    engine = device.engine()
    report = engine.sync_once()
    assert report.complete and report.accepted == 120
    assert sorted(hub_ids(hub.hub)) == sorted(ids)
    assert set(device.statuses().values()) == {"synced"}
    assert engine.sync_once().batches == 0  # nothing left to send
    exported = {row["id"]: row for row in hub.hub.registrations()}
    assert exported[ids[0]]["name_en"] == "SOK DARA"
    assert exported[ids[0]]["device_id"] == device.store.device_id


def test_records_made_before_enrolment_are_sealed_at_enrolment(
    tmp_path: Path, hub: BackgroundHub
) -> None:
    device = Device(tmp_path / "late")
    early = device.register(3)
    assert device.store.outbox.pending_count() == 0  # nothing to seal for yet
    device.enrol(hub.hub, hub.url)
    assert device.store.outbox.pending_count() == 3
    later = device.register(2)
    assert device.engine().sync_once().complete
    assert sorted(hub_ids(hub.hub)) == sorted(early + later)


def test_a_correction_travels_as_a_new_version(device: Device, hub: BackgroundHub) -> None:
    (registration_id,) = device.register(name_en="SOK DARRA")
    device.engine().sync_once()
    fixed = device.session.validate(raw_record(name_en="SOK DARA")).record
    device.session.correct(registration_id, fixed, reason="typo")
    assert device.statuses()[registration_id] == "pending"
    assert device.engine().sync_once().complete
    (row,) = hub.hub.registrations()
    assert (row["name_en"], row["version"]) == ("SOK DARA", 2)


def test_replayed_batch_gets_the_same_receipt_and_counts_nothing_twice(
    device: Device, hub: BackgroundHub
) -> None:
    device.register(5)
    outbox = device.store.outbox
    batch_id = outbox.form_batch(50)
    assert batch_id
    body = outbox.batch_bytes(batch_id, device.store.device_identity())
    client = HubClient(device.store.sync_settings())
    first, again = client.upload_batch(body), client.upload_batch(body)
    assert first == again
    assert len(hub_ids(hub.hub)) == 5
    # the same packets in a new batch (another device copy, a USB stick) are duplicates
    with sqlite3.connect(device.store.data_dir.db_path) as db:
        db.execute("UPDATE outbox SET batch_id = NULL")
        db.execute("DELETE FROM sync_batches")
    report = device.engine().sync_once()
    assert (report.accepted, report.duplicate) == (0, 5)
    assert set(device.statuses().values()) == {"synced"}
    assert len(hub_ids(hub.hub)) == 5


def test_a_flipped_byte_is_refused_and_nothing_is_marked(
    device: Device, hub: BackgroundHub
) -> None:
    device.register(3)
    batch_id = device.store.outbox.form_batch(50)
    assert batch_id
    body = bytearray(device.store.outbox.batch_bytes(batch_id, device.store.device_identity()))
    client = HubClient(device.store.sync_settings())
    for position in (len(body) // 2, len(body) - 10, 20):
        tampered = bytearray(body)
        tampered[position] ^= 0x01
        with pytest.raises(HubRefused) as refused:
            client.upload_batch(bytes(tampered))
        assert refused.value.status == 400
        assert refused.value.code in ("bad_signature", "bad_header")
    assert hub_ids(hub.hub) == []
    assert set(device.statuses().values()) == {"pending"}


def test_one_bad_record_is_rejected_with_a_reason_and_the_rest_go_on(
    device: Device, hub: BackgroundHub
) -> None:
    good = device.register(4)
    (bad,) = device.register()
    # a packet sealed by a device with older rules: the hub's validation rejects it
    payload = {
        "id": bad,
        "version": 1,
        "change": "created",
        "record": raw_record(phone="12345"),
        "created_at": "2026-11-22T03:00:00.000Z",
        "operator": "Sokha",
        "event": "",
        "device_id": device.store.device_id,
    }
    assert device.session.hub_key is not None
    sealed = device.session.hub_key.seal(payload, packet_info(device.store.device_id, bad, 1))
    with sqlite3.connect(device.store.data_dir.db_path) as db:
        db.execute("DROP TRIGGER outbox_packets_immutable")
        db.execute("UPDATE outbox SET sealed = ? WHERE registration_id = ?", [sealed, bad])
    report = device.engine().sync_once()
    assert (report.accepted, report.rejected, report.complete) == (4, 1, True)
    assert sorted(hub_ids(hub.hub)) == sorted(good)
    rejected = device.session.get(bad)
    assert rejected.status == "rejected"
    assert rejected.reject_code == "invalid_record" and "phone" in (rejected.reject_reason or "")


def test_unenrolled_and_revoked_devices_are_refused(
    tmp_path: Path, device: Device, hub: BackgroundHub
) -> None:
    stranger = Device(tmp_path / "stranger")
    stranger.register(1)
    stranger_report = stranger.engine(device.store.sync_settings()).sync_once()
    assert stranger_report.error == "not_enrolled"
    device.register(2)
    hub.hub.revoke(device.store.device_id)
    report = device.engine().sync_once()
    assert report.error == "device_revoked"
    assert hub_ids(hub.hub) == [] and device.store.outbox.pending_count() == 2


def test_a_batch_from_a_device_the_hub_never_enrolled_is_refused(
    tmp_path: Path, hub: BackgroundHub
) -> None:
    other_hub = Hub(tmp_path / "other-hub", throwaway_custody(tmp_path / "other-hub"))
    with BackgroundHub(tmp_path / "other-hub", hub=other_hub) as other:
        device = Device(tmp_path / "elsewhere")
        device.enrol(other.hub, other.url)
        device.register(1)
        device.point_at(hub.url)  # now talks to a hub that never saw it
        assert device.engine().sync_once().error == "unknown_device"


def test_hub_with_other_keys_than_the_fingerprint_is_refused(
    tmp_path: Path, hub: BackgroundHub
) -> None:
    with BackgroundHub(tmp_path / "impostor") as impostor:
        device = Device(tmp_path / "careful")
        with pytest.raises(StoreError) as refused:
            device.enrol(hub.hub, hub.url, hub_url_override=impostor.url)
        assert refused.value.code == "fingerprint_mismatch"
        assert device.store.trusted_hub_signing_key() is None
        assert impostor.hub.devices() == []


def test_tokens_are_one_time_and_expire(tmp_path: Path, hub: BackgroundHub) -> None:
    token = hub.hub.issue_token(hub.url)
    first, second = Device(tmp_path / "a"), Device(tmp_path / "b")
    enrol_device(first.store, first.session, token)
    with pytest.raises(HubRefused) as used:
        enrol_device(second.store, second.session, token)
    assert used.value.code == "token_used"
    expired = hub.hub.issue_token(hub.url, dt.timedelta(seconds=-1))
    with pytest.raises(HubRefused) as late:
        enrol_device(second.store, second.session, expired)
    assert late.value.code == "token_expired"


def test_a_hub_clock_hours_off_breaks_nothing(tmp_path: Path) -> None:
    skewed = Hub(
        tmp_path / "skewed",
        throwaway_custody(tmp_path / "skewed"),
        clock=FakeClock(dt.datetime.now(dt.UTC) + dt.timedelta(hours=7)),
    )
    with BackgroundHub(tmp_path / "skewed", hub=skewed) as running:
        device = Device(tmp_path / "device", FakeClock(dt.datetime.now(dt.UTC)))
        device.enrol(running.hub, running.url)
        ids = device.register(3)
        assert device.engine().sync_once().complete
        assert sorted(hub_ids(running.hub)) == sorted(ids)


def test_removable_media_and_https_together_count_each_record_once(
    tmp_path: Path, device: Device, hub: BackgroundHub
) -> None:
    ids = device.register(30)
    usb = tmp_path / "usb"
    usb.mkdir()
    files = export_batches(device.store, usb)
    assert files and all(path.read_bytes().startswith(b"FRB1") for path in files)
    assert all(line.endswith("receipt written") for line in import_batches_for_hub(hub.hub, usb))
    # before the receipts come back, the same batches also go over HTTPS
    report = device.engine().sync_once()
    assert report.complete
    imported = import_receipts(device.store, usb)
    assert imported.problems == [] and imported.applied == len(files)
    assert sorted(hub_ids(hub.hub)) == sorted(ids)
    assert set(device.statuses().values()) == {"synced"}
    log = list(device.store.outbox.sync_log())
    assert {"file-out", "http", "file-in"} <= {attempt.transport for attempt in log}
    assert sum(a.packets for a in log if a.transport == "file-out") == 30
    assert not list(usb.glob("*.partial"))


def test_a_forged_receipt_file_changes_nothing(
    tmp_path: Path, device: Device, hub: BackgroundHub
) -> None:
    device.register(2)
    usb = tmp_path / "usb"
    usb.mkdir()
    export_batches(device.store, usb)
    import_batches_for_hub(hub.hub, usb)
    for receipt in usb.glob("receipt-*.json"):
        forged = json.loads(receipt.read_bytes())
        forged["receipt"]["results"][0]["outcome"] = "rejected"
        receipt.write_text(json.dumps(forged))
    result = import_receipts(device.store, usb)
    assert result.applied == 0 and result.problems
    assert set(device.statuses().values()) == {"pending"}


def test_camdx_path_and_client_header(tmp_path: Path) -> None:
    path = "/r1/CAMBODIA/GOV/CAMDX-20201222/FIELDREG/registrations"
    with BackgroundHub(tmp_path / "hub", mount_path=path) as running:
        device = Device(tmp_path / "device")
        device.enrol(running.hub, running.url + path)
        device.point_at(
            "",
            camdx_security_server=running.url,
            camdx_service_path=path,
            camdx_client="CAMBODIA/COM/CAMDEV21231832/FIELDREG_DESK",
        )
        ids = device.register(4)
        assert device.engine().sync_once().complete
        assert sorted(hub_ids(running.hub)) == sorted(ids)
        with running.hub.storage.read() as db:
            clients = db.execute("SELECT transport, client FROM batches").fetchall()
        assert clients == [("camdx-http", "CAMBODIA/COM/CAMDEV21231832/FIELDREG_DESK")]
        # named by the link to the security server, here plain HTTP (issue 9 item 14)
        assert [a.transport for a in device.store.outbox.sync_log()] == ["camdx-http"]
        assert requests.get(running.url + "/v1/hub", timeout=5).status_code == 404


def test_malformed_requests_get_4xx_json_never_500(hub: BackgroundHub) -> None:
    url = hub.url
    answers = [
        requests.post(url + "/v1/batches", data=b"garbage", timeout=5),
        requests.post(url + "/v1/batches", data=b"FRB1" + b"\xff" * 100, timeout=5),
        requests.post(url + "/v1/batches", data=b"", timeout=5),
        requests.post(
            url + "/v1/enrol",
            data=b"{not json",
            timeout=5,
            headers={"Content-Type": "application/json"},
        ),
        requests.post(url + "/v1/enrol", json={"token": 1}, timeout=5),
        requests.post(
            url + "/v1/enrol",
            json={"token": "x", "device_id": "not-a-uuid", "device_public_key": "AAAA"},
            timeout=5,
        ),
        requests.post(
            url + "/v1/enrol",
            json={"token": "x", "device_id": "x", "device_public_key": "%%%"},
            timeout=5,
        ),
        requests.post(url + "/v1/batches", data=b"x" * (17 * 1024 * 1024), timeout=30),
    ]
    for answer in answers:
        assert 400 <= answer.status_code < 500, (answer.status_code, answer.text[:200])
        assert "error" in answer.json()
    assert answers[-1].status_code == 413
    openapi = requests.get(url + "/openapi.json", timeout=5).json()
    assert "/v1/batches" in openapi["paths"]


def test_sync_log_records_attempts_without_personal_data(
    device: Device, hub: BackgroundHub
) -> None:
    device.register(name_en="Logtest Personname", id_number="246813579", phone="092 468 135")
    device.register(2)
    device.engine().sync_once()
    device.register(1)
    hub_url = device.store.sync_settings().hub_url
    device.point_at("http://127.0.0.1:9")  # nothing listens there
    assert device.engine().sync_once().error == "hub_unreachable"
    device.point_at(hub_url)
    log = list(device.store.outbox.sync_log())
    assert (log[-1].outcome, log[-1].error) == ("error", "hub_unreachable")
    assert log[0].outcome == "ok" and log[0].accepted == 3 and log[0].bytes_sent > 3 * 1400
    assert log[0].bytes_received > 0 and log[0].batch_id
    text = repr(log)
    for secret in ("LOGTEST", "PERSONNAME", "Logtest", "246813579", "92468135"):
        assert secret not in text


def test_a_new_login_after_enrolment_seals_what_it_registers(
    device: Device, hub: BackgroundHub
) -> None:
    later = device.store.unlock("Sokha", PASSPHRASE)
    later.register(later.validate(raw_record()).record)
    assert device.store.outbox.pending_count() == 1


def test_no_plaintext_in_the_outbox_or_at_the_hub(
    tmp_path: Path, device: Device, hub: BackgroundHub, hub_files: Callable[[], list[Path]]
) -> None:
    person = {
        "name_en": "Quixotic Hubtest",
        "name_km": "ហបតេស្ត",
        "id_number": "864213579",
        "phone": "010 864 213",
    }
    device.register(**person)
    device.engine().sync_once()
    assert [row["name_en"] for row in hub.hub.registrations()] == ["QUIXOTIC HUBTEST"]
    for folder in (*hub_files(), tmp_path / "device"):
        assert plaintext_hits(folder, person_values(person)) == []
