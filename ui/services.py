"""What the screens are given to work with: passed in by `ui.app`, never reached globally."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from fieldreg.clock import Clock
from fieldreg.transfer.enrolment import HubLinks
from sync.background import NoSyncEngine, SyncStatusSource
from ui.dialogs import DialogService
from ui.executor import NetworkExecutor, StoreExecutor
from ui.i18n import Formatter
from ui.seams import ScanParser


@dataclass
class Services:
    executor: StoreExecutor
    network: NetworkExecutor  # hub calls (enrolment, checks): never on the store worker
    formatter: Formatter
    dialogs: DialogService
    clock: Clock
    scan_parser: ScanParser
    hub_links: HubLinks  # how enrolment reaches a hub (sync.client.HubClient)
    sync: SyncStatusSource = field(default_factory=NoSyncEngine)
    monotonic: Callable[[], float] = time.monotonic

    def today_iso(self) -> str:
        return self.clock().astimezone().date().isoformat()
