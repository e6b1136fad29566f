"""Devices and hubs for sync tests: real stores, a real hub on 127.0.0.1, real HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from fieldreg.store.session import Session
from fieldreg.store.sync_settings import SyncSettings
from sync.client import HubClient
from sync.engine import SyncEngine
from sync.enrol import enrol_device
from sync.hub.hub import Hub
from tests.factories import PASSPHRASE, FakeClock, new_store, raw_record


class Device:
    def __init__(self, root: Path, clock: FakeClock | None = None) -> None:
        self.store, _ = new_store(root, clock)
        self.session: Session = self.store.unlock("Sokha", PASSPHRASE)

    def register(self, count: int = 1, **overrides: object) -> list[str]:
        return [
            self.session.register(self.session.validate(raw_record(**overrides)).record)
            for _ in range(count)
        ]

    def enrol(self, hub: Hub, url: str, *, hub_url_override: str | None = None) -> None:
        enrol_device(self.store, self.session, hub.issue_token(url), hub_url=hub_url_override)

    def point_at(self, url: str, **camdx: str) -> None:
        settings = replace(self.store.sync_settings(), hub_url=url, **camdx)
        self.session.set_sync_settings(settings)

    def engine(self, settings: SyncSettings | None = None) -> SyncEngine:
        return SyncEngine(self.store, HubClient(settings or self.store.sync_settings()))

    def formed_batch(self) -> tuple[str, bytes]:
        """A new batch of what is pending: its id and its signed bytes."""
        batch_id = self.store.outbox.form_batch(50)
        assert batch_id is not None
        return batch_id, self.store.outbox.batch_bytes(batch_id, self.store.device_identity())

    def statuses(self) -> dict[str, str]:
        return {r.id: r.status for r in self.session.registrations()}


def hub_ids(hub: Hub) -> list[str]:
    return [row["id"] for row in hub.registrations()]


def wait_until(condition: Callable[[], object], timeout_s: float, what: str) -> None:
    """Poll `condition` until it holds; fail, naming `what`, after `timeout_s` seconds."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {timeout_s} s waiting for {what}"
        time.sleep(0.02)
