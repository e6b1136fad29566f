"""`fieldreg`, the command line: arguments in, words out; every use case is the Desk's."""

from ui.cli.entry import build_parser, main, run

__all__ = ["build_parser", "main", "run"]
