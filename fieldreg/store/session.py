"""What an unlocked operator can do: register, find duplicates, correct, list, keep drafts.

Every personal field is AES-256-GCM encrypted with the registration id (and version) as
associated data; ID number and phone are also kept as HMAC blind indexes for exact lookups.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import uuid6
from sqlite_utils import Database

from fieldreg.clock import Clock, iso
from fieldreg.gazetteer import load_gazetteer
from fieldreg.indicators import tally
from fieldreg.indicators.channels import Channel
from fieldreg.indicators.facts import Fact, fact_of
from fieldreg.indicators.scope import FigureScope
from fieldreg.record import Registration, ValidationResult, validate
from fieldreg.store import audit, crypto, figures, key_rotation, operators
from fieldreg.store.administration import Administration
from fieldreg.store.database import StoreError, transaction
from fieldreg.transfer.sealing import HubPublicKey, packet_info

log = logging.getLogger(__name__)
DEFAULT_CHANNEL = Channel()  # an event that names no channel is an outreach campaign
COMMIT_CHUNK = 250
MAX_DRAFT_BYTES = 64 * 1024
MAX_EVENT_LENGTH = 100
STATUSES = ("pending", "synced", "rejected")


@dataclass(frozen=True, slots=True)
class DuplicateMatch:
    registration_id: str
    field: str  # "id_number" or "phone"


@dataclass(frozen=True, slots=True)
class StoredRegistration:
    id: str
    created_at: str
    operator: str
    event: str
    device_id: str
    version: int
    status: str
    reject_code: str | None
    reject_reason: str | None
    record: Registration
    channel: Channel = Channel()  # where it was registered (its event's channel)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            **self.record.to_json(),
            "created_at": self.created_at,
            "operator": self.operator,
            "event": self.event,
            "device_id": self.device_id,
            "version": self.version,
            "status": self.status,
            "reject_code": self.reject_code,
            "reject_reason": self.reject_reason,
        }


@dataclass(frozen=True, slots=True)
class RecordVersion:
    version: int
    created_at: str
    operator: str
    change: str
    note: str
    record: Registration


@dataclass(frozen=True, slots=True)
class DraftInfo:
    id: str
    updated_at: str
    event: str


def check_event(event: str) -> str:
    if len(event) > MAX_EVENT_LENGTH or any(ord(char) < 32 or ord(char) == 127 for char in event):
        raise StoreError("invalid_event")
    return event.strip()


class Session(Administration):
    def __init__(
        self,
        db: Database,
        unlocked: operators.Unlocked,
        operator: operators.Operator,
        *,
        device_id: str,
        clock: Clock,
        kdf: crypto.KdfParams,
        hub_key: HubPublicKey | None = None,
        audit_key: bytes | None = None,
    ) -> None:
        self.db = db
        self._key_pair = unlocked.key_pair
        self._ring = key_rotation.load_ring(db, unlocked.data_key)
        self.operator = operator
        self.device_id = device_id
        self.clock = clock
        self._kdf = kdf
        self.hub_key = hub_key  # None until enrolled: then every finalised version is sealed
        self._audit_key = audit_key  # seals every audit entry this session writes

    # -- validation and duplicates -------------------------------------------------------

    def today(self) -> dt.date:
        """The registrar's local date: the age rule counts on the day of registration."""
        return self.clock().astimezone().date()

    def validate(self, raw: Any) -> ValidationResult:
        return validate(raw, today=self.today(), villages=load_gazetteer())

    @property
    def _keys(self) -> crypto.DataKeys:
        return self._ring.current

    def _fresh_keys(self) -> key_rotation.KeyRing:
        """The key ring, reloaded if another session rotated or finished re-encrypting since:
        the new data key is sealed to this operator's key pair (none if disabled or reset)."""
        row = self.db.execute(
            "SELECT (SELECT value FROM meta WHERE key = 'key_generation'),"
            " (SELECT value FROM meta WHERE key = 'retired_keys')"
        ).fetchone()
        current = self._ring.generation == int(row[0] or 0)
        if current and bool(row[1]) == bool(self._ring.retired):
            return self._ring
        data_key = self._ring.current.data_key
        if not current:
            sealed = self.db.execute(
                "SELECT sealed_key FROM operators WHERE name = ? AND NOT disabled",
                [self.operator.name],
            ).fetchone()
            if sealed is None or sealed[0] is None:
                raise StoreError("locked")
            data_key = self._key_pair.open(sealed[0], f"operator/{self.operator.name}")
        self._ring = key_rotation.load_ring(self.db, data_key)
        return self._ring

    def _keys_for(self, generation: int) -> crypto.DataKeys:
        keys = self._ring.keys(generation) or self._fresh_keys().keys(generation)
        if keys is None:
            raise StoreError("locked")
        return keys

    def indexes(self, record: Registration) -> tuple[bytes | None, bytes]:
        return self._keys.record_indexes(record.id_type, record.id_number, record.phone)

    def find_duplicates(
        self, record: Registration, *, exclude: str | None = None
    ) -> list[DuplicateMatch]:
        """Existing registrations with the same ID number or phone, by exact blind-index match.
        While a re-encryption runs, rows indexed under an earlier key are looked up too."""
        ring = self._fresh_keys()
        pairs = [
            keys.record_indexes(record.id_type, record.id_number, record.phone)
            for keys in ring.all_keys()
        ]
        ids, phones = [pair[0] for pair in pairs], [pair[1] for pair in pairs]
        marks = ", ".join("?" * len(pairs))
        rows = self.db.execute(
            f"SELECT id, 'id_number' FROM registrations WHERE id_index IN ({marks})"
            f" UNION ALL SELECT id, 'phone' FROM registrations WHERE phone_index IN ({marks})",
            [*ids, *phones],
        )
        return [DuplicateMatch(row[0], row[1]) for row in rows if row[0] != exclude]

    # -- finalising ------------------------------------------------------------------------

    def register(
        self,
        record: Registration,
        *,
        event: str = "",
        channel: Channel = DEFAULT_CHANNEL,
        duplicate_reason: str | None = None,
        draft_id: str | None = None,
    ) -> str:
        """Finalise one registration in one durable transaction. Returns its new id.

        A possible duplicate raises StoreError("duplicate", matches=[...]) unless the operator
        gives a reason to register anyway; the reason is kept encrypted with the record."""
        event = check_event(event)
        with transaction(self.db):  # checked under the write lock: no other process slips in
            matches = self.find_duplicates(record)
            if matches and not duplicate_reason:
                raise StoreError("duplicate", matches=matches)
            registration_id = self._insert(record, event, channel, duplicate_reason or "", matches)
            if draft_id:
                self.db.execute("DELETE FROM drafts WHERE id = ?", [draft_id])
        return registration_id

    def register_many(
        self,
        records: Iterable[Registration],
        *,
        event: str = "",
        channel: Channel = DEFAULT_CHANNEL,
        duplicate_reason: str | None = None,
        on_commit: Callable[[list[str]], None] | None = None,
    ) -> list[str]:
        """Finalise many already-checked records, committing every 250. Duplicates are looked
        up again under the write lock (refused without a reason, as in `register`); `on_commit`
        hears the ids of each chunk only once that chunk is durable."""
        event = check_event(event)
        all_ids: list[str] = []
        pending = list(records)
        for start in range(0, len(pending), COMMIT_CHUNK):
            ids = []
            with transaction(self.db):
                for record in pending[start : start + COMMIT_CHUNK]:
                    matches = self.find_duplicates(record)
                    if matches and not duplicate_reason:
                        raise StoreError("duplicate", matches=matches)
                    ids.append(
                        self._insert(record, event, channel, duplicate_reason or "", matches)
                    )
            all_ids.extend(ids)
            if on_commit:
                on_commit(ids)
        return all_ids

    def _insert(
        self,
        record: Registration,
        event: str,
        channel: Channel,
        note: str,
        matches: list[DuplicateMatch],
    ) -> str:
        """One registration, its first version, its sealed packet, its figures and its audit
        entry (the caller holds the transaction). A possible duplicate registered with a
        reason is flagged as such in the figures."""
        registration_id = str(uuid6.uuid7())
        now = iso(self.clock())
        self._fresh_keys()
        id_index, phone_index = self.indexes(record)
        self.db.execute(
            "INSERT INTO registrations (id, created_at, operator, event, channel, bank,"
            " duplicate, device_id, version, id_index, phone_index, key_generation)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
            [
                registration_id,
                now,
                self.operator.name,
                event,
                channel.kind,
                channel.bank,
                int(bool(matches)),
                self.device_id,
                id_index,
                phone_index,
                self._ring.generation,
            ],
        )
        self._insert_version(registration_id, 1, now, "created", record, note)
        self._seal(registration_id, 1, now, record, event, channel, "created")
        fact = fact_of(
            record,
            created_at=now,
            event=event,
            channel=channel,
            operator=self.operator.name,
            device=self.device_id,
            duplicate=bool(matches),
        )
        figures.add(self.db, fact)
        details = {"duplicate_of": [m.registration_id for m in matches]} if matches else None
        audit.append(
            self.db,
            key=self._audit_key,
            at=now,
            actor=self.operator.name,
            action="register",
            subject=registration_id,
            details=details,
        )
        return registration_id

    def _insert_version(
        self,
        registration_id: str,
        version: int,
        now: str,
        change: str,
        record: Registration,
        note: str,
    ) -> None:
        plaintext = json.dumps(
            {"record": record.to_json(), "note": note}, ensure_ascii=False, separators=(",", ":")
        ).encode("utf-8")
        ring = self._fresh_keys()
        ciphertext = crypto.seal(
            ring.current.record_key, plaintext, crypto.version_aad(registration_id, version)
        )
        self.db.execute(
            "INSERT INTO registration_versions (registration_id, version, created_at, operator,"
            " change, ciphertext, key_generation) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                registration_id,
                version,
                now,
                self.operator.name,
                change,
                ciphertext,
                ring.generation,
            ],
        )

    def _seal(
        self,
        registration_id: str,
        version: int,
        created_at: str,
        record: Registration,
        event: str,
        channel: Channel,
        change: str,
        operator: str | None = None,
    ) -> None:
        """Put the packet only the hub can open into the outbox, in the same transaction."""
        if self.hub_key is None:
            return
        flagged = self.db.execute(
            "SELECT duplicate FROM registrations WHERE id = ?", [registration_id]
        ).fetchone()
        payload = {
            "id": registration_id,
            "version": version,
            "change": change,
            "record": record.to_json(),
            "created_at": created_at,
            "operator": operator or self.operator.name,
            "event": event,
            "channel": channel.kind,
            "bank": channel.bank,
            # registered although a possible duplicate was shown: counted at the hub too
            "duplicate": bool(flagged and flagged[0]),
            "device_id": self.device_id,
        }
        sealed = self.hub_key.seal(payload, packet_info(self.device_id, registration_id, version))
        self.db.execute(
            "INSERT INTO outbox (registration_id, version, sealed, created_at) VALUES (?, ?, ?, ?)",
            [registration_id, version, sealed, iso(self.clock())],
        )

    def seal_backlog(self, hub_key: HubPublicKey) -> int:
        """At enrolment: seal the current version of every registration made before it."""
        self.hub_key = hub_key
        rows = self.db.execute(
            self._SELECT + " WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE"
            " o.registration_id = r.id AND o.version = r.version) ORDER BY r.id"
        ).fetchall()
        with transaction(self.db):
            for row in rows:
                stored = self._stored(row)
                self._seal(
                    stored.id,
                    stored.version,
                    stored.created_at,
                    stored.record,
                    stored.event,
                    stored.channel,
                    "created" if stored.version == 1 else "correction",
                    operator=stored.operator,
                )
        return len(rows)

    # -- reading ---------------------------------------------------------------------------

    def _decrypt(
        self, registration_id: str, version: int, ciphertext: bytes, generation: int
    ) -> dict[str, Any]:
        plaintext = crypto.open_sealed(
            self._keys_for(generation).record_key,
            ciphertext,
            crypto.version_aad(registration_id, version),
        )
        return dict(json.loads(plaintext))

    def _stored(self, row: tuple[Any, ...]) -> StoredRegistration:
        (
            registration_id,
            created_at,
            operator,
            event,
            device_id,
            version,
            status,
            code,
            reason,
            ciphertext,
            generation,
            channel,
            bank,
        ) = row
        payload = self._decrypt(registration_id, version, ciphertext, generation)
        return StoredRegistration(
            registration_id,
            created_at,
            operator,
            event,
            device_id,
            version,
            status,
            code,
            reason,
            _registration(payload["record"]),
            Channel(channel, bank),
        )

    _SELECT = (
        "SELECT r.id, r.created_at, r.operator, r.event, r.device_id, r.version, r.sync_status,"
        " r.sync_code, r.sync_reason, v.ciphertext, v.key_generation, r.channel, r.bank"
        " FROM registrations r JOIN registration_versions v"
        " ON v.registration_id = r.id AND v.version = r.version"
    )

    def get(self, registration_id: str) -> StoredRegistration:
        row = self.db.execute(self._SELECT + " WHERE r.id = ?", [registration_id]).fetchone()
        if row is None:
            raise StoreError("not_found", id=registration_id[:40])
        return self._stored(row)

    def registrations(self, *, status: str | None = None) -> Iterator[StoredRegistration]:
        """This operator's registrations (a coordinator sees the whole device), oldest first."""
        if status is not None and status not in STATUSES:
            raise StoreError("invalid_status", status=status[:20])
        clauses, params = [], []
        if not self.operator.is_coordinator:
            clauses.append("r.operator = ?")
            params.append(self.operator.name)
        if status:
            clauses.append("r.sync_status = ?")
            params.append(status)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        for row in self.db.execute(self._SELECT + where + " ORDER BY r.id", params):
            yield self._stored(row)

    def history(self, registration_id: str) -> list[RecordVersion]:
        rows = self.db.execute(
            "SELECT version, created_at, operator, change, ciphertext, key_generation"
            " FROM registration_versions WHERE registration_id = ? ORDER BY version",
            [registration_id],
        ).fetchall()
        versions = []
        for version, created_at, operator, change, ciphertext, generation in rows:
            payload = self._decrypt(registration_id, version, ciphertext, generation)
            versions.append(
                RecordVersion(
                    version,
                    created_at,
                    operator,
                    change,
                    payload["note"],
                    _registration(payload["record"]),
                )
            )
        return versions

    # -- corrections -----------------------------------------------------------------------

    def correct(self, registration_id: str, record: Registration, *, reason: str) -> int:
        """A new version of a finalised record; earlier versions stay, unchangeable."""
        if not reason.strip():
            raise StoreError("reason_required")
        mine = self.operator.is_coordinator or self.get(registration_id).operator == (
            self.operator.name
        )
        if not mine:  # refused before anything is written
            raise StoreError("not_permitted", action="correct")
        now = iso(self.clock())
        with transaction(self.db):  # read under the write lock: the figures move from it
            current = self.get(registration_id)
            version = current.version + 1
            self._insert_version(registration_id, version, now, "correction", record, reason)
            id_index, phone_index = self.indexes(record)
            self._seal(
                registration_id,
                version,
                current.created_at,
                record,
                current.event,
                current.channel,
                "correction",
                operator=current.operator,
            )
            figures.add(self.db, self._fact(current), -1)
            figures.add(self.db, self._fact(current, record))
            self.db.execute(
                "UPDATE registrations SET version = ?, id_index = ?, phone_index = ?,"
                " key_generation = ?, sync_status = 'pending', sync_code = NULL,"
                " sync_reason = NULL WHERE id = ?",
                [version, id_index, phone_index, self._ring.generation, registration_id],
            )
            audit.append(
                self.db,
                key=self._audit_key,
                at=now,
                actor=self.operator.name,
                action="correct",
                subject=registration_id,
                details={"version": version},
            )
        return version

    # -- figures ---------------------------------------------------------------------------

    def _fact(self, stored: StoredRegistration, record: Registration | None = None) -> Fact:
        """The figures' fact of a stored registration (with `record` as its new version)."""
        row = self.db.execute(
            "SELECT duplicate FROM registrations WHERE id = ?", [stored.id]
        ).fetchone()
        return fact_of(
            record or stored.record,
            created_at=stored.created_at,
            event=stored.event,
            channel=stored.channel,
            operator=stored.operator,
            device=stored.device_id,
            duplicate=bool(row[0]),
        )

    def recounted_cube(self, *, chunk: int = 5000) -> Counter[tally.CubeKey]:
        """The figures' cube counted again from the current version of every registration,
        each decrypted (its associated data checked) `chunk` rows at a time: a full recount
        (the figures need no coordinator, this does). The plaintext is read only for the
        coded attributes a Fact keeps (it was validated when saved, and the cipher proves it
        unchanged), counted as `tally.cube` counts Facts. A record that does not decrypt
        raises StoreError("damaged")."""
        openers: dict[int, Callable[[bytes, bytes], bytes]] = {}
        recount = tally.Recount()
        cursor = self.db.execute(
            "SELECT r.id, r.version, v.key_generation, v.ciphertext,"
            " date(r.created_at, '+7 hours'), r.event, r.channel, r.bank, r.operator,"
            " r.device_id, strftime('%H', r.created_at, '+7 hours'), r.duplicate"
            " FROM registrations r"
            " JOIN registration_versions v ON v.registration_id = r.id AND v.version = r.version"
        )
        while rows := cursor.fetchmany(chunk):
            for rid, version, generation, ciphertext, *row_key, hour, duplicate in rows:
                if generation not in openers:
                    openers[generation] = crypto.opener(self._keys_for(generation).record_key)
                try:
                    plaintext = openers[generation](ciphertext, crypto.version_aad(rid, version))
                except crypto.WrongKey:
                    raise self._damaged("a registration does not decrypt") from None
                record = json.loads(plaintext)["record"]
                key = (*row_key, record["sex"])
                commune = record["village_code"][:6]
                recount.add(key, record["category"], commune, hour, record["services"], duplicate)
            recount.flush()
        return recount.rows()

    def _damaged(self, reason: str) -> StoreError:
        path = self.db.execute("PRAGMA database_list").fetchone()[2]
        return StoreError("damaged", path=path, reason=reason)

    def figures(self, scope: FigureScope) -> dict[str, Any]:
        """The figures of `scope` from the aggregate table, not suppressed (any operator:
        counts of coded attributes name nobody)."""
        return figures.figures_of(self.db, scope, generated_at=iso(self.clock()))

    def figure_events(self) -> list[str]:
        return figures.events(self.db)

    def rebuild_figures(self) -> int:
        """Fill the figures table by a full recount (after migration 0005_figures, or a
        salvage): one write transaction, the records decrypted 1,000 at a time so memory holds
        cube rows, not records. Returns the rows written."""
        with transaction(self.db):
            counted = self.recounted_cube()
            figures.replace_cube(self.db, counted)
            figures.recount_kept_tables(self.db)
        log.info("figures recounted: %d rows", len(counted))
        return len(counted)

    def recount_figures(self, scope: FigureScope) -> tuple[dict[str, Any], bool]:
        """The figures of `scope` from every registration decrypted again, and whether the
        figures table equals the recount's cube; where it does not, the table is rebuilt from
        the recount (logged with a count of rows, no values)."""
        with transaction(self.db):  # one snapshot: no registration slips in between
            counted = self.recounted_cube()
            stored = figures.stored_cube(self.db)
            matches = counted == stored and figures.kept_tables_match(self.db)
            if not matches:
                figures.replace_cube(self.db, counted)
                figures.recount_kept_tables(self.db)
            recounted = figures.recounted(self.db, counted, scope, generated_at=iso(self.clock()))
        if not matches:
            differing = len(set(counted.items()) ^ set(stored.items()))
            log.warning("figures_rebuilt: %d cube rows differed from the recount", differing)
        return recounted, matches

    # -- drafts ----------------------------------------------------------------------------

    def save_draft(
        self, data: dict[str, Any], *, draft_id: str | None = None, event: str = ""
    ) -> str:
        """Keep an unfinished form, encrypted. Any JSON object; nothing is validated yet."""
        plaintext = json.dumps(data, ensure_ascii=False).encode("utf-8")
        if len(plaintext) > MAX_DRAFT_BYTES:
            raise StoreError("draft_too_large", limit=MAX_DRAFT_BYTES)
        draft_id = draft_id or str(uuid6.uuid7())
        with transaction(self.db):
            ring = self._fresh_keys()
            ciphertext = crypto.seal(ring.current.record_key, plaintext, crypto.draft_aad(draft_id))
            self.db.execute(
                "INSERT INTO drafts (id, operator, event, updated_at, ciphertext, key_generation)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                " event = excluded.event, updated_at = excluded.updated_at,"
                " ciphertext = excluded.ciphertext, key_generation = excluded.key_generation",
                [
                    draft_id,
                    self.operator.name,
                    check_event(event),
                    iso(self.clock()),
                    ciphertext,
                    ring.generation,
                ],
            )
        return draft_id

    def load_draft(self, draft_id: str) -> dict[str, Any]:
        row = self.db.execute(
            "SELECT ciphertext, key_generation FROM drafts WHERE id = ?", [draft_id]
        ).fetchone()
        if row is None:
            raise StoreError("not_found", id=draft_id[:40])
        plaintext = crypto.open_sealed(
            self._keys_for(row[1]).record_key, row[0], crypto.draft_aad(draft_id)
        )
        return dict(json.loads(plaintext))

    def drafts(self) -> list[DraftInfo]:
        rows = self.db.execute(
            "SELECT id, updated_at, event FROM drafts WHERE operator = ? ORDER BY updated_at",
            [self.operator.name],
        )
        return [DraftInfo(*row) for row in rows]

    def discard_draft(self, draft_id: str) -> None:
        with transaction(self.db):
            self.db.execute("DELETE FROM drafts WHERE id = ?", [draft_id])


def _registration(data: dict[str, Any]) -> Registration:
    data = dict(data)
    data["services"] = tuple(data["services"])
    return Registration(**data)
