"""The outbox: sealed packets waiting for the hub, grouped into signed batches, and the sync log.

Everything here works on a locked store: packets are sealed to the hub, so sending them needs
no personal data. A packet leaves `pending` only on a receipt whose hub signature verified.
A batch keeps its id and bytes until acknowledged, so every retry (over HTTPS or on a USB
stick) is the same batch, and the hub answers a repeat with the same receipt. Each batch
carries the audit chain's head as it was when the batch was formed (the plain hash chain, so
no key is needed); the hub's receipt signs back the newest head it holds for this device, and
the device keeps it as an anchor that its log must still contain.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass

import uuid6
from sqlite_utils import Database

from fieldreg.clock import Clock, iso
from fieldreg.store import audit, figures
from fieldreg.store.database import transaction
from fieldreg.store.device_identity import DeviceIdentity
from fieldreg.transfer.wire import AuditAnchor, Batch, Packet, Receipt, encode_batch

MIN_BATCH, MAX_BATCH = 10, 1000


@dataclass(frozen=True, slots=True)
class ReceiptCounts:
    accepted: int = 0
    duplicate: int = 0
    rejected: int = 0
    unknown_batch: bool = False


@dataclass(frozen=True, slots=True)
class SyncAttempt:
    """One row of the sync log. No personal data: ids, counts, sizes, times, outcomes."""

    started_at: str
    ended_at: str
    # http, https, camdx-http, camdx-https, file-out, file-in; rows logged before issue 9
    # item 14 say https for any hub URL, and camdx for CamDX
    transport: str
    batch_id: str = ""
    packets: int = 0
    accepted: int = 0
    duplicate: int = 0
    rejected: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    duration_ms: int = 0
    outcome: str = "ok"  # ok, error
    error: str = ""


class Outbox:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def pending_count(self) -> int:
        row = self.db.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()
        return int(row[0])

    def open_batches(self) -> list[str]:
        rows = self.db.execute(
            "SELECT batch_id FROM sync_batches WHERE state = 'open' ORDER BY batch_id"
        )
        return [row[0] for row in rows]

    def form_batch(self, max_packets: int) -> str | None:
        """Put up to `max_packets` unbatched pending packets into a new batch."""
        with transaction(self.db):
            rows = self.db.execute(
                "SELECT registration_id, version FROM outbox WHERE state = 'pending'"
                " AND batch_id IS NULL ORDER BY registration_id, version LIMIT ?",
                [max(MIN_BATCH, min(MAX_BATCH, max_packets))],
            ).fetchall()
            if not rows:
                return None
            batch_id = str(uuid6.uuid7())
            audit_seq, audit_head = audit.head(self.db)
            self.db.execute(
                "INSERT INTO sync_batches (batch_id, created_at, packet_count, audit_seq,"
                " audit_head) VALUES (?, ?, ?, ?, ?)",
                [batch_id, iso(self.clock()), len(rows), audit_seq or None, audit_head],
            )
            self.db.conn.executemany(
                "UPDATE outbox SET batch_id = ? WHERE registration_id = ? AND version = ?",
                [(batch_id, registration_id, version) for registration_id, version in rows],
            )
        return batch_id

    def release_open_batches(self) -> int:
        """Put the packets of every batch not yet acknowledged back in the queue and forget
        those batches (the caller holds the transaction). After a re-key their bytes would be
        signed anew under the same ids, which the hub refuses if it already had them; in new
        batches the hub counts what it already holds as duplicates. Returns how many."""
        self.db.execute(
            "UPDATE outbox SET batch_id = NULL WHERE state = 'pending' AND batch_id IN"
            " (SELECT batch_id FROM sync_batches WHERE state = 'open')"
        )
        return int(self.db.execute("DELETE FROM sync_batches WHERE state = 'open'").rowcount)

    def packet_count(self, batch_id: str) -> int:
        row = self.db.execute(
            "SELECT packet_count FROM sync_batches WHERE batch_id = ?", [batch_id]
        ).fetchone()
        return 0 if row is None else int(row[0])

    def batch_bytes(self, batch_id: str, identity: DeviceIdentity) -> bytes:
        """The signed batch; the same bytes every time for the same batch id."""
        created_at, audit_seq, audit_head = self.db.execute(
            "SELECT created_at, audit_seq, audit_head FROM sync_batches WHERE batch_id = ?",
            [batch_id],
        ).fetchone()
        packets = tuple(
            Packet(registration_id, version, sealed)
            for registration_id, version, sealed in self.db.execute(
                "SELECT registration_id, version, sealed FROM outbox WHERE batch_id = ?"
                " ORDER BY registration_id, version",
                [batch_id],
            )
        )
        anchor = AuditAnchor(audit_seq, audit_head) if audit_seq else None  # none before 0004
        batch = Batch(batch_id, identity.device_id, created_at, packets, anchor)
        return encode_batch(batch, identity.private_key)

    def apply_receipt(self, receipt: Receipt) -> ReceiptCounts:
        """Apply a receipt whose signature has been verified. Idempotent."""
        known = self.db.execute(
            "SELECT state FROM sync_batches WHERE batch_id = ?", [receipt.batch_id]
        ).fetchone()
        if known is None:
            return ReceiptCounts(unknown_batch=True)
        counts = {"accepted": 0, "duplicate": 0, "rejected": 0}
        now = iso(self.clock())
        with transaction(self.db):
            for result in receipt.results:
                counts[result.outcome] += 1
                self._apply_result(
                    receipt.batch_id,
                    result.registration_id,
                    result.version,
                    result.outcome,
                    result.code,
                    result.reason,
                )
            # packets the hub did not answer for go back to the queue for another batch
            self.db.execute(
                "UPDATE outbox SET batch_id = NULL WHERE batch_id = ? AND state = 'pending'",
                [receipt.batch_id],
            )
            self.db.execute(
                "UPDATE sync_batches SET state = 'acknowledged', acknowledged_at = ?"
                " WHERE batch_id = ?",
                [now, receipt.batch_id],
            )
            if known[0] == "open":  # the lag is counted once, whatever repeats the receipt
                figures.acknowledged(self.db, receipt.batch_id)
            if receipt.audit_anchor is not None:  # signed by the hub, for this device
                audit.keep_anchor(self.db, receipt.audit_anchor, batch_id=receipt.batch_id, at=now)
        return ReceiptCounts(counts["accepted"], counts["duplicate"], counts["rejected"])

    def _apply_result(
        self,
        batch_id: str,
        registration_id: str,
        version: int,
        outcome: str,
        code: str,
        reason: str,
    ) -> None:
        state = "rejected" if outcome == "rejected" else "acknowledged"
        changed = self.db.execute(
            "UPDATE outbox SET state = ?, result_code = ?, result_reason = ?"
            " WHERE registration_id = ? AND version = ? AND batch_id = ?",
            [state, code or None, reason or None, registration_id, version, batch_id],
        ).rowcount
        if not changed:
            return
        status = "rejected" if outcome == "rejected" else "synced"
        self.db.execute(
            "UPDATE registrations SET sync_status = ?, sync_code = ?, sync_reason = ?"
            " WHERE id = ? AND version = ?",
            [status, code or None, reason or None, registration_id, version],
        )

    # -- sync log --------------------------------------------------------------------------

    def log_attempt(self, attempt: SyncAttempt) -> None:
        fields = asdict(attempt)
        columns = ", ".join(fields)
        marks = ", ".join("?" for _ in fields)
        with transaction(self.db):
            self.db.execute(
                f"INSERT INTO sync_log ({columns}) VALUES ({marks})", list(fields.values())
            )

    def sync_log(self) -> Iterator[SyncAttempt]:
        columns = ", ".join(SyncAttempt.__dataclass_fields__)
        for row in self.db.execute(f"SELECT {columns} FROM sync_log ORDER BY id"):
            yield SyncAttempt(*row)

    def last_success(self) -> str | None:
        """When a batch was last acknowledged (over any transport), or None."""
        row = self.db.execute(
            "SELECT max(ended_at) FROM sync_log WHERE outcome = 'ok' AND packets > 0"
        ).fetchone()
        return None if row is None or row[0] is None else str(row[0])


def attempt_json(attempt: SyncAttempt) -> str:
    return json.dumps(asdict(attempt), ensure_ascii=True)
