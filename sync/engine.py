"""The sync engine: outbox -> signed batches -> hub -> verified receipts, with a sync log.

`sync_once` sends every waiting batch and stops at the first failure; `run_forever` repeats it,
backing off with jitter while the hub is unreachable and starting again by itself when the hub
answers. Batch size adapts to the link: each batch aims at a few seconds on the wire.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from fieldreg.clock import iso
from fieldreg.store.outbox import SyncAttempt
from fieldreg.store.store import Store
from fieldreg.transfer.wire import WireError, batch_digest, decode_receipt
from sync.client import HubClient, HubRefused, HubUnreachable

START_BATCH = 50
TARGET_BATCH_SECONDS = 12.0  # per batch: fewer round trips; a cut costs at most this
IDLE_POLL_SECONDS = 5.0
MAX_BACKOFF_SECONDS = 60.0


@dataclass
class SyncReport:
    batches: int = 0
    accepted: int = 0
    duplicate: int = 0
    rejected: int = 0
    bytes_sent: int = 0
    pending: int = 0
    error: str = ""  # empty when everything waiting was acknowledged
    errors: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.error and self.pending == 0


class SyncEngine:
    def __init__(
        self,
        store: Store,
        client: HubClient,
        *,
        on_progress: Callable[[SyncReport], None] | None = None,
        follow_settings: bool = False,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self._monotonic = monotonic  # for durations; injected so tests need no real time
        self.on_progress = on_progress
        self._follow_settings = follow_settings  # the app's coordinator may change them
        self._use(client)

    def _use(self, client: HubClient) -> None:
        self.client = client
        self.batch_size = client.settings.batch_size or START_BATCH
        self._adaptive = not client.settings.batch_size
        self._transport = client.settings.transport

    def sync_once(self) -> SyncReport:
        if self._follow_settings and self.store.sync_settings() != self.client.settings:
            self._use(HubClient(self.store.sync_settings()))
        report = SyncReport()
        outbox = self.store.outbox
        identity = self.store.device_identity()
        hub_key = self.store.trusted_hub_signing_key()
        if hub_key is None or identity.certificate is None:
            report.error = "not_enrolled"
            return report
        while not report.error:
            batch_ids = outbox.open_batches()
            if not batch_ids:
                formed = outbox.form_batch(self.batch_size)
                if formed is None:
                    break
                batch_ids = [formed]
            for batch_id in batch_ids:
                self._send(batch_id, report)
                if report.error:
                    break
        report.pending = outbox.pending_count()
        return report

    def _send(self, batch_id: str, report: SyncReport) -> None:
        outbox = self.store.outbox
        identity = self.store.device_identity()
        hub_key = self.store.trusted_hub_signing_key()
        assert hub_key is not None
        body = outbox.batch_bytes(batch_id, identity)
        started, clock_start = iso(self.store.clock()), self._monotonic()
        received_before = self.client.bytes_received
        attempt = SyncAttempt(started, started, self._transport, batch_id, bytes_sent=len(body))
        try:
            answer = self.client.upload_batch(body)
            receipt = decode_receipt(answer, hub_key)
            if (receipt.batch_id, receipt.device_id, receipt.batch_sha256) != (
                batch_id,
                identity.device_id,
                batch_digest(body),
            ):
                raise WireError("receipt_mismatch")
        except (HubUnreachable, HubRefused, WireError) as error:
            report.error = _error_code(error)
            report.errors.append(report.error)
            self._log(attempt, clock_start, received_before, outcome="error", error=report.error)
            return
        counts = outbox.apply_receipt(receipt)
        packets = len(receipt.results)
        report.batches += 1
        report.accepted += counts.accepted
        report.duplicate += counts.duplicate
        report.rejected += counts.rejected
        report.bytes_sent += len(body)
        seconds = self._log(
            attempt,
            clock_start,
            received_before,
            packets=packets,
            accepted=counts.accepted,
            duplicate=counts.duplicate,
            rejected=counts.rejected,
        )
        self._adapt(packets, seconds)
        if self.on_progress:
            self.on_progress(report)

    def _log(
        self,
        attempt: SyncAttempt,
        clock_start: float,
        received_before: int,
        *,
        packets: int = 0,
        accepted: int = 0,
        duplicate: int = 0,
        rejected: int = 0,
        outcome: str = "ok",
        error: str = "",
    ) -> float:
        seconds = self._monotonic() - clock_start
        self.store.outbox.log_attempt(
            replace(
                attempt,
                ended_at=iso(self.store.clock()),
                duration_ms=round(seconds * 1000),
                bytes_received=self.client.bytes_received - received_before,
                packets=packets,
                accepted=accepted,
                duplicate=duplicate,
                rejected=rejected,
                outcome=outcome,
                error=error,
            )
        )
        return seconds

    def _adapt(self, packets: int, seconds: float) -> None:
        """Aim each batch at a few seconds on the wire: big on a good link, small on a bad one."""
        if not self._adaptive or packets == 0 or seconds <= 0:
            return
        rate = packets / seconds
        wanted = int(rate * TARGET_BATCH_SECONDS)
        self.batch_size = max(10, min(1000, wanted, self.batch_size * 4))

    def run_forever(
        self,
        stop: threading.Event,
        *,
        rng: random.Random | None = None,
        on_report: Callable[[SyncReport], None] | None = None,
        wake: threading.Event | None = None,
    ) -> None:
        """Keep the outbox empty until `stop` is set. Backs off (with jitter) while the hub is
        unreachable; starts again by itself when it answers. Setting `wake` ("Sync now", a
        new registration) ends the current wait at once."""
        rng = rng or random.Random()
        wake = wake or stop
        backoff = 1.0
        while not stop.is_set():
            report = self.sync_once()
            if on_report:
                on_report(report)
            if report.error in ("not_enrolled", "device_revoked", "unknown_device"):
                return
            if report.error:
                delay = backoff * rng.uniform(0.5, 1.0)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
            else:
                delay, backoff = IDLE_POLL_SECONDS, 1.0
            wake.wait(delay)
            if wake is not stop:
                wake.clear()


def _error_code(error: Exception) -> str:
    if isinstance(error, HubRefused):
        return error.code
    if isinstance(error, WireError):
        return error.code
    return "hub_unreachable"
