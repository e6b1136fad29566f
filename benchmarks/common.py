"""Shared helpers for the benchmarks: percentiles, timing, Markdown and the machine they ran on."""

from __future__ import annotations

import contextlib
import gc
import math
import os
import platform
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from time import perf_counter_ns

NS_PER_MS = 1_000_000


def percentile(values: Sequence[float], pct: float) -> float:
    """The `pct`-th percentile (0-100) by linear interpolation between closest ranks."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True, slots=True)
class Timings:
    """Durations of one measured operation, in nanoseconds."""

    samples_ns: tuple[int, ...]

    @property
    def count(self) -> int:
        return len(self.samples_ns)

    def pct_ms(self, pct: float) -> float:
        return percentile(self.samples_ns, pct) / NS_PER_MS

    @property
    def p50_ms(self) -> float:
        return self.pct_ms(50)

    @property
    def p95_ms(self) -> float:
        return self.pct_ms(95)

    @property
    def max_ms(self) -> float:
        return max(self.samples_ns) / NS_PER_MS


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Keep the cyclic garbage collector out of a timed loop."""
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def ms(value: float) -> str:
    """A duration in milliseconds with sensible precision."""
    if value >= 100:
        return f"{value:,.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    if value >= 0.1:
        return f"{value:.2f} ms"
    return f"{value * 1000:.1f} µs"


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value >= 1 else ms(value * 1000)


def size(num_bytes: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if num_bytes >= scale:
            return f"{num_bytes / scale:.1f} {unit}"
    return f"{num_bytes} B"


def table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], align: str | None = None
) -> str:
    """A Markdown table. `align` has one letter per column: l, r or c (default: all left)."""
    align = align or "l" * len(headers)
    marks = {"l": "---", "r": "--:", "c": ":-:"}

    def line(cells: Sequence[object]) -> str:
        return "| " + " | ".join(str(cell).replace("|", "\\|") for cell in cells) + " |"

    out = [line(headers), "|" + "|".join(marks[a] for a in align) + "|"]
    out.extend(line(row) for row in rows)
    return "\n".join(out)


def verdict(value: float, target: float) -> str:
    return "pass" if value <= target else "**FAIL**"


# -- the machine ---------------------------------------------------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def cpu_model() -> str:
    cpuinfo = _read("/proc/cpuinfo")
    guest = any(line.startswith("flags") and " hypervisor" in line for line in cpuinfo.splitlines())
    for line in cpuinfo.splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            return model + (" (virtual machine)" if guest else "")
    return platform.processor() or platform.machine()


def ram_bytes() -> int | None:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) * 1024
    return None


def os_name() -> str:
    for line in _read("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            pretty = line.split("=", 1)[1].strip().strip('"')
            return f"{pretty} (kernel {platform.release()})"
    return platform.platform()


def _mount_of(path: Path) -> tuple[str, str] | None:
    """(device, filesystem type) of the mount holding `path`, from /proc/mounts."""
    best: tuple[str, str, str] | None = None
    resolved = str(path.resolve())
    for line in _read("/proc/mounts").splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        device, mount_point, fs_type = parts[:3]
        inside = resolved == mount_point or resolved.startswith(mount_point.rstrip("/") + "/")
        if inside and (best is None or len(mount_point) > len(best[1])):
            best = (device, mount_point, fs_type)
    return (best[0], best[2]) if best else None


def disk_description(path: Path) -> str:
    """Device, filesystem and (where Linux says) whether the disk is rotational."""
    mount = _mount_of(path)
    if mount is None:
        return "unknown"
    device, fs_type = mount
    name = Path(device).name
    block = name.rstrip("0123456789") if not name.startswith("nvme") else name.split("p")[0]
    rotational = _read(f"/sys/block/{block}/queue/rotational").strip()
    kind = {"0": "non-rotational (SSD/NVMe)", "1": "reported rotational"}.get(rotational, "")
    if block.startswith("vd"):
        kind = "virtio virtual disk" + (f", {kind}" if kind else "")
    return f"{device} ({fs_type}{', ' + kind if kind else ''})"


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_description(data_dir: Path | None = None) -> str:
    """A Markdown bullet list describing the machine, for the top of a report."""
    ram = ram_bytes()
    cores = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    items = [
        ("CPU", cpu_model()),
        ("Cores", f"{usable} usable of {cores} logical"),
        ("RAM", size(ram) if ram else "unknown"),
        ("OS", os_name()),
        ("Python", f"{platform.python_implementation()} {sys.version.split()[0]}"),
        ("SQLite", sqlite3.sqlite_version),
        ("cryptography", package_version("cryptography")),
        ("sqlite-utils", package_version("sqlite-utils")),
        ("Disk (temp dir)", disk_description(data_dir or Path(tempfile.gettempdir()))),
    ]
    return "\n".join(f"- **{key}**: {value}" for key, value in items)


def timed(fn: Callable[[], object]) -> int:
    """Run `fn` once; its duration in nanoseconds."""
    start = perf_counter_ns()
    fn()
    return perf_counter_ns() - start


def standalone(
    run: Callable[..., str],
    doc: str | None,
    argv: Sequence[str] | None = None,
    *,
    quick_help: str = "small sizes to check the harness",
) -> int:
    """`python -m benchmarks.bench_X [--quick]`: one benchmark on its own, printed."""
    import argparse

    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0] if doc else None)
    parser.add_argument("--quick", action="store_true", help=quick_help)
    args = parser.parse_args(argv)
    print(run(quick=args.quick))
    return 0
