"""Removable media, the hub's side: batch files from a USB stick in, a signed receipt file
written beside each batch it accepts (the device side is fieldreg/transfer/media.py)."""

from __future__ import annotations

from pathlib import Path

from fieldreg.files import write_atomic
from fieldreg.transfer.media import BATCH_PREFIX, RECEIPT_PREFIX
from sync.hub.hub import Hub, HubError


def import_batches_for_hub(hub: Hub, in_dir: Path) -> list[str]:
    """Hub side: one line per batch file; a receipt file beside each one accepted."""
    lines = []
    for path in sorted(in_dir.glob(f"{BATCH_PREFIX}*.frb")):
        batch_id = path.stem[len(BATCH_PREFIX) :]
        try:
            receipt = hub.receive_batch(path.read_bytes(), transport="file")
        except HubError as error:
            lines.append(f"{path.name}: refused ({error.code})")
            continue
        write_atomic(in_dir / f"{RECEIPT_PREFIX}{batch_id}.json", receipt)
        lines.append(f"{path.name}: receipt written")
    return lines
