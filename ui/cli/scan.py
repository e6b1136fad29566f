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
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fieldreg.desk import Desk
from fieldreg.errors import FieldRegError
from fieldreg.files import FileWriteError
from fieldreg.receipts.fonts import FontMissing
from fieldreg.receipts.layout import PAPERS
from fieldreg.scanning import decode as scan_decode
from fieldreg.scanning.parse import parse_payload
from ui.cli import messages as cli_messages
from ui.cli.common import login

log = logging.getLogger("fieldreg")
EXIT_OK, EXIT_ERROR = 0, 1

VERIFICATION = {
    "valid": "valid: signed by a device this hub certified",
    "invalid_signature": "NOT valid: the receipt was altered or its signature is forged",
    "device_not_certified": "NOT verified: the device that signed it is not certified by the "
    "hub this computer is enrolled with",
    "not_enrolled": "NOT verified: the device that signed it was not enrolled with a hub yet",
    "hub_unknown": "cannot verify: this computer is not enrolled with a hub (no hub key)",
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


def trusted_hub_key(desk: Desk, err: TextIO) -> Ed25519PublicKey | None:
    """The hub key this device pinned at enrolment, read without unlocking; None without one."""
    try:
        return desk.trusted_hub_key()
    except FieldRegError as error:
        if error.code != "not_initialised":
            err.write(
                f"fieldreg: receipts cannot be verified: the store is unusable ({error.code})\n"
            )
        return None


def cmd_scan(args: argparse.Namespace, desk: Desk, out: TextIO, err: TextIO) -> int:
    hub_key = trusted_hub_key(desk, err)
    today = dt.date.today()
    status = EXIT_OK
    for image in args.images:
        line = scan_image(image, hub_key, today)
        if "error" in line:
            err.write(
                f"fieldreg: {image}: {cli_messages.SCAN_ERRORS.get(line['error'], line['error'])}\n"
            )
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


def cmd_receipt(args: argparse.Namespace, desk: Desk, out: TextIO, err: TextIO) -> int:
    if desk.operator is None:
        login(args, desk)
    wanted = {kind: path for kind, path in (("pdf", args.pdf), ("png", args.png)) if path}
    try:
        written = desk.save_receipt(args.registration_id, wanted, paper=args.paper)
    except (FontMissing, FileWriteError) as error:
        doing = "draw" if isinstance(error, FontMissing) else "write"
        err.write(f"fieldreg: cannot {doing} the receipt: {cli_messages.error_text(error)}\n")
        return EXIT_ERROR
    line: dict[str, Any] = {"id": args.registration_id, **{k: str(v) for k, v in written.items()}}
    if not written:
        content = desk.receipt_content(args.registration_id)
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
