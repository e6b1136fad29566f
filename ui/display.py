"""Can the desktop app open a window here? Asked before Qt loads, because Qt's platform plugin
aborts the whole process (SIGABRT, a core dump, a paragraph about plugins) when it finds no
display, and a newcomer on an SSH session or a server deserves one clear line instead.

Qt-free: it reads only the environment it is given.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

# Qt platform plugins that draw on a display server, and the variable naming that server.
# Every other plugin (offscreen, minimal, eglfs, linuxfb, vnc, ...) needs no display variable.
DISPLAY_VARIABLE = {
    "xcb": "DISPLAY",
    "wayland": "WAYLAND_DISPLAY",
    "wayland-egl": "WAYLAND_DISPLAY",
    "wayland-brcm": "WAYLAND_DISPLAY",
}
HOW_TO_GET_ONE = "use `scripts/run --demo` under a desktop session, or xvfb-run"


def missing_display(environ: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """None when a window can open, else the sentence saying why not."""
    if not platform.startswith("linux"):
        return None  # Windows and macOS always have their own window system
    chosen = environ.get("QT_QPA_PLATFORM", "")
    # "wayland;xcb" is a list Qt tries in order; "xcb:option=value" carries plugin options
    plugins = [item.split(":")[0].strip() for item in chosen.split(";") if item.strip()]
    if not plugins:
        if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
            return None
        return f"no display found: DISPLAY and WAYLAND_DISPLAY are not set; {HOW_TO_GET_ONE}"
    needed: list[str] = []
    for plugin in plugins:
        variable = DISPLAY_VARIABLE.get(plugin)
        if variable is None or environ.get(variable):
            return None
        needed.append(variable)
    return (
        f"no display found: QT_QPA_PLATFORM={chosen} needs {' or '.join(dict.fromkeys(needed))}, "
        f"which is not set; {HOW_TO_GET_ONE}"
    )
