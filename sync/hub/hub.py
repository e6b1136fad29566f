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
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fieldreg.clock import Clock, iso, parse_iso, utc_now
from fieldreg.errors import FieldRegError
from fieldreg.gazetteer import load_gazetteer
from fieldreg.record import validate
from fieldreg.store.database import (
    DataDir,
    apply_migrations,
    connect,
    transaction,
)
from fieldreg.store.device_identity import DeviceCertificate
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
from sync.hub import audit
from sync.hub.keys import HubKeys, KeyCustody
from sync.hub.schema import HUB_MIGRATIONS

HUB_DB = "hub.db"
TOKEN_TTL = dt.timedelta(hours=24)
# An enrolment token's lifetime: long enough to reach a laptop in the field, short enough that
# a token copied from a chat or a printout soon stops enrolling anything.
MIN_TOKEN_HOURS, MAX_TOKEN_HOURS = 1, 7 * 24
# what one batch's packets may inflate to in all (each is capped at MAX_PACKET_PLAINTEXT_BYTES)
MAX_BATCH_PLAINTEXT_BYTES = 64 * 1024 * 1024
NOT_OWNER_REASON = "this registration belongs to another device"


@dataclass(frozen=True, slots=True)
class _CheckedPacket:
    """A packet opened and validated outside the ingest lock; `code` is "" when it is good."""

    packet: Packet
    plaintext_sha256: str
    code: str
    reason: str


class HubError(FieldRegError):
    """A refusal with an HTTP status and a stable code for the JSON body."""

    def __init__(self, status: int, code: str, reason: str = "") -> None:
        super().__init__(code, reason=reason)
        self.status = status
        self.reason = reason


class Hub:
    """One hub on its data directory. `custody` says where its private keys are and the
    passphrase that unlocks them; None opens the hub locked, for what needs no private key
    and writes no audit entry (listing devices and the audit log, checking the plain chain)."""

    def __init__(
        self, data_dir: Path, custody: KeyCustody | None, *, clock: Clock = utc_now
    ) -> None:
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(data_dir, 0o700)  # also when the operator made the folder beforehand
        self.data_dir = data_dir
        self.clock = clock
        # the pin of the TLS key it serves with (sync/tls.py), set by whoever serves it:
        # enrolment strings for an https address carry it
        self.tls_pin = ""
        path = data_dir / HUB_DB
        self.db = connect(path)
        os.chmod(path, 0o600)
        apply_migrations(self.db, DataDir(data_dir), backup=False, migrations=HUB_MIGRATIONS)
        self._lock = threading.Lock()
        try:
            self._keys = None if custody is None else custody.unlock(self.db)
            self._audit_key = None if self._keys is None else audit.AuditKey.of(self._keys)
            if self._audit_key is not None:
                with transaction(self.db):
                    audit.open_seals(
                        self.db, self._audit_key, at=iso(clock()), actor=audit.os_user()
                    )
        except BaseException:
            self.db.close()
            raise

    def close(self) -> None:
        self.db.close()

    # -- keys ------------------------------------------------------------------------------

    @property
    def keys(self) -> HubKeys:
        if self._keys is None:
            raise RuntimeError("this hub was opened without its keys (custody=None)")
        return self._keys

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
        with self._lock, transaction(self.db):
            if rekey is not None:
                self._check_rekey_target(rekey, unrevoke)
            elif unrevoke:
                raise HubError(400, "refused", "unrevoke goes with a re-key token")
            self.db.execute(
                "INSERT INTO tokens (token_hash, created_at, expires_at, rekey_device_id,"
                " unrevoke) VALUES (?, ?, ?, ?, ?)",
                [_token_hash(token), iso(now), iso(now + ttl), rekey, int(unrevoke)],
            )
            bound = {"rekey": rekey, "unrevoke": unrevoke} if rekey is not None else {}
            # the hash's prefix names the token without letting anyone enrol with it
            self._audit(
                actor,
                audit.TOKEN_ISSUED,
                _token_hash(token)[:16],
                expires=iso(now + ttl),
                **bound,
            )
        pin = self.tls_pin if tls_pin is None else tls_pin
        https = urlsplit(hub_url).scheme.lower() == "https"
        return format_enrolment(hub_url, token, self.fingerprint, pin if https else "")

    def _check_rekey_target(self, device_id: str, unrevoke: bool) -> None:
        known = self.db.execute(
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
        with self._lock, transaction(self.db):
            row = self.db.execute(
                "SELECT expires_at, used_by, rekey_device_id, unrevoke FROM tokens"
                " WHERE token_hash = ?",
                [_token_hash(token)],
            ).fetchone()
            if row is None:
                raise HubError(403, "token_unknown")
            expires_at, used_by, rekey, unrevoke = row
            if rekey is not None and rekey != device_id:
                raise HubError(403, "token_other_device")
            existing = self.db.execute(
                "SELECT public_key, revoked_at FROM devices WHERE device_id = ?", [device_id]
            ).fetchone()
            if used_by is not None and (used_by != device_id or rekey is not None):
                if rekey is not None and existing and existing[0] == device_public_key:
                    return certificate  # the same re-key again (its answer was lost)
                raise HubError(403, "token_used")
            if now > parse_iso(expires_at):
                raise HubError(403, "token_expired")
            if rekey is not None:
                self._rekey(device_id, device_public_key, existing, bool(unrevoke), token)
            elif existing and (existing[0] != device_public_key or existing[1]):
                raise HubError(409, "device_exists")
            elif existing is None:
                self.db.execute(
                    "INSERT INTO devices (device_id, public_key, enrolled_at) VALUES (?, ?, ?)",
                    [device_id, device_public_key, iso(now)],
                )
            self.db.execute(
                "UPDATE tokens SET used_at = ?, used_by = ? WHERE token_hash = ?",
                [iso(now), device_id, _token_hash(token)],
            )
        return certificate

    def _rekey(
        self,
        device_id: str,
        public_key: bytes,
        existing: tuple[bytes, str | None] | None,
        unrevoke: bool,
        token: str,
    ) -> None:
        """Replace an enrolled device's key (the caller holds the lock and the transaction).
        Batches signed by the old key fail their signature from now on."""
        if existing is None:
            raise HubError(403, "unknown_device")
        revoked = existing[1] is not None
        if revoked and not unrevoke:  # revoked after the token was issued
            raise HubError(403, "device_revoked")
        self.db.execute(
            "UPDATE devices SET public_key = ?, revoked_at = ? WHERE device_id = ?",
            [public_key, None if unrevoke else existing[1], device_id],
        )
        self._audit(
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
        rows = self.db.execute(
            "SELECT d.device_id, d.enrolled_at, d.revoked_at, count(p.registration_id),"
            " d.quarantined_at, a.seq, a.head, coalesce(a.conflicts, 0)"
            " FROM devices d LEFT JOIN packets p ON p.device_id = d.device_id"
            " AND p.outcome = 'accepted' LEFT JOIN device_audit_anchors a"
            " ON a.device_id = d.device_id GROUP BY d.device_id ORDER BY d.enrolled_at"
        )
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
        with self._lock, transaction(self.db):
            changed = self.db.execute(
                "UPDATE devices SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL",
                [iso(self.clock()), device_id],
            ).rowcount
            if changed:
                self._audit(actor, audit.DEVICE_REVOKED, device_id)
        return bool(changed)

    def quarantine(
        self, device_id: str, *, release: bool = False, actor: str | None = None
    ) -> bool:
        """Keep a device's registrations out of the export (or let them back in); False when
        it already was so. An unknown device is refused."""
        with self._lock, transaction(self.db):
            known = self.db.execute(
                "SELECT quarantined_at FROM devices WHERE device_id = ?", [device_id]
            ).fetchone()
            if known is None:
                raise HubError(404, "unknown_device", f"no device {device_id}")
            if (known[0] is None) != release:
                self.db.execute(
                    "UPDATE devices SET quarantined_at = ? WHERE device_id = ?",
                    [None if release else iso(self.clock()), device_id],
                )
                action = audit.DEVICE_RELEASED if release else audit.DEVICE_QUARANTINED
                self._audit(actor, action, device_id)
                return True
        return False

    # -- the hub's audit log ---------------------------------------------------------------

    def _audit(self, actor: str | None, action: str, subject: str = "", **details: Any) -> None:
        """One sealed entry in the hub's audit log; the caller holds the lock and the
        transaction. `actor` None is the OS user running this process. A locked hub writes
        none: an entry without a seal would be indistinguishable from a forged one."""
        if self._audit_key is None:
            raise RuntimeError("this hub was opened without its keys: it writes no audit entry")
        audit.record(
            self.db,
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
        with self._lock, transaction(self.db):
            self._audit(actor, action, subject, **details)

    def audit_entries(self) -> list[dict[str, Any]]:
        return audit.entries(self.db)

    def audit_head(self) -> tuple[int, str]:
        return audit.chain.head(self.db)

    def verify_audit(self) -> audit.chain.AuditCheck:
        """The chain, and on an unlocked hub the seals and the sealed head too (`keyed`)."""
        return audit.verify(self.db, self._audit_key)

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
        with self._lock:  # an unknown or revoked device costs no crypto
            device_key = self._device_key(batch.device_id)
        if not batch_signature_valid(data, device_key):
            raise HubError(400, "bad_signature")
        checked = self._check_packets(batch.device_id, batch.packets)
        with self._lock:
            self._device_key(batch.device_id)  # revoked meanwhile?
            digest = batch_digest(data)
            seen = self.db.execute(
                "SELECT sha256, receipt FROM batches WHERE batch_id = ?", [batch.batch_id]
            ).fetchone()
            if seen is not None:
                if seen[0] != digest:
                    raise HubError(409, "batch_conflict", "this batch id came with other bytes")
                return bytes(seen[1])
            return self._ingest(
                batch.batch_id, batch.device_id, checked, digest, transport, client, batch.audit
            )

    def _device_key(self, device_id: str) -> Ed25519PublicKey:
        """The key of an enrolled, unrevoked device (the caller holds the lock)."""
        device = self.db.execute(
            "SELECT public_key, revoked_at FROM devices WHERE device_id = ?", [device_id]
        ).fetchone()
        if device is None:
            raise HubError(403, "unknown_device")
        if device[1]:
            raise HubError(403, "device_revoked")
        return Ed25519PublicKey.from_public_bytes(device[0])

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
            code, reason = "undecryptable", "not sealed for this hub"
            if opened is not None:
                code, reason = _check_payload(opened, device_id, packet)
            plaintext_sha256 = hashlib.sha256(opened or packet.sealed).hexdigest()
            checked.append(_CheckedPacket(packet, plaintext_sha256, code, reason))
        return tuple(checked)

    def _ingest(
        self,
        batch_id: str,
        device_id: str,
        packets: tuple[_CheckedPacket, ...],
        digest: str,
        transport: str,
        client: str,
        anchor: AuditAnchor | None = None,
    ) -> bytes:
        now = iso(self.clock())
        with transaction(self.db):
            results = tuple(self._ingest_packet(batch_id, device_id, p, now) for p in packets)
            signed = None
            if anchor is not None:  # a batch of the previous release carries none
                newest = self._keep_anchor(device_id, anchor, batch_id, now)
                signed = sign_anchor(self.keys.signing, device_id, newest)
            receipt = encode_receipt(
                Receipt(batch_id, device_id, digest, now, results, signed), self.keys.signing
            )
            self.db.execute(
                "INSERT INTO batches (batch_id, device_id, sha256, received_at, transport,"
                " client, packets, receipt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [batch_id, device_id, digest, now, transport, client, len(packets), receipt],
            )
        return receipt

    def _keep_anchor(
        self, device_id: str, anchor: AuditAnchor, batch_id: str, now: str
    ) -> AuditAnchor:
        """Keep the device's newest head and return it: the receipt signs the newest, not the
        batch's, so a device whose file was rolled back (or its log cut) learns of an entry
        its log no longer holds, and its `audit verify` fails. A known seq with another hash
        is counted as a conflict."""
        self.db.execute(
            "INSERT INTO device_audit_anchors (device_id, seq, head, batch_id, received_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET"
            " conflicts = conflicts + (excluded.seq = seq AND excluded.head != head),"
            " seq = max(seq, excluded.seq),"
            " head = iif(excluded.seq > seq, excluded.head, head),"
            " batch_id = iif(excluded.seq > seq, excluded.batch_id, batch_id),"
            " received_at = iif(excluded.seq > seq, excluded.received_at, received_at)",
            [device_id, anchor.seq, anchor.head, batch_id, now],
        )
        seq, head = self.db.execute(
            "SELECT seq, head FROM device_audit_anchors WHERE device_id = ?", [device_id]
        ).fetchone()
        return AuditAnchor(seq, head)

    def audit_anchor(self, device_id: str) -> dict[str, Any] | None:
        """The newest audit head a device sent, for an operator comparing it with the device."""
        row = self.db.execute(
            "SELECT seq, head, batch_id, received_at, conflicts FROM device_audit_anchors"
            " WHERE device_id = ?",
            [device_id],
        ).fetchone()
        if row is None:
            return None
        return dict(zip(("seq", "head", "batch_id", "received_at", "conflicts"), row, strict=True))

    def _ingest_packet(
        self, batch_id: str, device_id: str, checked: _CheckedPacket, now: str
    ) -> PacketResult:
        packet = checked.packet
        key = (packet.registration_id, packet.version)
        if self._owner(packet.registration_id, device_id, now) != device_id:
            # not stored: a version from a device that does not own the id squats nothing
            return PacketResult(*key, "rejected", "not_owner", NOT_OWNER_REASON)
        stored = self.db.execute(
            "SELECT plaintext_sha256, outcome, code, reason FROM packets"
            " WHERE registration_id = ? AND version = ?",
            list(key),
        ).fetchone()
        if stored is not None:
            if stored[1] == "rejected":
                return PacketResult(*key, "rejected", stored[2], stored[3])
            if stored[0] == checked.plaintext_sha256:
                return PacketResult(*key, "duplicate")
            return PacketResult(
                *key, "rejected", "conflict", "another packet with this id and version was received"
            )
        outcome = "rejected" if checked.code else "accepted"
        self.db.execute(
            "INSERT INTO packets (registration_id, version, device_id, batch_id, received_at,"
            " sealed, plaintext_sha256, outcome, code, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?)",
            [
                *key,
                device_id,
                batch_id,
                now,
                packet.sealed,
                checked.plaintext_sha256,
                outcome,
                checked.code,
                checked.reason,
            ],
        )
        return PacketResult(*key, outcome, checked.code, checked.reason)

    def _owner(self, registration_id: str, device_id: str, now: str) -> str:
        """The device the id belongs to: the first to deliver it. The primary key settles a
        race between hub processes; the loser's insert does nothing and it reads the winner."""
        self.db.execute(
            "INSERT INTO owners (registration_id, device_id, claimed_at) VALUES (?, ?, ?)"
            " ON CONFLICT (registration_id) DO NOTHING",
            [registration_id, device_id, now],
        )
        row = self.db.execute(
            "SELECT device_id FROM owners WHERE registration_id = ?", [registration_id]
        ).fetchone()
        return str(row[0])

    def _open(self, device_id: str, packet: Packet) -> bytes | None:
        try:
            return self.keys.sealing.open(
                packet.sealed, packet_info(device_id, packet.registration_id, packet.version)
            )
        except PacketTooLarge:
            raise HubError(413, "too_large", "a packet inflates past the packet cap") from None
        except Exception:  # noqa: BLE001 - any other failure to open is the same answer
            return None

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
        # CROSS JOIN keeps owners the outer loop, read in its primary-key order: the ORDER BY
        # then needs no sort. Left to the planner, it scanned packets and sorted every sealed
        # row in a temporary b-tree, in memory (temp_store=MEMORY): 2 million rows in RAM.
        rows = self.db.execute(
            "SELECT p.registration_id, p.version, p.device_id, p.batch_id, p.received_at,"
            " p.sealed, b.transport, d.revoked_at IS NOT NULL, d.quarantined_at IS NOT NULL"
            " FROM owners o CROSS JOIN packets p ON p.registration_id = o.registration_id"
            " AND p.device_id = o.device_id JOIN batches b ON b.batch_id = p.batch_id"
            " JOIN devices d ON d.device_id = o.device_id"
            " WHERE p.outcome = 'accepted' AND (? OR d.quarantined_at IS NULL)"
            " AND (? IS NULL OR p.received_at >= ?) AND (? IS NULL OR p.received_at < ?)"
            " AND p.version = (SELECT max(version) FROM packets q"
            " WHERE q.registration_id = o.registration_id AND q.device_id = o.device_id"
            " AND q.outcome = 'accepted') ORDER BY o.registration_id",
            [include_quarantined, *[received_from] * 2, *[received_before] * 2],
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
                sealed, packet_info(device_id, registration_id, version)
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
        rows = self.db.execute("SELECT outcome, count(*) FROM packets GROUP BY outcome")
        return {"accepted": 0, "rejected": 0} | {row[0]: row[1] for row in rows}


def _token_hash(token: str) -> str:
    # a lone surrogate cannot be a token we issued (they are URL-safe base64)
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _check_payload(opened: bytes, device_id: str, packet: Packet) -> tuple[str, str]:
    """Returns ("", "") for a good registration, else a rejection code and reason."""
    try:
        payload = json.loads(opened)
        same = (payload["id"], payload["version"], payload["device_id"]) == (
            packet.registration_id,
            packet.version,
            device_id,
        )
        registered_on = parse_iso(payload["created_at"]).astimezone().date()
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError, RecursionError):
        return "bad_payload", "the packet does not hold a registration"
    if not same:
        return "bad_payload", "the packet does not match its label"
    result = validate(payload.get("record"), today=registered_on, villages=load_gazetteer())
    if result.errors:
        reason = "; ".join(f"{field}: {code}" for field, code in sorted(result.errors.items()))
        return "invalid_record", reason
    return "", ""
