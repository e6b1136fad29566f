"""`fieldreg-hub export` at scale (issue 10 item 7): every format, the filters, the audit entry,
and memory that does not grow with the number of rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sync.hub.hub import Hub
from sync.hub.keys import throwaway_custody
from sync.hub.server import BackgroundHub
from tests.cli_runner import hub_cli
from tests.export_support import fill_hub, measured_export
from tests.factories import NOW, FakeClock, raw_record
from tests.sync_support import Device

KAMPOT, TAKEO = "Kampot outreach", "Takeo fair"


@pytest.fixture
def loaded(tmp_path: Path, hub: BackgroundHub, device: Device) -> dict[str, list[str]]:
    """A real device's registrations at a real hub: two days, two provinces, two events.
    Returns their ids by what tells them apart."""
    clock = FakeClock(NOW)
    hub.hub.clock = clock

    def register(count: int, village: str, event: str) -> list[str]:
        return [
            device.session.register(
                device.session.validate(raw_record(village_code=village)).record, event=event
            )
            for _ in range(count)
        ]

    first_day = register(3, "01020101", KAMPOT) + register(2, "12010101", TAKEO)
    assert device.engine().sync_once().complete
    clock.advance(24 * 3600)
    second_day = register(2, "12010101", KAMPOT)
    assert device.engine().sync_once().complete
    return {"day1": first_day, "day2": second_day}


def ids_of(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 0, result.stderr
    return sorted(json.loads(line)["id"] for line in result.stdout.splitlines())


def test_json_jsonl_and_array_carry_the_same_rows(
    hub: BackgroundHub, loaded: dict[str, list[str]]
) -> None:
    hub_dir = hub.hub.data_dir
    lines = hub_cli(hub_dir, "export")
    assert hub_cli(hub_dir, "export", "--format", "jsonl").stdout == lines.stdout
    array = hub_cli(hub_dir, "export", "--format", "json-array")
    assert array.returncode == 0, array.stderr
    assert json.loads(array.stdout) == [json.loads(line) for line in lines.stdout.splitlines()]
    assert len(json.loads(array.stdout)) == 7
    rows = list(csv.DictReader(io.StringIO(hub_cli(hub_dir, "export", "--format", "csv").stdout)))
    assert sorted(row["id"] for row in rows) == ids_of(lines)


def test_an_empty_export_is_still_valid_in_every_format(tmp_path: Path) -> None:
    Hub(tmp_path / "hub", throwaway_custody(tmp_path / "hub")).close()
    assert json.loads(hub_cli(tmp_path / "hub", "export", "--format", "json-array").stdout) == []
    assert hub_cli(tmp_path / "hub", "export", "--format", "jsonl").stdout == ""
    assert hub_cli(tmp_path / "hub", "export", "--format", "csv").stdout.startswith("id,")


def test_filters_by_time_province_and_event(
    hub: BackgroundHub, loaded: dict[str, list[str]]
) -> None:
    hub_dir = hub.hub.data_dir
    day1, day2 = sorted(loaded["day1"]), sorted(loaded["day2"])
    next_day = (NOW + dt.timedelta(days=1)).date().isoformat()
    assert ids_of(hub_cli(hub_dir, "export", "--since", next_day)) == day2
    assert ids_of(hub_cli(hub_dir, "export", "--until", NOW.date().isoformat())) == day1
    assert ids_of(hub_cli(hub_dir, "export", "--until", f"{next_day}T00:00Z")) == day1
    assert ids_of(hub_cli(hub_dir, "export", "--province", "12")) == sorted(
        loaded["day1"][3:] + day2
    )
    assert ids_of(hub_cli(hub_dir, "export", "--event", KAMPOT)) == sorted(
        loaded["day1"][:3] + day2
    )
    both = hub_cli(hub_dir, "export", "--province", "12", "--event", KAMPOT, "--format", "csv")
    assert sorted(row["id"] for row in csv.DictReader(io.StringIO(both.stdout))) == day2

    [*_, entry] = (json.loads(line) for line in hub_cli(hub_dir, "audit").stdout.splitlines())
    assert entry["action"] == "export"
    assert entry["details"] == {
        "format": "csv",
        "registrations": 2,
        "include_quarantined": False,
        "province": "12",
        "event": KAMPOT,
    }


@pytest.mark.parametrize(
    "args",
    [
        ("--since", "yesterday"),
        ("--until", "2026-13-01"),
        ("--province", "1"),
        ("--province", "Kampot"),
        ("--event", "  "),
        ("--since", "2026-12-02", "--until", "2026-12-01"),
    ],
)
def test_a_bad_filter_is_one_line_and_exit_1(tmp_path: Path, args: tuple[str, ...]) -> None:
    Hub(tmp_path / "hub", throwaway_custody(tmp_path / "hub")).close()
    result = hub_cli(tmp_path / "hub", "export", *args)
    assert result.returncode == 1 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("fieldreg-hub: --")


def test_a_formula_cell_is_still_neutralised(hub: BackgroundHub, device: Device) -> None:
    record = device.session.validate(raw_record()).record
    assert record is not None
    device.session.register(record, event="=HYPERLINK(X)")
    assert device.engine().sync_once().complete
    exported = hub_cli(hub.hub.data_dir, "export", "--format", "csv", "--event", "=HYPERLINK(X)")
    [row] = csv.DictReader(io.StringIO(exported.stdout))
    assert row["event"] == "'=HYPERLINK(X)"
    assert row["phone"].startswith("'+855")  # E.164 starts with a formula character too


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux")
def test_memory_does_not_grow_with_the_number_of_rows(
    tmp_path: Path, hub_database: str | None
) -> None:
    template = Device(tmp_path / "device").session.validate(raw_record()).record
    assert template is not None
    hub_dir = tmp_path / "filled"
    hub = Hub(hub_dir, throwaway_custody(hub_dir), database=hub_database)
    try:
        fill_hub(hub, template.to_json(), 1_000)
        small = {
            fmt: measured_export(hub_dir, "--format", fmt).peak_rss_kib
            for fmt in ("csv", "json-array")
        }
        fill_hub(hub, template.to_json(), 7_000)
    finally:
        hub.close()
    large = {
        fmt: measured_export(hub_dir, "--format", fmt).peak_rss_kib for fmt in ("csv", "json-array")
    }
    # 7,000 more rows held in memory would be several MiB (a decrypted row is ~1 KiB as a
    # dict); streamed, the peak moves by SQLite's page cache at most
    for fmt in small:
        assert large[fmt] - small[fmt] < 4 * 1024, (fmt, small[fmt], large[fmt])
