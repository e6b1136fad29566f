"""No personal data in plaintext anywhere in the data directory: DB, WAL, SHM, logs, backups,
temp files. Searched byte by byte for each person's whole values (full names, ID numbers, phone
numbers in every stored form), in the encodings the data could take."""

from __future__ import annotations

import json
from pathlib import Path

from fieldreg.store.database import DataDir, take_backup
from fieldreg.store.store import Store
from tests.cli_runner import PASSPHRASE, fieldreg, init_store
from tests.factories import FakeClock, raw_record
from tests.plaintext import found_in, person_values, plaintext_hits

PEOPLE = [
    raw_record(
        name_km="ច័ន្ទ សុភ័ក្ត្រា",
        name_en="Zyxwvu Chanphaktra",
        id_number="918273645",
        phone="097 531 8642",
        business_name="Qwertyuiop Noodle Stall",
    ),
    raw_record(
        name_km="ហេង វិចិត្រា",
        name_en="Plokijuh Vichetra",
        id_number="564738291",
        phone="+855 16 975 310",
        business_name="Mnbvcxz Tailoring",
    ),
]


VALUES = set().union(*(person_values(person) for person in PEOPLE))


def scan(root: Path) -> list[str]:
    assert any(path.is_file() for path in root.rglob("*")), f"no files under {root}"
    return plaintext_hits(root, VALUES)


def test_nothing_personal_in_any_file_of_the_data_directory(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    temp = tmp_path / "tmp"
    temp.mkdir()
    init_store(data_dir)
    payload = "\n".join(json.dumps(p, ensure_ascii=False) for p in PEOPLE).encode()
    assert (
        fieldreg(
            data_dir, "register", "--event", "Test", "-", input=payload, TMPDIR=str(temp)
        ).returncode
        == 0
    )
    assert fieldreg(data_dir, "register", "-", input=payload, TMPDIR=str(temp)).returncode == 1
    listed = fieldreg(data_dir, "list", "--format", "csv", TMPDIR=str(temp))
    assert "Zyxwvu".upper() in listed.stdout  # the export carries it; the files must not

    # a backup, then an open store with drafts, a correction and an unmerged WAL
    store = Store.open(data_dir)
    take_backup(store.db, DataDir(data_dir), "before-test", FakeClock()())
    session = store.unlock("Sokha", PASSPHRASE)
    session.save_draft({"name_en": PEOPLE[0]["name_en"], "phone": PEOPLE[0]["phone"]})
    first = next(iter(session.registrations()))
    session.correct(
        first.id,
        session.validate(PEOPLE[1] | {"sex": "M"}).record,
        reason=f"wrong person, was {PEOPLE[0]['name_en']}",
    )
    assert (data_dir / "fieldreg.db-wal").stat().st_size > 0
    assert (data_dir / "backups").is_dir() and (data_dir / "logs" / "fieldreg.log").is_file()

    hits = scan(data_dir) + (scan(temp) if any(temp.iterdir()) else [])
    assert hits == []
    store.close()
    assert scan(data_dir) == []


def test_the_scan_would_find_plaintext(tmp_path: Path) -> None:
    """The search itself works: plaintext written to a file is found."""
    (tmp_path / "leak.txt").write_bytes(("x" + PEOPLE[1]["name_km"]).encode("utf-8"))
    assert scan(tmp_path)


def test_the_scan_finds_every_stored_form_and_no_fragment() -> None:
    """The phone as the store keeps it (E.164) and the name as the store keeps it (capitals)
    are found; a byte count that contains a few of the phone's digits is not."""
    assert found_in(b"..+855975318642..", VALUES)
    assert found_in("ZYXWVU CHANPHAKTRA".encode("utf-16-le"), VALUES)
    assert found_in(b'{"name_km": "' + json.dumps(PEOPLE[0]["name_km"]).encode() + b'"}', VALUES)
    assert not found_in(b"size 5097 bytes, 8642 rows, 9182 pages, Zyxwvu", VALUES)
