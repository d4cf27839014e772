"""(X)HTML element tree → typed blocks; shared by the HTML and EPUB importers.

The walk is iterative (lxml `iterwalk`), so a deeply nested page cannot exhaust Python's
recursion limit. Inline markup is flattened to its text (link text kept); block elements
become blocks whose kind comes from the element and the containers around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from reader.core.documents.importers.base import RawBlock
from reader.core.documents.model import BlockKind

# Never text a reader sees: scripts, styles, form controls, embedded media and vector art.
SKIPPED_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "title",
        "meta",
        "link",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "canvas",
        "video",
        "audio",
        "source",
        "track",
        "map",
        "button",
        "input",
        "select",
        "textarea",
        "option",
        "datalist",
    ]
)
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_LISTS = frozenset({"ul", "ol", "menu"})
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "li",
        "dt",
        "dd",
        "td",
        "th",
        "figcaption",
        "caption",
        "blockquote",
        "pre",
        "address",
        "article",
        "section",
        "aside",
        "main",
        "header",
        "footer",
        "figure",
        "table",
        "tr",
        "thead",
        "tbody",
        "tfoot",
        "ul",
        "ol",
        "dl",
        "hr",
        "body",
        "center",
        "details",
        "summary",
        "form",
        "fieldset",
        "legend",
        "nav",
    ]
) | frozenset(_HEADINGS)
_FOOTNOTE_TYPES = frozenset(
    [
        "footnote",
        "footnotes",
        "endnote",
        "endnotes",
        "rearnote",
        "rearnotes",
        "note",
        "doc-footnote",
        "doc-endnote",
        "doc-endnotes",
    ]
)
# Links between a note and its reference: their marks ("1", "↩") would end up glued to
# sentences and sent to the translator; the note itself stays, as a footnote block.
_NOTE_LINK_TYPES = frozenset({"backlink", "doc-backlink", "noteref", "doc-noteref"})
_NOTE_LINK_CLASSES = frozenset({"footnote-back", "footnote-backref", "footnote-ref"})
# Captions written without <figcaption> (XHTML 1.1 in EPUB 2, older web pages).
_CAPTION_CLASSES = frozenset({"caption", "figcaption", "wp-caption-text", "image-caption"})
_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
_DISPLAY_NONE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass
class BlockBuilder:
    """Accumulates the blocks of one or more (X)HTML documents in reading order."""

    blocks: list[RawBlock] = field(default_factory=list)
    toc: list[tuple[int, str, int]] = field(default_factory=list)  # from the headings
    anchors: dict[str, int] = field(default_factory=dict)  # element id → index of its block

    def add_tree(self, root: etree._Element, anchor_prefix: str = "") -> None:
        _Walker(self, anchor_prefix).walk(root)

    def emit(self, kind: BlockKind, text: str, level: int) -> None:
        text = " ".join(text.split()) if kind is not BlockKind.CODE else text.strip("\n")
        if not text.strip():
            return
        if kind is BlockKind.HEADING:
            self.toc.append((level, text, len(self.blocks)))
        self.blocks.append(RawBlock(kind, text, level))


@dataclass
class _Open:
    element: etree._Element
    kind: BlockKind
    level: int
    parts: list[str] = field(default_factory=list)


def local_name(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""  # comments and processing instructions
    return tag.rsplit("}", 1)[-1].lower()


def _attribute_tokens(element: etree._Element, *names: str) -> set[str]:
    tokens: set[str] = set()
    for name in names:
        tokens.update((element.get(name) or "").lower().split())
    return tokens


def _is_footnote_container(element: etree._Element) -> bool:
    types = _attribute_tokens(element, _EPUB_TYPE, "epub:type", "role")
    classes = _attribute_tokens(element, "class")
    return bool(types & _FOOTNOTE_TYPES) or bool(classes & {"footnotes", "footnote", "endnotes"})


def _is_skipped(element: etree._Element, tag: str) -> bool:
    if tag in SKIPPED_TAGS or element.get("hidden") is not None:
        return True
    if _DISPLAY_NONE.search(element.get("style") or ""):
        return True
    if tag == "a":
        types = _attribute_tokens(element, _EPUB_TYPE, "epub:type", "role")
        return bool(types & _NOTE_LINK_TYPES) or bool(
            _attribute_tokens(element, "class") & _NOTE_LINK_CLASSES
        )
    return False


class _Walker:
    def __init__(self, builder: BlockBuilder, anchor_prefix: str):
        self.builder = builder
        self.anchor_prefix = anchor_prefix
        self.stack: list[_Open] = []
        self.list_depth = 0
        self.quote_depth = 0
        self.footnote_depth = 0
        self.footnote_elements: set[etree._Element] = set()
        self.root_parts: list[str] = []  # loose text directly in <body>

    def walk(self, root: etree._Element) -> None:
        walker = etree.iterwalk(root, events=("start", "end"))
        skipped: etree._Element | None = None
        for event, element in walker:
            if skipped is not None:
                if event == "end" and element is skipped:
                    skipped = None
                    self._text(element.tail)
                continue
            tag = local_name(element)
            if event == "start":
                if not tag or _is_skipped(element, tag):
                    skipped = element
                    walker.skip_subtree()
                    continue
                self._start(element, tag)
            else:
                self._end(element, tag)
        self._flush_root()

    def _start(self, element: etree._Element, tag: str) -> None:
        element_id = element.get("id")
        if element_id:
            self.builder.anchors.setdefault(
                self.anchor_prefix + element_id, len(self.builder.blocks)
            )
        if _is_footnote_container(element):
            self.footnote_depth += 1
            self.footnote_elements.add(element)
        if tag in _LISTS:
            self.list_depth += 1
        elif tag == "blockquote":
            self.quote_depth += 1
        if tag == "br":
            self._text("\n")
        elif tag in _BLOCK_TAGS:
            self._flush_open()
            self._flush_root()
            kind, level = self._kind(tag, element)
            self.stack.append(_Open(element, kind, level))
        self._text(element.text)

    def _end(self, element: etree._Element, tag: str) -> None:
        if tag in _BLOCK_TAGS and self.stack and self.stack[-1].element is element:
            self._flush_open()
            self.stack.pop()
        if tag in _LISTS:
            self.list_depth -= 1
        elif tag == "blockquote":
            self.quote_depth -= 1
        if element in self.footnote_elements:
            self.footnote_elements.discard(element)
            self.footnote_depth -= 1
        self._text(element.tail)

    def _kind(self, tag: str, element: etree._Element) -> tuple[BlockKind, int]:
        """The kind of a block element, given the containers it is in: a <p> in a list item is
        the item's text, in a table cell it is the cell's, in a footnote it is the note's."""
        if tag in _HEADINGS and not self.footnote_depth:
            return BlockKind.HEADING, _HEADINGS[tag]
        outer = self.stack[-1] if self.stack else None
        if self.footnote_depth:
            return BlockKind.FOOTNOTE, 0
        if tag in ("td", "th"):
            return BlockKind.TABLE_CELL, 0
        if (
            tag in ("figcaption", "caption")
            or _attribute_tokens(element, "class") & _CAPTION_CLASSES
        ):
            return BlockKind.CAPTION, 0
        if tag == "li":
            return BlockKind.LIST_ITEM, max(self.list_depth, 1)
        if tag == "pre":
            return BlockKind.CODE, 0
        if outer is not None and outer.kind in (
            BlockKind.TABLE_CELL,
            BlockKind.CAPTION,
            BlockKind.LIST_ITEM,
            BlockKind.CODE,
        ):
            return outer.kind, outer.level
        if self.quote_depth:
            return BlockKind.QUOTE, 0
        return BlockKind.PARAGRAPH, 0

    def _text(self, text: str | None) -> None:
        if not text:
            return
        (self.stack[-1].parts if self.stack else self.root_parts).append(text)

    def _flush_open(self) -> None:
        """Emit what the innermost open block has collected so far: a nested block starts or it
        ends; text after a nested block continues as another block of the same kind."""
        if not self.stack:
            return
        block = self.stack[-1]
        self._emit_parts(block.kind, block.level, block.parts)
        block.parts = []

    def _flush_root(self) -> None:
        self._emit_parts(BlockKind.PARAGRAPH, 0, self.root_parts)
        self.root_parts = []

    def _emit_parts(self, kind: BlockKind, level: int, parts: list[str]) -> None:
        text = "".join(parts)
        if kind is BlockKind.CODE:
            self.builder.emit(kind, text, level)
            return
        # Two line breaks in a row (<br><br>) separate paragraphs on many hand-made pages.
        for piece in _PARAGRAPH_BREAK.split(text):
            self.builder.emit(kind, piece, level)
