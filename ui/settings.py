"""The desktop app's own preferences for this device: typed, JSON, saved atomically.

Kept beside the store (`ui-settings.json`) and holding no personal data: the language, Khmer
digits, and the last event (to offer it again). The idle-lock time is not here: it is the
coordinator's audited device setting in the store (`Store.device_setting`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from fieldreg.files import write_text_atomic

SETTINGS_FILENAME = "ui-settings.json"


@dataclass(frozen=True, slots=True)
class AppSettings:
    language: str = "km"
    khmer_digits: bool = True
    last_event_name: str = ""
    last_event_place: str = ""  # commune code of the last outreach event
    last_bank: str = ""  # a bank id (channels.BANKS); an English name before issue 11
    last_branch: str = ""
    last_office: str = ""  # commune code of the last commune office
    last_channel: str = ""  # the kind of the last event chosen (channels.CHANNELS)

    def with_changes(self, **changes: Any) -> AppSettings:
        return replace(self, **changes)


def settings_path(data_dir: Path) -> Path:
    return data_dir / SETTINGS_FILENAME


def load_settings(data_dir: Path) -> AppSettings:
    """The saved settings; defaults for anything missing, unreadable or of the wrong type."""
    try:
        data = json.loads(settings_path(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return AppSettings()
    if not isinstance(data, dict):
        return AppSettings()
    defaults = AppSettings()
    values = {}
    for field in fields(AppSettings):
        value = data.get(field.name)
        if isinstance(value, type(getattr(defaults, field.name))):
            values[field.name] = value
    settings = replace(defaults, **values)
    if settings.language not in ("km", "en"):
        settings = replace(settings, language=defaults.language)
    return settings


def save_settings(data_dir: Path, settings: AppSettings) -> None:
    """Atomic and owner-only (`fieldreg.files`)."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    text = json.dumps(asdict(settings), ensure_ascii=False, indent=2)
    write_text_atomic(settings_path(data_dir), text)
