"""Bytes to text: encoding detection (charset-normalizer) and Unicode NFC normalisation."""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from charset_normalizer import from_bytes

from reader.core.errors import InputError, warn

_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Vietnamese legacy files are Windows-1258, which charset-normalizer does not propose: it is
# always a candidate, judged like the others by how surely its decoding reads as a language.
_VIETNAMESE_CODE_PAGE = "cp1258"
_CHAOS_TOLERANCE = 10.0  # percent, as charset-normalizer reports it
_MAX_CANDIDATES = 6
_LANGUAGE_SAMPLE_CHARS = 20_000
_FALLBACK_CODE_PAGES = ("cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1257", "cp1258")
# Legacy code pages almost never form valid multi-byte UTF-8 by chance: in a Windows-1258 or
# -1252 file nearly every non-ASCII byte is invalid UTF-8. A file whose non-ASCII characters
# are mostly valid UTF-8 is UTF-8 with a few damaged bytes (a bad copy, a truncated download).
_MAX_INVALID_UTF8_SHARE = 0.25
_NON_ASCII_BYTES = bytes(range(128, 256))
_WIDE_SAMPLE_BYTES = 4096
# Text has few control characters besides line breaks and tabs; binary data decoded as a code
# page has many.
_MAX_CONTROL_SHARE = 0.05
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


# Page and line feeds break lines; other C0 controls (NUL, ESC...) are not text: they make XML
# exports ill-formed and rewrite terminals. A lone surrogate (a PDF's broken ToUnicode map) cannot
# even be encoded: it becomes U+FFFD, the mark of a character that could not be read.
_LINE_BREAKS = re.compile("\r\n|[\r\f\v\x1c-\x1e\x85\u2028\u2029]")
_NOT_TEXT = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def normalise(text: str) -> str:
    """NFC, unified newlines, no control characters but TAB and LF: the form every later offset
    refers to."""
    text = _LINE_BREAKS.sub("\n", text)
    text = _NOT_TEXT.sub("", text)
    text = _LONE_SURROGATE.sub("\ufffd", text)
    return unicodedata.normalize("NFC", text)


def decode_bytes(data: bytes, path: Path) -> str:
    """Decode a text file's bytes, whatever its encoding; refuse binary data. A UTF-8 file with
    a few invalid bytes stays UTF-8, those bytes replaced by U+FFFD, and a warning says where."""
    text = _decode(data, path)
    if _control_ratio(text) > _MAX_CONTROL_SHARE:
        raise InputError(path, "binary file, not text")
    return normalise(text)


def _decode(data: bytes, path: Path) -> str:
    if data.startswith(codecs.BOM_UTF8):
        bom = len(codecs.BOM_UTF8)
        text = _mostly_utf8(data[bom:], path, offset=bom)
        if text is None:
            raise InputError(
                path, "not UTF-8 text, although it starts with UTF-8's byte order mark"
            )
        return text
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            return _decode_strictly(data, encoding, path)
    wide = _bomless_wide_encoding(data)
    if wide is not None:
        return _decode_strictly(data, wide, path)
    if b"\x00" in data:  # no text encoding but UTF-16/32 has NUL bytes
        raise InputError(path, "binary file, not text")
    text = _mostly_utf8(data, path)
    return _decode_legacy(data, path) if text is None else text


def _mostly_utf8(data: bytes, path: Path, offset: int = 0) -> str | None:
    """The text, if `data` (found at `offset` in the file) is UTF-8 but for a few invalid bytes:
    they are replaced, and a warning says where. None if it is not UTF-8 at all."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        first_invalid = offset + error.start
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - data.count("\ufffd".encode())
    if invalid > _MAX_INVALID_UTF8_SHARE * _non_ascii_characters(data, text):
        return None
    more = f" and {invalid - 1} more places" if invalid > 1 else ""
    warn(path, f"invalid UTF-8 at byte {first_invalid}{more} (replaced)")
    return text


def _decode_strictly(data: bytes, encoding: str, path: Path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(path, f"invalid {encoding} text at byte {error.start}") from error


def _non_ascii_characters(data: bytes, text: str) -> int:
    """Characters of `text` (decoded from `data`) that are not ASCII: each ASCII byte decodes
    to one ASCII character, whatever surrounds it."""
    return len(text) - len(data.translate(None, _NON_ASCII_BYTES))


def _decode_legacy(data: bytes, path: Path) -> str:
    """charset-normalizer ranks single-byte code pages by "chaos", which cannot tell cousins
    apart on short texts (French in cp1252 comes out as mac_latin2, short Polish as nothing);
    among the plausible code pages, the decoding that reads most surely as a language wins."""
    candidates = _plausible_encodings(data)
    decoded = []
    for rank, encoding in enumerate(candidates):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        decoded.append((rank, normalise(text)))
    if not decoded:
        raise InputError(path, "cannot detect the text encoding (binary file?)")
    if len(decoded) == 1:
        return decoded[0][1]
    from reader.core.segment.language import language_confidence

    def confidence(item: tuple[int, str]) -> tuple[float, int]:
        rank, text = item
        return language_confidence(text[:_LANGUAGE_SAMPLE_CHARS])[1], -rank

    return max(decoded, key=confidence)[1]


def _plausible_encodings(data: bytes) -> list[str]:
    matches = list(from_bytes(data))
    if not matches:
        return list(_FALLBACK_CODE_PAGES)
    best_chaos = matches[0].percent_chaos
    plausible = [m.encoding for m in matches if m.percent_chaos <= best_chaos + _CHAOS_TOLERANCE]
    return [*plausible[: _MAX_CANDIDATES - 1], _VIETNAMESE_CODE_PAGE]


def _bomless_wide_encoding(data: bytes) -> str | None:
    """UTF-32 or UTF-16 without a byte order mark, told by where the zero bytes fall: the high
    bytes of each code unit are zero for most letters of Latin scripts (Vietnamese included)."""
    sample = data[: _WIDE_SAMPLE_BYTES - _WIDE_SAMPLE_BYTES % 4]
    zeros = [_zero_share(sample[position::4]) for position in range(4)]
    even, odd = (zeros[0] + zeros[2]) / 2, (zeros[1] + zeros[3]) / 2
    guesses = (
        ("utf-32-le", min(zeros[2], zeros[3]) > 0.9 and zeros[0] < 0.1),
        ("utf-32-be", min(zeros[0], zeros[1]) > 0.9 and zeros[3] < 0.1),
        ("utf-16-le", odd > 0.3 and even < 0.05),
        ("utf-16-be", even > 0.3 and odd < 0.05),
    )
    return next((encoding for encoding, fits in guesses if fits), None)


def _zero_share(data: bytes) -> float:
    return data.count(0) / len(data) if data else 0.0


def _control_ratio(text: str) -> float:
    return len(_CONTROL_CHARACTERS.findall(text)) / len(text) if text else 0.0
