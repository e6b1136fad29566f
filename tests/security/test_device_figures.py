"""M&E figures hold no personal data (issue 11): the aggregate table kept in the store, what
`fieldreg indicators` prints and writes, and the files `Desk.export_figures` writes are
searched byte by byte for every registered person's whole values (names, ID number, phone,
date of birth, village code) and for the registration ids. A replayed receipt does not
count twice."""

from __future__ import annotations

import random
import sqlite3
import string
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from fieldreg.desk import Desk
from fieldreg.desk.results import Registered
from fieldreg.indicators import tally
from fieldreg.indicators.channels import Channel
from fieldreg.indicators.scope import FigureScope
from fieldreg.record import CATEGORIES, SERVICES
from fieldreg.store.database import DB_FILENAME, StoreError
from fieldreg.transfer.wire import decode_receipt
from sync.hub.server import BackgroundHub
from tests.cli_runner import fieldreg
from tests.factories import FAST_KDF, PASSPHRASE, FakeClock, random_villages, raw_record
from tests.plaintext import found_in, person_values, text_forms
from tests.sync_support import Device

KHMER_NAMES = ("ច័ន្ទ សុភ័ក្ត្រា", "ហេង វិចិត្រា", "សៀង ពិសិដ្ឋ", "ម៉ៅ សុវណ្ណារី", "គង់ ចរិយា")


def _letters(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(9)).capitalize()


def _people(rng: random.Random, count: int) -> list[dict[str, Any]]:
    people = []
    for n, code in enumerate(random_villages(count, rng)):
        people.append(
            raw_record(
                name_km=f"{KHMER_NAMES[n % len(KHMER_NAMES)]} {rng.choice(KHMER_NAMES)}",
                name_en=f"Zyxw {_letters(rng)}",
                id_number=f"{rng.randrange(10**8, 10**9)}",
                phone=f"097 {rng.randrange(1000):03d} {rng.randrange(10000):04d}",
                date_of_birth=f"19{rng.randrange(60, 99)}-{rng.randrange(1, 13):02d}-"
                f"{rng.randrange(1, 29):02d}",
                village_code=code,
                sex=rng.choice("FM"),
                category=rng.choice(CATEGORIES),
                services=rng.sample(SERVICES, 2),
                business_name=f"Qwerty {_letters(rng)} Stall",
            )
        )
    return people


def _needles(people: list[dict[str, Any]], ids: list[str]) -> set[str]:
    values = set().union(*(person_values(person) for person in people))
    for person in people:
        values |= text_forms(person["date_of_birth"]) | {person["village_code"]}
    return values | set(ids)


def _table_bytes(db_path: Path) -> bytes:
    """Every value of the figures table, as text and as it is stored."""
    with closing(sqlite3.connect(db_path)) as db:
        rows = db.execute("SELECT * FROM figures").fetchall()
    assert rows
    return "\n".join("|".join(str(value) for value in row) for row in rows).encode("utf-8")


def test_no_personal_data_in_the_table_the_cli_or_the_exports(tmp_path: Path) -> None:
    rng = random.Random(1109)
    data_dir = tmp_path / "data"
    clock = FakeClock()
    desk = Desk(data_dir, clock=clock, kdf=FAST_KDF)
    desk.create("Sokha", PASSPHRASE)
    desk.unlock("Sokha", PASSPHRASE)
    people = _people(rng, 40)
    ids = []
    for person in people:
        clock.advance(rng.randrange(60, 7200))
        channel = Channel("bank_branch", "wing") if rng.random() < 0.3 else Channel()
        saved = desk.register(person, event="Kampot outreach", channel=channel)
        assert isinstance(saved, Registered)
        ids.append(saved.stored.id)
    corrected = {**people[0], "village_code": people[1]["village_code"], "sex": "M"}
    desk.correct(ids[0], corrected, reason="moved")
    files = {fmt: tmp_path / f"figures.{fmt}" for fmt in ("json", "csv")}
    for fmt, path in files.items():
        assert desk.export_figures(FigureScope(), fmt, path) > 0
    desk.close()
    needles = _needles(people, ids)

    listed = fieldreg(data_dir, "list", "--format", "csv", "--operator", "Sokha")
    assert len(found_in(listed.stdout.encode("utf-8"), needles)) > 4 * len(people)  # the needles
    assert found_in(_table_bytes(data_dir / DB_FILENAME), needles) == []
    outputs = [
        fieldreg(data_dir, "indicators", *args, "--operator", "Sokha")
        for args in (["--format", "json"], ["--format", "csv"], ["--language", "km"])
    ]
    for output in outputs:
        assert output.returncode == 0, output.stderr
        assert found_in(output.stdout.encode("utf-8"), needles) == []
    for path in files.values():
        assert found_in(path.read_bytes(), needles) == []
    # the exports are suppressed and say so; a person's commune alone never leaves in a count
    assert files["csv"].read_text(encoding="utf-8").startswith("# ")
    assert '"suppressed": true' in files["json"].read_text(encoding="utf-8")
    # and the store file as a whole still holds none of it (the table included)
    assert found_in((data_dir / DB_FILENAME).read_bytes(), needles - set(ids)) == []


def test_a_receipt_applied_twice_counts_the_lag_once(tmp_path: Path, hub: BackgroundHub) -> None:
    """A receipt comes again (its answer was lost and the batch resent; a USB receipt file
    imported twice): the statuses and the finalise -> acknowledgement lag count once."""
    clock = FakeClock()
    device = Device(tmp_path / "device", clock)
    device.enrol(hub.hub, hub.url)
    device.register(3)
    clock.advance(5 * 60)
    _batch, body = device.formed_batch()
    signed = hub.hub.receive_batch(body, transport="https")
    hub_key = device.store.trusted_hub_signing_key()
    assert hub_key is not None
    for _ in range(2):
        device.store.outbox.apply_receipt(decode_receipt(signed, hub_key))
    figures = {i["id"]: i for i in device.session.figures(FigureScope())["indicators"]}
    assert figures["acknowledgement_lag"]["acknowledged"] == 3
    assert figures["sync_status"]["value"] == 3
    _recounted, matches = device.session.recount_figures(FigureScope())
    assert matches


_CURRENT = "SELECT ciphertext FROM registration_versions WHERE registration_id = ? AND version = "
_REPLACE = (
    "UPDATE registration_versions SET ciphertext = ? WHERE registration_id = ? AND version = 2"
)


def _recount_tampered(tmp_path: Path, tamper: Callable[[bytes, bytes], bytes]) -> StoreError:
    """Two registrations, the first corrected (sex F -> M); the first one's current
    ciphertext is replaced by `tamper(current, first version's)`; returns the error the
    recount raised."""
    desk = Desk(tmp_path / "data", clock=FakeClock(), kdf=FAST_KDF)
    desk.create("Sokha", PASSPHRASE)
    desk.unlock("Sokha", PASSPHRASE)
    first = desk.register(raw_record(sex="F"), event="E")
    desk.register(raw_record(sex="F", id_number="223456789", phone="097 765 4321"), event="E")
    assert isinstance(first, Registered)
    desk.correct(first.stored.id, raw_record(sex="M"), reason="sex was wrong")
    db, rid = desk._unlocked.db, first.stored.id  # the test tampers under the Desk
    assert tally.CubeCounts(desk._unlocked.recounted_cube()).count(("sex",)) == {
        ("F",): 1,
        ("M",): 1,
    }
    assert desk.recount_figures().matches
    current, older = (db.execute(_CURRENT + v, [rid]).fetchone()[0] for v in "21")
    db.execute("DROP TRIGGER registration_versions_immutable")  # someone with the file can
    db.execute(_REPLACE, [tamper(current, older), rid])
    with pytest.raises(StoreError) as raised:
        desk.recount_figures()
    desk.close()
    return raised.value


def _flipped(current: bytes, _older: bytes) -> bytes:
    return current[:20] + bytes([current[20] ^ 1]) + current[21:]


def test_the_recount_decrypts_the_current_version_and_fails_loudly_on_a_tampered_one(
    tmp_path: Path,
) -> None:
    """The recount decrypts every record's current version (a correction's, M, counts; its
    first version, F, does not) and checks its associated data: a flipped byte, or the
    current version's ciphertext swapped for the first version's, stops it with the store's
    coded error instead of counting something."""
    for name, tamper in (("flip", _flipped), ("swap", lambda _current, older: older)):
        error = _recount_tampered(tmp_path / name, tamper)
        assert error.code == "damaged" and "does not decrypt" in error.detail["reason"]
