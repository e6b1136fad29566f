"""Attack: a malicious or careless USB stick. Planted symlinks, oversized and malformed files,
an unmounted or empty folder. Links are never followed, nothing is read past its cap, one bad
file is reported and skipped while the rest are imported, and "nothing there" is an error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fieldreg.desk import Desk
from fieldreg.errors import FieldRegError
from fieldreg.transfer.media import (
    MAX_BATCH_FILE_BYTES,
    MAX_RECEIPT_FILE_BYTES,
    export_batches,
    import_receipts,
)
from sync.hub.hub import HubError
from sync.hub.media import import_batches_for_hub
from sync.hub.server import BackgroundHub
from tests.cli_runner import fieldreg, init_store
from tests.sync_support import Device, hub_ids


def plant_bad_files(usb: Path, kind: str, cap: int) -> dict[str, str]:
    """Files a stick may carry besides the real ones, and the code each must be reported by."""
    prefix, suffix = ("batch-", ".frb") if kind == "batch" else ("receipt-", ".json")
    big = usb / f"{prefix}big{suffix}"
    with big.open("wb") as sparse:  # one byte over the cap, without using the disk
        sparse.truncate(cap + 1)
    (usb / f"{prefix}deep{suffix}").write_bytes(b"[" * 200_000)
    (usb / f"{prefix}folder{suffix}").mkdir()
    return {
        big.name: "file_too_large",
        f"{prefix}deep{suffix}": "bad_receipt" if kind == "receipt" else "",
        f"{prefix}folder{suffix}": "not_a_regular_file",
    }


def test_the_hub_skips_links_and_bad_batch_files_and_imports_the_rest(
    tmp_path: Path, device: Device, hub: BackgroundHub
) -> None:
    usb, elsewhere = tmp_path / "usb", tmp_path / "elsewhere"
    usb.mkdir()
    elsewhere.mkdir()
    kept = device.register(3)
    [batch] = export_batches(device.store, usb)
    # a second device's batch that reaches the stick only as a link to another folder
    other = Device(tmp_path / "other")
    other.enrol(hub.hub, hub.url)
    other.register(2)
    [linked_target] = export_batches(other.store, elsewhere)
    (usb / "batch-link.frb").symlink_to(linked_target)
    expected = plant_bad_files(usb, "batch", MAX_BATCH_FILE_BYTES)

    lines = import_batches_for_hub(hub.hub, usb)

    by_file = {line.split(": ", 1)[0]: line.split(": ", 1)[1] for line in lines}
    assert by_file[batch.name] == "receipt written"
    assert by_file["batch-link.frb"] == "refused (not_a_regular_file)"
    assert by_file["batch-big.frb"] == "refused (file_too_large)"
    assert by_file["batch-folder.frb"] == "refused (not_a_regular_file)"
    assert by_file["batch-deep.frb"].startswith("refused (")
    assert set(by_file) == {batch.name, "batch-link.frb", *expected}
    assert sorted(hub_ids(hub.hub)) == sorted(kept)  # nothing came in through the link
    assert not (usb / "receipt-link.json").exists()


def test_the_device_skips_links_and_bad_receipt_files_and_applies_the_rest(
    tmp_path: Path, device: Device, hub: BackgroundHub
) -> None:
    usb, elsewhere = tmp_path / "usb", tmp_path / "elsewhere"
    usb.mkdir()
    elsewhere.mkdir()
    first = device.register(2)
    [first_batch] = export_batches(device.store, usb)
    import_batches_for_hub(hub.hub, usb)
    later = device.register(2)
    second_files = export_batches(device.store, usb)
    assert len(second_files) == 2
    import_batches_for_hub(hub.hub, usb)
    # the second batch's genuine receipt is reachable only through a link off the stick
    [second_receipt] = [
        path
        for path in usb.glob("receipt-*.json")
        if path.name != "receipt-" + first_batch.stem.removeprefix("batch-") + ".json"
    ]
    shutil.move(second_receipt, elsewhere / second_receipt.name)
    second_receipt.symlink_to(elsewhere / second_receipt.name)
    expected = plant_bad_files(usb, "receipt", MAX_RECEIPT_FILE_BYTES)
    expected[second_receipt.name] = "not_a_regular_file"

    result = import_receipts(device.store, usb)

    assert {problem.file: problem.code for problem in result.problems} == expected
    assert result.applied == 1
    statuses = device.statuses()
    assert {statuses[record_id] for record_id in first} == {"synced"}
    assert {statuses[record_id] for record_id in later} == {"pending"}


def test_an_empty_or_missing_folder_is_an_error_not_zero(
    tmp_path: Path, device: Device, hub: BackgroundHub
) -> None:
    empty, missing = tmp_path / "empty", tmp_path / "not-mounted"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a FieldReg file")
    for folder, code in ((empty, "no_media_files"), (missing, "invalid_folder")):
        with pytest.raises(FieldRegError) as device_side:
            import_receipts(device.store, folder)
        assert device_side.value.code == code
        with pytest.raises(HubError) as hub_side:
            import_batches_for_hub(hub.hub, folder)
        assert hub_side.value.code == code
    assert not missing.exists()


def test_the_desk_refuses_an_empty_receipt_folder(tmp_path: Path, device: Device) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    device.store.close()
    desk = Desk(tmp_path / "device")
    try:
        with pytest.raises(FieldRegError) as refused:
            desk.import_receipts(empty)
        assert refused.value.code == "no_media_files"
    finally:
        desk.close()


def test_export_batches_never_creates_the_folder(tmp_path: Path) -> None:
    data_dir, stick = tmp_path / "device", tmp_path / "media" / "USB-STICK"
    init_store(data_dir)
    result = fieldreg(data_dir, "export-batches", "--out", str(stick), FIELDREG_PASSPHRASE="")
    assert result.returncode != 0
    assert result.stderr.startswith("fieldreg: ") and len(result.stderr.splitlines()) == 1
    assert not stick.exists() and not stick.parent.exists()
