"""PyInstaller entry point (see build.spec): the same `main` as the `fieldreg` command.

Keep it in step with `[project.scripts] fieldreg` in pyproject.toml.
"""

import os
import sys


def use_bundled_zbar() -> None:
    """pyzbar looks for libzbar with ctypes.util.find_library, which on Linux asks ldconfig
    and the compiler and never looks inside the bundle: hand it the copy build.spec ships, so
    the fallback decoder works on a laptop without Debian's libzbar0."""
    bundle = getattr(sys, "_MEIPASS", None)
    bundled = os.path.join(bundle, "libzbar.so.0") if bundle else ""
    if not bundled or not os.path.isfile(bundled):
        return
    import ctypes.util

    system_find_library = ctypes.util.find_library

    def find_library(name: str) -> str | None:
        return bundled if name == "zbar" else system_find_library(name)

    ctypes.util.find_library = find_library


use_bundled_zbar()

from ui.cli import main  # noqa: E402 - after the library lookup is set up

raise SystemExit(main())
