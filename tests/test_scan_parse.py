"""What a scanned payload is recognised as, and what it fills in."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldreg.receipts import receipt
from fieldreg.scanning import parse as scan_parse
from fieldreg.scanning.parse import parse_payload, printable_excerpt
from fieldreg.store.device_identity import DeviceCertificate, DeviceIdentity, public_bytes
from fieldreg.transfer.enrolment_string import format_enrolment

TODAY = dt.date(2026, 11, 22)
KHMER_TD1 = (
    "IDKHM1234567897<<<<<<<<<<<<<<<\n9001158F3001145KHM<<<<<<<<<<<4\nSOK<<DARA<<<<<<<<<<<<<<<<<<<<<"
)
KHMER_TD3 = (
    "P<KHMSOK<<DARA<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<\nN123456785KHM9001158F3401147<<<<<<<<<<<<<<<8"
)
VERIFY_LINK = "https://verify.gov.kh/verify/" + "a" * 64 + "?key=" + "0" * 64


def parse(data: str | bytes, hub_key: object = None) -> scan_parse.ParsedPayload:
    return parse_payload(data, today=TODAY, hub_key=hub_key)  # type: ignore[arg-type]


def test_khmer_id_card_zone() -> None:
    result = parse(KHMER_TD1)
    assert (result.kind, result.ok) == (scan_parse.ID_CARD, True)
    assert result.fields == {
        "id_type": "national_id",
        "id_number": "123456789",
        "name_en": "SOK DARA",
        "sex": "F",
        "date_of_birth": "1990-01-15",
    }
    assert result.details["date_of_expiry"] == "2030-01-14"


def test_passport_zone_from_a_hand_scanner_without_line_breaks() -> None:
    result = parse(KHMER_TD3.replace("\n", "") + "\r\n")
    assert (result.kind, result.ok, result.fields["id_type"]) == (
        scan_parse.PASSPORT,
        True,
        "passport",
    )


def test_a_zone_with_a_bad_check_digit_fills_nothing() -> None:
    result = parse(KHMER_TD1.replace("1234567897", "1234567887"))
    assert (result.kind, result.ok, result.fields) == (scan_parse.ID_CARD, False, {})
    assert result.errors == ("check_digit_document_number",)
    assert result.details["document_number"] == "123456788"  # still shown, for the operator


def test_a_foreign_id_card_is_read_but_claims_no_national_id() -> None:
    icao = ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6"]
    result = parse("\n".join([*icao, "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]))
    assert result.ok and "id_type" not in result.fields
    assert "not_a_khmer_id_card" in result.warnings


def _identity(hub: Ed25519PrivateKey) -> DeviceIdentity:
    key, device_id = Ed25519PrivateKey.generate(), str(uuid.uuid4())
    certificate = DeviceCertificate.issue(hub, device_id, public_bytes(key.public_key()))
    return DeviceIdentity(device_id, key, certificate)


def test_receipts_are_verified_with_the_trusted_hub_key() -> None:
    hub = Ed25519PrivateKey.generate()
    payload = receipt.make_payload(_identity(hub), str(uuid.uuid4()), TODAY, "SD")
    valid = parse(payload, hub.public_key())
    assert (valid.kind, valid.ok, valid.details["verification"]) == (
        scan_parse.RECEIPT,
        True,
        "valid",
    )
    assert valid.fields == {}  # a receipt fills in no form
    other = parse(payload, Ed25519PrivateKey.generate().public_key())
    assert (other.ok, other.errors) == (False, ("device_not_certified",))
    unknown = parse(payload, None)
    assert (unknown.ok, unknown.errors) == (False, ("hub_unknown",))
    broken = parse(payload[:-3])
    assert (broken.kind, broken.ok) == (scan_parse.RECEIPT, False)


def test_enrolment_string() -> None:
    text = format_enrolment("https://hub.example.kh:8765", "one-time-token", "ab" * 32)
    result = parse(text)
    assert (result.kind, result.ok) == (scan_parse.ENROLMENT, True)
    assert result.details == {
        "hub": "https://hub.example.kh:8765",
        "fp": "ab" * 32,
        "token_length": 14,
    }
    damaged = parse(text[:-6])
    assert (damaged.kind, damaged.ok) == (scan_parse.ENROLMENT, False)
    pinned = parse(
        format_enrolment("https://hub.example.kh:8765", "one-time-token", "ab" * 32, "cd" * 32)
    )
    assert pinned.details == {
        "hub": "https://hub.example.kh:8765",
        "fp": "ab" * 32,
        "tls": "cd" * 32,
        "token_length": 14,
    }


def test_plain_json_with_record_keys() -> None:
    record = {"name_km": "សុខ ដារា", "name_en": "Sok Dara", "phone": "012 345 678", "colour": "red"}
    result = parse(json.dumps(record, ensure_ascii=False).encode("utf-8"))
    assert (result.kind, result.ok) == (scan_parse.RECORD_JSON, True)
    assert result.fields == {"name_km": "សុខ ដារា", "name_en": "Sok Dara", "phone": "012 345 678"}
    assert result.warnings == ("unknown_keys_ignored",)
    assert result.details == {"ignored_keys": ["colour"]}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"colour": "red"}', "no_record_keys"),
        ("{not json", "invalid_json"),
        ('{"a":' * 1500, "invalid_json"),
    ],
)
def test_json_that_is_not_a_record(text: str, reason: str) -> None:
    result = parse(text)
    assert (result.kind, result.errors) == (scan_parse.NOT_RECOGNISED, (reason,))


def test_verify_gov_kh_links_are_recognised_not_verified() -> None:
    result = parse(VERIFY_LINK)
    assert (result.kind, result.ok) == (scan_parse.CERTIFICATE_LINK, True)
    assert result.warnings == ("verify_online_only",)
    assert result.details == {"url": VERIFY_LINK}
    odd = parse("https://verify.gov.kh/something-else")
    assert odd.warnings == ("verify_online_only", "unexpected_link_shape")
    lookalike = parse("https://verify.gov.kh.example.com/verify/" + "a" * 64)
    assert lookalike.kind == scan_parse.NOT_RECOGNISED


def test_anything_else_is_not_recognised_with_what_was_seen() -> None:
    result = parse("WIFI:S:tent;T:WPA;P:secret;;")
    assert (result.kind, result.ok, result.errors) == (
        scan_parse.NOT_RECOGNISED,
        False,
        ("unknown_format",),
    )
    assert result.details == {"seen": "WIFI:S:tent;T:WPA;P:secret;;", "length": 28}
    partial = parse("IDKHM1234567897<<<<<<<")
    assert partial.errors == ("incomplete_mrz",)
    assert parse("x" * 10_000).errors == ("too_long",)


def test_undecodable_bytes_and_control_characters_are_shown_safely() -> None:
    result = parse(b"\xff\xfe\x00\x1b[31mred")
    seen = result.details["seen"]
    assert "\x1b" not in seen and "\x00" not in seen
    assert "\\x1b" in seen and "\\x00" in seen
    assert printable_excerpt("a" * 200).endswith("…")
    assert printable_excerpt("សុខ\u200bដារា") == "សុខ\u200bដារា"


def test_every_result_is_json() -> None:
    for text in (KHMER_TD1, KHMER_TD3, VERIFY_LINK, "{}", "hello"):
        assert json.loads(json.dumps(parse(text).to_json()))["kind"]
