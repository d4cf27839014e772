"""The `bireader` command. Each command group lives in its own module exposing
`register(subparsers)`; handlers return an exit code and call the same core functions as the
window. Errors the user can act on (`ReaderError`) become one line on stderr and exit code 2."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from reader import __version__
from reader.core.errors import ReaderError

# Order is the order of `bireader --help`.
COMMAND_MODULES = ("open", "library", "segment", "translate", "models")

EXIT_INPUT_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bireader",
        description="Read a document beside its offline machine translation.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"reader.cli.{name}")
        except ModuleNotFoundError as error:  # TEMPORARY while the team writes the modules
            if error.name != f"reader.cli.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["open", *(argv or [])])
    try:
        return args.func(args)
    except ReaderError as error:
        print(f"bireader: {error}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    except KeyboardInterrupt:
        print("bireader: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
