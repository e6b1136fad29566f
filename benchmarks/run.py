"""Run every benchmark in this folder and write docs/benchmarks.md.

    python -m benchmarks.run [--quick] [--out FILE]

Each `benchmarks/bench_*.py` module exposes `run() -> str`, a Markdown section. `--quick` uses
small sizes to check the harness; the published numbers come from a run without it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import inspect
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from types import ModuleType

from benchmarks.common import machine_description

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE.parent / "docs" / "benchmarks.md"
ORDER = ("bench_store", "bench_gazetteer")  # these first, any others after, by name
QUICK_SIZES = {"records": 2_000, "samples": 200}


def benchmark_modules() -> list[str]:
    found = sorted(path.stem for path in HERE.glob("bench_*.py"))
    return [name for name in ORDER if name in found] + [n for n in found if n not in ORDER]


def call_run(module: ModuleType, quick: bool) -> str:
    """`module.run()`, with the quick sizes for whichever of them it accepts."""
    if not quick:
        return str(module.run())
    params = inspect.signature(module.run).parameters
    kwargs: dict[str, object] = {k: v for k, v in QUICK_SIZES.items() if k in params}
    if "quick" in params:
        kwargs["quick"] = True
    return str(module.run(**kwargs))


def run_all(quick: bool) -> tuple[list[str], list[str]]:
    """(Markdown sections, names of the modules that failed)."""
    sections, failed = [], []
    for name in benchmark_modules():
        print(f"running {name} ...", file=sys.stderr, flush=True)
        start = time.perf_counter()
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            sections.append(call_run(module, quick).strip())
        except Exception:
            traceback.print_exc()
            failed.append(name)
            sections.append(f"## {name}\n\nFailed in this run; see the run's output.")
        print(f"  {name}: {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    return sections, failed


def code_version() -> str:
    """The commit measured, and whether tracked files had uncommitted changes."""
    git = ["git", "-C", str(HERE)]
    try:
        commit = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "an unknown commit"
    return f"commit `{commit}`" + (" with uncommitted changes" if dirty else "")


def document(sections: list[str], command: str, started: dt.datetime) -> str:
    intro = (
        f"Run on {started:%Y-%m-%d %H:%M} UTC at {code_version()}, with `{command}` from the "
        "repository root. These are measurements, not timed tests: the bars in "
        "docs/architecture.md are checked here and the verdicts say how each one fared on this "
        "machine."
    )
    parts = ["# Benchmarks", intro, "## Machine", machine_description(Path(tempfile.gettempdir()))]
    return "\n\n".join([*parts, *sections]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the benchmarks; write docs/benchmarks.md")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small sizes (2,000 records, 200 samples) to check the harness",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    started = dt.datetime.now(dt.UTC)
    command = "python -m benchmarks.run" + (" --quick" if args.quick else "")
    sections, failed = run_all(args.quick)
    text = document(sections, command, started)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    partial = args.out.with_suffix(".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(args.out)
    print(f"wrote {args.out}", file=sys.stderr)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
