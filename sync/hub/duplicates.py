"""Cross-device duplicates: the same person registered on two devices (issue 10 item 6).

A device warns of a duplicate among its own registrations; only the hub sees them all. At
ingest, for each packet it accepts from the registration's owner, the hub keeps the blind
indexes of the record's ID number and phone: HMAC-SHA256 (the device's function,
fieldreg/store/crypto.py) of the values as validation normalised them, under a key derived
from the hub's private keys, which are never in hub.db. A copy of hub.db therefore holds no ID
number or phone, and cannot test a guess at one. A corrected version replaces the indexes of
the version before; an older version arriving late changes nothing.

The ingest transaction also enqueues a `duplicates` job (sync/hub/jobs.py): off the request
path, it looks for registrations of ANOTHER device with an equal index and records each pair
once, in canonical order. Pairs from one device are not flagged here (the device already
warned its operator). Nothing is merged: a coordinator reads the pairs (`pairs`) and looks the
people up in the export.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from fieldreg.record import Registration
from fieldreg.store.crypto import record_indexes
from sync.hub.jobs import Db, enqueue

INDEX_PURPOSE = b"fieldreg/v1/hub-blind-index"  # HubKeys.derived_key's label for the index key
JOB_KIND = "duplicates"
BACKFILL_KIND = "duplicates_backfill"  # left by the hub_0009 migration on a hub with data
BACKFILL_CHUNK = 200  # registrations indexed per backfill job
# Registrations of other devices read per index: a phone number typed on thousands of records
# (a placeholder, a shared office phone) must not make one job write millions of pairs.
MAX_MATCHES = 1000
_CHUNK = 200  # registrations per multi-row statement
PAIR_COLUMNS = ["registration_a", "device_a", "registration_b", "device_b", "kind", "found_at"]

Indexes = tuple[tuple[str, bytes], ...]  # (kind, digest): kind is id_number or phone
# (registration_id, version, device_id, sealed packet) -> its indexes, () if it holds none
StoredIndexes = Callable[[str, int, str, bytes], Indexes]
ExecuteMany = Callable[[Db, str, list[tuple[Any, ...]]], None]  # Storage.execute_many


def indexes_of(index_key: bytes, record: Registration) -> Indexes:
    """The record's blind indexes under the hub's index key (no ID number, no ID index)."""
    id_index, phone_index = record_indexes(
        index_key, record.id_type, record.id_number, record.phone
    )
    found = [("phone", phone_index)]
    if id_index is not None:
        found.insert(0, ("id_number", id_index))
    return tuple(found)


def keep_indexes(
    db: Db, newest: Mapping[str, tuple[str, int, Indexes]], execute_many: ExecuteMany
) -> None:
    """In the transaction that stores them: each registration whose newest accepted version
    from its owner is given (`newest`: id -> owner, that version, its indexes) gets that
    version's indexes in place of the ones it had."""
    kept = [
        (rid, owner, version, found) for rid, (owner, version, found) in newest.items() if found
    ]
    for start in range(0, len(kept), _CHUNK):
        chunk = kept[start : start + _CHUNK]
        db.execute(
            f"DELETE FROM blind_index WHERE registration_id IN ({', '.join('?' * len(chunk))})",
            [rid for rid, _, _, _ in chunk],
        )
        execute_many(
            db,
            "INSERT INTO blind_index (registration_id, kind, digest, device_id, version)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                (rid, kind, digest, owner, version)
                for rid, owner, version, found in chunk
                for kind, digest in found
            ],
        )


def enqueue_check(db: Db, registration_ids: list[str], now: str) -> None:
    """At ingest, in its transaction: one job that looks for the duplicates of the batch's
    accepted registrations (one job, one transaction, per batch: not per registration)."""
    if registration_ids:
        enqueue(db, JOB_KIND, json.dumps({"registration_ids": registration_ids}), now)


def find_pairs(db: Db, payload: Mapping[str, Any], now: str) -> None:
    """The `duplicates` job: for each registration, record each registration of another
    device that shares an index with it, once per pair (a pair found again by the other
    side's job, or by a replay, writes nothing; found on the other kind too, it is `both`)."""
    for registration_id in payload["registration_ids"]:
        _record_pairs(db, str(registration_id), now)


def _record_pairs(db: Db, registration_id: str, now: str) -> None:
    own = db.execute(
        "SELECT kind, digest, device_id FROM blind_index WHERE registration_id = ?",
        [registration_id],
    ).fetchall()
    if not own:
        return
    device_id = str(own[0][2])
    matches: dict[tuple[str, str], set[str]] = {}
    for kind, digest, _device in own:
        others = db.execute(
            "SELECT registration_id, device_id FROM blind_index"
            " WHERE kind = ? AND digest = ? AND device_id <> ? ORDER BY registration_id LIMIT ?",
            [kind, digest, device_id, MAX_MATCHES],
        ).fetchall()
        for other_id, other_device in others:
            matches.setdefault((str(other_id), str(other_device)), set()).add(str(kind))
    for (other_id, other_device), kinds in sorted(matches.items()):
        kind = "both" if len(kinds) > 1 else next(iter(kinds))
        first, second = sorted([(registration_id, device_id), (other_id, other_device)])
        db.execute(
            "INSERT INTO duplicate_pairs (registration_a, registration_b, device_a, device_b,"
            " kind, found_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (registration_a, registration_b) DO UPDATE SET kind = 'both'"
            " WHERE duplicate_pairs.kind <> excluded.kind",
            [first[0], second[0], first[1], second[1], kind, now],
        )


def backfill(
    db: Db,
    payload: Mapping[str, Any],
    now: str,
    stored: StoredIndexes,
    execute_many: ExecuteMany,
) -> None:
    """The job the hub_0009 migration leaves on a hub that already held registrations (SQL
    cannot compute a keyed index): index the newest accepted version of the next
    BACKFILL_CHUNK owned registrations after `payload["after"]`, look for their duplicates at
    once (each pair with one indexed before is found now; with one indexed later, then), and
    enqueue the next chunk. `stored` opens a sealed packet and gives its indexes."""
    rows = newest_owned(db, str(payload["after"]), BACKFILL_CHUNK)
    keep_indexes(
        db,
        {
            rid: (device_id, version, stored(rid, version, device_id, bytes(sealed)))
            for rid, version, device_id, sealed, _received_at in rows
        },
        execute_many,
    )
    find_pairs(db, {"registration_ids": [row[0] for row in rows]}, now)
    if len(rows) == BACKFILL_CHUNK:
        enqueue(db, BACKFILL_KIND, json.dumps({"after": rows[-1][0]}), now)


def newest_owned(db: Db, after: str, limit: int) -> list[Any]:
    """The next `limit` owned registrations after `after`, each its newest accepted version
    from its owner: (registration_id, version, device_id, sealed, received_at). The backfill
    jobs' chunks (this one's and the figures')."""
    return db.execute(
        "SELECT o.registration_id, p.version, p.device_id, p.sealed, p.received_at FROM owners o"
        " JOIN packets p ON p.registration_id = o.registration_id AND p.device_id = o.device_id"
        " WHERE o.registration_id > ? AND p.outcome = 'accepted' AND p.version = ("
        "SELECT max(q.version) FROM packets q WHERE q.registration_id = o.registration_id"
        " AND q.device_id = o.device_id AND q.outcome = 'accepted')"
        " ORDER BY o.registration_id LIMIT ?",
        [after, limit],
    ).fetchall()


def pairs(db: Db) -> Iterator[dict[str, Any]]:
    """Every pair found, oldest first: both registration ids, both device ids, what matched
    (id_number, phone or both) and when it was found. No personal data."""
    rows = db.execute(
        "SELECT registration_a, device_a, registration_b, device_b, kind, found_at"
        " FROM duplicate_pairs ORDER BY found_at, registration_a, registration_b"
    )
    for row in rows:
        yield dict(zip(PAIR_COLUMNS, row, strict=True))
