"""`fieldreg scan` and `fieldreg receipt`, called the way ui/cli/entry.py calls them."""

from __future__ import annotations

import argparse
import io
import json
import os
import uuid
from pathlib import Path

import numpy as np
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from fieldreg.desk import Desk
from fieldreg.receipts import receipt
from fieldreg.store.database import StoreError
from fieldreg.store.device_identity import DeviceCertificate, DeviceIdentity, public_bytes
from fieldreg.store.store import Store
from fieldreg.transfer.sealing import HubPrivateKey
from tests.factories import PASSPHRASE, new_store, raw_record
from tests.scan_images import on_canvas, qr_image
from ui.cli import scan as cli_scan

KHMER_TD1 = (
    "IDKHM1234567897<<<<<<<<<<<<<<<\n9001158F3001145KHM<<<<<<<<<<<4\nSOK<<DARA<<<<<<<<<<<<<<<<<<<<<"
)


def common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    parser.add_argument("--data-dir", type=Path, default=None if top else argparse.SUPPRESS)
    parser.add_argument("--operator", default=None if top else argparse.SUPPRESS)


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="fieldreg")
    common(parser, top=True)
    cli_scan.add_parsers(parser.add_subparsers(dest="command"), common)
    return parser.parse_args(argv)


def unlocked_desk(store: Store) -> Desk:
    """A Desk on the same data directory, logged in as `fieldreg receipt` would be."""
    desk = Desk(store.data_dir.root)
    desk.unlock("Sokha", PASSPHRASE)
    return desk


def run_scan(data_dir: Path, *images: Path) -> tuple[int, list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli_scan.cmd_scan(parse("scan", *map(str, images)), Desk(data_dir), out, err)
    return code, [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def make_receipt(store: Store, tmp_path: Path, *options: str) -> tuple[int, dict, str]:
    session = store.unlock("Sokha", PASSPHRASE)
    record = session.validate(raw_record()).record
    assert record is not None
    registration_id = session.register(record, event="Takeo outreach")
    out, err = io.StringIO(), io.StringIO()
    args = parse("receipt", registration_id, *options)
    desk = unlocked_desk(store)
    try:
        code = cli_scan.cmd_receipt(args, desk, out, err)
    finally:
        desk.close()
    return code, json.loads(out.getvalue() or "{}"), err.getvalue()


def enrol(store: Store) -> Ed25519PrivateKey:
    """What `fieldreg enroll` leaves behind: the hub's key pinned and a device certificate."""
    hub = Ed25519PrivateKey.generate()
    identity = store.device_identity()
    device_key = public_bytes(identity.private_key.public_key())
    store.save_enrolment(
        hub_url="https://hub.example.kh",
        sealing_public=HubPrivateKey.generate().public_bytes(),
        signing_public=public_bytes(hub.public_key()),
        certificate=DeviceCertificate.issue(hub, identity.device_id, device_key),
    )
    return hub


def test_arguments() -> None:
    args = parse("scan", "a.png", "b.jpg", "--data-dir", "/tmp/x")
    assert (args.command, args.images, args.data_dir) == (
        "scan",
        [Path("a.png"), Path("b.jpg")],
        Path("/tmp/x"),
    )
    args = parse("receipt", "ID-1", "--pdf", "r.pdf", "--png", "r.png", "--paper", "thermal58")
    assert (args.registration_id, args.pdf, args.png, args.paper) == (
        "ID-1",
        Path("r.pdf"),
        Path("r.png"),
        "thermal58",
    )
    assert parse("receipt", "ID-1").paper == "a6"
    with pytest.raises(SystemExit):
        parse("receipt", "ID-1", "--paper", "letter")


def test_scan_without_a_store_reads_and_parses_each_image(tmp_path: Path) -> None:
    id_card = tmp_path / "id.png"
    Image.fromarray(on_canvas(qr_image(KHMER_TD1, scale=3))).save(id_card)
    khmer = tmp_path / "name.jpg"
    Image.fromarray(on_canvas(qr_image("សុខ ដារា ភូមិអូរធំ".encode()))).save(khmer, quality=85)
    blank = tmp_path / "blank.png"
    Image.fromarray(np.full((200, 300), 220, dtype=np.uint8)).save(blank)
    code, lines, err = run_scan(tmp_path / "no-store", id_card, khmer, blank)
    assert (code, err) == (0, "")
    assert [line["image"] for line in lines] == [str(id_card), str(khmer), str(blank)]
    (card,) = lines[0]["payloads"]
    assert card["parsed"]["kind"] == "id_card_mrz" and card["parsed"]["ok"]
    assert card["parsed"]["fields"]["id_number"] == "123456789"
    (name,) = lines[1]["payloads"]
    assert name["text"] == "សុខ ដារា ភូមិអូរធំ"
    assert name["parsed"]["kind"] == "not_recognised"
    assert name["parsed"]["details"]["seen"] == "សុខ ដារា ភូមិអូរធំ"
    assert lines[2]["payloads"] == []


def test_unreadable_images_are_named_and_the_exit_is_non_zero(tmp_path: Path) -> None:
    junk = tmp_path / "junk.png"
    junk.write_text("not a picture")
    code, lines, err = run_scan(tmp_path, tmp_path / "missing.png", junk)
    assert code == 1
    assert [line["error"] for line in lines] == ["file_not_found", "unreadable_image"]
    assert err.splitlines() == [
        f"fieldreg: {tmp_path / 'missing.png'}: no such file",
        f"fieldreg: {junk}: not an image this program can read",
    ]


def test_receipt_files_scan_back_as_valid_on_an_enrolled_device(tmp_path: Path) -> None:
    store, _ = new_store(tmp_path / "data")
    enrol(store)
    pdf, png = tmp_path / "receipt.pdf", tmp_path / "receipt.png"
    code, line, err = make_receipt(
        store, tmp_path, "--pdf", str(pdf), "--png", str(png), "--paper", "thermal58"
    )
    store.close()
    assert (code, err) == (0, "")
    assert line == {"id": line["id"], "pdf": str(pdf), "png": str(png)}
    assert pdf.read_bytes().startswith(b"%PDF")
    for path in (pdf, png):
        assert os.stat(path).st_mode & 0o777 == 0o600  # a receipt names a person
    code, lines, err = run_scan(tmp_path / "data", png)
    (scanned,) = lines[0]["payloads"]
    assert scanned["parsed"]["details"]["verification"] == "valid"
    assert scanned["parsed"]["details"]["registration_id"] == line["id"]
    assert scanned["parsed"]["message"].startswith("valid")


def test_receipt_without_files_prints_its_content(tmp_path: Path) -> None:
    store, _ = new_store(tmp_path / "data")
    code, line, _ = make_receipt(store, tmp_path)
    actions = [row[0] for row in store.db.execute("SELECT action FROM audit_log")]
    store.close()
    assert code == 0
    assert (line["name_km"], line["name_en"], line["event"]) == (
        "សុខ ដារា",
        "SOK DARA",
        "Takeo outreach",
    )
    assert line["qr"].startswith(receipt.PREFIX)
    assert receipt.verify(line["qr"], None).status == receipt.NOT_ENROLLED
    assert actions[-1] == "export"  # who took personal data out of the store is on record


def test_scanning_another_hubs_receipt(tmp_path: Path) -> None:
    store, _ = new_store(tmp_path / "data")
    enrol(store)
    store.close()
    other_hub = Ed25519PrivateKey.generate()
    key, device_id = Ed25519PrivateKey.generate(), str(uuid.uuid4())
    stranger = DeviceIdentity(
        device_id,
        key,
        DeviceCertificate.issue(other_hub, device_id, public_bytes(key.public_key())),
    )
    image = tmp_path / "stranger.png"
    payload = receipt.make_payload(stranger, str(uuid.uuid4()), receipt.EPOCH, "AB")
    Image.fromarray(on_canvas(qr_image(payload, scale=3), size=(400, 300))).save(image)
    _, lines, _ = run_scan(tmp_path / "data", image)
    parsed = lines[0]["payloads"][0]["parsed"]
    assert parsed["errors"] == ["device_not_certified"]
    assert "not certified" in parsed["message"]


def test_unknown_registration_is_a_store_error(tmp_path: Path) -> None:
    store, _ = new_store(tmp_path / "data")
    args = parse(
        "receipt", "0194a7c2-5e3b-7d4f-8a1b-2c3d4e5f6a7b", "--png", str(tmp_path / "x.png")
    )
    with pytest.raises(StoreError) as error:
        cli_scan.cmd_receipt(args, unlocked_desk(store), io.StringIO(), io.StringIO())
    store.close()
    assert error.value.code == "not_found"
    assert not (tmp_path / "x.png").exists()


def test_a_damaged_store_does_not_stop_scanning(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "fieldreg.db").write_bytes(b"this is not sqlite" * 100)
    image = tmp_path / "code.png"
    qr_image("HELLO").save(image)
    code, lines, err = run_scan(data, image)
    assert code == 0 and lines[0]["payloads"][0]["text"] == "HELLO"
    assert "receipts cannot be verified" in err
