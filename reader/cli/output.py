"""What the commands print about files and documents goes through `printable`: a file name or
a title may hold control characters (a newline splits an error over two lines, an escape
sequence rewrites the terminal's title or worse), and bytes that are not UTF-8."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable

# C0 and C1 controls, line and paragraph separators, bidirectional overrides and isolates
# (they reorder what follows: "Trojan source"), and lone surrogates (undecodable bytes).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """`text` on one line, with what a terminal would act on shown as escapes (`\\n`,
    `\\x1b`); an undecodable byte of a file name (a lone surrogate) is shown as that byte."""
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for the byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def report_warnings(warnings: Iterable[str]) -> None:
    """Problems in an input that was used anyway, one line each on stderr."""
    for warning in warnings:
        print(f"bireader: warning: {printable(warning)}", file=sys.stderr)
