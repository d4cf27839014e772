"""Markdown, parsed with markdown-it-py (CommonMark + GFM tables): headings, paragraphs, list
items, block quotes, code (verbatim), tables and GFM footnotes. Inline markup is dropped; link
text is kept."""

from __future__ import annotations

import functools
import itertools
import re
from pathlib import Path

from reader.core.documents.decoding import decode_bytes
from reader.core.documents.files import read_document_bytes
from reader.core.documents.importers.base import RawBlock, RawDocument
from reader.core.documents.model import BlockKind

# markdown-it skips whatever lies deeper than this many nested tokens (a list level takes two):
# its default, 20, dropped list levels past 9. This is far beyond real documents yet well
# inside Python's recursion limit; text still deeper is kept, flat (see `_Walker._open`).
_MAX_NESTING = 200
_CONTAINER_OPENERS = ("list_item_open", "blockquote_open")
_CONTAINER_CLOSERS = ("list_item_close", "blockquote_close")
# "---", then "key: value" lines, then "---" or "...".
_FRONT_MATTER = re.compile(
    r"\A---[ \t]*\r?\n([A-Za-z_][\w-]*:.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL
)
_FRONT_MATTER_TITLE = re.compile(r"^title:[ \t]*(.+?)[ \t]*$", re.MULTILINE)
# GFM footnotes, which CommonMark reads as text: "[^1]" after a word, "[^1]: …" for the note.
_FOOTNOTE_REFERENCE = re.compile(r"\[\^[^\]\s]+\]")
_FOOTNOTE_DEFINITION = re.compile(r"\A\[\^[^\]\s]+\]:\s*(.+)", re.DOTALL)
_LINE_BREAK = re.compile(r"\r\n?|\n")  # markdown-it's lines, which its token maps count
# The quote, bullet and number markers at the start of a line (">", "> -", "1. >").
_LINE_MARKERS = re.compile(r"^[ \t]*(?:(?:>|[-+*](?=\s|$)|\d{1,9}[.)](?=\s|$))[ \t]*)*")


class MarkdownImporter:
    name = "md"
    extensions = (".md", ".markdown", ".mdown", ".mkd")

    def sniff(self, path: Path, head: bytes) -> bool:
        return False  # Markdown is plain text: recognised by its extension only

    def read(self, path: Path) -> RawDocument:
        return parse_markdown(decode_bytes(read_document_bytes(path), path))


@functools.cache
def _parser():
    from markdown_it import MarkdownIt

    options = {"html": False, "maxNesting": _MAX_NESTING}
    return MarkdownIt("commonmark", options).enable("table")


def parse_markdown(text: str) -> RawDocument:
    declared_title, text = _without_front_matter(text)
    walker = _Walker(_LINE_BREAK.split(text))
    tokens = _parser().parse(text)
    for token, following in itertools.zip_longest(tokens, tokens[1:]):
        walker.take(token, following)
    first_heading = next((title for level, title, _ in walker.toc if level == 1), None)
    return RawDocument(blocks=walker.blocks, title=declared_title or first_heading, toc=walker.toc)


def _without_front_matter(text: str) -> tuple[str | None, str]:
    """The title a YAML metadata block at the top declares (Jekyll, Hugo, pandoc), and the text
    after the block: CommonMark alone would read it as a rule and a heading "title: …"."""
    block = _FRONT_MATTER.match(text)
    if block is None:
        return None, text
    found = _FRONT_MATTER_TITLE.search(block.group(1))
    title = found.group(1).strip("\"'").strip() if found else ""
    return title or None, text[block.end() :]


class _Walker:
    """Blocks from markdown-it's flat token stream, with the containers each inline lies in."""

    def __init__(self, source_lines: list[str]) -> None:
        self.blocks: list[RawBlock] = []
        self.toc: list[tuple[int, str, int]] = []
        self._source_lines = source_lines
        self._context: list[str] = []  # open containers: list items, quotes
        self._list_depth = 0
        self._heading_level = 0
        self._rows: list[list[str]] | None = None  # the open table's rows

    def take(self, token, following) -> None:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            self._list_depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self._list_depth -= 1
        elif kind in _CONTAINER_OPENERS:
            self._open(token, following)
        elif kind in _CONTAINER_CLOSERS:
            self._context.pop()
        elif kind == "heading_open":
            self._heading_level = int(token.tag[1:])
        elif kind == "heading_close":
            self._heading_level = 0
        elif kind == "table_open":
            self._rows = []
        elif kind == "tr_open" and self._rows is not None:
            self._rows.append([])
        elif kind == "table_close" and self._rows is not None:
            self.blocks.append(RawBlock(BlockKind.TABLE, "", rows=tuple(map(tuple, self._rows))))
            self._rows = None
        elif kind == "inline":
            self._inline(_inline_text(token.children or []).strip())
        elif kind in ("fence", "code_block") and token.content.strip():
            self.blocks.append(RawBlock(BlockKind.CODE, token.content.rstrip("\n")))

    def _open(self, token, following) -> None:
        self._context.append(token.type)
        if following is not None and following.type in _CONTAINER_CLOSERS and token.map:
            # Closed at once: empty, or deeper than markdown-it's nesting limit, which skips
            # the content. What the source holds there is kept as one flat block.
            start, end = token.map
            lines = (_LINE_MARKERS.sub("", line) for line in self._source_lines[start:end])
            flat = "\n".join(line for line in lines if line.strip())
            if flat:
                self._inline(_inline_text(_parser().parseInline(flat)[0].children or []))

    def _inline(self, content: str) -> None:
        note = _FOOTNOTE_DEFINITION.match(content)
        content = _FOOTNOTE_REFERENCE.sub("", content).strip()
        if self._rows is not None:
            if self._rows:
                self._rows[-1].append(content)  # an empty cell too: columns stay in place
        elif not content:
            return
        elif self._heading_level:
            self.toc.append((self._heading_level, content, len(self.blocks)))
            self.blocks.append(RawBlock(BlockKind.HEADING, content, self._heading_level))
        elif note and not self._context:
            self.blocks.append(RawBlock(BlockKind.FOOTNOTE, note.group(1)))
        else:
            self.blocks.append(self._block_in_context(content))

    def _block_in_context(self, content: str) -> RawBlock:
        innermost = self._context[-1] if self._context else ""
        if innermost == "list_item_open":
            return RawBlock(BlockKind.LIST_ITEM, content, self._list_depth)
        if "blockquote_open" in self._context:
            return RawBlock(BlockKind.QUOTE, content)
        return RawBlock(BlockKind.PARAGRAPH, content)


def _inline_text(children) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)  # the alt text
    return "".join(parts)
