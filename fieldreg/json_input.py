"""Reading registrations from outside: one JSON object, a JSON array, or JSON lines.

Never raises on bad bytes: every problem comes back as a numbered item with an error code,
so the caller can report all of them and store none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

MAX_INPUT_BYTES = 256 * 1024 * 1024
MAX_RECORD_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class InputItem:
    number: int  # 1-based record number (the line number for JSON lines)
    value: Any = None
    error: str = ""  # invalid_utf8, invalid_json, record_too_large, empty_input, input_too_large
    detail: str = ""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _loads(text: str) -> Any:
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def parse_records(data: bytes) -> list[InputItem]:
    if len(data) > MAX_INPUT_BYTES:
        return [InputItem(0, error="input_too_large", detail=f"{MAX_INPUT_BYTES} bytes")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return [InputItem(0, error="invalid_utf8", detail=f"byte {error.start}")]
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return [InputItem(0, error="empty_input")]
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            whole = _loads(text)
        except ValueError:
            whole = None  # JSON lines, or broken: read line by line below
        if isinstance(whole, dict):
            return [_sized(1, text, whole)]
        if whole == []:
            return [InputItem(0, error="empty_input")]
        if isinstance(whole, list):
            return [InputItem(n, value) for n, value in enumerate(whole, start=1)]
    return [_line(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]


def _sized(number: int, text: str, value: Any) -> InputItem:
    if len(text.encode("utf-8")) > MAX_RECORD_BYTES:
        return InputItem(number, error="record_too_large", detail=f"{MAX_RECORD_BYTES} bytes")
    return InputItem(number, value)


def _line(number: int, line: str) -> InputItem:
    if len(line) > MAX_RECORD_BYTES:
        return InputItem(number, error="record_too_large", detail=f"{MAX_RECORD_BYTES} bytes")
    try:
        return InputItem(number, _loads(line))
    except ValueError as error:
        return InputItem(number, error="invalid_json", detail=str(error)[:120])
