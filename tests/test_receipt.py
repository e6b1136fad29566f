"""The signed receipt payload: format, size, and every verification outcome."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldreg.receipts import receipt
from fieldreg.scanning import base45
from fieldreg.store.device_identity import DeviceCertificate, DeviceIdentity, public_bytes

REGISTRATION_ID = "0194a7c2-5e3b-7d4f-8a1b-2c3d4e5f6a7b"
DATE = dt.date(2026, 11, 22)
QR_ALPHANUMERIC = set(base45.ALPHABET)


def device(hub: Ed25519PrivateKey | None) -> DeviceIdentity:
    """A device, enrolled with (certified by) `hub`, or not enrolled when hub is None."""
    key = Ed25519PrivateKey.generate()
    device_id = str(uuid.uuid4())
    certificate = (
        DeviceCertificate.issue(hub, device_id, public_bytes(key.public_key())) if hub else None
    )
    return DeviceIdentity(device_id, key, certificate)


@pytest.fixture
def hub() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def test_round_trip_carries_only_id_date_and_initials(hub: Ed25519PrivateKey) -> None:
    identity = device(hub)
    payload = receipt.make_payload(identity, REGISTRATION_ID, DATE, "SD")
    claim, _, _ = receipt.read_payload(payload)
    assert claim.to_json() == {
        "registration_id": REGISTRATION_ID,
        "date": "2026-11-22",
        "initials": "SD",
        "device_id": identity.device_id,
        "device_certified": True,
    }


def test_payload_is_qr_alphanumeric_and_fits_a_58mm_printer(hub: Ed25519PrivateKey) -> None:
    payload = receipt.make_payload(device(hub), REGISTRATION_ID, DATE, "ABC")
    assert payload.isascii() and set(payload) <= QR_ALPHANUMERIC
    code = segno.make_qr(payload, error="m", boost_error=False)
    assert code.mode == "alphanumeric"
    assert code.version <= 10  # 57 modules: 5 dots (0.625 mm) each on a 48 mm print width
    assert (57 + 8) * 5 <= 384


def test_unenrolled_payload_is_smaller_and_says_so() -> None:
    payload = receipt.make_payload(device(None), REGISTRATION_ID, DATE, "SD")
    assert len(payload) < 230
    assert receipt.read_payload(payload)[0].certificate is None


def test_valid_when_the_device_is_certified_by_the_trusted_hub(hub: Ed25519PrivateKey) -> None:
    payload = receipt.make_payload(device(hub), REGISTRATION_ID, DATE, "SD")
    check = receipt.verify(payload, hub.public_key())
    assert check.status == receipt.VALID and check.valid


def test_signature_is_deterministic(hub: Ed25519PrivateKey) -> None:
    identity = device(hub)
    first = receipt.make_payload(identity, REGISTRATION_ID, DATE, "SD")
    assert receipt.make_payload(identity, REGISTRATION_ID, DATE, "SD") == first


def test_another_hubs_device_is_not_certified(hub: Ed25519PrivateKey) -> None:
    other_hub = Ed25519PrivateKey.generate()
    payload = receipt.make_payload(device(other_hub), REGISTRATION_ID, DATE, "SD")
    assert receipt.verify(payload, hub.public_key()).status == receipt.DEVICE_NOT_CERTIFIED


def test_not_enrolled_and_hub_unknown(hub: Ed25519PrivateKey) -> None:
    unenrolled = receipt.make_payload(device(None), REGISTRATION_ID, DATE, "SD")
    assert receipt.verify(unenrolled, hub.public_key()).status == receipt.NOT_ENROLLED
    assert receipt.verify(unenrolled, None).status == receipt.NOT_ENROLLED
    enrolled = receipt.make_payload(device(hub), REGISTRATION_ID, DATE, "SD")
    assert receipt.verify(enrolled, None).status == receipt.HUB_UNKNOWN


def _tampered(payload: str, offset: int, value: int) -> str:
    data = bytearray(base45.decode(payload[len(receipt.PREFIX) :]))
    data[offset] = value
    return receipt.PREFIX + base45.encode(bytes(data))


@pytest.mark.parametrize(
    ("offset", "what"),
    [(1, "registration id"), (17, "date"), (20, "initials"), (-1, "signature")],
)
@pytest.mark.parametrize("enrolled", [True, False])
def test_any_change_breaks_the_signature(
    hub: Ed25519PrivateKey, offset: int, what: str, enrolled: bool
) -> None:
    payload = receipt.make_payload(device(hub if enrolled else None), REGISTRATION_ID, DATE, "SD")
    original = base45.decode(payload[len(receipt.PREFIX) :])[offset]
    value = ord("Z") if what == "initials" else (original + 1) % 256
    check = receipt.verify(_tampered(payload, offset, value), hub.public_key())
    assert check.status == receipt.INVALID_SIGNATURE, what


def test_a_forged_certificate_is_caught(hub: Ed25519PrivateKey) -> None:
    """A thief signs with their own key and copies a real device's certificate: the receipt
    signature then fails against the certified key."""
    real = device(hub)
    thief_key = Ed25519PrivateKey.generate()
    forged = DeviceIdentity(real.device_id, thief_key, real.certificate)
    payload = receipt.make_payload(forged, REGISTRATION_ID, DATE, "SD")
    assert receipt.verify(payload, hub.public_key()).status == receipt.INVALID_SIGNATURE


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("FRR1:", "truncated"),
        ("FRR1:abc", "bad_encoding"),
        ("FRR1:A", "bad_encoding"),
        ("FRR1:" + base45.encode(b"\x02" + bytes(200)), "unknown_flags"),
        ("FRR1:" + base45.encode(bytes(20)), "truncated"),
        ("HELLO", "not_a_receipt"),
    ],
)
def test_malformed_payloads_raise_a_code(text: str, code: str) -> None:
    with pytest.raises(receipt.ReceiptFormatError) as error:
        receipt.read_payload(text)
    assert error.value.code == code


def test_extra_bytes_are_refused(hub: Ed25519PrivateKey) -> None:
    payload = receipt.make_payload(device(hub), REGISTRATION_ID, DATE, "SD")
    data = base45.decode(payload[len(receipt.PREFIX) :])
    longer = receipt.PREFIX + base45.encode(data[:-64] + b"\x00" + data[-64:])
    with pytest.raises(receipt.ReceiptFormatError) as error:
        receipt.read_payload(longer)
    assert error.value.code == "trailing_bytes"


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("SOK DARA", "SD"),
        ("Sok Dara", "SD"),
        ("Nguyễn Thị Ánh", "NTA"),
        ("A B C D", "ABC"),
        ("", ""),
    ],
)
def test_initials(name: str, initials: str) -> None:
    assert receipt.initials_of(name) == initials


def test_make_payload_refuses_what_it_cannot_carry(hub: Ed25519PrivateKey) -> None:
    identity = device(hub)
    with pytest.raises(ValueError):
        receipt.make_payload(identity, REGISTRATION_ID, DATE, "ABCD")
    with pytest.raises(ValueError):
        receipt.make_payload(identity, REGISTRATION_ID, DATE, "sd")
    with pytest.raises(ValueError):
        receipt.make_payload(identity, REGISTRATION_ID, dt.date(2019, 12, 31), "SD")


def test_base45_rfc_9285_examples() -> None:
    assert base45.encode(b"AB") == "BB8"
    assert base45.encode(b"Hello!!") == "%69 VD92EX0"
    assert base45.encode(b"base-45") == "UJCLQE7W581"
    assert base45.decode("QED8WEX0") == b"ietf!"
    for bad in ("GGW", "A", "abc"):
        with pytest.raises(base45.Base45Error):
            base45.decode(bad)
