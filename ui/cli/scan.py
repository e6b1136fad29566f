"""`fieldreg scan IMAGE...` and `fieldreg receipt ID`: the scanning and receipt commands.

Wired into ui/cli.py by `add_parsers` (the parsers), `cmd_scan` (runs before the store is
opened: scanning needs no store, and uses the hub key only if there is one) and `cmd_receipt`
(needs a logged-in operator). Output is JSON, one object per line; problems are one English
line on stderr each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fieldreg.gazetteer import load_gazetteer
from fieldreg.receipts.fonts import FontMissing
from fieldreg.receipts.layout import PAPERS, receipt_content
from fieldreg.receipts.pdf import receipt_pdf
from fieldreg.receipts.png import receipt_png
from fieldreg.scanning import decode as scan_decode
from fieldreg.scanning.parse import parse_payload
from fieldreg.store.database import StoreError
from fieldreg.store.session import Session
from fieldreg.store.store import Store

log = logging.getLogger("fieldreg")
EXIT_OK, EXIT_ERROR = 0, 1

IMAGE_ERRORS = {
    "file_not_found": "no such file",
    "unreadable_image": "not an image this program can read",
    "unsupported_array_shape": "not an image this program can read",
}
VERIFICATION = {
    "valid": "valid: signed by a device this hub certified",
    "invalid_signature": "NOT valid: the receipt was altered or its signature is forged",
    "device_not_certified": "NOT verified: the device that signed it is not certified by the "
    "hub this computer is enrolled with",
    "not_enrolled": "NOT verified: the device that signed it was not enrolled with a hub yet",
    "hub_unknown": "cannot verify: this computer is not enrolled with a hub (no hub key)",
}
FONT_ERRORS = {
    "no_khmer_font": "the Khmer font is missing from resources/fonts",
    "no_latin_font": "no Latin font found (install fonts-dejavu-core or restore resources/fonts)",
    "no_text_shaping": "this Pillow has no libraqm, so Khmer cannot be shaped for the PNG",
}


def add_parsers(commands: Any, common: Callable[..., None]) -> None:
    """Add `scan` and `receipt` to the CLI's subcommands; `common` adds --data-dir/--operator."""
    scan = commands.add_parser(
        "scan",
        help="decode QR / PDF417 / DataMatrix codes in images and say what they are",
        description="Per image, one JSON line: the decoded payloads and what they parsed "
        "into (ID card and passport zones, receipts, enrolment strings, record JSON).",
    )
    common(scan, top=False)
    scan.add_argument("images", nargs="+", metavar="IMAGE", type=Path)

    receipt = commands.add_parser(
        "receipt",
        help="the receipt of a registration, as PDF and/or PNG",
        description="Write the registration's signed receipt. Without --pdf or --png, print "
        "its content as JSON.",
    )
    common(receipt, top=False)
    receipt.add_argument("registration_id", metavar="ID")
    receipt.add_argument("--pdf", type=Path, metavar="FILE")
    receipt.add_argument("--png", type=Path, metavar="FILE")
    receipt.add_argument("--paper", choices=sorted(PAPERS), default="a6")


# -- scan -------------------------------------------------------------------------------------


def trusted_hub_key(data_dir: Path, err: TextIO) -> Ed25519PublicKey | None:
    """The hub key this device pinned at enrolment, read without unlocking; None without one."""
    try:
        store = Store.open(data_dir)
    except StoreError as error:
        if error.code != "not_initialised":
            err.write(
                f"fieldreg: receipts cannot be verified: the store is unusable ({error.code})\n"
            )
        return None
    try:
        return store.trusted_hub_signing_key()
    finally:
        store.close()


def cmd_scan(args: argparse.Namespace, data_dir: Path, out: TextIO, err: TextIO) -> int:
    hub_key = trusted_hub_key(data_dir, err)
    today = dt.date.today()
    status = EXIT_OK
    for image in args.images:
        line = scan_image(image, hub_key, today)
        if "error" in line:
            err.write(f"fieldreg: {image}: {IMAGE_ERRORS.get(line['error'], line['error'])}\n")
            status = EXIT_ERROR
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        out.flush()
    return status


def scan_image(image: Path, hub_key: Ed25519PublicKey | None, today: dt.date) -> dict[str, Any]:
    """One output line: {"image", "payloads": [{...decoded, "parsed": {...}}]} or "error"."""
    try:
        decoded = scan_decode.decode(image)
    except scan_decode.ScanImageError as error:
        return {"image": str(image), "error": error.code}
    payloads = []
    for payload in decoded:
        parsed = parse_payload(payload.data, today=today, hub_key=hub_key).to_json()
        verification = parsed["details"].get("verification")
        if verification:
            parsed["message"] = VERIFICATION.get(verification, verification)
        payloads.append({**payload.to_json(), "parsed": parsed})
    log.info("scanned an image: %d payload(s)", len(payloads))
    return {"image": str(image), "payloads": payloads}


# -- receipt ----------------------------------------------------------------------------------


def cmd_receipt(
    args: argparse.Namespace,
    store: Store,
    out: TextIO,
    err: TextIO,
    *,
    login: Callable[[argparse.Namespace, Store], Session],
) -> int:
    session = login(args, store)
    stored = session.get(args.registration_id)
    content = receipt_content(stored, store.device_identity(), load_gazetteer())
    paper = PAPERS[args.paper]
    renderers = {"pdf": (args.pdf, receipt_pdf), "png": (args.png, receipt_png)}
    try:
        # Everything is drawn before anything is written: a failure leaves no file behind.
        files = {
            kind: (path, render(content, paper))
            for kind, (path, render) in renderers.items()
            if path
        }
        for path, data in files.values():
            write_private_file(path, data)
    except FontMissing as error:
        err.write(f"fieldreg: cannot draw the receipt: {FONT_ERRORS.get(error.code, error.code)}\n")
        return EXIT_ERROR
    except OSError as error:
        err.write(f"fieldreg: cannot write the receipt: {error.strerror or error}\n")
        return EXIT_ERROR
    written = {kind: str(path) for kind, (path, _) in files.items()}
    session.note_export("receipt", 1)
    line: dict[str, Any] = {"id": stored.id, **written}
    if not written:
        line.update(
            date=content.date.isoformat(),
            name_km=content.name_km,
            name_en=content.name_en,
            place_km=content.place_km,
            place_en=content.place_en,
            event=content.event,
            qr=content.qr_payload,
        )
    out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return EXIT_OK


def write_private_file(path: Path, data: bytes) -> None:
    """Atomic, owner-only (a receipt names a person): temp file, fsync, rename into place."""
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
