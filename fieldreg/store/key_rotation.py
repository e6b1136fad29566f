"""Data-key rotation: a new data key when a coordinator disables or resets an operator, given
to everyone still entitled to it, then every encrypted row re-encrypted in short chunks.

Key generations: meta `key_generation` names the current data key (0 for a store from before
rotation); every encrypted row says which generation it was written under. Until all rows are
re-encrypted, the earlier data keys stay in meta `retired_keys`, each wrapped under the current
data key only, so whoever lost the current key gets nothing from them. The last chunk deletes
them. Each chunk is one short transaction and the generations say what is left, so a crash
(kill -9) between or inside chunks loses nothing: the next chunk carries on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlite_utils import Database

from fieldreg.store import crypto
from fieldreg.store.database import read_meta, write_meta

REPROTECT_CHUNK = 250  # rows per transaction, like register_many: a registration waits one chunk


@dataclass(frozen=True, slots=True)
class KeyRing:
    """The current data key (and its generation) and, during a re-encryption, the earlier ones."""

    generation: int
    current: crypto.DataKeys
    retired: dict[int, crypto.DataKeys] = field(default_factory=dict)

    def keys(self, generation: int) -> crypto.DataKeys | None:
        if generation == self.generation:
            return self.current
        return self.retired.get(generation)

    def all_keys(self) -> list[crypto.DataKeys]:
        return [self.current, *self.retired.values()]


@dataclass(frozen=True, slots=True)
class Rotation:
    ring: KeyRing
    new_recovery_key: str | None  # set when the store had no recovery public key yet
    needs_reset: list[str]  # enabled operators with no key pair yet: they lost access


@dataclass(frozen=True, slots=True)
class Progress:
    """How many registration versions are under the current key, of how many; finished once
    every row is and the earlier keys are gone."""

    done: int
    total: int
    finished: bool
    retired_now: bool = False  # this very chunk finished it: the earlier keys are gone now


def generation(db: Database) -> int:
    value = read_meta(db, "key_generation")
    return 0 if value is None else int(value)


def load_ring(db: Database, data_key: bytes) -> KeyRing:
    """The ring for the current data key (read in the same transaction as the generation)."""
    current = crypto.DataKeys.from_data_key(data_key)
    retired: dict[int, crypto.DataKeys] = {}
    for gen, wrapped in json.loads(read_meta(db, "retired_keys") or "{}").items():
        key = crypto.unwrap_key(data_key, crypto.unb64(wrapped), f"retired/{gen}")
        retired[int(gen)] = crypto.DataKeys.from_data_key(key)
    return KeyRing(generation(db), current, retired)


def rotate(db: Database, ring: KeyRing, *, leaving: str) -> Rotation:
    """Inside a transaction: a new data key sealed to every enabled operator except `leaving`
    and to the recovery key's public half; the old keys kept only wrapped under the new one."""
    new = crypto.DataKeys.from_data_key(crypto.new_key())
    new_generation = ring.generation + 1
    needs_reset = []
    rows = db.execute("SELECT name, disabled, public_key FROM operators ORDER BY name").fetchall()
    for name, disabled, public in rows:
        sealed = None
        if name != leaving and not disabled:
            if public is None:
                needs_reset.append(name)
            else:
                sealed = crypto.seal_to(public, new.data_key, f"operator/{name}")
        # wrapped_key: a pre-rotation wrap of the old data key; nobody needs it any more
        db.execute(
            "UPDATE operators SET sealed_key = ?, wrapped_key = X'' WHERE name = ?", [sealed, name]
        )
    new_recovery_key = _seal_for_recovery(db, new.data_key)
    retired = {**ring.retired, ring.generation: ring.current}
    wrapped = {
        str(gen): crypto.b64(crypto.wrap_key(new.data_key, keys.data_key, f"retired/{gen}"))
        for gen, keys in retired.items()
    }
    write_meta(db, "retired_keys", json.dumps(wrapped, sort_keys=True))
    for name in crypto.WRAPPED_UNDER_DATA_KEY:
        value = read_meta(db, name)
        if value is not None:
            label = crypto.wrap_label(name)
            secret = crypto.unwrap_key(ring.current.data_key, crypto.unb64(value), label)
            write_meta(db, name, crypto.b64(crypto.wrap_key(new.data_key, secret, label)))
    write_meta(db, "key_generation", str(new_generation))
    return Rotation(KeyRing(new_generation, new, retired), new_recovery_key, needs_reset)


def _seal_for_recovery(db: Database, data_key: bytes) -> str | None:
    """Seal to the recovery key's public half. A store from before rotation has only the
    symmetric recovery wrap (its public half is stored the first time the key is used): then
    a new recovery key replaces it, and is returned to be shown once, as at `init`."""
    public = read_meta(db, "recovery_public_key")
    new_recovery_key = None
    if public is None:
        new_recovery_key = crypto.new_recovery_key()
        pair = crypto.KeyPair.from_recovery_key(new_recovery_key)
        public = crypto.b64(pair.public_bytes())
        write_meta(db, "recovery_public_key", public)
    set_recovery_seal(db, crypto.unb64(public), data_key)
    return new_recovery_key


def set_recovery_seal(db: Database, public: bytes, data_key: bytes) -> None:
    write_meta(db, "recovery_public_key", crypto.b64(public))
    write_meta(db, "recovery_sealed_key", crypto.b64(crypto.seal_to(public, data_key, "recovery")))
    db.execute("DELETE FROM meta WHERE key = 'recovery_wrapped_key'")


def progress(db: Database, ring: KeyRing) -> Progress:
    total = db.execute("SELECT count(*) FROM registration_versions").fetchone()[0]
    left = db.execute(
        "SELECT count(*) FROM registration_versions WHERE key_generation < ?", [ring.generation]
    ).fetchone()[0]
    return Progress(total - left, total, not ring.retired)


def reprotect_chunk(db: Database, ring: KeyRing, limit: int = REPROTECT_CHUNK) -> bool:
    """Inside a transaction: re-encrypt up to `limit` rows of each kind under the current key.
    Returns True when nothing is left, after deleting the retired keys."""
    left = _reencrypt_versions(db, ring, limit)
    if not left:  # the versions' pass re-indexes as it goes: this picks up the rest
        left = _reindex_registrations(db, ring, limit)
    left |= _reencrypt_drafts(db, ring, limit)
    if left or not ring.retired:
        return not left
    db.execute("DELETE FROM meta WHERE key = 'retired_keys'")
    return True


def _old_keys(ring: KeyRing, generation: int) -> crypto.DataKeys:
    keys = ring.keys(generation)
    if keys is None:  # a row under a key this ring never had: refuse rather than lose it
        raise crypto.WrongKey
    return keys


def _reencrypt_versions(db: Database, ring: KeyRing, limit: int) -> bool:
    """Versions under an earlier key, re-encrypted; a registration whose current version this
    is gets its blind indexes under the current index key in the same pass (the old ones
    would let a holder of the old data key test a guessed phone number against a copy)."""
    rows = db.execute(
        "SELECT v.registration_id, v.version, v.key_generation, v.ciphertext,"
        " r.version = v.version AND r.key_generation < ? FROM registration_versions v"
        " JOIN registrations r ON r.id = v.registration_id WHERE v.key_generation < ? LIMIT ?",
        [ring.generation, ring.generation, limit],
    ).fetchall()
    versions, registrations = [], []
    for registration_id, version, gen, ciphertext, current in rows:
        aad = crypto.version_aad(registration_id, version)
        plaintext = crypto.open_sealed(_old_keys(ring, gen).record_key, ciphertext, aad)
        new = crypto.seal(ring.current.record_key, plaintext, aad)
        versions.append((new, ring.generation, registration_id, version))
        if current:
            registrations.append((*_indexes(ring, plaintext), ring.generation, registration_id))
    db.conn.executemany(
        "UPDATE registration_versions SET ciphertext = ?, key_generation = ?"
        " WHERE registration_id = ? AND version = ?",
        versions,
    )
    _set_indexes(db, registrations)
    return len(rows) == limit


def _indexes(ring: KeyRing, plaintext: bytes) -> tuple[bytes | None, bytes]:
    record = json.loads(plaintext)["record"]
    return ring.current.record_indexes(record["id_type"], record["id_number"], record["phone"])


def _set_indexes(db: Database, rows: list[tuple[bytes | None, bytes, int, str]]) -> None:
    db.conn.executemany(
        "UPDATE registrations SET id_index = ?, phone_index = ?, key_generation = ? WHERE id = ?",
        rows,
    )


def _reindex_registrations(db: Database, ring: KeyRing, limit: int) -> bool:
    """Registrations still indexed under an earlier key whose current version is already
    under the current one (a correction made mid-way, a chunk cut short)."""
    rows = db.execute(
        "SELECT r.id, r.version, v.key_generation, v.ciphertext FROM registrations r JOIN"
        " registration_versions v ON v.registration_id = r.id AND v.version = r.version"
        " WHERE r.key_generation < ? LIMIT ?",
        [ring.generation, limit],
    ).fetchall()
    updates = []
    for registration_id, version, gen, ciphertext in rows:
        aad = crypto.version_aad(registration_id, version)
        plaintext = crypto.open_sealed(_old_keys(ring, gen).record_key, ciphertext, aad)
        updates.append((*_indexes(ring, plaintext), ring.generation, registration_id))
    _set_indexes(db, updates)
    return len(rows) == limit


def _reencrypt_drafts(db: Database, ring: KeyRing, limit: int) -> bool:
    rows = db.execute(
        "SELECT id, key_generation, ciphertext FROM drafts WHERE key_generation < ? LIMIT ?",
        [ring.generation, limit],
    ).fetchall()
    for draft_id, gen, ciphertext in rows:
        aad = crypto.draft_aad(draft_id)
        plaintext = crypto.open_sealed(_old_keys(ring, gen).record_key, ciphertext, aad)
        db.execute(
            "UPDATE drafts SET ciphertext = ?, key_generation = ? WHERE id = ?",
            [crypto.seal(ring.current.record_key, plaintext, aad), ring.generation, draft_id],
        )
    return len(rows) == limit
