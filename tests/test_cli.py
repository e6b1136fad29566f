"""The command line as coordinators and scripts use it (docs/architecture.md, the command-line
contract)."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest
from PIL import Image
from pyzbar.pyzbar import decode

from tests.cli_runner import fieldreg, init_store
from tests.factories import raw_record


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    init_store(root)
    return root


def lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def registration_count(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "fieldreg.db") as db:
        return int(db.execute("SELECT count(*) FROM registrations").fetchone()[0])


def test_init_shows_the_recovery_key_once_and_writes_its_qr(tmp_path: Path) -> None:
    result = init_store(tmp_path / "data")
    key = re.search(r"([A-Z2-7]{4}(?:-[A-Z2-7]{4}){7})", result.stdout)
    assert key, result.stdout
    qr = tmp_path / "fieldreg-recovery-key.png"
    assert [d.data.decode() for d in decode(Image.open(qr))] == [key.group(1)]
    assert key.group(1) not in (tmp_path / "data" / "fieldreg.db").read_bytes().decode("latin-1")
    again = fieldreg(
        tmp_path / "data", "init", "--operator", "Sokha", "--recovery-qr", str(tmp_path / "k.png")
    )
    assert again.returncode == 1 and "already exists" in again.stderr


def test_init_refuses_to_put_the_recovery_qr_in_the_data_dir(tmp_path: Path) -> None:
    root = tmp_path / "data"
    result = fieldreg(root, "init", "--operator", "Sokha", "--recovery-qr", str(root / "key.png"))
    assert result.returncode == 1 and "out of the data directory" in result.stderr
    assert not (root / "fieldreg.db").exists()


def test_register_a_file_then_list_as_json_and_csv(data_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "people.jsonl"
    people = [raw_record(name_en=f"Person {name}") for name in ("one", "two", "three")]
    source.write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in people) + "\n")
    registered = fieldreg(data_dir, "register", "--event", "Takeo outreach", str(source))
    assert registered.returncode == 0, registered.stderr
    ids = [line["id"] for line in lines(registered.stdout)]
    assert len(ids) == 3
    listed = lines(fieldreg(data_dir, "list").stdout)
    assert [row["id"] for row in listed] == ids
    assert [row["name_en"] for row in listed] == ["PERSON ONE", "PERSON TWO", "PERSON THREE"]
    assert {row["event"] for row in listed} == {"Takeo outreach"}
    assert {row["status"] for row in listed} == {"pending"}
    table = list(csv.DictReader(io.StringIO(fieldreg(data_dir, "list", "--format", "csv").stdout)))
    assert [row["id"] for row in table] == ids and table[0]["services"] == "nssf;finance"
    # E.164 starts with "+": prefixed like any cell a spreadsheet would run as a formula
    assert listed[0]["phone"].startswith("+855") and table[0]["phone"] == "'" + listed[0]["phone"]
    assert lines(fieldreg(data_dir, "list", "--status", "synced").stdout) == []


def test_register_from_stdin_with_data_dir_after_the_command(tmp_path: Path) -> None:
    root = tmp_path / "data"
    init_store(root)
    result = fieldreg(
        tmp_path / "ignored",
        "register",
        "--data-dir",
        str(root),
        "-",
        input=json.dumps(raw_record()).encode(),
    )
    assert result.returncode == 0, result.stderr
    assert registration_count(root) == 1


def test_an_invalid_record_stores_nothing_from_the_file(data_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "mixed.jsonl"
    good, bad = raw_record(), raw_record(phone="12345", sex="X")
    source.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    result = fieldreg(data_dir, "register", str(source))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "record 2: phone: is not a Cambodian phone number (invalid_phone)" in result.stderr
    assert "record 2: sex:" in result.stderr
    assert "nothing was registered" in result.stderr
    assert registration_count(data_dir) == 0


def test_duplicates_in_the_store_and_in_the_input_are_reported(data_dir: Path) -> None:
    first = raw_record(id_number="111222333")
    assert fieldreg(data_dir, "register", "-", input=json.dumps(first).encode()).returncode == 0
    again = raw_record(id_number="111 222 333")
    result = fieldreg(data_dir, "register", "-", input=json.dumps(again).encode())
    assert (
        result.returncode == 1 and "id_number: possible duplicate of registration" in result.stderr
    )
    twins = [raw_record(phone="088 123 4567"), raw_record(phone="+855 88 123 4567")]
    result = fieldreg(data_dir, "register", "-", input="\n".join(map(json.dumps, twins)).encode())
    assert "record 2: phone: same as record 1" in result.stderr
    anyway = fieldreg(
        data_dir,
        "register",
        "--allow-duplicates",
        "family phone",
        "-",
        input="\n".join(map(json.dumps, twins)).encode(),
    )
    assert anyway.returncode == 0, anyway.stderr
    assert registration_count(data_dir) == 3


GARBAGE = {
    "not json": b"hello, this is not JSON\n",
    "broken json line": b'{"name_en": "SOK"\n',
    "wrong types": json.dumps(raw_record(consent="true", workers="3", services="nssf")).encode(),
    "array of numbers": b"[1, 2, 3]",
    "10 MB string": json.dumps(raw_record(name_en="A" * 10_000_000)).encode(),
    "control characters": json.dumps(raw_record(name_en="SOK\u0007DARA\u001b[31m")).encode(),
    "sql-looking text": json.dumps(
        raw_record(name_en="Robert'); DROP TABLE registrations;--")
    ).encode(),
    "invalid utf-8": b'{"name_en": "\xff\xfe SOK"}',
    "nan": b'{"workers": NaN}',
    "empty": b"   \n",
    "deeply nested": b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("name", list(GARBAGE))
def test_garbage_input_gets_a_clear_error_and_stores_nothing(data_dir: Path, name: str) -> None:
    result = fieldreg(data_dir, "register", "-", input=GARBAGE[name])
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("fieldreg: ")
    assert "nothing was registered" in result.stderr
    assert registration_count(data_dir) == 0
    with sqlite3.connect(data_dir / "fieldreg.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert (
            db.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'registrations'"
            ).fetchone()[0]
            == 1
        )


def test_wrong_passphrase_is_clear_and_makes_the_next_try_wait(data_dir: Path) -> None:
    wrong = fieldreg(data_dir, "list", FIELDREG_PASSPHRASE="not-the-passphrase")
    assert wrong.returncode == 1
    assert "wrong passphrase for Sokha; wait 1 s" in wrong.stderr
    assert wrong.stdout == ""
    second = fieldreg(data_dir, "list", FIELDREG_PASSPHRASE="not-the-passphrase")
    assert "too many wrong passphrases" in second.stderr or "wait 2 s" in second.stderr


def test_operator_add_and_registrar_sees_only_their_own(data_dir: Path) -> None:
    added = fieldreg(
        data_dir,
        "operator",
        "add",
        "Vanna",
        "--role",
        "registrar",
        FIELDREG_NEW_PASSPHRASE="registrar-pass-1",
    )
    assert added.returncode == 0, added.stderr
    mine = fieldreg(
        data_dir, "--operator", "Sokha", "register", "-", input=json.dumps(raw_record()).encode()
    )
    theirs = fieldreg(
        data_dir,
        "register",
        "--operator",
        "Vanna",
        "-",
        input=json.dumps(raw_record()).encode(),
        FIELDREG_PASSPHRASE="registrar-pass-1",
    )
    assert mine.returncode == theirs.returncode == 0
    as_registrar = fieldreg(
        data_dir, "list", FIELDREG_OPERATOR="Vanna", FIELDREG_PASSPHRASE="registrar-pass-1"
    )
    assert [r["id"] for r in lines(as_registrar.stdout)] == [lines(theirs.stdout)[0]["id"]]
    as_coordinator = fieldreg(data_dir, "list", FIELDREG_OPERATOR="Sokha")
    assert len(lines(as_coordinator.stdout)) == 2
    no_choice = fieldreg(data_dir, "list")
    assert no_choice.returncode == 1 and "--operator" in no_choice.stderr
    refused = fieldreg(
        data_dir,
        "operator",
        "add",
        "Chan",
        FIELDREG_OPERATOR="Vanna",
        FIELDREG_PASSPHRASE="registrar-pass-1",
        FIELDREG_NEW_PASSPHRASE="another-pass-1",
    )
    assert refused.returncode == 1 and "only a coordinator" in refused.stderr


def test_audit_verify_passes_then_names_the_edited_entry(data_dir: Path) -> None:
    fieldreg(data_dir, "register", "-", input=json.dumps(raw_record()).encode())
    ok = fieldreg(data_dir, "audit", "verify")
    assert ok.returncode == 0 and "audit log OK: 4 entries verified, keyed" in ok.stdout
    with sqlite3.connect(data_dir / "fieldreg.db") as db:
        db.execute("DROP TRIGGER audit_log_append_only")
        db.execute("UPDATE audit_log SET action = 'nothing' WHERE seq = 2")
    broken = fieldreg(data_dir, "audit", "verify")
    assert broken.returncode == 1
    assert "audit log broken at entry 2" in broken.stderr
    # last, since a wrong passphrase makes the next login wait: the keyed seals need a
    # coordinator's data key, so no passphrase, no verdict
    locked = fieldreg(data_dir, "audit", "verify", FIELDREG_PASSPHRASE="wrong-passphrase")
    assert locked.returncode == 1 and "audit log OK" not in locked.stdout


def test_damaged_store_names_the_file_and_offers_the_backup(data_dir: Path) -> None:
    backups = data_dir / "backups"
    backups.mkdir()
    (backups / "fieldreg-20261121T000000-before-0002.db").write_bytes(
        (data_dir / "fieldreg.db").read_bytes()
    )
    (data_dir / "fieldreg.db").write_bytes(b"\x00" * 8192)
    result = fieldreg(data_dir, "list")
    assert result.returncode == 1
    assert str(data_dir / "fieldreg.db") in result.stderr
    assert "fieldreg restore-backup" in result.stderr
    restored = fieldreg(data_dir, "restore-backup")
    assert restored.returncode == 0, restored.stderr
    assert fieldreg(data_dir, "list").returncode == 0


def test_a_damaged_page_met_mid_command_gets_the_same_clear_error(data_dir: Path) -> None:
    payload = "\n".join(json.dumps(raw_record()) for _ in range(200)).encode()
    assert fieldreg(data_dir, "register", "-", input=payload).returncode == 0
    path = data_dir / "fieldreg.db"
    content = bytearray(path.read_bytes())
    for page in range(12, len(content) // 4096 - 1, 3):  # table pages the listing must read
        content[page * 4096 : (page + 1) * 4096] = b"\xff" * 4096
    path.write_bytes(bytes(content))
    checked = fieldreg(data_dir, "check")
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
    assert f"the store file {path} is damaged" in checked.stderr
    listed = fieldreg(data_dir, "list")
    assert listed.returncode == 1 and "Traceback" not in listed.stderr
    assert "is damaged" in listed.stderr


def test_store_from_a_newer_version_is_refused_with_a_clear_message(data_dir: Path) -> None:
    with sqlite3.connect(data_dir / "fieldreg.db") as db:
        db.execute("INSERT INTO _migrations VALUES ('0099_future', '2030-01-01')")
    result = fieldreg(data_dir, "list")
    assert result.returncode == 1
    assert "written by a newer FieldReg" in result.stderr


def test_commands_before_init_explain_what_to_do(tmp_path: Path) -> None:
    result = fieldreg(tmp_path / "nothing-here", "list")
    assert result.returncode == 1 and "fieldreg init --operator NAME" in result.stderr
