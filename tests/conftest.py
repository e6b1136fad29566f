"""Shared pytest setup: no display needed, and a real hub on 127.0.0.1 with an enrolled
device for the sync and USB tests."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.hub.server import BackgroundHub
from tests.sync_support import Device

# GUI tests need no display: Qt renders offscreen unless the caller chose a platform.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No test writes a device signing key into the developer's own OS keyring: keyring finds none,
# so stores keep it in their key file; tests of the keyring path set an in-memory one.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[BackgroundHub]:
    with BackgroundHub(tmp_path / "hub") as running:
        yield running


@pytest.fixture
def device(tmp_path: Path, hub: BackgroundHub) -> Device:
    enrolled = Device(tmp_path / "device")
    enrolled.enrol(hub.hub, hub.url)
    return enrolled
