"""ICAO 9303 machine-readable zones: TD1 (the Khmer ID card, 3 x 30) and TD3 (passports, 2 x 44).

Whatever way a zone arrives (a QR, a hand scanner, typed in), `parse_mrz` normalises it, checks
the check digits of the document number, birth date and expiry strictly and the composite digit
leniently (real Khmer cards show `<` there), and maps it to registration record keys. Problems
are error codes, never sentences.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

TD1_LINE, TD3_LINE = 30, 44
_WEIGHTS = (7, 3, 1)
_MRZ_CHARS = re.compile(r"[A-Z0-9<]+")
_KHMER_ID_NUMBER = re.compile(r"[0-9]{9}")
_LINE_BREAKS = re.compile(r"[\r\n]+")
# Line 2 shapes: birth date, its digit, sex, expiry, its digit (TD3 has number and state first).
_TD1_LINE2 = re.compile(r"[0-9<]{7}[MFX<][0-9<]{7}.*")
_TD3_LINE2 = re.compile(r".{13}[0-9<]{7}[MFX<][0-9<]{7}.*")


def char_value(char: str) -> int:
    """ICAO 9303 values: digits as themselves, A-Z = 10-35, filler `<` = 0."""
    if char.isdigit():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == "<":
        return 0
    raise ValueError(f"not an MRZ character: {char!r}")


def check_digit(text: str) -> str:
    """The check digit of `text`: weights 7, 3, 1 repeating, sum mod 10."""
    total = sum(char_value(char) * _WEIGHTS[i % 3] for i, char in enumerate(text))
    return str(total % 10)


@dataclass(frozen=True, slots=True)
class MrzResult:
    """A parsed zone. `errors` are strict failures (nothing should be prefilled from it);
    `warnings` are worth showing but do not stop the data being used."""

    document_type: str  # "td1" or "td3"
    document_code: str  # "ID", "I", "P", ...
    issuing_state: str
    document_number: str
    surname: str
    given_names: str
    nationality: str
    sex: str  # "F", "M" or "" (unspecified)
    date_of_birth: str  # ISO, or "" when unreadable
    date_of_expiry: str  # ISO, or ""
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def name_en(self) -> str:
        return " ".join(part for part in (self.surname, self.given_names) if part)

    def registration_fields(self) -> dict[str, Any]:
        """The record keys this zone fills in (a partial registration for the form)."""
        fields: dict[str, Any] = {}
        if self.document_type == "td1" and self.issuing_state == "KHM":
            if _KHMER_ID_NUMBER.fullmatch(self.document_number):
                fields.update(id_type="national_id", id_number=self.document_number)
        elif self.document_type == "td3":
            fields.update(id_type="passport", id_number=self.document_number)
        if self.name_en:
            fields["name_en"] = self.name_en
        if self.sex:
            fields["sex"] = self.sex
        if self.date_of_birth:
            fields["date_of_birth"] = self.date_of_birth
        return fields

    def to_json(self) -> dict[str, Any]:
        return {
            "document_type": self.document_type,
            "document_code": self.document_code,
            "issuing_state": self.issuing_state,
            "document_number": self.document_number,
            "surname": self.surname,
            "given_names": self.given_names,
            "nationality": self.nationality,
            "sex": self.sex,
            "date_of_birth": self.date_of_birth,
            "date_of_expiry": self.date_of_expiry,
        }


def split_lines(text: str) -> list[str] | None:
    """The zone's lines, normalised (upper case, no surrounding blanks), or None if `text`
    cannot be a TD1 or TD3 zone. One unbroken run of 90 or 88 characters (some hand scanners
    send no line breaks) is cut into lines; a short name line is padded with `<`."""
    raw = [line.strip().upper() for line in _LINE_BREAKS.split(text.strip())]
    lines = [line for line in raw if line]
    if len(lines) == 1 and len(lines[0]) in (3 * TD1_LINE, 2 * TD3_LINE):
        width = TD1_LINE if len(lines[0]) == 3 * TD1_LINE else TD3_LINE
        lines = [lines[0][i : i + width] for i in range(0, len(lines[0]), width)]
    if len(lines) == 3 and len(lines[0]) == len(lines[1]) == TD1_LINE:
        lines[2] = _pad(lines[2], TD1_LINE)
    elif len(lines) == 2 and len(lines[1]) == TD3_LINE:
        lines[0] = _pad(lines[0], TD3_LINE)
    else:
        return None
    if not all(_MRZ_CHARS.fullmatch(line) for line in lines):
        return None
    return lines if _has_zone_shape(lines) else None


def _has_zone_shape(lines: list[str]) -> bool:
    """TD1 document codes start with A, C or I; passports (TD3) with P."""
    if len(lines) == 3:
        return lines[0][0] in "ACI" and bool(_TD1_LINE2.fullmatch(lines[1]))
    return lines[0][0] == "P" and bool(_TD3_LINE2.fullmatch(lines[1]))


def _pad(line: str, width: int) -> str:
    return line + "<" * (width - len(line)) if len(line) < width else line


def parse_mrz(text: str, *, today: dt.date) -> MrzResult | None:
    """Parse a TD1 or TD3 zone; None when `text` has neither shape."""
    lines = split_lines(text)
    if lines is None:
        return None
    if len(lines) == 3:
        return _parse_td1(lines, today)
    return _parse_td3(lines, today)


class _Checks:
    """Collects error and warning codes while fields are read."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def strict(self, value: str, digit: str, code: str) -> None:
        if check_digit(value) != digit:
            self.errors.append(code)

    def lenient(self, value: str, digit: str, code: str) -> None:
        if digit == "<":
            self.warnings.append(code + "_missing")
        elif check_digit(value) != digit:
            self.warnings.append(code)


def _parse_td1(lines: list[str], today: dt.date) -> MrzResult:
    line1, line2, line3 = lines
    checks = _Checks()
    number, number_digit, number_field = _td1_document_number(line1)
    checks.strict(number_field, number_digit, "check_digit_document_number")
    checks.strict(line2[0:6], line2[6], "check_digit_date_of_birth")
    checks.strict(line2[8:14], line2[14], "check_digit_date_of_expiry")
    composite = line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
    checks.lenient(composite, line2[29], "check_digit_composite")
    surname, given = _names(line3)
    return _result("td1", line1[0:2], line1[2:5], number, surname, given, line2, 0, checks, today)


def _td1_document_number(line1: str) -> tuple[str, str, str]:
    """(number, its check digit, the text the digit covers). A number longer than 9 characters
    puts `<` in the check digit place and continues in the optional data, ending with its digit.
    """
    if line1[14] != "<":
        return line1[5:14].rstrip("<"), line1[14], line1[5:14]
    extension = line1[15:30].split("<", 1)[0]
    if not extension:
        return line1[5:14].rstrip("<"), "<", line1[5:14]
    covered = line1[5:14] + extension[:-1]
    return covered, extension[-1], covered


def _parse_td3(lines: list[str], today: dt.date) -> MrzResult:
    line1, line2 = lines
    checks = _Checks()
    checks.strict(line2[0:9], line2[9], "check_digit_document_number")
    checks.strict(line2[13:19], line2[19], "check_digit_date_of_birth")
    checks.strict(line2[21:27], line2[27], "check_digit_date_of_expiry")
    personal = line2[28:42]
    if personal.strip("<") or line2[42] not in "<0":
        checks.lenient(personal, line2[42], "check_digit_personal_number")
    checks.lenient(line2[0:10] + line2[13:20] + line2[21:43], line2[43], "check_digit_composite")
    surname, given = _names(line1[5:44])
    # TD3 line 2 puts the birth date at 13 where TD1 line 2 has it at 0: shift by 13.
    number = line2[0:9].rstrip("<")
    return _result("td3", line1[0:2], line1[2:5], number, surname, given, line2, 13, checks, today)


def _result(
    document_type: str,
    code: str,
    state: str,
    number: str,
    surname: str,
    given: str,
    line2: str,
    offset: int,
    checks: _Checks,
    today: dt.date,
) -> MrzResult:
    """Fields shared by TD1 and TD3 line 2 (birth date, sex, expiry, nationality) at `offset`.
    TD1 line 2: birth 0-6, sex 7, expiry 8-14, nationality 15-18; TD3 has birth at 13 and
    nationality at 10."""
    birth = _birth_date(line2[offset : offset + 6], today)
    expiry = _expiry_date(line2[offset + 8 : offset + 14], today)
    if birth is None:
        checks.errors.append("invalid_date_of_birth")
    if expiry is None:
        checks.errors.append("invalid_date_of_expiry")
    elif expiry < today:
        checks.warnings.append("expired")
    nationality = line2[15:18] if document_type == "td1" else line2[10:13]
    sex = line2[offset + 7]
    return MrzResult(
        document_type=document_type,
        document_code=code.rstrip("<"),
        issuing_state=state.strip("<"),
        document_number=number,
        surname=surname,
        given_names=given,
        nationality=nationality.strip("<"),
        sex=sex if sex in "FM" else "",
        date_of_birth=birth.isoformat() if birth else "",
        date_of_expiry=expiry.isoformat() if expiry else "",
        errors=tuple(checks.errors),
        warnings=tuple(checks.warnings),
    )


def _names(name_field: str) -> tuple[str, str]:
    """`SURNAME<<GIVEN<NAMES<<<` -> ("SURNAME", "GIVEN NAMES")."""
    surname, _, given = name_field.partition("<<")
    return _words(surname), _words(given)


def _words(text: str) -> str:
    return " ".join(word for word in text.split("<") if word)


def _yymmdd(text: str, century: int) -> dt.date | None:
    if not text.isdigit():
        return None
    try:
        return dt.date(century + int(text[0:2]), int(text[2:4]), int(text[4:6]))
    except ValueError:
        return None


def _birth_date(text: str, today: dt.date) -> dt.date | None:
    """The latest century that puts the birth date on or before today."""
    for century in (today.year // 100 * 100, today.year // 100 * 100 - 100):
        born = _yymmdd(text, century)
        if born is not None and born <= today:
            return born
    return None


def _expiry_date(text: str, today: dt.date) -> dt.date | None:
    """The century that puts the expiry nearest to today (cards last 10 years, never 50)."""
    base = today.year // 100 * 100
    candidates = [d for c in (base - 100, base, base + 100) if (d := _yymmdd(text, c))]
    if not candidates:
        return None
    return min(candidates, key=lambda d: abs((d - today).days))
