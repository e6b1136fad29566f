"""Test data: valid raw records with distinctive values, fast key derivation, a fixed clock."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from pathlib import Path
from typing import Any

from fieldreg.gazetteer import load_gazetteer
from fieldreg.store.crypto import KdfParams
from fieldreg.store.store import Store

# Light Argon2id so API tests stay fast; the CLI tests and benchmarks use the real cost.
FAST_KDF = KdfParams(memory_kib=8 * 1024, iterations=1, lanes=1)
PASSPHRASE = "tent-desk-passphrase-1"
NOW = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)

_serial = itertools.count(1)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: dt.datetime = NOW) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def raw_record(**overrides: Any) -> dict[str, Any]:
    """A valid record; every call gets its own ID number and phone."""
    n = next(_serial)
    record: dict[str, Any] = {
        "id_type": "national_id",
        "id_number": f"{100000000 + n * 7919 % 899999999:09d}",
        "name_km": "សុខ ដារា",
        "name_en": "Sok Dara",
        "sex": "F",
        "date_of_birth": "1990-01-15",
        "phone": f"012 {n % 1000:03d} {n // 1000 % 1000:03d}",
        "village_code": "01020101",
        "category": "self_employed",
        "sector": "G",
        "services": ["finance", "nssf"],
        "consent": True,
    }
    record.update(overrides)
    return record


def random_villages(n: int, rng: random.Random) -> list[str]:
    """`n` village codes from the gazetteer, each in a random province, district and commune."""
    gazetteer = load_gazetteer()
    found = []
    for _ in range(n):
        code = ""
        while len(code) < 8:
            code = rng.choice(gazetteer.children(code)).code
        found.append(code)
    return found


def new_store(root: Path, clock: FakeClock | None = None) -> tuple[Store, str]:
    return Store.create(
        root, operator="Sokha", passphrase=PASSPHRASE, kdf=FAST_KDF, clock=clock or FakeClock()
    )
