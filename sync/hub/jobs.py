"""The hub's job table: post-processing (cross-device duplicate flags, later the M&E figures)
runs here, never in the request path.

Ingest calls `enqueue` inside its own transaction, so a job exists exactly when the data it
works on was committed. A drainer (`Drainer`, one thread per `serve` process; or
`fieldreg-hub jobs --drain`) calls `drain`: it `claim`s up to `limit` jobs in one write
transaction (on PostgreSQL with SELECT ... FOR UPDATE SKIP LOCKED, so several instances never
take the same job; on SQLite inside the BEGIN IMMEDIATE transaction `write` opens), then runs
each job's handler in a transaction of its own that also deletes the job: the handler's writes
and the job's end commit together. A handler that raises rolls back; the job goes back to
`pending` until it has been tried MAX_ATTEMPTS times, then stays `failed` with an error code
(the exception's code or class name: never its message, which could quote personal data). A
`running` job whose claim is older than LEASE was left by a worker that died: it is claimed
again.

Database access is through a `db` with only `.execute(sql, params)` (the hub's storage
interface); `write()` yields one inside a write transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from fieldreg.clock import iso, parse_iso
from fieldreg.errors import FieldRegError
from sync.hub.storage.base import Db

MAX_ATTEMPTS = 3  # a job is run at most this many times, then kept as `failed`
CLAIM_LIMIT = 50  # jobs claimed per round
MAX_ROUNDS = 1000  # rounds per drain: a drain always ends, even while jobs keep coming
LEASE = dt.timedelta(minutes=10)  # a claim older than this was left by a dead worker
DRAIN_INTERVAL_S = 30.0  # the drainer's timer, between the wake-ups ingest gives it
STOP_TIMEOUT_S = 30.0  # how long stopping waits for a drain under way
STATES = ("pending", "running", "failed")

log = logging.getLogger(__name__)


Handler = Callable[[Db, Mapping[str, Any], str], None]  # (db, payload, now)
Write = Callable[[], AbstractContextManager[Db]]


@dataclass(frozen=True, slots=True, order=True)
class Job:
    job_id: int
    kind: str
    payload: str
    attempts: int  # counting this one


@dataclass(frozen=True, slots=True)
class DrainReport:
    done: int
    retried: int
    failed: int
    rounds: int
    finished: bool  # nothing was left pending (False: it stopped at its round limit)


class Registry:
    """Job kind -> handler. A handler gets the write transaction's db, the job's payload
    (parsed JSON) and the time; it raises to have the job retried."""

    def __init__(self, handlers: Mapping[str, Handler] | None = None) -> None:
        self._handlers = dict(handlers or {})

    def register(self, kind: str, handler: Handler) -> None:
        self._handlers[kind] = handler

    def get(self, kind: str) -> Handler | None:
        return self._handlers.get(kind)


def enqueue(db: Db, kind: str, payload_json: str, now: str) -> None:
    """A new pending job; call it inside the transaction that writes what it works on."""
    db.execute(
        "INSERT INTO jobs (kind, payload, state, created_at) VALUES (?, ?, 'pending', ?)",
        [kind, payload_json, now],
    )


_CANDIDATES = (
    "SELECT job_id FROM jobs WHERE state = 'pending' OR (state = 'running' AND claimed_at < ?)"
    " ORDER BY job_id LIMIT ?"
)
# One statement on PostgreSQL: rows another instance has locked are skipped, not waited for.
_CLAIM_PG = (
    "UPDATE jobs SET state = 'running', claimed_by = ?, claimed_at = ?, attempts = attempts + 1"
    f" WHERE job_id IN ({_CANDIDATES} FOR UPDATE SKIP LOCKED)"
    " RETURNING job_id, kind, payload, attempts"
)


def claim(db: Db, worker: str, limit: int, dialect: str, now: str) -> list[Job]:
    """Take up to `limit` jobs for `worker`, oldest first; call it inside a write transaction
    (on SQLite BEGIN IMMEDIATE holds the write lock from the SELECT to the UPDATE)."""
    expired = iso(parse_iso(now) - LEASE)
    if dialect == "postgresql":
        rows = db.execute(_CLAIM_PG, [worker, now, expired, limit]).fetchall()
    else:
        ids = [row[0] for row in db.execute(_CANDIDATES, [expired, limit]).fetchall()]
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        db.execute(
            "UPDATE jobs SET state = 'running', claimed_by = ?, claimed_at = ?,"
            f" attempts = attempts + 1 WHERE job_id IN ({marks})",
            [worker, now, *ids],
        )
        rows = db.execute(
            f"SELECT job_id, kind, payload, attempts FROM jobs WHERE job_id IN ({marks})",
            ids,
        ).fetchall()
    return sorted(Job(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows)


def _finish(db: Db, job: Job, worker: str) -> None:
    db.execute("DELETE FROM jobs WHERE job_id = ? AND claimed_by = ?", [job.job_id, worker])


def _give_back(db: Db, job: Job, worker: str, code: str, *, final: bool) -> None:
    db.execute(
        "UPDATE jobs SET state = ?, error = ?, claimed_by = NULL, claimed_at = NULL"
        " WHERE job_id = ? AND claimed_by = ?",
        ["failed" if final else "pending", code, job.job_id, worker],
    )


def error_code(error: BaseException) -> str:
    """What is kept of a failure: a FieldRegError's code or the exception's class name, never
    its message (it may quote the data the job was working on)."""
    if isinstance(error, FieldRegError):
        return error.code
    return type(error).__name__


def run_one(write: Write, registry: Registry, job: Job, worker: str, now: str) -> str:
    """Run one claimed job: "done", "retried" or "failed"."""
    handler = registry.get(job.kind)
    code = "unknown_kind"
    if handler is not None:
        try:
            with write() as db:
                handler(db, json.loads(job.payload), now)
                _finish(db, job, worker)
            return "done"
        except Exception as error:  # noqa: BLE001 - any failure is retried, then kept
            code = error_code(error)
    final = handler is None or job.attempts >= MAX_ATTEMPTS
    with write() as db:
        _give_back(db, job, worker, code, final=final)
    log.warning("job %s (%s) failed: %s%s", job.job_id, job.kind, code, "" if final else "; retry")
    return "failed" if final else "retried"


def drain(
    write: Write,
    registry: Registry,
    worker: str,
    dialect: str,
    clock: Callable[[], str],
    *,
    limit: int = CLAIM_LIMIT,
    max_rounds: int = MAX_ROUNDS,
) -> DrainReport:
    """Claim and run jobs until none is left to claim, or for `max_rounds` rounds."""
    counts = {"done": 0, "retried": 0, "failed": 0}
    for rounds in range(1, max_rounds + 1):
        with write() as db:
            claimed = claim(db, worker, limit, dialect, clock())
        if not claimed:
            return DrainReport(**counts, rounds=rounds, finished=True)
        for job in claimed:
            counts[run_one(write, registry, job, worker, clock())] += 1
    return DrainReport(**counts, rounds=max_rounds, finished=False)


def state_counts(db: Db) -> dict[str, int]:
    """How many jobs are in each state (done jobs are deleted: they are not counted)."""
    rows = db.execute("SELECT state, count(*) FROM jobs GROUP BY state").fetchall()
    return {state: 0 for state in STATES} | {str(r[0]): int(r[1]) for r in rows}


def failed_jobs(db: Db) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT job_id, kind, attempts, error, created_at FROM jobs WHERE state = 'failed'"
        " ORDER BY job_id"
    ).fetchall()
    keys = ("job_id", "kind", "attempts", "error", "created_at")
    return [dict(zip(keys, row, strict=True)) for row in rows]


class Drainer:
    """A thread that drains the job table when woken (after each ingest: `wake`) and on a
    timer, until stopped. `drain_once` is the hub's drain; a failure of the drain itself is
    logged (its class name) and the next wake-up tries again."""

    def __init__(
        self, drain_once: Callable[[], object], *, interval_s: float = DRAIN_INTERVAL_S
    ) -> None:
        self._drain_once = drain_once
        self._interval_s = interval_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fieldreg-hub-jobs", daemon=True)

    def start(self) -> Drainer:
        self._thread.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self._interval_s)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self._drain_once()
            except Exception as error:  # noqa: BLE001 - the thread lives on; it retries later
                log.warning("draining the job table failed: %s", error_code(error))
