"""Issue 9 item 12: someone with write access to the store file rewrites the audit log.

Before, the log was a plain SHA-256 chain: deleting or re-attributing an entry and
recomputing every hash after it left `audit verify` saying OK. Now a session seals what it
writes under a key only the data key unwraps, and the hub signs the chain head of every
batch back in its receipt, so entries the hub has seen cannot be cut or rewritten even by
someone holding the data key.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import uuid
from contextlib import closing
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fieldreg.desk import Desk
from fieldreg.store import audit, crypto
from fieldreg.store.audit import AuditCheck
from fieldreg.store.store import Store
from fieldreg.transfer.media import export_batches, import_receipts
from fieldreg.transfer.wire import (
    Batch,
    Receipt,
    anchor_signature_valid,
    decode_receipt,
    encode_batch,
    encode_receipt,
)
from sync.hub.media import import_batches_for_hub
from sync.hub.server import BackgroundHub
from tests.factories import FAST_KDF, PASSPHRASE, FakeClock
from tests.security.attack_support import (
    SOCKET_BOUND_S,
    Rows,
    drop_seals_from,
    enrolled_key,
    rewrite_chain,
    signed_batch,
)
from tests.sync_support import Device


def device_entries(device: Device) -> list[int]:
    return [row[0] for row in device.store.db.execute("SELECT seq FROM audit_log")]


def coordinator_check(root: Path) -> AuditCheck:
    """What `fieldreg audit verify` does: a coordinator logs in and checks everything."""
    desk = Desk(root, kdf=FAST_KDF, clock=FakeClock())
    try:
        desk.unlock("Sokha", PASSPHRASE)
        return desk.verify_audit()
    finally:
        desk.close()


def seq_of(device: Device, action: str, subject: str) -> int:
    row = device.store.db.execute(
        "SELECT seq FROM audit_log WHERE action = ? AND subject = ?", [action, subject]
    ).fetchone()
    return int(row[0])


@pytest.mark.parametrize("seals", ["kept", "removed"])
def test_a_deleted_entry_with_the_plain_chain_recomputed_fails_verify(
    tmp_path: Path, seals: str
) -> None:
    device = Device(tmp_path / "device")
    ids = device.register(4)
    root, db_path = tmp_path / "device", tmp_path / "device" / "fieldreg.db"
    deleted = seq_of(device, "register", ids[1])
    rewrite_chain(db_path, lambda rows: [row for row in rows if row[0] != deleted])
    # a seal past the new end would give the cut away, so the attacker drops it; "removed":
    # they also drop every seal from the deleted entry on, as none of those matches any more
    drop_seals_from(db_path, deleted if seals == "removed" else len(device_entries(device)) + 1)
    assert device.store.verify_audit().ok  # the plain chain alone is fooled, as before
    check = coordinator_check(root)
    assert not check.ok and check.keyed
    assert check.broken_at == deleted
    assert check.problem == ("seal" if seals == "kept" else "unsealed")


def test_a_re_attributed_entry_with_the_plain_chain_recomputed_fails_verify(
    tmp_path: Path,
) -> None:
    device = Device(tmp_path / "device")
    device.session.add_operator("Vanna", "registrar", "registrar-pass-phrase-9")
    ids = device.register(3)
    db_path = tmp_path / "device" / "fieldreg.db"
    changed = seq_of(device, "register", ids[1])

    def blame_vanna(rows: Rows) -> Rows:
        return [[*row[:2], "Vanna", *row[3:]] if row[0] == changed else row for row in rows]

    rewrite_chain(db_path, blame_vanna)
    assert device.store.verify_audit().ok
    check = coordinator_check(tmp_path / "device")
    assert (check.ok, check.broken_at, check.problem) == (False, changed, "seal")


def sync_over(transport: str, device: Device, hub: BackgroundHub, usb: Path) -> None:
    if transport == "https":
        assert device.engine().sync_once().complete
        return
    usb.mkdir()
    export_batches(device.store, usb)
    import_batches_for_hub(hub.hub, usb)
    assert import_receipts(device.store, usb).applied == 1


@pytest.mark.parametrize("transport", ["https", "usb"])
def test_cutting_entries_the_hub_acknowledged_fails_even_with_the_data_key(
    tmp_path: Path, device: Device, hub: BackgroundHub, transport: str
) -> None:
    device.register(3)
    sync_over(transport, device, hub, tmp_path / "usb")
    [(anchored, head)] = device.store.db.execute("SELECT seq, head FROM audit_anchors")
    assert hub.hub.audit_anchor(device.store.device_id)["seq"] == anchored
    assert coordinator_check(tmp_path / "device").ok
    # the attacker holds the data key: they cut the last two entries the hub saw and seal
    # the new head under the real audit key, so the plain chain and the seals both agree
    audit_key = device.session._audit_key
    assert audit_key is not None
    db_path = tmp_path / "device" / "fieldreg.db"
    rewrite_chain(db_path, lambda rows: [row for row in rows if row[0] <= anchored - 2])
    with closing(sqlite3.connect(db_path)) as db:
        db.execute("DELETE FROM audit_seals")
        last_hash = db.execute("SELECT hash FROM audit_log WHERE seq = ?", [anchored - 2])
        db.execute(
            "INSERT INTO audit_seals VALUES (?, ?)",
            [anchored - 2, audit.seal_mac(audit_key, anchored - 2, last_hash.fetchone()[0])],
        )
        db.commit()
    locked = device.store.verify_audit()
    assert (locked.ok, locked.problem, locked.anchor_seq) == (False, "anchor", anchored)
    check = coordinator_check(tmp_path / "device")
    assert not check.ok and check.problem == "anchor"
    # the first entry that is not what the hub saw (the coordinator's own login took the place
    # of the first one cut)
    assert check.broken_at == check.entries + 1 <= anchored and check.anchor_seq == anchored
    assert len(head) == 64


def test_a_store_file_put_back_from_an_older_copy_fails_verify_after_its_next_sync(
    tmp_path: Path, device: Device, hub: BackgroundHub
) -> None:
    """A rollback keeps seals and anchors consistent, so the laptop alone cannot see it; the
    hub's receipt signs the newest head it holds for the device, which the old log lacks."""
    root, db_path, old_copy = (
        tmp_path / "device",
        tmp_path / "device" / "fieldreg.db",
        tmp_path / "old.db",
    )
    device.register(1)
    assert device.engine().sync_once().complete
    with closing(sqlite3.connect(old_copy)) as copy:
        device.store.db.conn.backup(copy)
    device.register(5)
    assert device.engine().sync_once().complete
    newest = hub.hub.audit_anchor(device.store.device_id)
    assert newest is not None
    device.store.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db_path.write_bytes(old_copy.read_bytes())
    assert coordinator_check(root).ok  # consistent in itself: nothing on the laptop to see
    rolled_back = Device.__new__(Device)
    rolled_back.store = Store.open(root, kdf=FAST_KDF, clock=FakeClock())
    rolled_back.session = rolled_back.store.unlock("Sokha", PASSPHRASE)
    rolled_back.register(1)
    assert rolled_back.engine().sync_once().complete
    check = coordinator_check(root)
    assert (check.ok, check.problem, check.anchor_seq) == (False, "anchor", newest["seq"])


def test_the_receipt_carries_the_anchor_signed_by_the_hub(
    device: Device, hub: BackgroundHub
) -> None:
    device.register(2)
    batch_id, body = device.formed_batch()
    seq, head = audit.head(device.store.db)
    answer = hub.hub.receive_batch(body, transport="https")
    hub_key = device.store.trusted_hub_signing_key()
    assert hub_key is not None
    receipt = decode_receipt(answer, hub_key)
    anchor = receipt.audit_anchor
    assert anchor is not None and (anchor.seq, anchor.head) == (seq, head)
    assert anchor_signature_valid(hub_key, device.store.device_id, anchor)
    assert not anchor_signature_valid(hub_key, str(uuid.uuid4()), anchor)  # bound to the device
    assert hub.hub.audit_anchor(device.store.device_id) == {
        "seq": seq,
        "head": head,
        "batch_id": batch_id,
        "received_at": receipt.received_at,
        "conflicts": 0,
    }
    assert hub.hub.receive_batch(body, transport="https") == answer  # a retry: same receipt
    [listed] = hub.hub.devices()  # what an operator compares with the device's verify
    assert (listed["audit_seq"], listed["audit_head"], listed["audit_conflicts"]) == (seq, head, 0)


def test_a_batch_and_a_receipt_without_an_anchor_are_still_accepted(
    device: Device, hub: BackgroundHub
) -> None:
    """Devices and hubs of the previous release: a batch without `audit` is taken and gets a
    receipt without `audit_anchor` (which an old device can verify); a new device applies a
    receipt without one and keeps no anchor."""
    device_id, key = enrolled_key(hub)
    old_batch = encode_batch(Batch(str(uuid.uuid4()), device_id, "2026-11-21T08:00:00Z", ()), key)
    assert b'"audit"' not in old_batch
    answer = requests.post(
        hub.url + "/v1/batches",
        data=old_batch,
        headers={"Content-Type": "application/octet-stream"},
        timeout=SOCKET_BOUND_S,
    )
    assert answer.status_code == 200, answer.text
    assert "audit_anchor" not in json.loads(answer.content)["receipt"]
    assert hub.hub.audit_anchor(device_id) is None

    ids = device.register(2)
    _, body = device.formed_batch()
    new_receipt = decode_receipt(hub.hub.receive_batch(body, transport="https"), hub_key(device))
    # the same receipt as an old hub would sign it: no anchor
    old_receipt = Receipt(
        new_receipt.batch_id,
        new_receipt.device_id,
        new_receipt.batch_sha256,
        new_receipt.received_at,
        new_receipt.results,
    )
    signed = encode_receipt(old_receipt, hub.hub.keys.signing)
    counts = device.store.outbox.apply_receipt(decode_receipt(signed, hub_key(device)))
    assert counts.accepted == 2 and set(device.statuses().values()) == {"synced"}
    assert device.store.db.execute("SELECT count(*) FROM audit_anchors").fetchone()[0] == 0
    assert all(device.session.get(i).status == "synced" for i in ids)
    assert device.session.verify_audit(hub_key(device), device.store.device_id).ok


def hub_key(device: Device) -> Ed25519PublicKey:
    key = device.store.trusted_hub_signing_key()
    assert key is not None
    return key


def test_the_audit_key_is_stored_only_wrapped_under_the_data_key(tmp_path: Path) -> None:
    device = Device(tmp_path / "device")
    wrapped = device.store.db.execute("SELECT value FROM meta WHERE key = 'audit_key'").fetchone()
    assert wrapped is not None
    key = crypto.unwrap_key(device.session._keys.data_key, base64.b64decode(wrapped[0]), "audit")
    assert key == device.session._audit_key
    files = [path.read_bytes() for path in (tmp_path / "device").glob("fieldreg.db*")]
    assert files and not any(key in data for data in files)
    assert "audit_key" in crypto.WRAPPED_UNDER_DATA_KEY


def test_the_hub_keeps_the_newest_head_and_counts_a_rewritten_one(hub: BackgroundHub) -> None:
    device_id, key = enrolled_key(hub)

    def send(audit_head: object) -> requests.Response:
        header = {
            "batch_id": str(uuid.uuid4()),
            "device_id": device_id,
            "created_at": "2026-11-21T08:00:00Z",
            "packets": [],
            "audit": audit_head,
        }
        return requests.post(
            hub.url + "/v1/batches",
            data=signed_batch(json.dumps(header).encode(), b"", key),
            headers={"Content-Type": "application/octet-stream"},
            timeout=SOCKET_BOUND_S,
        )

    for head in ([3, "a" * 64], [3, "b" * 64], [2, "c" * 64]):
        assert send(head).status_code == 200
    kept = hub.hub.audit_anchor(device_id)
    assert kept is not None and (kept["seq"], kept["head"], kept["conflicts"]) == (3, "a" * 64, 1)
    assert send([4, "d" * 64]).status_code == 200
    kept = hub.hub.audit_anchor(device_id)
    assert kept is not None and (kept["seq"], kept["head"], kept["conflicts"]) == (4, "d" * 64, 1)
    for bad in ([0, "a" * 64], [3, "A" * 64], [3, "a" * 63], ["3", "a" * 64], [2**63, "a" * 64]):
        refused = send(bad)
        assert (refused.status_code, refused.json()["error"]) == (400, "bad_header")


def test_a_store_from_before_the_keyed_chain_is_keyed_at_its_first_unlock(tmp_path: Path) -> None:
    root = tmp_path / "device"
    device = Device(root)
    ids = device.register(2)
    device.store.close()
    with closing(sqlite3.connect(root / "fieldreg.db")) as db:  # back to the 0002 schema
        db.execute("DROP TABLE audit_seals")
        db.execute("DROP TABLE audit_anchors")
        db.execute("ALTER TABLE sync_batches DROP COLUMN audit_seq")
        db.execute("ALTER TABLE sync_batches DROP COLUMN audit_head")
        db.execute("DELETE FROM meta WHERE key = 'audit_key'")
        db.execute("DELETE FROM _migrations WHERE name = '0004_audit_key'")
        db.commit()
    assert coordinator_check(root).ok  # migrated, keyed and sealed at this first unlock
    upgraded = Device.__new__(Device)
    upgraded.store = Store.open(root, kdf=FAST_KDF, clock=FakeClock())
    assert upgraded.store.db.execute("SELECT count(*) FROM meta WHERE key = 'audit_key'").fetchone()
    deleted = seq_of(upgraded, "register", ids[0])  # an entry from before the upgrade
    rewrite_chain(root / "fieldreg.db", lambda rows: [row for row in rows if row[0] != deleted])
    drop_seals_from(root / "fieldreg.db", len(device_entries(upgraded)) + 1)
    check = coordinator_check(root)  # its only seal is gone, so nothing vouches for entry 1
    assert (check.ok, check.broken_at, check.problem) == (False, 1, "unsealed")
