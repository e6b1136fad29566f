"""Random and mutated input never crashes the reader or the validator."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldreg.gazetteer import load_gazetteer
from fieldreg.json_input import parse_records
from fieldreg.record import RECORD_KEYS, validate
from tests.factories import raw_record

TODAY = dt.date(2026, 11, 22)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


ERROR_CODES = {"invalid_utf8", "invalid_json", "record_too_large", "empty_input", "input_too_large"}


def assert_well_formed(items: list) -> None:
    assert items, "every input yields at least one item or one error"
    for item in items:
        assert item.error == "" or item.error in ERROR_CODES
        if item.error:
            assert item.value is None


def test_empty_inputs_are_errors_not_silent_successes() -> None:
    for data in (b"", b"  \n\n", b"[]", b"\xef\xbb\xbf"):
        assert [item.error for item in parse_records(data)] == ["empty_input"]


@settings(max_examples=1000, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_are_read_without_crashing(data: bytes) -> None:
    assert_well_formed(parse_records(data))


@settings(max_examples=1000, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(RECORD_KEYS)), json_values, max_size=14))
def test_any_json_object_is_validated_without_crashing(fields: dict) -> None:
    result = validate(fields, today=TODAY, villages=load_gazetteer())
    assert (result.record is None) == bool(result.errors)


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(sorted(RECORD_KEYS)), json_values)
def test_one_mutated_field_is_either_accepted_or_named(key: str, value: object) -> None:
    result = validate(raw_record(**{key: value}), today=TODAY, villages=load_gazetteer())
    if result.record is None:
        assert set(result.errors) <= {key, "id_number"}


@settings(max_examples=500, deadline=None)
@given(st.lists(st.integers(0, 600), max_size=6), st.binary(min_size=1, max_size=3))
def test_corrupted_json_lines_report_the_broken_line(positions: list[int], junk: bytes) -> None:
    lines = [json.dumps(raw_record()).encode() for _ in range(3)]
    data = bytearray(b"\n".join(lines))
    for position in positions:
        data[position % len(data) : position % len(data)] = junk
    items = parse_records(bytes(data))
    assert_well_formed(items)
    if not positions:
        assert [item.value["consent"] for item in items] == [True, True, True]
