"""The store's schema as named migration steps. Never edit a shipped step: add a new one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

# The append-only, hash-chained audit log (fieldreg/store/audit.py). Part of the shipped first
# step, so never edited; the hub's own log (sync/hub/schema.py) is the same table.
AUDIT_LOG_TABLE = [
    """CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT NOT NULL DEFAULT '',
        details TEXT NOT NULL DEFAULT '{}',
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    )""",
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER audit_log_kept BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]

_INITIAL = [
    """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE operators (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('registrar', 'coordinator')),
        kdf TEXT NOT NULL,
        salt BLOB NOT NULL,
        wrapped_key BLOB NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        retry_after TEXT,
        created_at TEXT NOT NULL
    )""",
    # Non-personal facts in the clear; every personal field lives in registration_versions.
    """CREATE TABLE registrations (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        operator TEXT NOT NULL,
        event TEXT NOT NULL DEFAULT '',
        device_id TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        id_index BLOB,
        phone_index BLOB,
        sync_status TEXT NOT NULL DEFAULT 'pending'
            CHECK (sync_status IN ('pending', 'synced', 'rejected')),
        sync_code TEXT,
        sync_reason TEXT
    )""",
    "CREATE INDEX registrations_by_id_index ON registrations (id_index)",
    "CREATE INDEX registrations_by_phone_index ON registrations (phone_index)",
    "CREATE INDEX registrations_by_status ON registrations (sync_status)",
    "CREATE INDEX registrations_by_operator ON registrations (operator, created_at)",
    """CREATE TABLE registration_versions (
        registration_id TEXT NOT NULL REFERENCES registrations (id),
        version INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        operator TEXT NOT NULL,
        change TEXT NOT NULL CHECK (change IN ('created', 'correction')),
        ciphertext BLOB NOT NULL,
        PRIMARY KEY (registration_id, version)
    ) WITHOUT ROWID""",
    """CREATE TRIGGER registration_versions_immutable BEFORE UPDATE ON registration_versions
       BEGIN SELECT RAISE(ABORT, 'registration versions are immutable'); END""",
    """CREATE TRIGGER registration_versions_kept BEFORE DELETE ON registration_versions
       BEGIN SELECT RAISE(ABORT, 'registration versions are never deleted'); END""",
    """CREATE TRIGGER registrations_identity_fixed
       BEFORE UPDATE OF id, created_at, operator, event, device_id ON registrations
       BEGIN SELECT RAISE(ABORT, 'a registration keeps its id, time, operator and event'); END""",
    """CREATE TRIGGER registrations_kept BEFORE DELETE ON registrations
       BEGIN SELECT RAISE(ABORT, 'registrations are never deleted'); END""",
    """CREATE TABLE drafts (
        id TEXT PRIMARY KEY,
        operator TEXT NOT NULL,
        event TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        ciphertext BLOB NOT NULL
    )""",
    *AUDIT_LOG_TABLE,
]


# Sync: sealed packets waiting for the hub, the batches they travel in, and every attempt.
_SYNC = [
    """CREATE TABLE outbox (
        registration_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        sealed BLOB NOT NULL,
        created_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'acknowledged', 'rejected')),
        batch_id TEXT,
        result_code TEXT,
        result_reason TEXT,
        PRIMARY KEY (registration_id, version)
    )""",  # a rowid table: sealed packets (~1.5 kB) would overflow WITHOUT ROWID pages
    "CREATE INDEX outbox_by_state ON outbox (state, batch_id)",
    """CREATE TRIGGER outbox_packets_immutable BEFORE UPDATE OF sealed ON outbox
       BEGIN SELECT RAISE(ABORT, 'a sealed packet never changes'); END""",
    """CREATE TABLE sync_batches (
        batch_id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        packet_count INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged')),
        acknowledged_at TEXT
    )""",
    """CREATE TABLE sync_log (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        ended_at TEXT NOT NULL,
        transport TEXT NOT NULL,
        batch_id TEXT NOT NULL DEFAULT '',
        packets INTEGER NOT NULL DEFAULT 0,
        accepted INTEGER NOT NULL DEFAULT 0,
        duplicate INTEGER NOT NULL DEFAULT 0,
        rejected INTEGER NOT NULL DEFAULT 0,
        bytes_sent INTEGER NOT NULL DEFAULT 0,
        bytes_received INTEGER NOT NULL DEFAULT 0,
        duration_ms INTEGER NOT NULL DEFAULT 0,
        outcome TEXT NOT NULL,
        error TEXT NOT NULL DEFAULT ''
    )""",
]


# Data-key rotation (issue 9 item 6): operator key pairs, and a key generation on every
# encrypted row so re-encryption can run in chunks after the new key is in place.
_KEY_ROTATION = [
    # The operator's key pair: the public half in clear, the private half wrapped under the
    # passphrase's Argon2id key, and the data key sealed to the public half (NULL while the
    # operator is disabled). wrapped_key (the data key under the passphrase) is emptied when
    # the operator's key pair is made, at their first login after this step.
    "ALTER TABLE operators ADD COLUMN public_key BLOB",
    "ALTER TABLE operators ADD COLUMN wrapped_private BLOB",
    "ALTER TABLE operators ADD COLUMN sealed_key BLOB",
    "ALTER TABLE registration_versions ADD COLUMN key_generation INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE registrations ADD COLUMN key_generation INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE drafts ADD COLUMN key_generation INTEGER NOT NULL DEFAULT 0",
    "CREATE INDEX registration_versions_by_generation ON registration_versions (key_generation)",
    "CREATE INDEX registrations_by_generation ON registrations (key_generation)",
    # A version stays what it was written as; re-encryption under a newer key may replace its
    # ciphertext, and only together with a higher key generation.
    "DROP TRIGGER registration_versions_immutable",
    """CREATE TRIGGER registration_versions_immutable BEFORE UPDATE ON registration_versions
       WHEN NOT (NEW.registration_id IS OLD.registration_id AND NEW.version IS OLD.version
                 AND NEW.created_at IS OLD.created_at AND NEW.operator IS OLD.operator
                 AND NEW.change IS OLD.change AND NEW.key_generation > OLD.key_generation)
       BEGIN SELECT RAISE(ABORT, 'registration versions are immutable'); END""",
]


# The audit chain keyed and anchored (issue 9 item 12): a seal is HMAC-SHA256 under the audit
# key (kept wrapped under the data key as meta `audit_key`) of an entry's (seq, hash); an
# anchor is an entry's (seq, hash) the hub acknowledged in a signed receipt; each batch keeps
# the head it carries so that every retry sends the same bytes.
_AUDIT_KEY = [
    """CREATE TABLE audit_seals (seq INTEGER PRIMARY KEY, mac TEXT NOT NULL)""",
    """CREATE TABLE audit_anchors (
        seq INTEGER PRIMARY KEY,
        head TEXT NOT NULL,
        batch_id TEXT NOT NULL,
        acknowledged_at TEXT NOT NULL,
        signature TEXT NOT NULL
    )""",
    "ALTER TABLE sync_batches ADD COLUMN audit_seq INTEGER",
    "ALTER TABLE sync_batches ADD COLUMN audit_head TEXT",
]


# The lag of each acknowledged first version: event, Cambodia day, whole minutes, count
# (shared by the migration, outbox.apply_receipt and a full recount). Part of the shipped
# step 0005_figures: never edit it; a change of meaning is a new constant and a new step.
LAG_SELECT = (
    "SELECT r.event AS event, date(r.created_at, '+7 hours') AS day,"
    " max(0, CAST((julianday(b.acknowledged_at) - julianday(r.created_at)) * 1440 AS INTEGER))"
    " AS minutes, count(*) AS number FROM sync_batches b JOIN outbox o ON o.batch_id = b.batch_id"
    " AND o.version = 1 AND o.state = 'acknowledged' AND b.state = 'acknowledged'"
    " JOIN registrations r ON r.id = o.registration_id"
)

# One more registration of this status for its event and day (a trigger's statement).
_STATUS_UP = """INSERT INTO figures_status (event, day, status, count)
    VALUES ({row}.event, date({row}.created_at, '+7 hours'), {row}.sync_status, 1)
    ON CONFLICT (event, day, status) DO UPDATE SET count = count + 1;"""

# M&E figures (issue 11): the channel an event names kept with each registration, fixed like its
# event (older rows were outreach), whether it was registered despite a possible duplicate
# (what its audit entry says), and the aggregate table the Figures screen reads. `figures`
# holds counts of coded attributes only: no name, ID number, phone, date of birth, village or
# registration id (fieldreg/store/figures.py keeps it, in the transaction of each change).
_FIGURES = [
    "ALTER TABLE registrations ADD COLUMN channel TEXT NOT NULL DEFAULT 'outreach'",
    "ALTER TABLE registrations ADD COLUMN bank TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE registrations ADD COLUMN duplicate INTEGER NOT NULL DEFAULT 0",
    # registrations made before this step: a possible duplicate registered with a reason is
    # the one whose `register` audit entry names what it duplicates
    """UPDATE registrations SET duplicate = 1 WHERE id IN (SELECT subject FROM audit_log
       WHERE action = 'register' AND json_extract(details, '$.duplicate_of') IS NOT NULL)""",
    "DROP TRIGGER registrations_identity_fixed",
    """CREATE TRIGGER registrations_identity_fixed
       BEFORE UPDATE OF id, created_at, operator, event, device_id, channel, bank, duplicate
       ON registrations
       BEGIN SELECT RAISE(ABORT, 'a registration keeps its id, time, operator and event');
       END""",
    "CREATE INDEX registrations_by_event ON registrations (event, created_at, sync_status)",
    # Cube rows: (key fields, dimension, value) -> registrations, as tally.cube() makes them;
    # dimension then event first, so a count along one dimension reads only that dimension's
    # rows, and for one event only that event's.
    """CREATE TABLE figures (
        dimension TEXT NOT NULL,
        event TEXT NOT NULL,
        day TEXT NOT NULL,
        channel TEXT NOT NULL,
        bank TEXT NOT NULL,
        operator TEXT NOT NULL,
        device TEXT NOT NULL,
        sex TEXT NOT NULL,
        value TEXT NOT NULL,
        count INTEGER NOT NULL CHECK (count > 0),
        PRIMARY KEY (dimension, event, day, channel, bank, operator, device, sex, value)
    ) WITHOUT ROWID""",
    # Counts by place or value for all events read the rows of one dimension in (sex, value)
    # order: no sort of tens of thousands of commune rows (figures.CubeSource picks it)
    "CREATE INDEX figures_by_value ON figures (dimension, sex, value, event, day, count)",
    # Finalise -> acknowledgement lag of first versions, in whole minutes, by the Cambodia day
    # and event of the registration: kept when a receipt is applied (outbox.apply_receipt),
    # filled here from what was acknowledged before (no decryption needed).
    """CREATE TABLE figures_lag (
        event TEXT NOT NULL,
        day TEXT NOT NULL,
        minutes INTEGER NOT NULL,
        count INTEGER NOT NULL CHECK (count > 0),
        PRIMARY KEY (event, day, minutes)
    ) WITHOUT ROWID""",
    "INSERT INTO figures_lag (event, day, minutes, count) " + LAG_SELECT + " WHERE 1 = 1"
    " GROUP BY 1, 2, 3",
    # Registrations by sync status, per event and Cambodia day, kept by triggers in the
    # transaction of every insert and status change (a receipt, a correction).
    """CREATE TABLE figures_status (
        event TEXT NOT NULL,
        day TEXT NOT NULL,
        status TEXT NOT NULL,
        count INTEGER NOT NULL CHECK (count >= 0),
        PRIMARY KEY (event, day, status)
    ) WITHOUT ROWID""",
    """INSERT INTO figures_status (event, day, status, count)
       SELECT event, date(created_at, '+7 hours'), sync_status, count(*) FROM registrations
       WHERE 1 = 1 GROUP BY 1, 2, 3""",
    f"""CREATE TRIGGER figures_status_insert AFTER INSERT ON registrations
       BEGIN {_STATUS_UP.format(row="NEW")} END""",
    f"""CREATE TRIGGER figures_status_update AFTER UPDATE OF sync_status ON registrations
       WHEN OLD.sync_status IS NOT NEW.sync_status
       BEGIN
           UPDATE figures_status SET count = count - 1 WHERE event = OLD.event
               AND day = date(OLD.created_at, '+7 hours') AND status = OLD.sync_status;
           {_STATUS_UP.format(row="NEW")}
       END""",
    # The cube cannot be filled here: the records are encrypted. The next login recounts.
    """INSERT INTO meta (key, value) SELECT 'figures_recount_needed', '1'
       WHERE EXISTS (SELECT 1 FROM registrations)""",
]


def statements_step(statements: list[str]) -> Callable[[Any], None]:
    """A migration step running `statements` in order, on any connection with `execute`
    (the device's store, the hub's SQLite or PostgreSQL)."""

    def step(db: Any) -> None:
        for statement in statements:
            db.execute(statement)

    return step


MIGRATIONS: list[tuple[str, Callable[[Database], None]]] = [
    ("0001_initial", statements_step(_INITIAL)),
    ("0002_sync", statements_step(_SYNC)),
    ("0003_key_rotation", statements_step(_KEY_ROTATION)),
    ("0004_audit_key", statements_step(_AUDIT_KEY)),
    ("0005_figures", statements_step(_FIGURES)),
]
