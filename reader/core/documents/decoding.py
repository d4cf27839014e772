"""Bytes to text: encoding detection (charset-normalizer) and Unicode NFC normalisation."""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from charset_normalizer import from_bytes

from reader.core.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
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
    """Decode a text file's bytes, whatever its encoding; refuse binary data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return normalise(data.decode(encoding))
            except UnicodeDecodeError as error:
                raise InputError(path, f"invalid {encoding} text at byte {error.start}") from error
    try:
        return normalise(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    if b"\x00" in data and not _looks_like_bomless_utf16(data):
        raise InputError(path, "binary file, not text")
    text = _decode_legacy(data, path)
    if _control_ratio(text) > 0.05:
        raise InputError(path, "binary file, not text")
    return normalise(text)


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


def _looks_like_bomless_utf16(data: bytes) -> bool:
    sample = data[:4096]
    even_zeros = sample[0::2].count(0)
    odd_zeros = sample[1::2].count(0)
    half = max(len(sample) // 2, 1)
    return max(even_zeros, odd_zeros) / half > 0.3 and min(even_zeros, odd_zeros) / half < 0.05


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    controls = sum(
        1 for char in text if unicodedata.category(char) == "Cc" and char not in "\n\r\t\f"
    )
    return controls / len(text)
