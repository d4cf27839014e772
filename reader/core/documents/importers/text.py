"""Plain text: paragraphs are separated by blank lines; a line is a paragraph of its own unless
the whole file is hard-wrapped (then the lines of a paragraph are joined)."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

from reader.core.documents.decoding import decode_bytes
from reader.core.documents.files import read_document_bytes
from reader.core.documents.importers.base import RawBlock, RawDocument, register_importer
from reader.core.documents.model import BlockKind

_BULLET = re.compile(r"^\s*[-–—•*+▪●◦]\s+")
_NUMBERED = re.compile(r"^\s*(?:\d{1,3}|[a-zđ]|[IVXLC]{1,6})[.)]\s+\S")
_CAPTION = re.compile(
    r"\((?:Ảnh|Photo|Hình|Nguồn|Source|Video|Clip)\s*:[^()]*\)\s*$", re.IGNORECASE
)
_TERMINAL_PUNCTUATION = tuple(".!?:;…,\"”'’)")
_MAX_TITLE_LENGTH = 200
_MIN_TITLE_WORDS = 4


class TextImporter:
    name = "txt"
    extensions = (".txt", ".text", "")

    def sniff(self, path: Path, head: bytes) -> bool:
        return False  # plain text has no signature; chosen by extension or as the loader's fallback

    def read(self, path: Path) -> RawDocument:
        return parse_text(decode_bytes(read_document_bytes(path), path))


def parse_text(text: str) -> RawDocument:
    groups = _line_groups(text)
    hard_wrapped = _is_hard_wrapped(groups)
    blocks: list[RawBlock] = []
    for group in groups:
        for paragraph in _paragraphs(group, hard_wrapped):
            blocks.append(_classify(paragraph))
    title = _promote_title(blocks)
    return RawDocument(blocks=blocks, title=title)


def _line_groups(text: str) -> list[list[str]]:
    groups: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.strip():
            groups[-1].append(line.strip())
        elif groups[-1]:
            groups.append([])
    return [group for group in groups if group]


def _is_hard_wrapped(groups: list[list[str]]) -> bool:
    """Hard-wrapped text (e-mail, Project Gutenberg) has many multi-line paragraphs whose lines
    all stop near one width; text copied from a web page has one line per paragraph."""
    wrapped_lines = [line for group in groups if len(group) > 1 for line in group[:-1]]
    all_lines = [line for group in groups for line in group]
    if len(wrapped_lines) < 3 or len(wrapped_lines) < 0.5 * len(all_lines):
        return False
    width = max(len(line) for line in wrapped_lines)
    if width > 120:
        return False
    near_width = sum(1 for line in wrapped_lines if len(line) >= 0.6 * width)
    return (
        near_width >= 0.8 * len(wrapped_lines) and statistics.median(map(len, wrapped_lines)) > 30
    )


def _paragraphs(group: list[str], hard_wrapped: bool) -> list[str]:
    if not hard_wrapped:
        return group
    paragraphs: list[str] = []
    for line in group:
        starts_item = bool(_BULLET.match(line) or _NUMBERED.match(line))
        if paragraphs and not starts_item:
            paragraphs[-1] = _join_wrapped(paragraphs[-1], line)
        else:
            paragraphs.append(line)
    return paragraphs


def _join_wrapped(left: str, right: str) -> str:
    if left.endswith("-") and not left.endswith(" -") and right[:1].islower():
        return left[:-1] + right  # a word hyphenated at the line end
    return f"{left} {right}"


def _classify(paragraph: str) -> RawBlock:
    bullet = _BULLET.match(paragraph)
    if bullet:
        return RawBlock(BlockKind.LIST_ITEM, paragraph[bullet.end() :].strip(), level=1)
    if _NUMBERED.match(paragraph):
        return RawBlock(BlockKind.LIST_ITEM, paragraph, level=1)
    if _CAPTION.search(paragraph):
        return RawBlock(BlockKind.CAPTION, paragraph)
    return RawBlock(BlockKind.PARAGRAPH, paragraph)


def _promote_title(blocks: list[RawBlock]) -> str | None:
    """The first short line that is not a sentence, among the first few, is the title."""
    for position, block in enumerate(blocks[:5]):
        text = block.text
        if (
            block.kind is BlockKind.PARAGRAPH
            and len(text) <= _MAX_TITLE_LENGTH
            and len(text.split()) >= _MIN_TITLE_WORDS
            and not text.endswith(_TERMINAL_PUNCTUATION)
        ):
            blocks[position] = RawBlock(BlockKind.HEADING, text, level=1)
            return text
    return None


register_importer(TextImporter())
