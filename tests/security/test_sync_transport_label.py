"""The sync log calls the transport `https` only when it is (issue 9 item 14): a plain
`http://` hub on 127.0.0.1 is logged as `http`, at the device and at the hub; CamDX says which
link it used to the security server (tests/test_sync.py::test_camdx_path_and_client_header);
rows logged before still read and filter."""

from __future__ import annotations

from fieldreg.desk.sync_log import LogFilter, filter_attempts
from fieldreg.store.database import transaction
from fieldreg.store.sync_settings import SyncSettings
from sync.hub.server import BackgroundHub
from tests.sync_support import Device
from ui import messages


def hub_transports(hub: BackgroundHub) -> list[str]:
    with hub.hub.storage.read() as db:
        return [row[0] for row in db.execute("SELECT transport FROM batches").fetchall()]


def test_a_plain_http_hub_is_logged_as_http_not_https(device: Device, hub: BackgroundHub) -> None:
    assert hub.url.startswith("http://127.0.0.1:")
    device.register(3)
    assert device.engine().sync_once().complete
    assert [attempt.transport for attempt in device.store.outbox.sync_log()] == ["http"]
    assert hub_transports(hub) == ["http"]


def test_the_label_follows_the_scheme_of_the_url() -> None:
    assert SyncSettings(hub_url="https://hub.example.org").transport == "https"
    assert SyncSettings(hub_url="HTTPS://hub.example.org").transport == "https"
    assert SyncSettings(hub_url="http://10.0.0.5:8443").transport == "http"
    camdx = SyncSettings(camdx_security_server="https://ss.example.gov.kh")
    assert camdx.transport == "camdx-https"
    assert {"http", "https", "camdx-http", "camdx-https"} <= messages.TRANSPORTS.keys()


def test_rows_logged_before_still_read_and_filter(device: Device, hub: BackgroundHub) -> None:
    with transaction(device.store.db):
        for transport in ("https", "camdx"):  # as every sync was logged before item 14
            device.store.db.execute(
                "INSERT INTO sync_log (started_at, ended_at, transport, outcome)"
                " VALUES ('2026-01-05T08:00:00Z', '2026-01-05T08:00:01Z', ?, 'ok')",
                [transport],
            )
    device.register(1)
    assert device.engine().sync_once().complete
    log = list(device.store.outbox.sync_log())
    assert [attempt.transport for attempt in log] == ["https", "camdx", "http"]
    assert [a.transport for a in filter_attempts(log, LogFilter(transport="http"))] == ["http"]
    assert [a.transport for a in filter_attempts(log, LogFilter(transport="https"))] == ["https"]
    assert {attempt.transport for attempt in log} <= messages.TRANSPORTS.keys()
