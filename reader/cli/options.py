"""Argument types shared by the commands, so that every command reads a language code the same
way: case and surrounding spaces do not matter (`VI`, ` vi ` mean `vi`), anything else that is
not a code is a usage error naming the option (argparse prefixes `argument --from:`)."""

from __future__ import annotations

import argparse
import re

AUTO = "auto"
# ISO 639-1/-3 and optional subtags, lowercased: vi, en, fil, pt-br, zh-hant.
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*")


def _normalise(value: str) -> str:
    return value.strip().lower()


def source_language(value: str) -> str:
    """A document's language (`--from`, `--lang`): a code, or `auto` to detect it."""
    code = _normalise(value)
    if code != AUTO and not _LANGUAGE_CODE.fullmatch(code):
        raise argparse.ArgumentTypeError(f"not a language code: {value!r} (try vi, en or auto)")
    return code


def language_code(value: str) -> str:
    """A language named outright (`--to`, `models install --from`): a code, not `auto`."""
    code = _normalise(value)
    if code == AUTO:
        raise argparse.ArgumentTypeError(
            f"{value!r} only applies to a document's language: name one here (e.g. vi or en)"
        )
    if not _LANGUAGE_CODE.fullmatch(code):
        raise argparse.ArgumentTypeError(f"not a language code: {value!r} (try vi or en)")
    return code


def add_translation_pair(parser: argparse.ArgumentParser) -> None:
    """`--from` (default: detect) and `--to` (default: None, `target_for` decides), for the
    commands that translate."""
    parser.add_argument(
        "--from",
        dest="from_code",
        default=AUTO,
        type=source_language,
        metavar="LANG",
        help="source language or auto",
    )
    parser.add_argument(
        "--to",
        dest="to_code",
        type=language_code,
        metavar="LANG",
        help="default: en (vi for an English text), as the window",
    )


def target_for(to_code: str | None, source_language: str) -> str:
    """`--to`, or the window's default for a text in `source_language`."""
    from reader.core.reading import default_target

    return to_code or default_target(source_language, "en")


# SQLite stores integers in 64 bits: a larger id can name nothing, and would overflow in the query.
_MAX_SQLITE_INTEGER = 2**63 - 1


def positive_integer(value: str) -> int:
    """An id (`--document ID`), a count (`--limit N`) or a rank (`--occurrence N`): 1 or more."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= _MAX_SQLITE_INTEGER:
        raise argparse.ArgumentTypeError(f"not a whole number from 1 to 2**63-1: {value!r}")
    return number


def utf8_text(value: str) -> str:
    """Text that is stored (a note, a quote, a tag): bytes the locale could not decode reach
    Python as lone surrogates, which SQLite cannot store."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise argparse.ArgumentTypeError(
            "not valid UTF-8 text (check the terminal's encoding)"
        ) from None
    return value
