"""The reference hub's logic: enrolment tokens, devices, batch ingest, export.

Transport-free: the HTTP app (sync/hub_app.py) and the removable-media import both call
`receive_batch`, so both give the same receipts and the same deduplication. Packets are kept
sealed at rest and opened only to validate and to export.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import secrets
import socket
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fieldreg.clock import Clock, iso, parse_iso, utc_now
from fieldreg.errors import FieldRegError
from fieldreg.gazetteer import load_gazetteer
from fieldreg.indicators.channels import Channel
from fieldreg.indicators.facts import Fact, fact_of
from fieldreg.record import Registration, validate
from fieldreg.store.device_identity import DeviceCertificate
from fieldreg.store.operators import check_name
from fieldreg.store.session import check_event
from fieldreg.transfer.enrolment_string import format_enrolment
from fieldreg.transfer.sealing import (
    SUITE_NAME,
    PacketTooLarge,
    packet_info,
)
from fieldreg.transfer.wire import (
    AuditAnchor,
    Packet,
    PacketResult,
    Receipt,
    WireError,
    batch_digest,
    batch_signature_valid,
    decode_batch,
    encode_receipt,
    sign_anchor,
)
from sync.hub import audit, duplicates, figures, jobs
from sync.hub.keys import HubKeys, KeyCustody
from sync.hub.storage import Storage, open_storage
from sync.hub.storage.base import Db
from sync.hub.storage.sqlite import HUB_DB

__all__ = ["HUB_DB", "Hub", "HubError"]
TOKEN_TTL = dt.timedelta(hours=24)
# An enrolment token's lifetime: long enough to reach a laptop in the field, short enough that
# a token copied from a chat or a printout soon stops enrolling anything.
MIN_TOKEN_HOURS, MAX_TOKEN_HOURS = 1, 7 * 24
# what one batch's packets may inflate to in all (each is capped at MAX_PACKET_PLAINTEXT_BYTES)
MAX_BATCH_PLAINTEXT_BYTES = 64 * 1024 * 1024
NOT_OWNER_REASON = "this registration belongs to another device"
CONFLICT_REASON = "another packet with this id and version was received"
CHUNK_ROWS = 250  # ids per IN (...) list: far below either engine's parameter cap
# names of what `storage.serialize` keeps to one transaction at a time
AUDIT_LOCK = "audit"
TOKENS_LOCK = "tokens"
DEVICES_LOCK = "devices"


@dataclass(frozen=True, slots=True)
class _CheckedPacket:
    """A packet opened and validated outside the ingest lock; `code` is "" when it is good."""

    packet: Packet
    plaintext_sha256: str
    code: str
    reason: str
    indexes: duplicates.Indexes = ()  # its blind indexes under the hub's key, when it is good
    fact: Fact | None = None  # what the figures count of it, when it is good
    created_at: str = ""  # when it was finalised on the device


class HubError(FieldRegError):
    """A refusal with an HTTP status and a stable code for the JSON body."""

    def __init__(self, status: int, code: str, reason: str = "") -> None:
        super().__init__(code, reason=reason)
        self.status = status
        self.reason = reason


class Hub:
    """One hub: its data directory (the key file, and hub.db for SQLite) and its storage,
    SQLite there or the PostgreSQL `database` URL (sync/hub/storage/). `custody` says where
    its private keys are and the passphrase that unlocks them; None opens the hub locked, for
    what needs no private key and writes no audit entry (listing devices and the audit log,
    checking the plain chain).

    Any number of Hub instances may share one database (processes on one hub.db, or
    stateless `serve` instances on one PostgreSQL): what two of them could do at once is
    settled in the database (unique constraints, `storage.serialize`), never in this process."""

    def __init__(
        self,
        data_dir: Path,
        custody: KeyCustody | None,
        *,
        clock: Clock = utc_now,
        database: str | None = None,
    ) -> None:
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(data_dir, 0o700)  # also when the operator made the folder beforehand
        self.data_dir = data_dir
        self.clock = clock
        # the pin of the TLS key it serves with (sync/tls.py), set by whoever serves it:
        # enrolment strings for an https address carry it
        self.tls_pin = ""
        self.database = database  # None: SQLite in data_dir
        self.storage: Storage = open_storage(data_dir, database)
        self.job_kinds = jobs.Registry(
            {
                duplicates.JOB_KIND: duplicates.find_pairs,
                duplicates.BACKFILL_KIND: self._backfill,
                figures.JOB_KIND: self._refresh_figures,
                figures.BACKFILL_KIND: self._backfill_facts,
            }
        )
        self.wake_drainer = _nothing  # set by whoever runs a jobs.Drainer for this hub
        try:
            self._keys = None if custody is None else custody.unlock(self.storage)
            self._index_key = (
                None if self._keys is None else self._keys.derived_key(duplicates.INDEX_PURPOSE)
            )
            self._audit_key = None if self._keys is None else audit.AuditKey.of(self._keys)
            if self._audit_key is not None:
                with self.storage.write() as db:
                    self.storage.serialize(db, AUDIT_LOCK)
                    audit.open_seals(db, self._audit_key, at=iso(clock()), actor=audit.os_user())
        except BaseException:
            self.storage.close()
            raise

    def close(self) -> None:
        self.storage.close()

    # -- keys ------------------------------------------------------------------------------

    @property
    def keys(self) -> HubKeys:
        if self._keys is None:
            raise RuntimeError("this hub was opened without its keys (custody=None)")
        return self._keys

    @property
    def index_key(self) -> bytes:
        """The key of the blind indexes for cross-device duplicates (derived, never stored)."""
        if self._index_key is None:
            raise RuntimeError("this hub was opened without its keys (custody=None)")
        return self._index_key

    @property
    def sealing_public(self) -> bytes:
        return self.keys.sealing_public

    @property
    def signing_public(self) -> bytes:
        return self.keys.signing_public

    @property
    def fingerprint(self) -> str:
        return self.keys.fingerprint

    def public_info(self) -> dict[str, str]:
        return {
            "service": "fieldreg-hub",
            "suite": SUITE_NAME,
            "sealing_public_key": base64.b64encode(self.sealing_public).decode("ascii"),
            "signing_public_key": base64.b64encode(self.signing_public).decode("ascii"),
            "fingerprint": self.fingerprint,
            "time": iso(self.clock()),
        }

    # -- enrolment -------------------------------------------------------------------------

    def issue_token(
        self,
        hub_url: str,
        ttl: dt.timedelta = TOKEN_TTL,
        *,
        actor: str | None = None,
        rekey: str | None = None,
        unrevoke: bool = False,
        tls_pin: str | None = None,
    ) -> str:
        """A one-time enrolment string; for an https address it pins the TLS key (`tls_pin`,
        by default the one this hub serves with, if any). `rekey` binds it to that enrolled
        device: it then enrols only that device id and replaces its key (a laptop that lost
        its signing key).
        A revoked device is re-keyed only when `unrevoke` says to let it back in."""
        token = secrets.token_urlsafe(18)
        now = self.clock()
        with self.storage.write() as db:
            if rekey is not None:
                self._check_rekey_target(db, rekey, unrevoke)
            elif unrevoke:
                raise HubError(400, "refused", "unrevoke goes with a re-key token")
            db.execute(
                "INSERT INTO tokens (token_hash, created_at, expires_at, rekey_device_id,"
                " unrevoke) VALUES (?, ?, ?, ?, ?)",
                [_token_hash(token), iso(now), iso(now + ttl), rekey, int(unrevoke)],
            )
            bound = {"rekey": rekey, "unrevoke": unrevoke} if rekey is not None else {}
            # the hash's prefix names the token without letting anyone enrol with it
            self._audit(
                db,
                actor,
                audit.TOKEN_ISSUED,
                _token_hash(token)[:16],
                expires=iso(now + ttl),
                **bound,
            )
        pin = self.tls_pin if tls_pin is None else tls_pin
        https = urlsplit(hub_url).scheme.lower() == "https"
        return format_enrolment(hub_url, token, self.fingerprint, pin if https else "")

    def _check_rekey_target(self, db: Db, device_id: str, unrevoke: bool) -> None:
        known = db.execute(
            "SELECT revoked_at FROM devices WHERE device_id = ?", [device_id]
        ).fetchone()
        if known is None:
            raise HubError(404, "unknown_device", f"no device {device_id}")
        if known[0] is not None and not unrevoke:
            raise HubError(
                409,
                "device_revoked",
                f"device {device_id} is revoked: a re-key token lets it send again only with"
                " --unrevoke",
            )

    def enrol(self, token: str, device_id: str, device_public_key: bytes) -> DeviceCertificate:
        """Certify a device's key with a one-time token. An ordinary token enrols a new
        device id (or repeats an enrolment with the same key); a re-key token enrols only the
        device it is bound to and replaces that device's key, once."""
        try:
            Ed25519PublicKey.from_public_bytes(device_public_key)
            certificate = DeviceCertificate.issue(self.keys.signing, device_id, device_public_key)
        except ValueError:
            raise HubError(400, "bad_device_key") from None
        now = self.clock()
        with self.storage.write() as db:
            # a token is used once: two instances enrolling with it at once take turns
            self.storage.serialize(db, TOKENS_LOCK)
            row = db.execute(
                "SELECT expires_at, used_by, rekey_device_id, unrevoke FROM tokens"
                " WHERE token_hash = ?",
                [_token_hash(token)],
            ).fetchone()
            if row is None:
                raise HubError(403, "token_unknown")
            expires_at, used_by, rekey, unrevoke = row
            if rekey is not None and rekey != device_id:
                raise HubError(403, "token_other_device")
            existing = db.execute(
                "SELECT public_key, revoked_at FROM devices WHERE device_id = ?", [device_id]
            ).fetchone()
            if used_by is not None and (used_by != device_id or rekey is not None):
                if rekey is not None and existing and bytes(existing[0]) == device_public_key:
                    return certificate  # the same re-key again (its answer was lost)
                raise HubError(403, "token_used")
            if now > parse_iso(expires_at):
                raise HubError(403, "token_expired")
            if rekey is not None:
                self._rekey(db, device_id, device_public_key, existing, bool(unrevoke), token)
            elif existing and (bytes(existing[0]) != device_public_key or existing[1]):
                raise HubError(409, "device_exists")
            elif existing is None:
                db.execute(
                    "INSERT INTO devices (device_id, public_key, enrolled_at) VALUES (?, ?, ?)",
                    [device_id, device_public_key, iso(now)],
                )
            db.execute(
                "UPDATE tokens SET used_at = ?, used_by = ? WHERE token_hash = ?",
                [iso(now), device_id, _token_hash(token)],
            )
        return certificate

    def _rekey(
        self,
        db: Db,
        device_id: str,
        public_key: bytes,
        existing: tuple[bytes, str | None] | None,
        unrevoke: bool,
        token: str,
    ) -> None:
        """Replace an enrolled device's key (inside the caller's transaction). Batches signed
        by the old key fail their signature from now on."""
        if existing is None:
            raise HubError(403, "unknown_device")
        revoked = existing[1] is not None
        if revoked and not unrevoke:  # revoked after the token was issued
            raise HubError(403, "device_revoked")
        db.execute(
            "UPDATE devices SET public_key = ?, revoked_at = ? WHERE device_id = ?",
            [public_key, None if unrevoke else existing[1], device_id],
        )
        self._audit(
            db,
            "device",
            audit.DEVICE_REKEYED,
            device_id,
            token=_token_hash(token)[:16],
            unrevoked=revoked and unrevoke,
            key_changed=bytes(existing[0]) != public_key,
        )

    def devices(self) -> list[dict[str, Any]]:
        """Each device, how many records it delivered, and the newest audit-chain head it sent
        (`audit_seq`, `audit_head`, `audit_conflicts`): what `fieldreg audit verify` on the
        device must still find in its log."""
        with self.storage.read() as db:
            rows = db.execute(
                "SELECT d.device_id, d.enrolled_at, d.revoked_at, (SELECT count(*) FROM packets p"
                " WHERE p.device_id = d.device_id AND p.outcome = 'accepted'),"
                " d.quarantined_at, a.seq, a.head, coalesce(a.conflicts, 0)"
                " FROM devices d LEFT JOIN device_audit_anchors a ON a.device_id = d.device_id"
                " ORDER BY d.enrolled_at, d.device_id"
            ).fetchall()
        return [
            {
                "device_id": r[0],
                "enrolled_at": r[1],
                "revoked_at": r[2],
                "accepted": r[3],
                "quarantined_at": r[4],
                "audit_seq": r[5],
                "audit_head": r[6],
                "audit_conflicts": r[7],
            }
            for r in rows
        ]

    def revoke(self, device_id: str, *, actor: str | None = None) -> bool:
        with self.storage.write() as db:
            changed = db.execute(
                "UPDATE devices SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL",
                [iso(self.clock()), device_id],
            ).rowcount
            if changed:
                self._audit(db, actor, audit.DEVICE_REVOKED, device_id)
        return bool(changed)

    def quarantine(
        self, device_id: str, *, release: bool = False, actor: str | None = None
    ) -> bool:
        """Keep a device's registrations out of the export (or let them back in); False when
        it already was so. An unknown device is refused."""
        with self.storage.write() as db:
            self.storage.serialize(db, DEVICES_LOCK)
            known = db.execute(
                "SELECT quarantined_at FROM devices WHERE device_id = ?", [device_id]
            ).fetchone()
            if known is None:
                raise HubError(404, "unknown_device", f"no device {device_id}")
            if (known[0] is None) != release:
                db.execute(
                    "UPDATE devices SET quarantined_at = ? WHERE device_id = ?",
                    [None if release else iso(self.clock()), device_id],
                )
                action = audit.DEVICE_RELEASED if release else audit.DEVICE_QUARANTINED
                self._audit(db, actor, action, device_id)
                figures.enqueue_refresh(db, iso(self.clock()))  # its registrations leave or return
                return True
        return False

    # -- the hub's audit log ---------------------------------------------------------------

    def _audit(
        self, db: Db, actor: str | None, action: str, subject: str = "", **details: Any
    ) -> None:
        """One sealed entry in the hub's audit log, inside the caller's transaction. `actor`
        None is the OS user running this process. A locked hub writes none: an entry without
        a seal would be indistinguishable from a forged one."""
        if self._audit_key is None:
            raise RuntimeError("this hub was opened without its keys: it writes no audit entry")
        self.storage.serialize(db, AUDIT_LOCK)  # one chain: entries are appended one by one
        audit.record(
            db,
            self._audit_key,
            at=iso(self.clock()),
            actor=audit.os_user() if actor is None else actor,
            action=action,
            subject=subject,
            details=details,
        )

    def record_action(
        self, action: str, subject: str = "", *, actor: str | None = None, **details: Any
    ) -> None:
        """Audit an operator's action that changes nothing in the hub (an export, an import)."""
        with self.storage.write() as db:
            self._audit(db, actor, action, subject, **details)

    def audit_entries(self) -> list[dict[str, Any]]:
        with self.storage.read() as db:
            return audit.entries(db)

    def audit_head(self) -> tuple[int, str]:
        with self.storage.read() as db:
            return audit.chain.head(db)

    def verify_audit(self) -> audit.chain.AuditCheck:
        """The chain, and on an unlocked hub the seals and the sealed head too (`keyed`)."""
        with self.storage.read() as db:
            return audit.verify(db, self._audit_key)

    # -- batches ---------------------------------------------------------------------------

    def receive_batch(self, data: bytes, *, transport: str, client: str = "") -> bytes:
        """Verify, deduplicate, validate and store a batch; return the signed receipt bytes.
        The same batch again gets the same receipt; the same id with other bytes is refused.
        Signatures are checked and packets opened (inflated, with a cap) outside the lock, so
        one heavy batch never stalls the others."""
        try:
            batch = decode_batch(data)
        except WireError as error:
            raise HubError(400, error.code, error.reason) from None
        with self.storage.read() as db:  # an unknown or revoked device costs no crypto
            device_key = self._device_key(db, batch.device_id)
        if not batch_signature_valid(data, device_key):
            raise HubError(400, "bad_signature")
        checked = self._check_packets(batch.device_id, batch.packets)
        digest = batch_digest(data)
        with self.storage.write() as db:
            # one device's batches take turns, in whichever instance they arrive: a batch
            # replayed to another instance waits for the first and gets its very receipt
            self.storage.serialize(db, f"device:{batch.device_id}")
            self._device_key(db, batch.device_id)  # revoked meanwhile?
            seen = db.execute(
                "SELECT sha256, receipt FROM batches WHERE batch_id = ?", [batch.batch_id]
            ).fetchone()
            if seen is not None:
                if seen[0] != digest:
                    raise HubError(409, "batch_conflict", "this batch id came with other bytes")
                return bytes(seen[1])
            receipt = self._ingest(
                db, batch.batch_id, batch.device_id, checked, digest, transport, client, batch.audit
            )
        self.wake_drainer()
        return receipt

    def _device_key(self, db: Db, device_id: str) -> Ed25519PublicKey:
        """The key of an enrolled, unrevoked device."""
        device = db.execute(
            "SELECT public_key, revoked_at FROM devices WHERE device_id = ?", [device_id]
        ).fetchone()
        if device is None:
            raise HubError(403, "unknown_device")
        if device[1]:
            raise HubError(403, "device_revoked")
        return Ed25519PublicKey.from_public_bytes(bytes(device[0]))

    def _check_packets(
        self, device_id: str, packets: tuple[Packet, ...]
    ) -> tuple[_CheckedPacket, ...]:
        """Open and validate every packet; refuse the batch once its packets inflate past
        MAX_BATCH_PLAINTEXT_BYTES or one of them past MAX_PACKET_PLAINTEXT_BYTES."""
        checked, inflated = [], 0
        for packet in packets:
            opened = self._open(device_id, packet)
            inflated += len(opened or b"")
            if inflated > MAX_BATCH_PLAINTEXT_BYTES:
                raise HubError(413, "too_large", "the packets inflate past the batch cap")
            code, reason, record, fact = "undecryptable", "not sealed for this hub", None, None
            created_at = ""
            if opened is not None:
                code, reason, record, payload = _check_payload(opened, device_id, packet)
                if record is not None:
                    created_at = str(payload["created_at"])
                    fact = _fact(record, payload, device_id)
                    if fact is None:
                        code, reason, record = (
                            "bad_payload",
                            "the packet's channel, event or operator is not one a device sends",
                            None,
                        )
            plaintext_sha256 = hashlib.sha256(opened or packet.sealed).hexdigest()
            indexes = () if record is None else duplicates.indexes_of(self.index_key, record)
            checked.append(
                _CheckedPacket(packet, plaintext_sha256, code, reason, indexes, fact, created_at)
            )
        return tuple(checked)

    def _ingest(
        self,
        db: Db,
        batch_id: str,
        device_id: str,
        packets: tuple[_CheckedPacket, ...],
        digest: str,
        transport: str,
        client: str,
        anchor: AuditAnchor | None = None,
    ) -> bytes:
        now = iso(self.clock())
        results = self._ingest_packets(db, batch_id, device_id, packets, now)
        accepted = [r.registration_id for r in results if r.outcome == "accepted"]
        duplicates.enqueue_check(db, accepted, now)
        if accepted:
            figures.enqueue_refresh(db, now)
        signed = None
        if anchor is not None:  # a batch of the previous release carries none
            newest = self._keep_anchor(db, device_id, anchor, batch_id, now)
            signed = sign_anchor(self.keys.signing, device_id, newest)
        receipt = encode_receipt(
            Receipt(batch_id, device_id, digest, now, results, signed), self.keys.signing
        )
        db.execute(
            "INSERT INTO batches (batch_id, device_id, sha256, received_at, transport,"
            " client, packets, receipt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [batch_id, device_id, digest, now, transport, client, len(packets), receipt],
        )
        return receipt

    def _keep_anchor(
        self, db: Db, device_id: str, anchor: AuditAnchor, batch_id: str, now: str
    ) -> AuditAnchor:
        """Keep the device's newest head and return it: the receipt signs the newest, not the
        batch's, so a device whose file was rolled back (or its log cut) learns of an entry
        its log no longer holds, and its `audit verify` fails. A known seq with another hash
        is counted as a conflict."""
        newer = "excluded.seq > device_audit_anchors.seq"
        db.execute(
            "INSERT INTO device_audit_anchors (device_id, seq, head, batch_id, received_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET"
            " conflicts = device_audit_anchors.conflicts + CASE WHEN excluded.seq ="
            " device_audit_anchors.seq AND excluded.head <> device_audit_anchors.head"
            " THEN 1 ELSE 0 END,"
            f" seq = CASE WHEN {newer} THEN excluded.seq ELSE device_audit_anchors.seq END,"
            f" head = CASE WHEN {newer} THEN excluded.head ELSE device_audit_anchors.head END,"
            f" batch_id = CASE WHEN {newer} THEN excluded.batch_id"
            " ELSE device_audit_anchors.batch_id END,"
            f" received_at = CASE WHEN {newer} THEN excluded.received_at"
            " ELSE device_audit_anchors.received_at END",
            [device_id, anchor.seq, anchor.head, batch_id, now],
        )
        seq, head = db.execute(
            "SELECT seq, head FROM device_audit_anchors WHERE device_id = ?", [device_id]
        ).fetchone()
        return AuditAnchor(seq, head)

    def audit_anchor(self, device_id: str) -> dict[str, Any] | None:
        """The newest audit head a device sent, for an operator comparing it with the device."""
        with self.storage.read() as db:
            row = db.execute(
                "SELECT seq, head, batch_id, received_at, conflicts FROM device_audit_anchors"
                " WHERE device_id = ?",
                [device_id],
            ).fetchone()
        if row is None:
            return None
        return dict(zip(("seq", "head", "batch_id", "received_at", "conflicts"), row, strict=True))

    def _ingest_packets(
        self,
        db: Db,
        batch_id: str,
        device_id: str,
        packets: tuple[_CheckedPacket, ...],
        now: str,
    ) -> tuple[PacketResult, ...]:
        """Store a batch's packets with a few statements per batch, not several per packet
        (each statement is a round trip to PostgreSQL): claim the ids, read their owners and
        what is stored of them, decide each packet as before, write the new rows together."""
        ids = list(dict.fromkeys(checked.packet.registration_id for checked in packets))
        owners = self._claim_owners(db, ids, device_id, now)
        stored: dict[tuple[str, int], tuple[str, str, str, str]] = {}
        newest: dict[str, int] = {}  # each id's newest version accepted from its owner
        for chunk in _chunks(ids):
            rows = db.execute(
                "SELECT registration_id, version, device_id, plaintext_sha256, outcome, code,"
                f" reason FROM packets WHERE registration_id IN ({_marks(chunk)})",
                chunk,
            )
            for rid, version, sender, sha256, outcome, code, reason in rows:
                stored[(rid, version)] = (sha256, outcome, code, reason)
                if outcome == "accepted" and sender == owners.get(rid):
                    newest[rid] = max(newest.get(rid, 0), version)
        results, new_rows, indexes, facts = [], [], {}, {}
        for checked in packets:
            packet = checked.packet
            key = (packet.registration_id, packet.version)
            if owners[packet.registration_id] != device_id:
                # not stored: a version from a device that does not own the id squats nothing
                results.append(PacketResult(*key, "rejected", "not_owner", NOT_OWNER_REASON))
                continue
            seen = stored.get(key)
            if seen is not None:
                if seen[1] == "rejected":
                    results.append(PacketResult(*key, "rejected", seen[2], seen[3]))
                elif seen[0] == checked.plaintext_sha256:
                    results.append(PacketResult(*key, "duplicate"))
                else:
                    results.append(PacketResult(*key, "rejected", "conflict", CONFLICT_REASON))
                continue
            outcome = "rejected" if checked.code else "accepted"
            stored[key] = (checked.plaintext_sha256, outcome, checked.code, checked.reason)
            new_rows.append(
                (*key, device_id, batch_id, now, packet.sealed, checked.plaintext_sha256)
                + (outcome, checked.code, checked.reason)
            )
            if outcome == "accepted" and packet.version > newest.get(packet.registration_id, 0):
                newest[packet.registration_id] = packet.version
                indexes[packet.registration_id] = (device_id, packet.version, checked.indexes)
                if checked.fact is not None:
                    facts[packet.registration_id] = figures.fact_row(
                        checked.fact, *key, checked.created_at, now
                    )
            results.append(PacketResult(*key, outcome, checked.code, checked.reason))
        self.storage.execute_many(
            db,
            "INSERT INTO packets (registration_id, version, device_id, batch_id, received_at,"
            " sealed, plaintext_sha256, outcome, code, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?)",
            new_rows,
        )
        duplicates.keep_indexes(db, indexes, self.storage.execute_many)
        figures.keep_facts(db, list(facts.values()), self.storage.execute_many)
        return tuple(results)

    def _claim_owners(self, db: Db, ids: list[str], device_id: str, now: str) -> dict[str, str]:
        """The device each id belongs to: the first to deliver it. The primary key settles a
        race between hub processes; the loser's insert does nothing (on PostgreSQL it waits
        for the winner's commit) and it reads the winner."""
        self.storage.execute_many(
            db,
            "INSERT INTO owners (registration_id, device_id, claimed_at) VALUES (?, ?, ?)"
            " ON CONFLICT (registration_id) DO NOTHING",
            [(rid, device_id, now) for rid in ids],
        )
        owners: dict[str, str] = {}
        for chunk in _chunks(ids):
            rows = db.execute(
                "SELECT registration_id, device_id FROM owners"
                f" WHERE registration_id IN ({_marks(chunk)})",
                chunk,
            )
            owners.update((str(rid), str(owner)) for rid, owner in rows)
        return owners

    def _open(self, device_id: str, packet: Packet) -> bytes | None:
        try:
            return self.keys.sealing.open(
                packet.sealed, packet_info(device_id, packet.registration_id, packet.version)
            )
        except PacketTooLarge:
            raise HubError(413, "too_large", "a packet inflates past the packet cap") from None
        except Exception:  # noqa: BLE001 - any other failure to open is the same answer
            return None

    # -- jobs and cross-device duplicates (sync/hub/jobs.py, sync/hub/duplicates.py) --------

    def drain_jobs(self, *, max_rounds: int = jobs.MAX_ROUNDS) -> jobs.DrainReport:
        """Run the pending jobs (in the caller's thread) until none is left to claim; only an
        unlocked hub does (a job may need to open packets)."""
        if self._keys is None:
            raise RuntimeError("this hub was opened without its keys (custody=None)")
        worker = f"{socket.gethostname()}:{os.getpid()}"
        return jobs.drain(
            self.storage.write,
            self.job_kinds,
            worker,
            self.storage.dialect,
            self._now,
            max_rounds=max_rounds,
        )

    def _now(self) -> str:
        return iso(self.clock())

    def _backfill(self, db: jobs.Db, payload: Mapping[str, Any], now: str) -> None:
        duplicates.backfill(db, payload, now, self._stored_indexes, self.storage.execute_many)

    def _stored_indexes(
        self, registration_id: str, version: int, device_id: str, sealed: bytes
    ) -> duplicates.Indexes:
        packet = Packet(registration_id, version, bytes(sealed))
        opened = self._open(device_id, packet)
        record = None if opened is None else _check_payload(opened, device_id, packet)[2]
        return () if record is None else duplicates.indexes_of(self.index_key, record)

    # -- M&E figures (sync/hub/figures.py) -------------------------------------------------

    def _refresh_figures(self, db: jobs.Db, _payload: Mapping[str, Any], now: str) -> None:
        self.storage.serialize(db, figures.LOCK)  # instances take turns refreshing
        figures.refresh(db, self.storage.dialect, now)

    def _backfill_facts(self, db: jobs.Db, payload: Mapping[str, Any], now: str) -> None:
        figures.backfill(db, payload, now, self._stored_facts, self.storage.execute_many)

    def _stored_facts(
        self, registration_id: str, version: int, device_id: str, sealed: bytes, received_at: str
    ) -> figures.FactRow | None:
        packet = Packet(registration_id, version, bytes(sealed))
        opened = self._open(device_id, packet)
        if opened is None:
            return None
        _code, _reason, record, payload = _check_payload(opened, device_id, packet)
        fact = None if record is None else _fact(record, payload, device_id)
        if fact is None:
            return None
        created_at = str(payload["created_at"])
        return figures.fact_row(fact, registration_id, version, created_at, received_at)

    def raw_figures(self, chosen: figures.FigureFilter | None = None) -> dict[str, Any]:
        """The figures NOT suppressed (national: as of the last refresh): for the hub's own
        checks (the tests compare them with the device's); never answered over HTTP."""
        with self.storage.read() as db:
            return figures.raw_figures(
                db, self.storage.dialect, chosen or figures.FigureFilter(), self._now()
            )

    def indicators(
        self, chosen: figures.FigureFilter, *, actor: str | None, fmt: str, gzipped: bool = False
    ) -> tuple[bytes, bool]:
        """The figures within `chosen` as JSON bytes (gzip-compressed, if `gzipped` allows,
        when the second value says so), small cells suppressed, with the places named: what
        `GET /v1/indicators` and `fieldreg-hub indicators` give; audited (who, the filters)."""
        with self.storage.read() as db:
            shown = figures.published_json(
                db, self.storage.dialect, chosen, self._now(), gzipped=gzipped
            )
        self.record_action(audit.INDICATORS, actor=actor, format=fmt, **chosen.given())
        return shown

    def job_counts(self) -> dict[str, int]:
        with self.storage.read() as db:
            return jobs.state_counts(db)

    def failed_jobs(self) -> list[dict[str, Any]]:
        with self.storage.read() as db:
            return jobs.failed_jobs(db)

    def duplicate_pairs(self) -> list[dict[str, Any]]:
        """The cross-device duplicate pairs found so far, for coordinators (no personal
        data: they look the people up in the export)."""
        with self.storage.read() as db:
            return list(duplicates.pairs(db))

    # -- export ----------------------------------------------------------------------------

    def registrations(
        self,
        *,
        include_quarantined: bool = False,
        received_from: str | None = None,
        received_before: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """The accepted registrations, decrypted: of each id, the latest version its owning
        device sent (versions other devices sent before ownership was kept never count).
        Each row says whether that device is revoked or quarantined; a quarantined device's
        rows are left out unless asked for. `received_from`/`received_before` (ISO UTC, as
        received_at is stored) keep the packets received in [from, before).

        One row at a time: the cursor is iterated, never fetched whole (export at scale)."""
        where, window, parameters = ["p.outcome = 'accepted'"], [], []
        if not include_quarantined:
            where.append("d.quarantined_at IS NULL")
        if received_from is not None:
            window.append("received_at >= ?")
            parameters.append(received_from)
        if received_before is not None:
            window.append("received_at < ?")
            parameters.append(received_before)
        columns = (
            "p.registration_id, p.version, p.device_id, p.batch_id, p.received_at, p.sealed,"
            " b.transport, d.revoked_at IS NOT NULL AS revoked,"
            " d.quarantined_at IS NOT NULL AS quarantined"
        )
        joined = (
            "packets p ON p.registration_id = o.registration_id AND p.device_id = o.device_id"
            " JOIN batches b ON b.batch_id = p.batch_id JOIN devices d ON d.device_id = o.device_id"
        )
        if self.storage.dialect == "sqlite":
            # CROSS JOIN keeps owners the outer loop, read in its primary-key order, so the
            # ORDER BY needs no sort. Left to the planner, it scanned packets and sorted every
            # sealed row in a temporary b-tree in memory: 2 million rows in RAM.
            latest = (
                f"SELECT {columns} FROM owners o CROSS JOIN {joined} WHERE {' AND '.join(where)}"
                " AND p.version = (SELECT max(version) FROM packets q"
                " WHERE q.registration_id = o.registration_id AND q.device_id = o.device_id"
                " AND q.outcome = 'accepted')"
            )
        else:
            # One ordered pass (DISTINCT ON keeps each id's newest version): a correlated
            # max() per row went quadratic when the planner had no statistics yet.
            latest = (
                f"SELECT DISTINCT ON (o.registration_id) {columns} FROM owners o JOIN {joined}"
                f" WHERE {' AND '.join(where)} ORDER BY o.registration_id, p.version DESC"
            )
        # the window applies to each id's newest version, not to pick an older one in it
        rows = self.storage.stream(
            f"SELECT * FROM ({latest}) latest"
            f"{' WHERE ' + ' AND '.join(window) if window else ''} ORDER BY registration_id",
            parameters,
        )
        for (
            registration_id,
            version,
            device_id,
            batch_id,
            received_at,
            sealed,
            transport,
            revoked,
            quarantined,
        ) in rows:
            opened = self.keys.sealing.open(
                bytes(sealed), packet_info(device_id, registration_id, version)
            )
            payload = json.loads(opened)
            yield {
                "id": registration_id,
                **payload["record"],
                "version": version,
                "created_at": payload["created_at"],
                "operator": payload["operator"],
                "event": payload["event"],
                "device_id": device_id,
                "received_at": received_at,
                "batch_id": batch_id,
                "transport": transport,
                "device_revoked": bool(revoked),
                "quarantined": bool(quarantined),
            }

    def counts(self) -> dict[str, int]:
        with self.storage.read() as db:
            rows = db.execute("SELECT outcome, count(*) FROM packets GROUP BY outcome").fetchall()
        return {"accepted": 0, "rejected": 0} | {row[0]: row[1] for row in rows}


def _token_hash(token: str) -> str:
    # a lone surrogate cannot be a token we issued (they are URL-safe base64)
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _nothing() -> None:
    pass


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK_ROWS):
        yield items[start : start + CHUNK_ROWS]


def _marks(chunk: list[Any]) -> str:
    """One placeholder per item of `chunk`, for an IN (...) list."""
    return ", ".join("?" * len(chunk))


def _fact(record: Registration, payload: Mapping[str, Any], device_id: str) -> Fact | None:
    """What the figures count of an accepted registration; None when its channel, event or
    operator is not one (a device of this release always sends them right)."""
    try:
        channel = Channel.from_payload(dict(payload))
    except FieldRegError:
        return None
    event, operator = payload.get("event"), payload.get("operator")
    if not isinstance(event, str) or not isinstance(operator, str):
        return None
    try:  # the device's own rules: a rogue's megabyte event would swell every answer
        if check_event(event) != event:
            return None
        check_name(operator)
    except FieldRegError:
        return None
    return fact_of(
        record,
        created_at=str(payload["created_at"]),
        event=event,
        channel=channel,
        operator=operator,
        device=device_id,
        duplicate=payload.get("duplicate") is True,
    )


def _check_payload(
    opened: bytes, device_id: str, packet: Packet
) -> tuple[str, str, Registration | None, dict[str, Any]]:
    """Returns ("", "", the record normalised, the payload) for a good registration, else a
    rejection code and reason."""
    try:
        payload = json.loads(opened)
        same = (payload["id"], payload["version"], payload["device_id"]) == (
            packet.registration_id,
            packet.version,
            device_id,
        )
        registered_on = parse_iso(payload["created_at"]).astimezone().date()
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError, RecursionError):
        return "bad_payload", "the packet does not hold a registration", None, {}
    if not same:
        return "bad_payload", "the packet does not match its label", None, {}
    result = validate(payload.get("record"), today=registered_on, villages=load_gazetteer())
    if result.errors:
        reason = "; ".join(f"{field}: {code}" for field, code in sorted(result.errors.items()))
        return "invalid_record", reason, None, {}
    return "", "", result.record, payload
