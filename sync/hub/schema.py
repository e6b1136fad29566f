"""The hub's schema as named migration steps, for both engines (sync/hub/storage/).

SQLite: the steps every hub.db has had since the first release, run by the device store's
runner. PostgreSQL: the same tables, made in one step at today's shape (no PostgreSQL hub
predates it); a later change adds a step to BOTH lists, with the same name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from fieldreg.store.schema import AUDIT_LOG_TABLE, statements_step


def _for_postgresql(statement: str, *, wide_integers: bool = False) -> str:
    """A SQLite table's statement as PostgreSQL takes it (BYTEA for BLOB, no WITHOUT ROWID;
    `wide_integers`: BIGINT for INTEGER): the tables both engines share are written once."""
    statement = statement.replace("BLOB", "BYTEA").replace(" WITHOUT ROWID", "")
    return statement.replace("INTEGER", "BIGINT") if wide_integers else statement


_INITIAL = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE tokens (
        token_hash TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT,
        used_by TEXT
    )""",
    """CREATE TABLE devices (
        device_id TEXT PRIMARY KEY,
        public_key BLOB NOT NULL,
        enrolled_at TEXT NOT NULL,
        revoked_at TEXT
    )""",
    """CREATE TABLE batches (
        batch_id TEXT PRIMARY KEY,
        device_id TEXT NOT NULL REFERENCES devices (device_id),
        sha256 TEXT NOT NULL,
        received_at TEXT NOT NULL,
        transport TEXT NOT NULL,
        client TEXT NOT NULL DEFAULT '',
        packets INTEGER NOT NULL,
        receipt BLOB NOT NULL
    )""",
    # Packets stay sealed at rest; the hub opens them to validate and to export.
    """CREATE TABLE packets (
        registration_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        device_id TEXT NOT NULL,
        batch_id TEXT NOT NULL,
        received_at TEXT NOT NULL,
        sealed BLOB NOT NULL,
        plaintext_sha256 TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
        code TEXT NOT NULL DEFAULT '',
        reason TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (registration_id, version)
    ) WITHOUT ROWID""",
    "CREATE INDEX packets_by_device ON packets (device_id, outcome)",
]


# A registration id belongs to the device that first delivered it: the primary key decides,
# inside the ingest transaction, however many hub processes share the database. An existing
# hub gives each id to the device of its earliest-received packet (ties: lowest version, then
# device id). A quarantined device's registrations stay out of the export unless asked for.
_OWNERSHIP = [
    """CREATE TABLE owners (
        registration_id TEXT PRIMARY KEY,
        device_id TEXT NOT NULL,
        claimed_at TEXT NOT NULL
    ) WITHOUT ROWID""",
    "CREATE INDEX owners_by_device ON owners (device_id)",
    """INSERT INTO owners (registration_id, device_id, claimed_at)
       SELECT registration_id, device_id, received_at FROM (
           SELECT registration_id, device_id, received_at, row_number() OVER (
               PARTITION BY registration_id ORDER BY received_at, version, device_id
           ) AS n FROM packets
       ) WHERE n = 1""",
    "ALTER TABLE devices ADD COLUMN quarantined_at TEXT",
]

# What the hub's operators did (tokens, revocations, quarantines, exports, imports): the same
# append-only hash chain as a device's audit log (fieldreg/store/audit.py), in the hub's file.
_HUB_AUDIT = AUDIT_LOG_TABLE

# The newest audit-chain head each device has sent (issue 9 item 12): signed back in the
# receipt, it lets the device prove its log was not cut or rewritten after the hub saw it.
# `conflicts` counts heads that came for a seq already anchored with another hash.
_AUDIT_ANCHOR = [
    """CREATE TABLE device_audit_anchors (
        device_id TEXT PRIMARY KEY REFERENCES devices (device_id),
        seq INTEGER NOT NULL,
        head TEXT NOT NULL,
        batch_id TEXT NOT NULL,
        received_at TEXT NOT NULL,
        conflicts INTEGER NOT NULL DEFAULT 0
    )""",
]

# A re-key token (issue 9 item 13's lost key): bound to one enrolled device, it replaces that
# device's public key at enrolment, keeping its device id (sealed packets are bound to it).
# `unrevoke` says the operator also let a revoked device back in when issuing it.
_REKEY = [
    "ALTER TABLE tokens ADD COLUMN rekey_device_id TEXT",
    "ALTER TABLE tokens ADD COLUMN unrevoke INTEGER NOT NULL DEFAULT 0",
]

# The hub's audit chain keyed (issue 9 item 12): a seal per entry, HMAC-SHA256 of its (seq,
# hash) under a key derived from the hub's private keys, so never in this file. The entries
# written before the key existed are counted here and sealed at the next unlocked start
# (sync/hub/audit.py `open_seals`).
_AUDIT_SEALS = [
    "CREATE TABLE audit_seals (seq INTEGER PRIMARY KEY, mac TEXT NOT NULL)",
    """INSERT INTO meta (key, value)
       SELECT 'audit_unsealed_entries', CAST(max(seq) AS TEXT) FROM audit_log
       HAVING count(*) > 0""",
]

# The people who run the hub (issue 10 item 5): an account per person with a role, its
# passphrase only as an Argon2id hash (salt and cost beside it), failed logins counted for the
# back-off; and their HTTP sessions, each a random bearer token kept only as its SHA-256.
_HUB_USERS = """CREATE TABLE hub_users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
        kdf TEXT NOT NULL,
        salt BLOB NOT NULL,
        passphrase_hash BLOB NOT NULL,
        created_at TEXT NOT NULL,
        disabled_at TEXT,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        retry_after TEXT
    )"""
_HUB_SESSIONS = [
    """CREATE TABLE hub_sessions (
        token_hash TEXT PRIMARY KEY,
        user_name TEXT NOT NULL REFERENCES hub_users (name),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    )""",
    "CREATE INDEX hub_sessions_by_user ON hub_sessions (user_name)",
]
_OPERATORS = [_HUB_USERS, *_HUB_SESSIONS]

_OPERATORS_PG = [_for_postgresql(_HUB_USERS, wide_integers=True), *_HUB_SESSIONS]


# Post-processing off the request path (issue 10 item 2): ingest enqueues a job in its own
# transaction; a drainer claims jobs (SKIP LOCKED on PostgreSQL), runs the kind's handler and
# deletes the job with the handler's writes; a job that keeps failing is kept as `failed` with an
# error code (never personal data). A `running` job whose claim is older than a lease is claimed
# again (its worker died). Cross-device duplicates (issue 10 item 6): each registration's
# newest accepted version from its owner leaves HMAC blind indexes of its normalised ID number
# and phone under a key derived from the hub's private keys (so not in this file): equal
# values match, nothing else is revealed. A pair of registrations from two devices sharing one
# is recorded once, in canonical order; nothing is merged.


def _duplicates_ddl(*, postgresql: bool) -> list[str]:
    """hub_0009's statements for one engine (shipped: never change what either returns)."""
    integer, blob = ("BIGINT", "BYTEA") if postgresql else ("INTEGER", "BLOB")
    job_id = "BIGINT GENERATED BY DEFAULT AS IDENTITY" if postgresql else "INTEGER"
    now = (
        """to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"""
        if postgresql
        else "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
    )
    return [
        f"""CREATE TABLE jobs (
            job_id {job_id} PRIMARY KEY,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'running', 'failed')),
            attempts {integer} NOT NULL DEFAULT 0,
            error TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            claimed_by TEXT,
            claimed_at TEXT
        )""",
        "CREATE INDEX jobs_by_state ON jobs (state, job_id)",
        f"""CREATE TABLE blind_index (
            registration_id TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('id_number', 'phone')),
            digest {blob} NOT NULL,
            device_id TEXT NOT NULL,
            version {integer} NOT NULL,
            PRIMARY KEY (registration_id, kind)
        ){"" if postgresql else " WITHOUT ROWID"}""",
        "CREATE INDEX blind_index_by_digest ON blind_index (kind, digest)",
        """CREATE TABLE duplicate_pairs (
            registration_a TEXT NOT NULL,
            registration_b TEXT NOT NULL,
            device_a TEXT NOT NULL,
            device_b TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('id_number', 'phone', 'both')),
            found_at TEXT NOT NULL,
            PRIMARY KEY (registration_a, registration_b),
            CHECK (registration_a < registration_b)
        )""",
        "CREATE INDEX duplicate_pairs_by_found ON duplicate_pairs (found_at)",
        # a hub that already holds registrations gets them indexed by a chain of jobs (the
        # key is not in the database: SQL cannot compute an index), duplicates.py `backfill`
        f"""INSERT INTO jobs (kind, payload, state, created_at)
            SELECT 'duplicates_backfill', '{{"after": ""}}', 'pending', {now}
            WHERE EXISTS (SELECT 1 FROM owners)""",
    ]


_DUPLICATES = _duplicates_ddl(postgresql=False)
_DUPLICATES_PG = _duplicates_ddl(postgresql=True)  # in HUB_MIGRATIONS_PG below


# M&E figures (issue 11): at ingest, each registration's newest accepted version from its owner
# leaves its non-personal facts (fieldreg/indicators/facts.py: coded attributes, commune code,
# services as bits; no name, ID, phone, date of birth or village) in hub_facts; a
# `figures_refresh` job (at most one waiting) rebuilds the hub_figures cube from them in one
# transaction, with the national answer precomputed in hub_figures_state. A hub that already
# holds registrations gets its facts by a chain of `figures_backfill` jobs (the packets are
# sealed: SQL cannot read them).
def _figures_ddl(*, postgresql: bool) -> list[str]:
    """hub_0010's statements for one engine (shipped: never change what either returns)."""
    now = (
        """to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"""
        if postgresql
        else "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
    )
    facts = """CREATE TABLE hub_facts (
            registration_id TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            device TEXT NOT NULL,
            day TEXT NOT NULL,
            hour TEXT NOT NULL,
            event TEXT NOT NULL,
            channel TEXT NOT NULL,
            bank TEXT NOT NULL,
            operator TEXT NOT NULL,
            sex TEXT NOT NULL,
            category TEXT NOT NULL,
            province TEXT NOT NULL,
            commune TEXT NOT NULL,
            services INTEGER NOT NULL,
            duplicate INTEGER NOT NULL,
            lag_minutes INTEGER NOT NULL,
            received_at TEXT NOT NULL
        ) WITHOUT ROWID"""
    # key columns: the dashboard's filters (day, event, channel, bank, province, category,
    # sex), operator and device on `desk` rows only; then (dimension, value) -> n
    cube = """CREATE TABLE hub_figures (
            day TEXT NOT NULL,
            event TEXT NOT NULL,
            channel TEXT NOT NULL,
            bank TEXT NOT NULL,
            province TEXT NOT NULL,
            category TEXT NOT NULL,
            sex TEXT NOT NULL,
            operator TEXT NOT NULL,
            device TEXT NOT NULL,
            dimension TEXT NOT NULL,
            value TEXT NOT NULL,
            n INTEGER NOT NULL
        )"""
    state = """CREATE TABLE hub_figures_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            refreshed_at TEXT NOT NULL,
            national TEXT NOT NULL
        )"""
    return [
        _for_postgresql(facts) if postgresql else facts,
        "CREATE INDEX hub_facts_by_device ON hub_facts (device)",
        cube,
        "CREATE INDEX hub_figures_by_dimension ON hub_figures (dimension, province, day)",
        state,
        # coalescing: at most one refresh that nobody has tried yet (a claim counts an attempt)
        "CREATE UNIQUE INDEX jobs_one_waiting_refresh ON jobs (kind)"
        " WHERE kind = 'figures_refresh' AND attempts = 0",
        f"""INSERT INTO jobs (kind, payload, state, created_at)
            SELECT 'figures_backfill', '{{"after": ""}}', 'pending', {now}
            WHERE EXISTS (SELECT 1 FROM owners)""",
    ]


_FIGURES = _figures_ddl(postgresql=False)
_FIGURES_PG = _figures_ddl(postgresql=True)  # in HUB_MIGRATIONS_PG below

HUB_MIGRATIONS: list[tuple[str, Callable[[Database], None]]] = [
    ("hub_0001_initial", statements_step(_INITIAL)),
    ("hub_0002_ownership", statements_step(_OWNERSHIP)),
    ("hub_0003_hub_audit", statements_step(_HUB_AUDIT)),
    ("hub_0005_audit_anchor", statements_step(_AUDIT_ANCHOR)),
    ("hub_0006_rekey", statements_step(_REKEY)),
    ("hub_0007_audit_seals", statements_step(_AUDIT_SEALS)),
    ("hub_0008_operators", statements_step(_OPERATORS)),
    ("hub_0009_duplicates", statements_step(_DUPLICATES)),
    ("hub_0010_figures", statements_step(_FIGURES)),
]


# -- PostgreSQL ------------------------------------------------------------------------------
# Timestamps stay ISO-8601 UTC text, as in SQLite: the hub compares and sorts them as text in
# both engines, and the receipts carry them as they are stored.
_PG_INITIAL = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE tokens (
        token_hash TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT,
        used_by TEXT,
        rekey_device_id TEXT,
        unrevoke INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE devices (
        device_id TEXT PRIMARY KEY,
        public_key BYTEA NOT NULL,
        enrolled_at TEXT NOT NULL,
        revoked_at TEXT,
        quarantined_at TEXT
    )""",
    _for_postgresql(_INITIAL[3]),  # batches
    _for_postgresql(_INITIAL[4]),  # packets
    _INITIAL[5],  # packets_by_device
    "CREATE INDEX packets_by_received ON packets (received_at)",
    *(_for_postgresql(statement) for statement in _OWNERSHIP[:2]),  # owners and its index
    _for_postgresql(AUDIT_LOG_TABLE[0], wide_integers=True),
    """CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$""",
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
    _for_postgresql(_AUDIT_SEALS[0], wide_integers=True),
    """CREATE TABLE device_audit_anchors (
        device_id TEXT PRIMARY KEY REFERENCES devices (device_id),
        seq BIGINT NOT NULL,
        head TEXT NOT NULL,
        batch_id TEXT NOT NULL,
        received_at TEXT NOT NULL,
        conflicts INTEGER NOT NULL DEFAULT 0
    )""",
]


HUB_MIGRATIONS_PG: list[tuple[str, Callable[[Any], None]]] = [
    ("hub_pg_0001_initial", statements_step(_PG_INITIAL)),
    ("hub_0008_operators", statements_step(_OPERATORS_PG)),
    ("hub_0009_duplicates", statements_step(_DUPLICATES_PG)),
    ("hub_0010_figures", statements_step(_FIGURES_PG)),
]
