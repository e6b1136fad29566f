"""A laptop that lost its signing key (issue 9 item 13's other half): it is enrolled again
under the same device id with a new key, and only with a re-key token the hub administrator
bound to that device id (`fieldreg-hub token --rekey DEVICE_ID`). Its pending records then
sync and are accepted; the old key signs nothing more; the hub's audit log has the re-key.
A real hub on 127.0.0.1, real stores, the real command lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldreg.store import signing_key
from fieldreg.store.database import StoreError
from fieldreg.store.device_identity import DeviceIdentity
from fieldreg.store.session import Session
from fieldreg.store.store import Store
from fieldreg.transfer.enrolment_string import parse_enrolment
from sync.client import HubClient, HubRefused
from sync.engine import SyncEngine
from sync.enrol import enrol_device
from sync.hub.hub import HubError
from sync.hub.server import BackgroundHub
from tests.cli_runner import fieldreg, hub_cli, init_store
from tests.factories import FAST_KDF, PASSPHRASE, raw_record
from tests.sync_support import Device, hub_ids

VANNA = "registrar-pass-1"  # a registrar's passphrase


def hub_token(hub: BackgroundHub, *args: str) -> str:
    """An enrolment string from `fieldreg-hub token ARGS`, as the administrator gets it."""
    issued = hub_cli(hub.hub.data_dir, "token", "--url", hub.url, *args)
    assert issued.returncode == 0, issued.stderr
    return issued.stdout.strip()


def lose_the_key(store: Store) -> tuple[Store, Session]:
    """The key file is gone (a disk cleaned up, a folder copied without it); the laptop's
    store is opened again, as the next start of the app would."""
    root = store.data_dir.root
    store.close()
    signing_key.key_path(root).unlink()
    reopened = Store.open(root, kdf=FAST_KDF)
    return reopened, reopened.unlock("Sokha", PASSPHRASE)


def refused(store: Store, session: Session, text: str) -> str:
    with pytest.raises(HubRefused) as answer:
        enrol_device(store, session, text)
    return answer.value.code


def old_key_batch(store: Store, old_key: Ed25519PrivateKey) -> bytes:
    """A batch of what is pending, signed by the key the laptop had before."""
    batch_id = store.outbox.form_batch(50)
    assert batch_id is not None
    old = DeviceIdentity(store.device_id, old_key, store.device_identity().certificate)
    return store.outbox.batch_bytes(batch_id, old)


def test_a_lost_key_is_replaced_only_with_a_rekey_token_for_this_device(
    tmp_path: Path, device: Device, hub: BackgroundHub
) -> None:
    old_key = device.store.device_identity().private_key
    device_id = device.store.device_id
    sent = device.register(3)
    _, before = device.formed_batch()  # it reaches the hub, but its receipt never comes back
    HubClient(device.store.sync_settings()).upload_batch(before)
    waiting = device.register(2)
    store, session = lose_the_key(device.store)

    with pytest.raises(StoreError) as missing:
        SyncEngine(store, HubClient(store.sync_settings())).sync_once()
    assert missing.value.code == "signing_key_missing"
    assert missing.value.detail["device_id"] == device_id  # what the administrator needs

    assert refused(store, session, hub_token(hub)) == "device_exists"
    other = Device(tmp_path / "other")
    other.enrol(hub.hub, hub.url)
    assert refused(store, session, hub_token(hub, "--rekey", other.store.device_id)) == (
        "token_other_device"
    )
    with pytest.raises(StoreError, match="signing_key_missing"):
        store.device_identity()  # a refused enrolment changed nothing on the laptop

    rekey = hub_token(hub, "--rekey", device_id)
    enrol_device(store, session, rekey)
    new_key = store.device_identity().private_key
    assert store.device_id == device_id
    assert new_key.private_bytes_raw() != old_key.private_bytes_raw()
    assert signing_key.load(store.data_dir.root, device_id, signing_key.FILE) == (
        new_key.private_bytes_raw()
    )

    report = SyncEngine(store, HubClient(store.sync_settings())).sync_once()
    assert report.complete and not report.errors, report
    assert report.accepted == 2 and report.duplicate == 3, report
    assert sorted(hub_ids(hub.hub)) == sorted(sent + waiting)
    assert {r.status for r in session.registrations()} == {"synced"}

    actions = [(e["action"], e["subject"], e["details"]) for e in hub.hub.audit_entries()]
    issued = [details for action, _, details in actions if action == "token_issued"]
    assert {"rekey": device_id, "unrevoke": False}.items() <= issued[-1].items()
    [(_, subject, details)] = [a for a in actions if a[0] == "device_rekeyed"]
    assert subject == device_id and details["key_changed"] is True

    session.register(session.validate(raw_record()).record)
    with pytest.raises(HubRefused) as old:
        HubClient(store.sync_settings()).upload_batch(old_key_batch(store, old_key))
    assert old.value.code == "bad_signature"

    # one time only: the same string cannot re-key the laptop again, to any other key
    store, session = lose_the_key(store)
    assert refused(store, session, rekey) == "token_used"
    store.close()


def test_a_revoked_laptop_is_rekeyed_only_when_the_administrator_unrevokes_it(
    device: Device, hub: BackgroundHub
) -> None:
    device_id = device.store.device_id
    waiting = device.register(2)
    assert hub_cli(hub.hub.data_dir, "devices", "--revoke", device_id).returncode == 0
    store, session = lose_the_key(device.store)

    plain = hub_cli(hub.hub.data_dir, "token", "--url", hub.url, "--rekey", device_id)
    assert plain.returncode != 0 and "device_revoked" in plain.stderr, plain.stderr
    assert "--unrevoke" in plain.stderr and "Traceback" not in plain.stderr
    alone = hub_cli(hub.hub.data_dir, "token", "--url", hub.url, "--unrevoke")
    assert alone.returncode == 2 and "--rekey" in alone.stderr

    enrol_device(store, session, hub_token(hub, "--rekey", device_id, "--unrevoke"))
    [listed] = [d for d in hub.hub.devices() if d["device_id"] == device_id]
    assert listed["revoked_at"] is None
    [rekeyed] = [e for e in hub.hub.audit_entries() if e["action"] == "device_rekeyed"]
    assert rekeyed["details"]["unrevoked"] is True
    assert SyncEngine(store, HubClient(store.sync_settings())).sync_once().complete
    assert sorted(hub_ids(hub.hub)) == sorted(waiting)
    store.close()


def test_a_rekey_whose_answer_was_lost_is_answered_again_for_the_same_key_only(
    device: Device, hub: BackgroundHub
) -> None:
    """The hub re-keyed the laptop, but its answer never arrived: the same string and the
    same new key get the same certificate; any other key is refused."""
    text = hub_token(hub, "--rekey", device.store.device_id)
    token = text_token(text)
    new = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    first = hub.hub.enrol(token, device.store.device_id, new)
    assert hub.hub.enrol(token, device.store.device_id, new) == first
    other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    with pytest.raises(HubError) as answer:
        hub.hub.enrol(token, device.store.device_id, other)
    assert answer.value.code == "token_used"
    assert len([e for e in hub.hub.audit_entries() if e["action"] == "device_rekeyed"]) == 1


def text_token(text: str) -> str:
    enrolment, problem = parse_enrolment(text)
    assert enrolment is not None, problem
    return enrolment.token


def test_the_command_line_says_what_to_do_and_rekeys_as_a_coordinator_only(
    tmp_path: Path, hub: BackgroundHub
) -> None:
    data = tmp_path / "laptop"
    init_store(data)
    enrolled = fieldreg(data, "enroll", hub_token(hub))
    assert enrolled.returncode == 0, enrolled.stderr
    [device_id] = [d["device_id"] for d in hub.hub.devices()]
    registered = fieldreg(data, "register", "-", input=json.dumps(raw_record()).encode())
    assert registered.returncode == 0, registered.stderr
    added = fieldreg(data, "operator", "add", "Vanna", FIELDREG_NEW_PASSPHRASE=VANNA)
    assert added.returncode == 0, added.stderr
    signing_key.key_path(data).unlink()

    stopped = fieldreg(data, "sync", "--once")
    assert stopped.returncode != 0 and "Traceback" not in stopped.stderr
    [said] = stopped.stderr.splitlines()
    assert signing_key.KEY_FILENAME in said and f"fieldreg-hub token --rekey {device_id}" in said

    rekey = hub_token(hub, "--rekey", device_id)
    by_registrar = fieldreg(
        data, "enroll", rekey, FIELDREG_OPERATOR="Vanna", FIELDREG_PASSPHRASE=VANNA
    )
    assert by_registrar.returncode != 0 and "only a coordinator" in by_registrar.stderr
    by_coordinator = fieldreg(data, "enroll", rekey, FIELDREG_OPERATOR="Sokha")
    assert by_coordinator.returncode == 0, by_coordinator.stderr
    synced = fieldreg(data, "sync", "--once", FIELDREG_OPERATOR="Sokha")
    assert synced.returncode == 0, synced.stderr
    assert len(hub_ids(hub.hub)) == 1
