"""The device's M&E figures (issue 11): the aggregate table kept at finalise and correction
equals a full recount from the decrypted records, on hidden random data; channels are kept
with each registration and sealed; an old store is recounted at its first login; the CLI
prints the same figures, suppressed."""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from fieldreg.desk import Desk
from fieldreg.desk.disk_space import DiskLimits
from fieldreg.desk.results import Registered
from fieldreg.indicators import tally
from fieldreg.indicators.channels import BANKS, Channel
from fieldreg.indicators.evaluate import suppressed, to_csv
from fieldreg.indicators.scope import FigureScope
from fieldreg.record import CATEGORIES, SERVICES
from fieldreg.store import figures as store_figures
from fieldreg.store.database import DB_FILENAME, StoreError
from fieldreg.transfer.sealing import packet_info
from sync.hub.server import BackgroundHub
from tests.cli_runner import fieldreg
from tests.damage import damage_a_versions_page
from tests.factories import FAST_KDF, PASSPHRASE, FakeClock, random_villages, raw_record
from tests.sync_support import Device

NO_FLOOR = DiskLimits(floor=0, warning=0)
REGISTRAR = ("Dara", "registrar-passphrase-2")
EVENTS = ("Takeo outreach", "Wing Kampot branch", "Chbar Ampov commune office")


def _random_channel(rng: random.Random) -> Channel:
    kind = rng.choice(["outreach", "commune_office", "bank_branch"])
    return Channel(kind, rng.choice(BANKS) if kind == "bank_branch" else "")


def _random_record(rng: random.Random, villages: list[str]) -> dict[str, Any]:
    return raw_record(
        sex=rng.choice("FM"),
        category=rng.choice(CATEGORIES),
        village_code=rng.choice(villages),
        services=rng.sample(SERVICES, rng.randint(0, 3)),
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def desk(tmp_path: Path, clock: FakeClock) -> Iterator[Desk]:
    desk = Desk(tmp_path / "data", clock=clock, kdf=FAST_KDF)
    desk.create("Sokha", PASSPHRASE)
    desk.unlock("Sokha", PASSPHRASE)
    desk.add_operator(*REGISTRAR[:1], "registrar", REGISTRAR[1])
    yield desk
    desk.close()


def _fill(desk: Desk, clock: FakeClock, seed: int, count: int = 220) -> list[dict[str, Any]]:
    """`count` random registrations by two operators over several days, events and
    channels, some of them possible duplicates registered with a reason, some corrected
    (sex, village, group, services). Returns the raw records, as last written."""
    rng = random.Random(seed)
    villages = random_villages(40, rng)
    channels = {event: _random_channel(rng) for event in EVENTS}
    written: list[dict[str, Any]] = []
    ids: list[str] = []
    for n in range(count):
        clock.advance(rng.randint(60, 4 * 3600))
        if n % 50 == 25:  # the other operator takes the desk for a while
            coordinator = desk.operator is not None and desk.operator.is_coordinator
            desk.lock()
            desk.unlock(*(REGISTRAR if coordinator else ("Sokha", PASSPHRASE)))
        raw = _random_record(rng, villages)
        reason = None
        if written and rng.random() < 0.08:
            raw["id_number"] = rng.choice(written)["id_number"]
            reason = "same ID card, another person (checked)"
        event = rng.choice(EVENTS)
        saved = desk.register(raw, event=event, channel=channels[event], duplicate_reason=reason)
        assert isinstance(saved, Registered)
        written.append(raw)
        ids.append(saved.stored.id)
    if not desk.operator or not desk.operator.is_coordinator:
        desk.lock()
        desk.unlock("Sokha", PASSPHRASE)
    for index in rng.sample(range(count), 25):
        clock.advance(60)
        fixed = {**written[index], **_random_record(rng, villages)}
        fixed["id_number"], fixed["phone"] = written[index]["id_number"], written[index]["phone"]
        desk.correct(ids[index], fixed, reason="wrong on the form")
        written[index] = fixed
    return written


def _without_time(figures: dict[str, Any]) -> dict[str, Any]:
    return {**figures, "generated_at": ""}


@pytest.mark.parametrize("seed", [11, 2026])
def test_the_table_equals_a_full_recount_on_random_data(
    desk: Desk, clock: FakeClock, seed: int
) -> None:
    _fill(desk, clock, seed)
    scopes = [
        FigureScope(),
        FigureScope(events=EVENTS[:1]),
        FigureScope(events=EVENTS[1:], since="2026-11-24"),
        FigureScope(until="2026-11-30"),
        FigureScope(since="2026-11-25", until="2026-11-27"),
    ]
    for scope in scopes:
        shown = desk.figures(scope)
        recount = desk.recount_figures(scope)
        assert recount.matches
        assert _without_time(shown) == _without_time(recount.figures), scope
    everything = desk.figures(FigureScope())
    by_id = {indicator["id"]: indicator for indicator in everything["indicators"]}
    assert by_id["registrations"]["value"] == 220
    assert by_id["duplicates_flagged"]["value"] > 0
    assert by_id["bank_registrations"]["value"] >= 0
    assert not everything["small_cells"]["suppressed"]


def test_the_table_holds_the_cube_of_the_recounted_facts(desk: Desk, clock: FakeClock) -> None:
    _fill(desk, clock, 7, count=120)
    session = desk._unlocked  # the test looks under the Desk at the table itself
    facts = [session._fact(stored) for stored in session.registrations()]
    assert len(facts) == 120
    assert store_figures.stored_cube(session.db) == tally.cube(facts)
    assert session.recounted_cube() == tally.cube(facts)


def test_a_correction_moves_the_counts(desk: Desk) -> None:
    saved = desk.register(raw_record(sex="F", village_code="01020101"), event="E")
    assert isinstance(saved, Registered)

    def counts() -> dict[str, Any]:
        figures = {i["id"]: i for i in desk.figures(FigureScope())["indicators"]}
        breakdowns = {tuple(b["by"]): b["rows"] for b in figures["registrations"]["breakdowns"]}
        return {"sex": breakdowns[("sex",)], "province": breakdowns[("province",)]}

    assert counts() == {
        "sex": [{"sex": "F", "value": 1}],
        "province": [{"province": "01", "value": 1}],
    }
    desk.correct(
        saved.stored.id,
        raw_record(sex="M", village_code="02010101"),
        reason="wrong sex and village",
    )
    assert counts() == {
        "sex": [{"sex": "M", "value": 1}],
        "province": [{"province": "02", "value": 1}],
    }
    assert desk.recount_figures().matches


def test_a_damaged_table_is_found_and_rebuilt_by_the_recount(desk: Desk) -> None:
    for sex in "FFM":
        desk.register(raw_record(sex=sex), event="E")
    db = desk._unlocked.db
    db.execute("UPDATE figures SET count = count + 3 WHERE dimension = 'all'")
    wrong = desk.figures(FigureScope())["indicators"][0]["value"]
    assert wrong != 3
    recount = desk.recount_figures()
    assert not recount.matches and recount.figures["indicators"][0]["value"] == 3
    assert desk.figures(FigureScope())["indicators"][0]["value"] == 3
    assert desk.recount_figures().matches
    db.execute("UPDATE figures_status SET count = count + 2")
    assert not desk.recount_figures().matches
    statuses = {i["id"]: i for i in desk.figures(FigureScope())["indicators"]}["sync_status"]
    assert statuses["breakdowns"][0]["rows"] == [{"status": "pending", "value": 3}]


def test_registrars_see_figures_but_do_not_recount_or_export(desk: Desk, tmp_path: Path) -> None:
    desk.register(raw_record(), event="E")
    desk.lock()
    desk.unlock(*REGISTRAR)
    assert desk.figures(FigureScope())["indicators"][0]["value"] == 1
    assert desk.figure_events() == ["E"]
    for refused in (
        lambda: desk.recount_figures(),
        lambda: desk.export_figures(FigureScope(), "csv", tmp_path / "f.csv"),
    ):
        with pytest.raises(StoreError) as caught:
            refused()
        assert caught.value.code == "not_permitted"
    desk.lock()
    with pytest.raises(StoreError) as locked:
        desk.figures(FigureScope())
    assert locked.value.code == "locked"


def test_events_newest_first(desk: Desk, clock: FakeClock) -> None:
    for event in ("A", "B", "A", "C", "", "B"):
        clock.advance(60)
        desk.register(raw_record(), event=event)
    assert desk.figure_events() == ["B", "C", "A"]


def test_channel_is_kept_fixed_and_defaults_to_outreach(desk: Desk) -> None:
    plain = desk.register(raw_record(), event="E")
    bank = desk.register(raw_record(), event="W", channel=Channel.parse("bank_branch:aba"))
    assert isinstance(plain, Registered) and isinstance(bank, Registered)
    assert plain.stored.channel == Channel("outreach")
    assert bank.stored.channel == Channel("bank_branch", "aba")
    db = desk._unlocked.db
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "UPDATE registrations SET channel = 'commune_office' WHERE id = ?", [plain.stored.id]
        )
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE registrations SET bank = 'wing' WHERE id = ?", [bank.stored.id])
    figures = {i["id"]: i for i in desk.figures(FigureScope())["indicators"]}
    assert figures["facilitation_rate"]["value"] == 50.0
    assert figures["bank_registrations"]["breakdowns"][0]["rows"] == [{"bank": "aba", "value": 1}]


def test_the_sealed_packet_carries_the_channel(tmp_path: Path, hub: BackgroundHub) -> None:
    """Sealed at finalise, at a correction and in the backlog sealed at enrolment; the hub
    opens the packet and reads the channel with Channel.from_payload."""
    device = Device(tmp_path / "device")
    session = device.session
    before = session.register(
        session.validate(raw_record()).record,
        event="W",
        channel=Channel("bank_branch", "wing"),
    )
    device.enrol(hub.hub, hub.url)  # seals the backlog
    after = session.register(
        session.validate(raw_record()).record,
        event="C",
        channel=Channel("commune_office"),
    )
    session.correct(after, session.get(after).record, reason="check")
    assert device.engine().sync_once().complete
    payloads = {(packet["id"], packet["version"]): packet for packet in _hub_payloads(hub)}
    assert Channel.from_payload(payloads[(before, 1)]) == Channel("bank_branch", "wing")
    assert Channel.from_payload(payloads[(after, 1)]) == Channel("commune_office")
    assert Channel.from_payload(payloads[(after, 2)]) == Channel("commune_office")


def _hub_payloads(hub: BackgroundHub) -> list[dict[str, Any]]:
    """Every packet the hub holds, opened with its sealing key."""
    with hub.hub.storage.read() as db:
        rows = db.execute("SELECT device_id, registration_id, version, sealed FROM packets")
        packets = [tuple(row) for row in rows]
    return [
        json.loads(hub.hub.keys.sealing.open(sealed, packet_info(device_id, rid, version)))
        for device_id, rid, version, sealed in packets
    ]


def test_statuses_and_lag_come_from_sync(tmp_path: Path, hub: BackgroundHub) -> None:
    clock = FakeClock()
    device = Device(tmp_path / "device", clock)
    device.enrol(hub.hub, hub.url)
    session = device.session
    for _ in range(3):
        session.register(session.validate(raw_record()).record, event="E")
    clock.advance(17 * 60 + 30)  # acknowledged 17.5 minutes after finalise
    assert device.engine().sync_once().complete
    session.register(session.validate(raw_record()).record, event="E")
    figures = {i["id"]: i for i in session.figures(FigureScope())["indicators"]}
    statuses = figures["sync_status"]["breakdowns"][0]["rows"]
    assert statuses == [{"status": "pending", "value": 1}, {"status": "synced", "value": 3}]
    lag = figures["acknowledgement_lag"]
    assert (lag["median"], lag["p90"], lag["acknowledged"]) == (17, 17, 3)
    later = session.figures(FigureScope(since="2026-12-01"))
    assert {i["id"]: i for i in later["indicators"]}["acknowledgement_lag"]["acknowledged"] == 0
    recounted, matches = session.recount_figures(FigureScope())
    assert matches and _without_time(recounted) == _without_time(session.figures(FigureScope()))

    # a store synced before the figures table: its migration counts the lag from the outbox
    device.store.close()
    _downgrade(tmp_path / "device")
    desk = Desk(tmp_path / "device", clock=clock, kdf=FAST_KDF)
    desk.unlock("Sokha", PASSPHRASE)
    migrated = {i["id"]: i for i in desk.figures(FigureScope())["indicators"]}
    assert migrated["acknowledgement_lag"] == lag
    assert migrated["sync_status"] == figures["sync_status"]
    desk.close()


# The schema as it was before 0005_figures (the trigger from 0001_initial).
_DOWNGRADE = """
DROP INDEX figures_by_value;
DROP TABLE figures;
DROP TABLE figures_lag;
DROP TRIGGER figures_status_insert;
DROP TRIGGER figures_status_update;
DROP TABLE figures_status;
DROP INDEX registrations_by_event;
DROP TRIGGER registrations_identity_fixed;
ALTER TABLE registrations DROP COLUMN channel;
ALTER TABLE registrations DROP COLUMN bank;
ALTER TABLE registrations DROP COLUMN duplicate;
CREATE TRIGGER registrations_identity_fixed
    BEFORE UPDATE OF id, created_at, operator, event, device_id ON registrations
    BEGIN SELECT RAISE(ABORT, 'a registration keeps its id, time, operator and event'); END;
DELETE FROM meta WHERE key = 'figures_recount_needed';
DELETE FROM _migrations WHERE name = '0005_figures';
"""


def _old_store(root: Path, clock: FakeClock) -> list[dict[str, Any]]:
    """A store as the release before figures left it: registrations (one of them a possible
    duplicate registered with a reason, one corrected) in a file without the channel columns
    or the figures table, its migration not yet run."""
    desk = Desk(root, clock=clock, kdf=FAST_KDF)
    desk.create("Sokha", PASSPHRASE)
    desk.unlock("Sokha", PASSPHRASE)
    raws = [
        raw_record(sex=sex, village_code=v)
        for sex, v in zip("FFMF", random_villages(4, random.Random(3)), strict=True)
    ]
    ids = []
    for raw in raws:
        clock.advance(3600)
        saved = desk.register(raw, event="Old event", channel=Channel("commune_office"))
        assert isinstance(saved, Registered)
        ids.append(saved.stored.id)
    twin = raw_record(id_number=raws[0]["id_number"], sex="M")
    assert isinstance(desk.register(twin, event="Old event", duplicate_reason="twins"), Registered)
    raws.append(twin)
    raws[1] = {**raws[1], "sex": "M"}
    desk.correct(ids[1], raws[1], reason="wrong sex")
    desk.close()
    _downgrade(root)
    return raws


def _downgrade(root: Path) -> None:
    with closing(sqlite3.connect(root / DB_FILENAME)) as db:
        db.executescript(_DOWNGRADE)
        columns = {row[1] for row in db.execute("PRAGMA table_info(registrations)")}
        assert "channel" not in columns


def test_an_old_store_is_recounted_at_its_first_login(tmp_path: Path) -> None:
    """Registrations from before the figures table count as outreach; the migration cannot
    decrypt them, so the first login fills the table by a full recount."""
    clock = FakeClock()
    raws = _old_store(tmp_path / "data", clock)
    desk = Desk(tmp_path / "data", clock=clock, kdf=FAST_KDF)
    assert desk.registration_count() == len(raws)  # migrated on opening
    desk.unlock("Sokha", PASSPHRASE)
    figures = {i["id"]: i for i in desk.figures(FigureScope())["indicators"]}
    assert figures["registrations"]["value"] == len(raws)
    channels = figures["registrations"]["breakdowns"]
    assert {tuple(b["by"]): b["rows"] for b in channels}[("channel",)] == [
        {"channel": "outreach", "value": len(raws)}
    ]
    assert figures["duplicates_flagged"]["value"] == 1
    sexes = {tuple(b["by"]): b["rows"] for b in channels}[("sex",)]
    assert sexes == [{"sex": "F", "value": 2}, {"sex": "M", "value": 3}]
    assert desk.recount_figures().matches
    desk.lock()
    desk.unlock("Sokha", PASSPHRASE)  # recounted once: the mark is gone
    assert not store_figures.recount_needed(desk._unlocked.db)
    desk.close()


def test_cli_prints_the_same_figures_suppressed(
    desk: Desk, clock: FakeClock, tmp_path: Path
) -> None:
    _fill(desk, clock, 5, count=60)
    expected = suppressed(desk.figures(FigureScope(events=(EVENTS[0],), since="2026-11-23")))
    data_dir = desk.data_dir
    desk.close()
    scope_args = ["--event", EVENTS[0], "--since", "2026-11-23", "--operator", "Sokha"]
    printed = fieldreg(data_dir, "indicators", *scope_args)
    assert printed.returncode == 0, printed.stderr
    shown = json.loads(printed.stdout)
    assert shown["small_cells"] == {"suppressed": True, "below": 5}
    assert _without_time(shown) == _without_time(expected)

    as_csv = fieldreg(data_dir, "indicators", *scope_args, "--format", "csv")
    assert as_csv.returncode == 0, as_csv.stderr
    assert as_csv.stdout == to_csv(expected)
    assert as_csv.stdout.splitlines()[0].endswith("counts under 5 shown as <5")

    out = tmp_path / "figures.csv"
    written = fieldreg(data_dir, "indicators", *scope_args, "--format", "csv", "--out", str(out))
    assert written.returncode == 0 and "counts under 5 shown as <5" in written.stdout
    assert out.read_text(encoding="utf-8") == as_csv.stdout

    pdf = tmp_path / "figures.pdf"
    for language in ("en", "km"):
        report = fieldreg(
            data_dir, "indicators", *scope_args, "--format", "pdf", "--out", str(pdf),
            "--language", language,
        )  # fmt: skip
        assert report.returncode == 0, report.stderr
        assert pdf.read_bytes().startswith(b"%PDF")
    to_stdout = fieldreg(data_dir, "indicators", "--format", "pdf", "--operator", "Sokha")
    assert to_stdout.returncode == 1 and "--out" in to_stdout.stderr

    wrong = fieldreg(data_dir, "indicators", "--since", "2026-13-01", "--operator", "Sokha")
    assert wrong.returncode == 1 and "since" in wrong.stderr
    registrar = fieldreg(
        data_dir, "indicators", "--operator", REGISTRAR[0], FIELDREG_PASSPHRASE=REGISTRAR[1]
    )
    assert registrar.returncode == 1 and "only a coordinator" in registrar.stderr


def test_cli_register_keeps_the_channel(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    Desk(data_dir, kdf=FAST_KDF).create("Sokha", PASSPHRASE)
    source = tmp_path / "people.jsonl"
    source.write_text("\n".join(json.dumps(raw_record()) for _ in range(2)) + "\n")
    bank = fieldreg(data_dir, "register", str(source), "--channel", "bank_branch:acleda")
    assert bank.returncode == 0, bank.stderr
    source.write_text(json.dumps(raw_record()) + "\n")
    plain = fieldreg(data_dir, "register", str(source), "--event", "E")
    assert plain.returncode == 0, plain.stderr
    wrong = fieldreg(data_dir, "register", str(source), "--channel", "bank_branch:nobank")
    assert wrong.returncode == 1 and "bank_branch:BANK" in wrong.stderr
    with closing(sqlite3.connect(data_dir / DB_FILENAME)) as db:
        rows = sorted(db.execute("SELECT channel, bank FROM registrations"))
    assert rows == [("bank_branch", "acleda"), ("bank_branch", "acleda"), ("outreach", "")]


def test_suppressed_csv_says_so(desk: Desk) -> None:
    desk.register(raw_record(), event="E")
    figures = suppressed(desk.figures(FigureScope()))
    assert to_csv(figures).splitlines()[0].endswith("shown as <5")


def test_a_salvaged_store_counts_what_was_saved(tmp_path: Path) -> None:
    """A salvage keeps the registrations that still read: the figures copied from the
    damaged file would count the lost ones too, so the rebuilt store is recounted."""
    root = tmp_path / "data"
    desk = Desk(root, kdf=FAST_KDF, disk=NO_FLOOR)
    desk.create("Sokha", PASSPHRASE)
    desk.unlock("Sokha", PASSPHRASE)
    desk.register_batch([desk.validate(raw_record()).record for _ in range(400)], event="E")
    desk.close()
    damage_a_versions_page(root / DB_FILENAME)

    salvaged = Desk(root, kdf=FAST_KDF, disk=NO_FLOOR).salvage("Sokha", PASSPHRASE)
    assert salvaged.registrations_lost > 0
    rebuilt = Desk(root, kdf=FAST_KDF, disk=NO_FLOOR)
    rebuilt.unlock("Sokha", PASSPHRASE)
    shown = rebuilt.figures(FigureScope())
    assert shown["indicators"][0]["value"] == salvaged.registrations
    assert rebuilt.recount_figures().matches
    rebuilt.close()
