"""Markdown, parsed with markdown-it-py (CommonMark + tables): headings, paragraphs, list items,
block quotes, code, table cells. Inline markup is dropped; link text is kept."""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from reader.core.documents.decoding import decode_bytes
from reader.core.documents.files import read_document_bytes
from reader.core.documents.importers.base import RawBlock, RawDocument, register_importer
from reader.core.documents.model import BlockKind

_PARSER = MarkdownIt("commonmark", {"html": False}).enable("table")


class MarkdownImporter:
    name = "md"
    extensions = (".md", ".markdown", ".mdown", ".mkd")

    def sniff(self, path: Path, head: bytes) -> bool:
        return False  # Markdown is plain text: recognised by its extension only

    def read(self, path: Path) -> RawDocument:
        return parse_markdown(decode_bytes(read_document_bytes(path), path))


def parse_markdown(text: str) -> RawDocument:
    blocks: list[RawBlock] = []
    toc: list[tuple[int, str, int]] = []
    context: list[str] = []  # open container tokens: list items, quotes
    list_depth = 0
    heading_level = 0
    for token in _PARSER.parse(text):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif token.nesting == 1 and token.type in (
            "list_item_open",
            "blockquote_open",
            "th_open",
            "td_open",
        ):
            context.append(token.type)
        elif token.nesting == -1 and token.type in (
            "list_item_close",
            "blockquote_close",
            "th_close",
            "td_close",
        ):
            context.pop()
        elif token.type == "heading_open":
            heading_level = int(token.tag[1:])
        elif token.type == "inline":
            content = _inline_text(token).strip()
            if not content:
                continue
            if heading_level:
                toc.append((heading_level, content, len(blocks)))
                blocks.append(RawBlock(BlockKind.HEADING, content, heading_level))
            else:
                blocks.append(_block_in_context(content, context, list_depth))
        elif token.type == "heading_close":
            heading_level = 0
        elif token.type in ("fence", "code_block") and token.content.strip():
            blocks.append(RawBlock(BlockKind.CODE, token.content.rstrip("\n")))
    title = next((title for level, title, _ in toc if level == 1), None)
    return RawDocument(blocks=blocks, title=title, toc=toc)


def _block_in_context(content: str, context: list[str], list_depth: int) -> RawBlock:
    innermost = context[-1] if context else ""
    if innermost in ("th_open", "td_open"):
        return RawBlock(BlockKind.TABLE_CELL, content)
    if innermost == "list_item_open":
        return RawBlock(BlockKind.LIST_ITEM, content, list_depth)
    if "blockquote_open" in context:
        return RawBlock(BlockKind.QUOTE, content)
    return RawBlock(BlockKind.PARAGRAPH, content)


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)  # the alt text
    return "".join(parts)


register_importer(MarkdownImporter())
