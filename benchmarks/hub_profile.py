"""`fieldreg-hub` with every `Hub.receive_batch` profiled (cProfile on each request's thread,
timed in that thread's CPU time so waiting for the GIL or a lock is not counted), the stats
merged into $FIELDREG_BENCH_PROFILE (default /tmp/fieldreg-hub.prof) every 20 batches.

    FIELDREG_BENCH_HUB_MAIN="from benchmarks.hub_profile import main; raise SystemExit(main())" \\
        python -m benchmarks.bench_hub_scale --quick
    python -c "import pstats; pstats.Stats('/tmp/fieldreg-hub.prof').sort_stats('tottime')\
        .print_stats(30)"

With several instances they all write the same file: profile one instance at a time.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import threading
import time
from typing import Any

from sync.hub import hub as hub_module
from sync.hub.cli import main as hub_main

DUMP_EVERY = 20


def main() -> int:
    target = os.environ.get("FIELDREG_BENCH_PROFILE", "/tmp/fieldreg-hub.prof")
    receive = hub_module.Hub.receive_batch
    profiles: list[cProfile.Profile] = []
    lock = threading.Lock()

    def dump() -> None:
        stats = pstats.Stats(profiles[0])
        for profile in profiles[1:]:
            stats.add(profile)
        stats.dump_stats(target)

    def profiled(self: hub_module.Hub, *args: Any, **kwargs: Any) -> bytes:
        profile = cProfile.Profile(time.thread_time)
        try:
            return profile.runcall(receive, self, *args, **kwargs)
        finally:
            with lock:
                profiles.append(profile)
                if len(profiles) % DUMP_EVERY == 0:
                    dump()

    hub_module.Hub.receive_batch = profiled  # type: ignore[method-assign]
    return hub_main()
