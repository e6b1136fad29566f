"""Shared pytest setup: no display needed, and a real hub on 127.0.0.1 with an enrolled
device for the sync and USB tests."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sync.hub.server import BackgroundHub
from sync.hub.storage import DATABASE_VARIABLE
from tests.pg_support import PgCluster
from tests.sync_support import Device

# GUI tests need no display: Qt renders offscreen unless the caller chose a platform.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No test writes a device signing key into the developer's own OS keyring: keyring finds none,
# so stores keep it in their key file; tests of the keyring path set an in-memory one.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


ENGINES = ("sqlite", "postgresql")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--hub-engine",
        choices=ENGINES,
        default="sqlite",
        help="the database the `hub` fixture runs on (postgresql: a throwaway cluster)",
    )


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """One throwaway PostgreSQL cluster for the session (~2 s to start), removed at its end."""
    with PgCluster() as cluster:
        yield cluster


def _database(request: pytest.FixtureRequest, engine: str) -> str | None:
    if engine == "sqlite":
        return None
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    return cluster.database()


@pytest.fixture
def hub_database(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str | None:
    """None (SQLite in the hub's folder) or a fresh PostgreSQL database's URL, as
    --hub-engine says: the hub-level tests run on either engine. The `fieldreg-hub` commands
    a test runs use it too (FIELDREG_HUB_DATABASE, passed on by tests/cli_runner.py)."""
    database = _database(request, request.config.getoption("--hub-engine"))
    if database is not None:
        monkeypatch.setenv(DATABASE_VARIABLE, database)
    return database


@pytest.fixture(params=ENGINES)
def any_hub_database(request: pytest.FixtureRequest) -> str | None:
    """Both engines, one after the other: the conformance suite (tests/test_hub_conformance.py)."""
    return _database(request, request.param)


@pytest.fixture
def hub_files(
    request: pytest.FixtureRequest, tmp_path: Path, hub_database: str | None
) -> Callable[[], list[Path]]:
    """Where the `hub` fixture's data lands on disk, for searching its bytes: the hub's
    folder, and with PostgreSQL the cluster's files too, checkpointed first (so that what
    sits in shared buffers is on disk as well)."""

    def folders() -> list[Path]:
        if hub_database is None:
            return [tmp_path / "hub"]
        cluster: PgCluster = request.getfixturevalue("pg_cluster")
        cluster.checkpoint()
        return [tmp_path / "hub", cluster.data]

    return folders


@pytest.fixture
def hub(tmp_path: Path, hub_database: str | None) -> Iterator[BackgroundHub]:
    with BackgroundHub(tmp_path / "hub", database=hub_database) as running:
        yield running


@pytest.fixture
def device(tmp_path: Path, hub: BackgroundHub) -> Device:
    enrolled = Device(tmp_path / "device")
    enrolled.enrol(hub.hub, hub.url)
    return enrolled
