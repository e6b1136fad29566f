"""The form's scan parser: what a scanned payload may prefill, as the form holds it."""

from __future__ import annotations

import json

import pytest

from fieldreg.resources import resource_path
from tests.factories import FakeClock
from ui.scan_parser import PayloadScanParser, form_values

DOCUMENTS = json.loads(
    resource_path("data", "reference", "kh_identity_documents.json").read_text("utf-8")
)
KHMER_TD1 = "\n".join(DOCUMENTS["khmer_national_id_card"]["synthetic_specimen_mrz_td1"])
KHMER_TD3 = "\n".join(DOCUMENTS["cambodian_passport"]["synthetic_specimen_mrz_td3"])


@pytest.fixture
def parser() -> PayloadScanParser:
    return PayloadScanParser(FakeClock())


def test_a_khmer_id_card_zone_fills_identity(parser: PayloadScanParser) -> None:
    assert parser.fields_from_text(KHMER_TD1) == {
        "id_type": "national_id",
        "id_number": "123456789",
        "name_en": "SOK DARA",
        "sex": "F",
        "date_of_birth": "1990-01-15",
    }


def test_a_zone_typed_by_a_hand_scanner_without_line_breaks(parser: PayloadScanParser) -> None:
    assert parser.fields_from_text(KHMER_TD1.replace("\n", "")) == parser.fields_from_text(
        KHMER_TD1
    )


def test_a_passport_zone(parser: PayloadScanParser) -> None:
    found = parser.fields_from_text(KHMER_TD3)
    assert found is not None
    assert (found["id_type"], found["id_number"]) == ("passport", "N12345678")


def test_record_json_keeps_what_the_form_can_show(parser: PayloadScanParser) -> None:
    payload = {
        "name_km": " សុខ ដារា ",
        "name_en": "Sok Dara",
        "phone": "012 345 678",
        "sex": "X",  # not a choice the form offers
        "sector": "G",
        "category": "self_employed",
        "village_code": "01020201",
        "workers": 3,
        "consent": True,  # given at the desk, never by a code
        "services": ["finance"],
        "colour": "blue",
    }
    assert parser.fields_from_text(json.dumps(payload, ensure_ascii=False)) == {
        "name_km": "សុខ ដារា",
        "name_en": "Sok Dara",
        "phone": "012 345 678",
        "sector": "G",
        "category": "self_employed",
        "village_code": "01020201",
        "workers": "3",
    }


@pytest.mark.parametrize(
    "text",
    [
        "hello",
        "",
        KHMER_TD1.replace("1234567897", "1234567891"),  # a wrong check digit
        '{"consent": true}',  # record keys, but nothing the form takes from a code
        "[1, 2]",
        "https://verify.gov.kh/verify/abc",
    ],
)
def test_anything_else_fills_nothing(parser: PayloadScanParser, text: str) -> None:
    assert parser.fields_from_text(text) is None


def test_values_the_form_cannot_hold_are_left_out() -> None:
    assert (
        form_values(
            {
                "name_en": "x" * 500,
                "phone": 12345678,
                "workers": True,
                "id_type": "driving_licence",
                "village_code": "Takeo",
            }
        )
        == {}
    )
    assert form_values({"workers": " 12 "}) == {"workers": "12"}
