"""The desktop app's small pure helpers: typed dates, search, digits, settings, messages."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ui import messages
from ui.form_values import display_date, is_blank, iso_date, record_input, refine_errors
from ui.i18n import Formatter, ascii_digits, khmer_digits
from ui.screens.registration_rows import ListRow, matches
from ui.settings import AppSettings, load_settings, save_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("typed", "iso"),
    [
        ("15/01/1990", "1990-01-15"),
        ("15.1.1990", "1990-01-15"),
        ("15-01-1990", "1990-01-15"),
        ("15011990", "1990-01-15"),
        ("1990-1-15", "1990-01-15"),
        ("១៥/០១/១៩៩០", "1990-01-15"),
        ("yesterday", "yesterday"),
    ],
)
def test_typed_dates_become_iso(typed: str, iso: str) -> None:
    assert iso_date(typed) == iso


def test_display_date_and_digits() -> None:
    assert display_date("1990-01-15") == "15/01/1990"
    assert khmer_digits("2026") == "២០២៦" and ascii_digits("២០២៦") == "2026"
    fmt = Formatter("km")
    assert fmt.date(dt.date(2026, 11, 22)) == "២២ វិច្ឆិកា ២០២៦"
    fmt.use_khmer_digits = False
    assert fmt.date(dt.date(2026, 11, 22)) == "22 វិច្ឆិកា 2026"
    assert Formatter("en").date(dt.date(2026, 11, 22)) == "22 Nov 2026"


def test_record_input_reports_what_only_the_form_sees() -> None:
    raw, errors = record_input({"workers": "many", "village_text": "Somewhere", "id_type": "none"})
    assert errors == {"workers": "not_a_number", "village_code": "unknown_village"}
    assert "id_number" not in raw
    assert refine_errors({"id_number": "invalid_format"}, "national_id") == {
        "id_number": "invalid_national_id"
    }
    assert is_blank({"id_type": "national_id", "consent": True})
    assert not is_blank({"phone": "012"})


def row(**changes: str) -> ListRow:
    values = {
        "name_km": "សុខ ដារា",
        "name_en": "SOK DARA",
        "id_number": "123456789",
        "phone": "012 345 678",
    }
    values.update(changes)
    return ListRow(
        "registration", "id", dt.datetime.now(dt.UTC), event="", status="pending", **values
    )


@pytest.mark.parametrize(
    "query", ["sok", "ដារា", "123456789", "012345678", "+855 12 345 678", "85512345678", "dara sok"]
)
def test_search_finds_by_name_id_or_phone(query: str) -> None:
    assert matches(row(), query)


def test_search_misses() -> None:
    assert not matches(row(), "chan")
    assert not matches(row(), "999")


def test_settings_round_trip_and_ignore_nonsense(tmp_path: Path) -> None:
    save_settings(tmp_path, AppSettings(language="en", khmer_digits=False))
    assert load_settings(tmp_path) == AppSettings(language="en", khmer_digits=False)
    (tmp_path / "ui-settings.json").write_text(
        json.dumps({"language": "fr", "idle_lock_minutes": 0, "khmer_digits": "yes"})
    )
    assert load_settings(tmp_path) == AppSettings()


def test_every_core_field_error_code_has_words() -> None:
    from ui.cli import messages as cli_messages

    assert set(cli_messages.FIELD_ERRORS) - {"unknown_field", "not_an_object"} <= set(
        messages.FIELD_ERRORS
    )


def test_khmer_translation_is_complete() -> None:
    tree = ET.parse(ROOT / "resources" / "translations" / "fieldreg_km.ts")
    unfinished = [
        m.findtext("source")
        for m in tree.getroot().iter("message")
        if m.find("translation").get("type") in ("unfinished", "vanished", "obsolete")
    ]
    assert unfinished == []
    assert (ROOT / "resources" / "translations" / "fieldreg_km.qm").stat().st_size > 10_000
