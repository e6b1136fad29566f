"""TLS for the reference hub (issue 10 item 4): `fieldreg-hub tls-cert` makes a pilot pair
(key file owner-only); `serve --tls-cert/--tls-key` serves HTTPS; the enrolment string pins
the TLS key (SHA-256 of its SubjectPublicKeyInfo) and the device checks that pin on every
connection, so a hub answering at the same address with another key is refused before a byte
is sent; plain HTTP is refused off loopback unless behind CamDX."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography import x509

from fieldreg.errors import FieldRegError
from fieldreg.store.sync_settings import SyncSettings
from fieldreg.transfer.enrolment_string import format_enrolment, parse_enrolment
from sync.client import HubClient, HubRefused
from sync.enrol import enrol_device
from sync.hub import cli
from sync.hub.app import MAX_BATCH_BYTES
from sync.hub.server import BackgroundHub, TlsFiles
from sync.tls import pin_of_file
from tests.sync_support import Device


def tls_pair(folder: Path) -> TlsFiles:
    """A pair made the way a pilot makes it: `fieldreg-hub tls-cert`."""
    assert cli.main(["tls-cert", "--out-dir", str(folder), "--name", "hub.example.org"]) == 0
    return folder / "hub-tls.crt", folder / "hub-tls.key"


def hub_transports(hub: BackgroundHub) -> list[str]:
    with hub.hub.storage.read() as db:
        return [row[0] for row in db.execute("SELECT transport FROM batches").fetchall()]


def test_the_key_file_is_owner_only_and_the_pin_names_the_key(tmp_path: Path) -> None:
    cert, key = tls_pair(tmp_path / "tls")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    certificate = x509.load_pem_x509_certificate(cert.read_bytes())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(names.get_values_for_type(x509.DNSName)) == {"hub.example.org", "localhost"}
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    assert len(pin_of_file(cert)) == 64
    assert pin_of_file(cert) != pin_of_file(tls_pair(tmp_path / "other")[0])


def test_enrol_register_and_sync_over_pinned_https(tmp_path: Path) -> None:
    cert, key = tls_pair(tmp_path / "tls")
    with BackgroundHub(tmp_path / "hub", tls=(cert, key)) as hub:
        assert hub.url.startswith("https://127.0.0.1:")
        text = hub.hub.issue_token(hub.url)
        enrolment, problem = parse_enrolment(text)
        assert problem is None and enrolment is not None
        assert enrolment.tls_pin == pin_of_file(cert)
        device = Device(tmp_path / "device")
        device.enrol(hub.hub, hub.url)
        assert device.store.sync_settings().tls_pin == pin_of_file(cert)
        ids = device.register(3)
        report = device.engine().sync_once()
        assert report.complete and report.accepted == 3
        assert [a.transport for a in device.store.outbox.sync_log()] == ["https"]
        assert hub_transports(hub) == ["https"]
        assert set(device.statuses().values()) == {"synced"} and len(ids) == 3


def test_the_same_address_with_another_tls_key_is_refused(tmp_path: Path) -> None:
    """The same hub (same data, same signing keys), restarted at the same address with a
    different TLS key: only the pin tells them apart, and it does."""
    device = Device(tmp_path / "device")
    with BackgroundHub(tmp_path / "hub", tls=tls_pair(tmp_path / "tls")) as hub:
        device.enrol(hub.hub, hub.url)
        port, pinned_string = hub.port, hub.hub.issue_token(hub.url)
    device.register(2)
    impostor_pair = tls_pair(tmp_path / "impostor")
    with BackgroundHub(tmp_path / "hub", port=port, tls=impostor_pair) as impostor:
        report = device.engine().sync_once()
        assert report.error == "tls_pin_mismatch"
        assert set(device.statuses().values()) == {"pending"}
        assert hub_transports(impostor) == []
        assert [a.error for a in device.store.outbox.sync_log()] == ["tls_pin_mismatch"]
        other = Device(tmp_path / "other")  # enrolling with the old string is refused too
        with pytest.raises(FieldRegError) as refused:
            enrol_device(other.store, other.session, pinned_string)
        assert refused.value.code == "tls_pin_mismatch"
        assert not other.store.sync_settings().hub_url


def test_a_pinned_device_does_not_fall_back_to_plain_http(tmp_path: Path) -> None:
    with BackgroundHub(tmp_path / "hub", tls=tls_pair(tmp_path / "tls")) as hub:
        device = Device(tmp_path / "device")
        device.enrol(hub.hub, hub.url)
        device.register(1)
        device.point_at(hub.url.replace("https://", "http://"))
        assert device.engine().sync_once().error == "tls_pin_mismatch"
        assert set(device.statuses().values()) == {"pending"}


def test_a_self_signed_hub_without_a_pin_is_not_trusted(tmp_path: Path) -> None:
    """An old string (no pin) for an https address: the certificate authority check stays on,
    and a self-signed certificate fails it; verification is never simply switched off."""
    with BackgroundHub(tmp_path / "hub", tls=tls_pair(tmp_path / "tls")) as hub:
        text = hub.hub.issue_token(hub.url, tls_pin="")
        assert parse_enrolment(text)[0] is not None
        with pytest.raises(FieldRegError) as refused:
            device = Device(tmp_path / "device")
            enrol_device(device.store, device.session, text)
        assert refused.value.code == "hub_unreachable"


def test_an_oversized_batch_over_https_still_gets_its_answer(tmp_path: Path) -> None:
    """The hub answers a batch over its cap with 413 and closes; over TLS (no half-close)
    it must still read and drop the rest, or the device sees a reset, not `too_large`."""
    cert, key = tls_pair(tmp_path / "tls")
    with BackgroundHub(tmp_path / "hub", tls=(cert, key)) as hub:
        client = HubClient(SyncSettings(hub_url=hub.url, tls_pin=pin_of_file(cert)))
        with pytest.raises(HubRefused) as refused:
            client.upload_batch(b"x" * (MAX_BATCH_BYTES + 4 * 1024 * 1024))
    assert (refused.value.status, refused.value.code) == (413, "too_large")


def test_strings_without_a_pin_still_parse_and_bad_pins_do_not() -> None:
    old = format_enrolment("https://hub.example.org", "tok", "ab" * 32)
    enrolment, problem = parse_enrolment(old)
    assert problem is None and enrolment is not None and enrolment.tls_pin == ""
    pinned = format_enrolment("https://hub.example.org", "tok", "ab" * 32, "CD" * 32)
    assert parse_enrolment(pinned)[0].tls_pin == "cd" * 32  # type: ignore[union-attr]
    bad = format_enrolment("https://hub.example.org", "tok", "ab" * 32, "not-hex")
    assert parse_enrolment(bad) == (None, "bad_tls_pin")


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "hub.example.org"])
def test_plain_http_off_loopback_is_refused_before_anything_opens(
    tmp_path: Path, host: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "hub"
    code = cli.main(["serve", "--host", host, "--port", "0", "--data-dir", str(data_dir)])
    assert code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "--tls-cert" in error and host in error
    assert not data_dir.exists()  # refused before the hub opened, let alone bound a socket


def test_serve_refuses_a_file_that_is_not_a_certificate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    argv = ["serve", "--port", "0", "--data-dir", str(tmp_path / "hub")]
    argv += ["--tls-cert", str(junk), "--tls-key", str(junk)]
    assert cli.main(argv) == 2
    assert "is not a readable PEM certificate" in capsys.readouterr().err
    assert not (tmp_path / "hub").exists()


def test_loopback_camdx_and_tls_may_serve(tmp_path: Path) -> None:
    cert, key = tls_pair(tmp_path / "tls")
    parser = cli.build_parser()
    allowed = [
        ["serve", "--host", "127.0.0.1"],
        ["serve", "--host", "localhost"],
        ["serve", "--host", "0.0.0.0", "--camdx-path", "/r1/KH/GOV/M/S/SVC"],
        ["serve", "--host", "0.0.0.0", "--tls-cert", str(cert), "--tls-key", str(key)],
    ]
    for argv in allowed:
        assert cli.serve_args_problem(parser.parse_args(argv)) is None, argv
    half = parser.parse_args(["serve", "--host", "0.0.0.0", "--tls-cert", "c.pem"])
    assert cli.serve_args_problem(half) == "--tls-cert and --tls-key go together"
