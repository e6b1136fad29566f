"""Validation of the registration record (v1): codes per field, normalised values."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldreg.gazetteer import load_gazetteer
from fieldreg.record import validate
from tests.factories import raw_record

TODAY = dt.date(2026, 11, 22)


def check(**overrides: object):
    return validate(raw_record(**overrides), today=TODAY, villages=load_gazetteer())


def test_valid_record_is_normalised() -> None:
    result = check(
        id_number="123 456-789",
        name_en="  sok   dara ",
        phone="+855 12 345 678",
        sector="g",
        services=["nssf", "finance", "nssf"],
    )
    assert result.errors == {}
    record = result.record
    assert record is not None
    assert record.id_number == "123456789"
    assert record.name_en == "SOK DARA"
    assert record.phone == "+85512345678"
    assert record.sector == "G"
    assert record.services == ("nssf", "finance")


@pytest.mark.parametrize(
    "phone",
    [
        "012 345 678",
        "012345678",
        "+855 12 345 678",
        "855 12 345 678",
        "85512345678",
        "(012) 345-678",
    ],
)
def test_every_common_cambodian_phone_form_becomes_e164(phone: str) -> None:
    assert check(phone=phone).record.phone == "+85512345678"  # type: ignore[union-attr]


@pytest.mark.parametrize("phone", ["12345", "+66 81 234 5678", "phone", "099 99"])
def test_non_cambodian_or_broken_phones_are_refused(phone: str) -> None:
    assert check(phone=phone).errors == {"phone": "invalid_phone"}


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"id_number": "12345678"}, "id_number", "invalid_format"),
        ({"id_number": "1234567890"}, "id_number", "invalid_format"),
        ({"id_number": "12345678A"}, "id_number", "invalid_format"),
        ({"id_type": "none", "id_number": "123456789"}, "id_number", "not_expected"),
        ({"id_type": "passport", "id_number": ""}, "id_number", "required"),
        ({"id_type": "driving_licence"}, "id_type", "unknown_value"),
        ({"name_km": "Sok Dara"}, "name_km", "not_khmer"),
        ({"name_km": "សុខ Dara"}, "name_km", "not_khmer"),
        ({"name_en": "សុខ ដារា"}, "name_en", "not_latin"),
        ({"name_en": "SOK 123"}, "name_en", "not_latin"),
        ({"sex": "X"}, "sex", "unknown_value"),
        ({"date_of_birth": "15/01/1990"}, "date_of_birth", "invalid_date"),
        ({"date_of_birth": "1990-02-30"}, "date_of_birth", "invalid_date"),
        ({"date_of_birth": "2011-11-23"}, "date_of_birth", "too_young"),
        ({"date_of_birth": "2027-01-01"}, "date_of_birth", "in_future"),
        ({"village_code": "0102010"}, "village_code", "invalid_format"),
        ({"village_code": "99999999"}, "village_code", "unknown_village"),
        ({"village_code": "010201"}, "village_code", "invalid_format"),
        ({"category": "farmer"}, "category", "unknown_value"),
        ({"sector": "V"}, "sector", "unknown_value"),
        ({"services": ["nssf", "lottery"]}, "services", "unknown_value"),
        ({"services": "nssf"}, "services", "wrong_type"),
        ({"consent": False}, "consent", "consent_required"),
        ({"consent": "yes"}, "consent", "consent_required"),
        ({"workers": -1}, "workers", "out_of_range"),
        ({"workers": 2.5}, "workers", "wrong_type"),
        ({"workers": True}, "workers", "wrong_type"),
        ({"name_en": 42}, "name_en", "wrong_type"),
        ({"name_en": "SOK\x00DARA"}, "name_en", "control_characters"),
        ({"name_km": "ស" * 101}, "name_km", "too_long"),
        ({"business_name": "x" * 10_000_000}, "business_name", "too_long"),
        ({"nickname": "Dara"}, "nickname", "unknown_field"),
    ],
)
def test_each_bad_field_gets_its_own_code(overrides: dict, field: str, code: str) -> None:
    result = check(**overrides)
    assert result.record is None
    assert result.errors == {field: code}


def test_age_fifteen_counts_on_the_day_of_registration() -> None:
    assert check(date_of_birth="2011-11-22").ok
    assert check(date_of_birth="2011-11-23").errors == {"date_of_birth": "too_young"}


def test_missing_fields_are_all_reported() -> None:
    result = validate({"consent": True}, today=TODAY, villages=load_gazetteer())
    assert set(result.errors) == {
        "id_type",
        "name_km",
        "name_en",
        "sex",
        "date_of_birth",
        "phone",
        "village_code",
        "category",
        "sector",
        "services",
    }
    assert set(result.errors.values()) == {"required"}


def test_not_an_object() -> None:
    for value in ([1, 2], "text", 7, None):
        result = validate(value, today=TODAY, villages=load_gazetteer())
        assert result.errors == {"record": "not_an_object"}


def test_zero_width_spaces_are_removed_from_khmer_names() -> None:
    record = check(name_km="សុខ\u200bដារា").record
    assert record is not None and record.name_km == "សុខដារា"


def test_optional_fields() -> None:
    record = check(business_name="Dara Noodles", workers=3, id_type="none", id_number="").record
    assert record is not None
    assert (record.business_name, record.workers, record.id_number) == ("Dara Noodles", 3, "")
    assert check(id_type="passport", id_number="n1234567").record.id_number == "N1234567"  # type: ignore[union-attr]
