"""ICAO 9303 zones: the Khmer specimens, ICAO's own published specimens, check digits, and
the many ways a zone arrives (QR, hand scanner without line breaks, typed in lower case)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from fieldreg.resources import resource_path
from fieldreg.scanning.mrz import check_digit, parse_mrz, split_lines

TODAY = dt.date(2026, 11, 22)
DOCUMENTS = json.loads(
    resource_path("data", "reference", "kh_identity_documents.json").read_text("utf-8")
)
KHMER_TD1 = DOCUMENTS["khmer_national_id_card"]["synthetic_specimen_mrz_td1"]
KHMER_TD3 = DOCUMENTS["cambodian_passport"]["synthetic_specimen_mrz_td3"]
# ICAO Doc 9303 Part 5 (TD1) and Part 4 (TD3) specimen zones of the fictional state Utopia.
ICAO_TD1 = [
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
]
ICAO_TD3 = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
]


def zone(lines: list[str]) -> str:
    return "\n".join(lines)


def replace_at(line: str, index: int, char: str) -> str:
    return line[:index] + char + line[index + 1 :]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("D23145890", "7"), ("740812", "2"), ("120415", "9"), ("L898902C3", "6"), ("<<<", "0")],
)
def test_check_digits_of_the_icao_specimens(text: str, expected: str) -> None:
    assert check_digit(text) == expected


def test_icao_td1_specimen() -> None:
    result = parse_mrz(zone(ICAO_TD1), today=TODAY)
    assert result is not None and result.ok
    assert (result.document_type, result.document_code, result.issuing_state) == ("td1", "I", "UTO")
    assert result.document_number == "D23145890"
    assert (result.surname, result.given_names, result.name_en) == (
        "ERIKSSON",
        "ANNA MARIA",
        "ERIKSSON ANNA MARIA",
    )
    assert (result.sex, result.date_of_birth, result.date_of_expiry) == (
        "F",
        "1974-08-12",
        "2012-04-15",
    )
    assert result.warnings == ("expired",)  # the composite digit 6 checks out: no warning
    # Not a Khmer ID card: no national_id is claimed from it.
    assert result.registration_fields() == {
        "name_en": "ERIKSSON ANNA MARIA",
        "sex": "F",
        "date_of_birth": "1974-08-12",
    }


def test_icao_td3_specimen() -> None:
    result = parse_mrz(zone(ICAO_TD3), today=TODAY)
    assert result is not None and result.ok
    assert (result.document_type, result.nationality, result.document_number) == (
        "td3",
        "UTO",
        "L898902C3",
    )
    assert result.warnings == ("expired",)  # personal number and composite digits check out
    assert result.registration_fields() == {
        "id_type": "passport",
        "id_number": "L898902C3",
        "name_en": "ERIKSSON ANNA MARIA",
        "sex": "F",
        "date_of_birth": "1974-08-12",
    }


def test_khmer_id_card_specimen_fills_the_form() -> None:
    result = parse_mrz(zone(KHMER_TD1), today=TODAY)
    assert result is not None and result.ok and result.warnings == ()
    assert result.registration_fields() == {
        "id_type": "national_id",
        "id_number": "123456789",
        "name_en": "SOK DARA",
        "sex": "F",
        "date_of_birth": "1990-01-15",
    }
    assert (result.nationality, result.date_of_expiry) == ("KHM", "2030-01-14")


def test_cambodian_passport_specimen() -> None:
    result = parse_mrz(zone(KHMER_TD3), today=TODAY)
    assert result is not None and result.ok and result.warnings == ()
    assert result.registration_fields()["id_number"] == "N12345678"


@pytest.mark.parametrize(
    ("line", "index", "code"),
    [
        (0, 7, "check_digit_document_number"),
        (0, 14, "check_digit_document_number"),
        (1, 3, "check_digit_date_of_birth"),
        (1, 6, "check_digit_date_of_birth"),
        (1, 10, "check_digit_date_of_expiry"),
    ],
)
def test_td1_field_check_digits_are_strict(line: int, index: int, code: str) -> None:
    lines = list(KHMER_TD1)
    wrong = "1" if lines[line][index] != "1" else "2"
    lines[line] = replace_at(lines[line], index, wrong)
    result = parse_mrz(zone(lines), today=TODAY)
    assert result is not None and not result.ok
    assert code in result.errors


@pytest.mark.parametrize(
    ("index", "code"),
    [
        (2, "check_digit_document_number"),
        (15, "check_digit_date_of_birth"),
        (24, "check_digit_date_of_expiry"),
    ],
)
def test_td3_field_check_digits_are_strict(index: int, code: str) -> None:
    lines = list(KHMER_TD3)
    lines[1] = replace_at(lines[1], index, "7" if lines[1][index] != "7" else "8")
    result = parse_mrz(zone(lines), today=TODAY)
    assert result is not None and code in result.errors


def test_composite_digit_is_lenient() -> None:
    # Real Khmer cards have been seen with `<` where the composite digit goes.
    lines = list(KHMER_TD1)
    lines[1] = replace_at(lines[1], 29, "<")
    result = parse_mrz(zone(lines), today=TODAY)
    assert (
        result is not None and result.ok and result.warnings == ("check_digit_composite_missing",)
    )
    lines[1] = replace_at(lines[1], 29, "9")
    result = parse_mrz(zone(lines), today=TODAY)
    assert result is not None and result.ok and result.warnings == ("check_digit_composite",)


def test_hand_scanner_and_typed_forms() -> None:
    expected = parse_mrz(zone(KHMER_TD1), today=TODAY)
    variants = [
        "".join(KHMER_TD1),  # no line breaks
        "\r\n".join(KHMER_TD1) + "\r\n",  # Windows line ends, trailing Enter
        zone(KHMER_TD1).lower(),  # typed in lower case
        "  " + "\n\n".join(KHMER_TD1) + "  ",  # blank lines and spaces around
        zone([*KHMER_TD1[:2], "SOK<<DARA"]),  # name line typed without its filler
    ]
    for text in variants:
        assert parse_mrz(text, today=TODAY) == expected, text
    assert parse_mrz("".join(KHMER_TD3), today=TODAY) == parse_mrz(zone(KHMER_TD3), today=TODAY)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "IDKHM1234567897",
        zone(KHMER_TD1[:2]),
        zone([KHMER_TD1[0], KHMER_TD1[1][:-1], KHMER_TD1[2]]),
        zone([KHMER_TD1[0].replace("<", " "), *KHMER_TD1[1:]]),
        zone([*KHMER_TD1[:2], "SOK DARA"]),
        "x" * 90,
    ],
)
def test_other_shapes_are_not_zones(text: str) -> None:
    assert split_lines(text) is None
    assert parse_mrz(text, today=TODAY) is None


def test_dates_get_the_right_century() -> None:
    lines = list(KHMER_TD1)
    # Born 2010-01-15 (a 16-year-old), card expires 2029: both in the 2000s.
    birth, expiry = "100115", "290101"
    line2 = birth + check_digit(birth) + "M" + expiry + check_digit(expiry) + lines[1][15:]
    result = parse_mrz(zone([lines[0], line2, lines[2]]), today=TODAY)
    assert result is not None and result.ok
    assert (result.date_of_birth, result.date_of_expiry, result.sex) == (
        "2010-01-15",
        "2029-01-01",
        "M",
    )
    # A birth year after this year's two digits is last century.
    birth = "300115"
    line2 = birth + check_digit(birth) + "<" + expiry + check_digit(expiry) + lines[1][15:]
    result = parse_mrz(zone([lines[0], line2, lines[2]]), today=TODAY)
    assert result is not None and result.date_of_birth == "1930-01-15"
    assert result.sex == "" and "sex" not in result.registration_fields()


def test_impossible_dates_are_errors_not_exceptions() -> None:
    lines = list(KHMER_TD1)
    birth, expiry = "901315", "300230"
    line2 = birth + check_digit(birth) + "F" + expiry + check_digit(expiry) + lines[1][15:]
    result = parse_mrz(zone([lines[0], line2, lines[2]]), today=TODAY)
    assert result is not None and not result.ok
    assert {"invalid_date_of_birth", "invalid_date_of_expiry"} <= set(result.errors)
    assert result.date_of_birth == "" and result.date_of_expiry == ""


def test_td1_long_document_number_continues_in_the_optional_data() -> None:
    number = "D23145890123"
    digit = check_digit(number)
    line1 = ("I<UTO" + number[:9] + "<" + number[9:] + digit).ljust(30, "<")
    result = parse_mrz(zone([line1, *ICAO_TD1[1:]]), today=TODAY)
    assert result is not None
    assert result.document_number == number
    assert "check_digit_document_number" not in result.errors
