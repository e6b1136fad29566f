"""`fieldreg indicators`: the M&E figures (no personal data), small cells suppressed."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from fieldreg.desk import Desk
from fieldreg.indicators.definitions import SMALL_CELL
from fieldreg.indicators.outputs import FORMATS
from fieldreg.indicators.scope import FigureScope
from ui.cli import messages as cli_messages
from ui.cli.common import EXIT_OK, CliError, login


def add_parser(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    indicators = command(
        "indicators",
        "the M&E figures of this device (coordinators; counts under "
        f"{SMALL_CELL} shown as <{SMALL_CELL}, no personal data)",
    )
    indicators.add_argument(
        "--event", action="append", default=[], metavar="NAME", help="only this event (repeat)"
    )
    indicators.add_argument("--since", default="", metavar="YYYY-MM-DD", help="from this day")
    indicators.add_argument("--until", default="", metavar="YYYY-MM-DD", help="to this day")
    indicators.add_argument("--format", choices=FORMATS, default="json")
    indicators.add_argument("--out", type=Path, metavar="FILE", help="write to FILE")
    indicators.add_argument("--language", choices=["en", "km"], default="en")


def cmd_indicators(args: argparse.Namespace, desk: Desk, out: TextIO, _err: TextIO) -> int:
    scope = FigureScope(tuple(args.event), args.since, args.until)
    if args.format == "pdf" and args.out is None:
        raise CliError(cli_messages.FIGURES_PDF_NEEDS_OUT)
    login(args, desk)
    if args.out is None:
        data = desk.figures_file(scope, args.format, language=args.language)
        out.write(data.decode("utf-8"))
        return EXIT_OK
    written = desk.export_figures(scope, args.format, args.out, language=args.language)
    out.write(cli_messages.figures_written(args.out, written) + "\n")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Desk, TextIO, TextIO], int]] = {
    "indicators": cmd_indicators,
}
