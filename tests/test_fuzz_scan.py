"""Thousands of random and mutated payloads: the parsers always answer, never raise."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import uuid

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldreg.receipts import receipt
from fieldreg.scanning import base45
from fieldreg.scanning import parse as scan_parse
from fieldreg.scanning.mrz import check_digit, parse_mrz
from fieldreg.scanning.wedge import WedgeDetector
from fieldreg.store.device_identity import DeviceCertificate, DeviceIdentity, public_bytes
from fieldreg.transfer.enrolment_string import format_enrolment, parse_enrolment

TODAY = dt.date(2026, 11, 22)
HUB = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
_DEVICE_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32, 64)))
_DEVICE_ID = str(uuid.UUID(int=7))
IDENTITY = DeviceIdentity(
    _DEVICE_ID,
    _DEVICE_KEY,
    DeviceCertificate.issue(HUB, _DEVICE_ID, public_bytes(_DEVICE_KEY.public_key())),
)
VALID_PAYLOADS = [
    "IDKHM1234567897<<<<<<<<<<<<<<<\n9001158F3001145KHM<<<<<<<<<<<4\nSOK<<DARA<<<<<<<<<<<<<<<<<<<<<",
    "P<KHMSOK<<DARA<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<\nN123456785KHM9001158F3401147<<<<<<<<<<<<<<<8",
    receipt.make_payload(IDENTITY, str(uuid.UUID(int=99)), TODAY, "SD"),
    format_enrolment("https://hub.example.kh", "token-123", "ab" * 32),
    json.dumps({"name_km": "សុខ ដារា", "name_en": "Sok Dara", "sex": "F"}, ensure_ascii=False),
    "https://verify.gov.kh/verify/" + "a" * 64 + "?key=" + "0" * 64,
]
KINDS = {
    scan_parse.ID_CARD,
    scan_parse.PASSPORT,
    scan_parse.RECEIPT,
    scan_parse.ENROLMENT,
    scan_parse.RECORD_JSON,
    scan_parse.CERTIFICATE_LINK,
    scan_parse.NOT_RECOGNISED,
}
FUZZ = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_answers(data: str | bytes) -> None:
    result = scan_parse.parse_payload(data, today=TODAY, hub_key=HUB.public_key())
    assert result.kind in KINDS
    assert "parser_error" not in result.errors, "a parser raised: see the captured log"
    assert not (result.fields and not result.ok)
    json.dumps(result.to_json())  # always serialisable


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A valid payload with a few random edits: replace, delete, insert, cut, change case."""
    text = draw(st.sampled_from(VALID_PAYLOADS))
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["replace", "delete", "insert", "cut", "case"]))
        if edit == "replace" and where < len(text):
            text = text[:where] + draw(st.characters()) + text[where + 1 :]
        elif edit == "delete":
            text = text[:where] + text[where + draw(st.integers(1, 10)) :]
        elif edit == "insert":
            text = text[:where] + draw(st.text(max_size=8)) + text[where:]
        elif edit == "cut":
            text = text[:where]
        else:
            text = text.swapcase()
    return text


@FUZZ
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    assert_answers(text)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    assert_answers(data)


@settings(max_examples=3000, deadline=None)
@given(mutated())
def test_mutated_valid_payloads(text: str) -> None:
    assert_answers(text)


@FUZZ
@given(
    st.sampled_from(["FRR1:", "FRENROLL1:", "https://verify.gov.kh/", "{"]), st.text(max_size=300)
)
def test_known_prefixes_with_random_tails(prefix: str, tail: str) -> None:
    assert_answers(prefix + tail)


@FUZZ
@given(
    st.lists(
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<", min_size=30, max_size=30),
        min_size=3,
        max_size=3,
    )
)
def test_random_td1_shaped_zones(lines: list[str]) -> None:
    assert_answers("\n".join(lines))
    assert_answers("\n".join(["ID" + lines[0][2:], "9" * 7 + "F" + lines[1][8:], lines[2]]))


@st.composite
def td1_zones(draw: st.DrawFn) -> tuple[str, dict[str, str]]:
    """A valid Khmer ID card zone and the record fields it must give."""
    number = draw(st.from_regex(r"[0-9]{9}", fullmatch=True))
    born = draw(st.dates(dt.date(1930, 1, 1), dt.date(2010, 12, 31)))
    expires = draw(st.dates(dt.date(2027, 1, 1), dt.date(2040, 12, 31)))
    sex = draw(st.sampled_from("FM"))
    surname = draw(st.from_regex(r"[A-Z]{2,10}", fullmatch=True))
    given_name = draw(st.from_regex(r"[A-Z]{2,8}", fullmatch=True))
    birth, expiry = born.strftime("%y%m%d"), expires.strftime("%y%m%d")
    line1 = f"IDKHM{number}{check_digit(number)}".ljust(30, "<")
    line2 = f"{birth}{check_digit(birth)}{sex}{expiry}{check_digit(expiry)}KHM".ljust(29, "<")
    line2 += check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    line3 = f"{surname}<<{given_name}".ljust(30, "<")
    fields = {
        "id_type": "national_id",
        "id_number": number,
        "name_en": f"{surname} {given_name}",
        "sex": sex,
        "date_of_birth": born.isoformat(),
    }
    return "\n".join([line1, line2, line3]), fields


@settings(max_examples=500, deadline=None)
@given(td1_zones())
def test_every_valid_id_card_zone_round_trips(case: tuple[str, dict[str, str]]) -> None:
    text, fields = case
    result = parse_mrz(text, today=TODAY)
    assert result is not None and result.ok and result.warnings == ()
    assert result.registration_fields() == fields


@FUZZ
@given(st.binary(max_size=200))
def test_base45_round_trip(data: bytes) -> None:
    assert base45.decode(base45.encode(data)) == data


@FUZZ
@given(st.text(alphabet=base45.ALPHABET, max_size=400))
def test_receipt_reader_raises_only_its_own_error(tail: str) -> None:
    with contextlib.suppress(receipt.ReceiptFormatError):
        receipt.read_payload(receipt.PREFIX + tail)


@FUZZ
@given(st.text(max_size=200))
def test_enrolment_parser_never_raises(tail: str) -> None:
    enrolment, error = parse_enrolment("FRENROLL1:" + tail)
    assert (enrolment is None) != (error is None)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(0, 500, allow_nan=False),
            st.one_of(st.characters(), st.sampled_from(["Enter", "Shift", "Backspace", "\r"])),
        ),
        max_size=80,
    )
)
def test_wedge_detector_takes_any_key_sequence(events: list[tuple[float, str]]) -> None:
    detector = WedgeDetector()
    now = 0.0
    for gap, key in events:
        now += gap
        scan = detector.feed(now, key)
        assert scan is None or isinstance(scan, str)
    detector.poll(now + 10_000)
