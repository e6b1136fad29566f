"""`fieldreg.exports`: every CSV the project writes is UTF-8 and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from fieldreg.exports import SYNC_LOG_COLUMNS, csv_text, sync_log_text
from fieldreg.files import write_text_atomic
from fieldreg.store.outbox import SyncAttempt


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil.example","click")',
        "+85512345678",  # an E.164 phone number: OWASP's rule prefixes it too
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_neutralised(value: str) -> None:
    assert cells(csv_text(["name"], [{"name": value}])) == [["name"], ["'" + value]]


@pytest.mark.parametrize("value", ["Sokha", "012 345 678", "a=b", "1+1", "'quoted", ""])
def test_an_ordinary_text_cell_is_unchanged(value: str) -> None:
    assert cells(csv_text(["name"], [{"name": value}])) == [["name"], [value]]


def test_numbers_are_numbers_and_lists_are_joined() -> None:
    text = csv_text(["delta", "services", "note"], [{"delta": -5, "services": ["nssf", "finance"]}])
    assert cells(text) == [["delta", "services", "note"], ["-5", "nssf;finance", ""]]


def test_a_column_nobody_declared_is_an_error_not_a_silent_drop() -> None:
    with pytest.raises(ValueError):
        csv_text(["id"], [{"id": "1", "name": "Sokha"}])


def test_khmer_text_round_trips_through_a_csv_file(tmp_path: Path) -> None:
    rows = [
        {"name_km": "សុខ សុខា", "place": "ភូមិ ព្រែកតាកូវ", "phone": "+85512345678"},
        {"name_km": "ចាន់ ដារ៉ា", "place": "=ក្រចេះ", "phone": "012 345 678"},
    ]
    target = tmp_path / "people.csv"
    write_text_atomic(target, csv_text(["name_km", "place", "phone"], rows))
    with target.open(encoding="utf-8", newline="") as handle:
        back = list(csv.DictReader(handle))
    assert [row["name_km"] for row in back] == ["សុខ សុខា", "ចាន់ ដារ៉ា"]
    assert [row["place"] for row in back] == ["ភូមិ ព្រែកតាកូវ", "'=ក្រចេះ"]
    assert [row["phone"] for row in back] == ["'+85512345678", "012 345 678"]


def test_the_sync_log_as_csv_and_json_lines() -> None:
    attempts = [
        SyncAttempt(
            started_at="2025-03-01T09:00:00+07:00",
            ended_at="2025-03-01T09:00:02+07:00",
            transport="https",
            outcome="error",
            error="=cmd|' /C calc'!A0",
        )
    ]
    table = cells(sync_log_text(attempts, "csv"))
    assert table[0] == list(SYNC_LOG_COLUMNS)
    assert table[1][SYNC_LOG_COLUMNS.index("error")] == "'=cmd|' /C calc'!A0"
    line = json.loads(sync_log_text(attempts, "json"))
    assert line["error"] == "=cmd|' /C calc'!A0"  # JSON is not opened by a spreadsheet
    with pytest.raises(ValueError):
        sync_log_text(attempts, "xlsx")
