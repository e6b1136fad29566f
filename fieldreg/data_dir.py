"""Where a program keeps its data: the directory given on the command line, else the one its
environment variable names, else the platform's user data directory (~/.local/share/NAME)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def choose_data_dir(given: Path | str | None, env_var: str, app_name: str) -> Path:
    if given:
        return Path(given)
    if os.environ.get(env_var):
        return Path(os.environ[env_var])
    return Path(platformdirs.user_data_dir(app_name, appauthor=False))
