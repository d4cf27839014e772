"""A document's title, whatever its format: the declared one if it describes the content, else
the one printed on the document (for a Vietnamese official document: type, number, summary),
else its first heading, else the file's name.

Declared titles are often not titles: "Microsoft Word - nd145.docx", "Untitled", "Contents",
the file name, or the national motto a converter took for the first heading.
"""

from __future__ import annotations

import re
import textwrap

from reader.core.documents import legal
from reader.core.documents.model import BlockKind

_PLACEHOLDERS = frozenset(
    {
        "contents",
        "table of contents",
        "mục lục",
        "untitled",
        "untitled document",
        "no title",
        "new document",
        "document",
        "title",
        "tiêu đề",
        "văn bản",
        "tài liệu",
    }
)
_PRODUCER_PREFIX = re.compile(r"^Microsoft\s+\w+\s+-\s", re.I)
_FILE_NAME = re.compile(r"\.(?:docx?|pdf|txt|html?|epub|odt|rtf|md)$", re.I)
# No spaces, words joined by "_" or by two "-" or more ("an-le-43-2021-AL"; not "COVID-19").
_FILE_STEM = re.compile(r"^(?=\S*_|\S*-\S*-)[\w.-]+$")
_SEARCHED_BLOCKS = 30  # the type line of an official document is near its top
_MAX_SUMMARY = 300
# Where a summary stops: the legal bases, an annex's reference, the body.
_NOT_SUMMARY = re.compile(
    r"^(?:Căn\s+cứ|Theo\s+đề\s+nghị|\(|Được\s|Nguồn\s|Lời\s+(?:nói|mở)\s+đầu|Mục\s+lục"
    r"|Phần\s+mở\s+đầu)|:$",
    re.I,
)
# Names that keep their capitals when an all-capitals line is sentence-cased.
_PROPER_NAMES = {
    "việt nam": "Việt Nam",
    "cộng hòa": "Cộng hòa",
    "cộng hoà": "Cộng hoà",
    "quốc hội": "Quốc hội",
    "chính phủ": "Chính phủ",
}
_PROPER_NAME = re.compile(r"\b(?:" + "|".join(_PROPER_NAMES) + r")\b")
_CODE_NAME = re.compile(r"\bbộ luật (\w)")  # "Bộ luật Lao động": a code's name is capitalised
_DASH = " — "
_PIECE_BREAK = re.compile(r"[\n\t]|[ \u00a0]{3,}")  # lines, cells, columns of a letterhead


# Footnotes, a printed contents page and code hold no title; a footnote's mark after a title
# ("ÁN LỆ SỐ 43/2021/AL¹") is not part of it.
_NOT_TITLE_KINDS = frozenset({BlockKind.FOOTNOTE, BlockKind.CONTENTS, BlockKind.CODE})
_NOTE_MARK = re.compile("[\u00b9\u00b2\u00b3\u2070-\u2079]+$")


def choose_title(
    declared: str | None, blocks: list[tuple[BlockKind, int, str]], fallback: str
) -> str:
    """The declared title if plausible, else the official title printed in the blocks, else the
    first heading, else `fallback` (the file's stem)."""
    declared = _one_line(declared or "")
    if is_plausible_title(declared, fallback) and not _in_letterhead(declared, blocks):
        return declared
    return official_title(blocks) or _first_heading(blocks) or fallback


def is_plausible_title(title: str, file_stem: str = "") -> bool:
    """Whether a declared title may describe the content."""
    title = _one_line(title)
    letters = sum(char.isalpha() for char in title)
    return not (
        letters < 2
        or title.casefold() in _PLACEHOLDERS
        or title == file_stem
        or _PRODUCER_PREFIX.match(title)
        or _FILE_NAME.search(title)
        or _FILE_STEM.match(title)
        or legal.is_header_line(title)
        or legal.is_bare_heading_number(title)
    )


def _in_letterhead(title: str, blocks: list[tuple[BlockKind, int, str]]) -> bool:
    """A line of the letterhead (the issuing body "CHÍNH PHỦ") names no document."""
    title = title.casefold()
    return any(
        _one_line(piece).casefold() == title
        for kind, _, text in blocks
        if kind is BlockKind.HEADER
        for piece in _PIECE_BREAK.split(text)
    )


def official_title(blocks: list[tuple[BlockKind, int, str]]) -> str | None:
    """`Nghị định 145/2020/NĐ-CP — Quy định chi tiết ...`, from the type line (`NGHỊ ĐỊNH`,
    `ÁN LỆ SỐ 43/2021/AL`), the number (`Số: ...`) and the summary lines after the type."""
    lines = _top_lines(blocks)
    for position, line in enumerate(lines):
        found = legal.document_type(line)
        if found is None:
            continue
        kind, number = found
        number = number or _letterhead_number(lines)
        name = _sentence_case(kind) + (f" {number}" if number else "")
        summary = _summary(lines[position + 1 :])
        return f"{name}{_DASH}{summary}" if summary else name
    return None


def _top_lines(blocks: list[tuple[BlockKind, int, str]]) -> list[str]:
    """The lines, table cells and columns of the first blocks, spaces collapsed."""
    lines = []
    for kind, _, text in blocks[:_SEARCHED_BLOCKS]:
        if kind in _NOT_TITLE_KINDS:
            continue
        lines.extend(_NOTE_MARK.sub("", _one_line(piece)) for piece in _PIECE_BREAK.split(text))
    return [line for line in lines if line]


def _letterhead_number(lines: list[str]) -> str | None:
    return next((n for n in map(legal.document_number, lines) if n), None)


def _summary(lines: list[str]) -> str:
    """The lines after the type: all those in capitals, or the first one if in lower case."""
    parts: list[str] = []
    for line in lines:
        if _ends_summary(line):
            break
        if not legal.is_capitals(line):
            if not parts:
                parts.append(line)
            break
        parts.append(line)
    summary = _sentence_case(" ".join(parts))
    return textwrap.shorten(summary, _MAX_SUMMARY, placeholder=" …") if summary else ""


def _ends_summary(line: str) -> bool:
    return bool(
        _NOT_SUMMARY.match(line)
        or legal.heading_level(line)
        or legal.is_header_line(line)
        or legal.document_type(line)
        or legal.is_list_item(line)
    )


def _sentence_case(text: str) -> str:
    """`QUY ĐỊNH ... CỦA BỘ LUẬT LAO ĐỘNG` -> `Quy định ... của Bộ luật Lao động`; text that is
    not all capitals is kept as written."""
    if not legal.is_capitals(text):
        return text
    lower = text.lower()
    lower = _PROPER_NAME.sub(lambda match: _PROPER_NAMES[match.group(0)], lower)
    lower = _CODE_NAME.sub(lambda match: f"Bộ luật {match.group(1).upper()}", lower)
    return lower[:1].upper() + lower[1:]


def _first_heading(blocks: list[tuple[BlockKind, int, str]]) -> str | None:
    for kind, _, text in blocks:
        if kind is BlockKind.HEADING and not legal.is_header_line(text):
            heading = _NOTE_MARK.sub("", _one_line(text))
            # "Chương I. Quy định chung" heads a division of the document, not the document
            if is_plausible_title(heading) and legal.heading_level(heading) is None:
                return heading
    return None


def _one_line(text: str) -> str:
    return " ".join(text.split())
