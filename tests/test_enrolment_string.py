"""The enrolment string `fieldreg-hub token` prints, as the scanner reads it."""

from __future__ import annotations

import base64
import json

import pytest

from fieldreg.transfer.enrolment_string import Enrolment, format_enrolment, parse_enrolment

FINGERPRINT = "0123456789abcdef" * 4


def encoded(data: object) -> str:
    body = json.dumps(data).encode()
    return "FRENROLL1:" + base64.urlsafe_b64encode(body).decode().rstrip("=")


def test_round_trip() -> None:
    text = format_enrolment("https://hub.example.kh:8765", "tok_EN-1", FINGERPRINT.upper())
    assert text.isascii() and " " not in text
    enrolment, error = parse_enrolment(text)
    assert error is None
    assert enrolment == Enrolment("https://hub.example.kh:8765", "tok_EN-1", FINGERPRINT)


def test_padding_and_surrounding_blanks_are_tolerated() -> None:
    body = base64.urlsafe_b64encode(
        json.dumps({"hub": "http://10.0.0.2:8765", "token": "t", "fp": FINGERPRINT}).encode()
    ).decode()
    assert body.endswith("=")  # padded, as some encoders write it
    enrolment, _ = parse_enrolment("FRENROLL1:" + body + "\r\n")
    assert enrolment is not None and enrolment.hub_url == "http://10.0.0.2:8765"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("HELLO", "not_an_enrolment_string"),
        ("FRENROLL1:!!!", "bad_encoding"),
        ("FRENROLL1:" + base64.urlsafe_b64encode(b"\xff\xfe").decode(), "bad_encoding"),
        (encoded([1, 2]), "bad_encoding"),
        (encoded({"hub": "ftp://hub", "token": "t", "fp": FINGERPRINT}), "bad_hub_url"),
        (encoded({"hub": "https://", "token": "t", "fp": FINGERPRINT}), "bad_hub_url"),
        (encoded({"hub": "https://h:99999", "token": "t", "fp": FINGERPRINT}), "bad_hub_url"),
        (encoded({"hub": "https://h", "token": "has space", "fp": FINGERPRINT}), "bad_token"),
        (encoded({"hub": "https://h", "token": "", "fp": FINGERPRINT}), "bad_token"),
        (encoded({"hub": "https://h", "token": "t", "fp": "abc"}), "bad_fingerprint"),
        (encoded({"hub": "https://h", "token": "t"}), "bad_fingerprint"),
        ("FRENROLL1:" + "A" * 5000, "too_long"),
    ],
)
def test_damaged_strings_give_a_code(text: str, code: str) -> None:
    assert parse_enrolment(text) == (None, code)


def test_json_form_leaves_the_secret_token_out() -> None:
    enrolment = Enrolment("https://hub", "secret-token", FINGERPRINT)
    assert "secret-token" not in json.dumps(enrolment.to_json())
