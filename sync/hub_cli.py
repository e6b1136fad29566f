"""`fieldreg-hub`: the reference hub's command line. The hub itself arrives with the sync issue."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="fieldreg-hub",
        description="FieldReg reference hub. Its commands (serve, token, devices, import, "
        "export) are not part of this release yet.",
    )
    parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    sys.stderr.write("fieldreg-hub: no hub commands in this release yet\n")
    return 2
