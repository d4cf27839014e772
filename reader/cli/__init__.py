"""The `bireader` command. Each command group lives in its own module exposing
`register(subparsers)`; handlers return an exit code and call the same core functions as the
window. Errors the user can act on (`ReaderError`, and the system's `OSError`: a full disk, a
read-only folder) become one line on stderr and exit code 2, as do usage errors."""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from collections.abc import Sequence
from typing import NoReturn

from reader import __version__
from reader.cli.output import printable
from reader.core.errors import ReaderError, ReaderWarning, os_error_message

# Order is the order of `bireader --help`.
COMMAND_MODULES = (
    "open",
    "library",
    "segment",
    "translate",
    "models",
    "ocr",
    "notes",
    "bookmarks",
    "search",
    "backup",
    "export",
    "terms",
    "glossary",
    "dict",
    "lookup",
    "vocab",
    "servers",
)

EXIT_INPUT_ERROR = 2


class OneLineErrorParser(argparse.ArgumentParser):
    """Usage errors on one line, like every other error (argparse prints the usage first);
    subcommands' parsers are made of the same class."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_INPUT_ERROR, f"{self.prog}: {printable(message)} (see {self.prog} --help)\n")


def build_parser(commands: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    parser = OneLineErrorParser(
        prog="bireader",
        description="Read a document beside its offline machine translation.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in commands:
        importlib.import_module(f"reader.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    _write_utf8_when_redirected()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        argv = ["open"]  # `bireader` alone opens the window
    # Only the chosen command's module is imported: each pulls in parts of the core, and the
    # window's start-up time should not pay for the notes exporter's.
    chosen = argv[0] if argv[0] in COMMAND_MODULES else None
    parser = build_parser([chosen] if chosen else COMMAND_MODULES)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_INPUT_ERROR
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            return args.func(args)
    except ReaderError as error:
        return _failed(str(error))
    except BrokenPipeError:
        return 0
    except OSError as error:  # the system's refusal (disk full, read-only), not a bug here
        return _failed(os_error_message(error))
    except UnicodeEncodeError as error:
        if error.reason != "surrogates not allowed":
            raise
        # Bytes that are not UTF-8 in an argument (a file name) reached what stores text.
        return _failed(f"{error.object}: not valid UTF-8 (rename it, or retype it)")
    except KeyboardInterrupt:
        print("bireader: interrupted", file=sys.stderr)
        return 130


def _failed(message: str) -> int:
    print(f"bireader: {printable(message)}", file=sys.stderr)
    return EXIT_INPUT_ERROR


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Our warnings are one line, as errors are; others keep Python's format."""
    stream = file or sys.stderr
    if issubclass(category, ReaderWarning):
        print(f"bireader: warning: {printable(str(message))}", file=stream)
    else:
        stream.write(warnings.formatwarning(message, category, filename, lineno, line))


def _write_utf8_when_redirected() -> None:
    """Output redirected to a file is UTF-8 whatever the locale (Windows would pick cp1252 and
    fail on Vietnamese); a terminal keeps its own encoding, with replacements, not a crash."""
    for stream in (sys.stdout, sys.stderr):
        if not hasattr(stream, "reconfigure"):
            continue  # replaced by a test harness
        if stream.isatty():
            stream.reconfigure(errors="replace")
        else:
            stream.reconfigure(encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
