"""Removable media, the hub's side: batch files from a USB stick in, a signed receipt file
written beside each batch it accepts (the device side is fieldreg/transfer/media.py)."""

from __future__ import annotations

from pathlib import Path

from fieldreg.errors import FieldRegError
from fieldreg.files import write_atomic
from fieldreg.transfer.media import (
    BATCH_PREFIX,
    MAX_BATCH_FILE_BYTES,
    RECEIPT_PREFIX,
    read_media_file,
)
from sync.hub.hub import Hub, HubError

# A file the hub's parser chokes on is one bad file, reported and skipped like a refusal.
_UNPARSABLE = (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError)


def import_batches_for_hub(hub: Hub, in_dir: Path) -> list[str]:
    """Hub side: one line per batch file; a receipt file beside each one accepted. A missing
    folder or one without batch files raises `invalid_folder` or `no_media_files`."""
    lines = []
    if not in_dir.is_dir():  # an unmounted stick must not look like "nothing to import"
        raise HubError(400, "invalid_folder", str(in_dir))
    paths = sorted(in_dir.glob(f"{BATCH_PREFIX}*.frb"))
    if not paths:
        raise HubError(400, "no_media_files", str(in_dir))
    for path in paths:
        batch_id = path.stem[len(BATCH_PREFIX) :]
        try:
            receipt = hub.receive_batch(
                read_media_file(path, MAX_BATCH_FILE_BYTES), transport="file"
            )
        except FieldRegError as error:  # HubError is one
            lines.append(f"{path.name}: refused ({error.code})")
            continue
        except _UNPARSABLE:
            lines.append(f"{path.name}: refused (not_a_batch)")
            continue
        write_atomic(in_dir / f"{RECEIPT_PREFIX}{batch_id}.json", receipt)
        lines.append(f"{path.name}: receipt written")
    return lines
