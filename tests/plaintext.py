"""Searching bytes for a person's data. A needle is always a whole, distinctive value (a full
name, a full ID number, a full phone number) in each form it could be stored in, never a
fragment: "012" matched the byte count 5012 once, and a short needle finds what is not there.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import phonenumbers

from fieldreg.record import normalise_phone

MIN_NEEDLE_BYTES = 8  # shorter values turn up by chance in binary files and byte counts
ENCODINGS = ("utf-8", "utf-16-le")
PERSONAL_FIELDS = ("name_km", "name_en", "id_number", "phone", "business_name")


def text_forms(value: str) -> set[str]:
    """A text value as typed, in capitals, in lower case, and as JSON writes it when it
    escapes non-ASCII characters (`\\u179f...`)."""
    forms = {value, value.upper(), value.lower()}
    forms |= {json.dumps(form)[1:-1] for form in list(forms)}
    return forms


def phone_forms(typed: str) -> set[str]:
    """A whole phone number as typed, without spaces, in E.164 (`+85512345678`), without the
    plus, nationally (`012345678`) and as its national significant number (`12345678`)."""
    e164 = normalise_phone(typed)
    assert e164 is not None, f"not a phone number: {typed!r}"
    significant = phonenumbers.national_significant_number(phonenumbers.parse(e164))
    return {typed, typed.replace(" ", ""), e164, e164[1:], "0" + significant, significant}


def person_values(person: Mapping[str, object]) -> set[str]:
    """Every whole personal value of a record (raw_record's keys), in every form."""
    values: set[str] = set()
    for field in PERSONAL_FIELDS:
        value = person.get(field)
        if not value:
            continue
        assert isinstance(value, str)
        values |= phone_forms(value) if field == "phone" else text_forms(value)
    return values


def needles(values: Iterable[str]) -> dict[str, bytes]:
    """Each value in each encoding, labelled; refuses a value too short to be distinctive."""
    found: dict[str, bytes] = {}
    for value in values:
        for encoding in ENCODINGS:
            needle = value.encode(encoding)
            assert len(value.encode("utf-8")) >= MIN_NEEDLE_BYTES, f"{value!r} is too short"
            found[f"{value!r} ({encoding})"] = needle
    return found


def found_in(content: bytes, values: Iterable[str]) -> list[str]:
    return [label for label, needle in needles(values).items() if needle in content]


def plaintext_hits(root: Path, values: Iterable[str], exclude: Iterable[Path] = ()) -> list[str]:
    """`value (encoding) in file` for every file under `root` (but `exclude`) holding one."""
    values = set(values)
    skipped = {path.resolve() for path in exclude}
    files = [p for p in root.rglob("*") if p.is_file() and p.resolve() not in skipped]
    return [
        f"{label} in {path.relative_to(root)}"
        for path in files
        for label in found_in(bytes_of(path), values)
    ]


def bytes_of(path: Path) -> bytes:
    """A file's bytes; none for one a live database removed since it was listed (PostgreSQL
    replaces files such as global/pg_internal.init while it runs)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b""
