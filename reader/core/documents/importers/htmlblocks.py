"""(X)HTML element tree → typed blocks; shared by the HTML and EPUB importers.

The walk is iterative (lxml `iterwalk`), so a deeply nested page cannot exhaust Python's
recursion limit. Inline markup is flattened to its text (link text kept); block elements
become blocks whose kind comes from the element and the containers around it. Whitespace is
collapsed as a browser does: only `<br>` breaks a line, and `<pre>` keeps its text verbatim.
A data table becomes one TABLE block of rows of cells; a table that only lays out a page is
read as the paragraphs it holds.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from reader.core.documents.importers.base import RawBlock
from reader.core.documents.importers.tablegrid import Span, spread, without_blank_columns
from reader.core.documents.model import BlockKind
from reader.core.errors import InputError

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
_WHITESPACE = re.compile(r"\s+")
_BLANK_LINE = re.compile(r"\n *\n")  # <br><br>: whitespace is collapsed before this applies
# Lines broken by single <br>s beyond this length are not one paragraph but a chapter whose
# paragraphs were separated by <br> (hand-made pages, converted books): each line is one.
MAX_LINED_PARAGRAPH_CHARS = 1000
# What one document may expand to, whatever its file sizes: a book listing a chapter many
# times, or a small page of deep markup, must not fill the memory. Far above any real book.
MAX_TEXT_CHARS = 64 * 2**20
MAX_BLOCKS = 2**20
_ALL_ROWS = 65534  # the largest rowspan browsers honour
_CELL_TAGS = frozenset({"td", "th"})
# Elements that make a cell hold page content (paragraphs, headings), not a datum.
_CONTENT_TAGS = frozenset({"p", "div", "ul", "ol", "blockquote", "pre", "table"}) | frozenset(
    _HEADINGS
)
# A <code> alone in one of these is a block of code, not code quoted in a sentence.
_CODE_BLOCK_PARENTS = frozenset({"body", "div", "p", "section", "article", "main", "figure"})


@dataclass
class BlockBuilder:
    """Accumulates the blocks of one or more (X)HTML documents in reading order, within the
    text budget of one document (`source` names the file in the error past it)."""

    source: Path = Path("<html>")
    blocks: list[RawBlock] = field(default_factory=list)
    toc: list[tuple[int, str, int]] = field(default_factory=list)  # from the headings
    anchors: dict[str, int] = field(default_factory=dict)  # element id → index of its block
    characters: int = 0

    def add_tree(self, root: etree._Element, anchor_prefix: str = "") -> None:
        _Walker(self, anchor_prefix).walk(root)

    def emit(self, kind: BlockKind, text: str, level: int) -> None:
        text = text.strip("\n") if kind is BlockKind.CODE else _clean_lines(text)
        if not text.strip():
            return
        if kind is BlockKind.HEADING:
            self.toc.append((level, " ".join(text.split()), len(self.blocks)))
        self._append(RawBlock(kind, text, level), len(text))

    def emit_table(self, rows: list[list[str]]) -> None:
        kept = tuple(tuple(row) for row in rows if any(row))
        if kept:
            characters = sum(len(cell) for row in kept for cell in row)
            self._append(RawBlock(BlockKind.TABLE, "", rows=kept), characters)

    def _append(self, block: RawBlock, characters: int) -> None:
        self.characters += characters
        if self.characters > MAX_TEXT_CHARS:
            self._refuse(f"{MAX_TEXT_CHARS:,} characters of text")
        if len(self.blocks) >= MAX_BLOCKS:
            self._refuse(f"{MAX_BLOCKS:,} blocks")
        self.blocks.append(block)

    def _refuse(self, limit: str) -> None:
        raise InputError(self.source, f"expands to more than {limit}: refused as a bomb")


def _clean_lines(text: str) -> str:
    """Each line's spaces collapsed and blank lines dropped; the line breaks stay."""
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of text whose line breaks are `<br>`s: two in a row end a paragraph, one is
    a line break within it, except in a run of lines too long to be one paragraph."""
    paragraphs = []
    for piece in _BLANK_LINE.split(text):
        piece = _clean_lines(piece)
        if "\n" in piece and len(piece) > MAX_LINED_PARAGRAPH_CHARS:
            paragraphs.extend(piece.split("\n"))
        elif piece:
            paragraphs.append(piece)
    return paragraphs


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


def is_heading(element: etree._Element) -> bool:
    return local_name(element) in _HEADINGS


def is_unseen(element: etree._Element) -> bool:
    """Whether an element is never text a reader sees (scripts, hidden parts, note marks)."""
    tag = local_name(element)
    if not tag or tag in SKIPPED_TAGS or element.get("hidden") is not None:
        return True
    if _DISPLAY_NONE.search(element.get("style") or ""):
        return True
    if tag == "a":
        types = _attribute_tokens(element, _EPUB_TYPE, "epub:type", "role")
        return bool(types & _NOTE_LINK_TYPES) or bool(
            _attribute_tokens(element, "class") & _NOTE_LINK_CLASSES
        )
    return False


def visible_text(element: etree._Element) -> str:
    """An element's text as a reader sees it, on one line: blocks and line breaks within it
    become spaces, unseen parts are left out."""
    return " ".join("".join(_visible_pieces(element)).split())


def shows_text(element: etree._Element) -> bool:
    return any(piece.strip() for piece in _visible_pieces(element))  # stops at the first


def _visible_pieces(element: etree._Element) -> Iterator[str]:
    walker = etree.iterwalk(element, events=("start", "end"))
    for event, node in walker:
        tag = local_name(node)
        if event == "start":
            if node is not element and is_unseen(node):
                walker.skip_subtree()
                continue
            yield " " if tag in _BLOCK_TAGS or tag == "br" else ""
            yield node.text or ""
        elif node is not element:
            yield " " if tag in _BLOCK_TAGS else ""
            yield node.tail or ""


# --- Tables ------------------------------------------------------------------------------------


def table_cells(table: etree._Element) -> list[list[etree._Element]]:
    """The table's rows of td/th cells, not counting those of tables nested in its cells."""
    rows = []
    for row in table.iter():
        if local_name(row) != "tr" or is_unseen(row) or _enclosing_table(row) is not table:
            continue
        rows.append([c for c in row if local_name(c) in _CELL_TAGS and not is_unseen(c)])
    return rows


def _cell_span(cell: etree._Element) -> Span[str]:
    return Span(visible_text(cell), _span(cell, "colspan"), _span(cell, "rowspan"))


def _span(cell: etree._Element, attribute: str) -> int:
    """A cell's colspan or rowspan as browsers read it: its leading digits, else 1; a rowspan
    of 0 covers the rest of the table."""
    digits = re.match(r"\s*(\d+)", cell.get(attribute) or "")
    if digits is None:
        return 1
    span = int(digits.group(1))
    if span == 0:
        return _ALL_ROWS if attribute == "rowspan" else 1
    return min(span, _ALL_ROWS)


def _enclosing_table(element: etree._Element) -> etree._Element | None:
    return next((a for a in element.iterancestors() if local_name(a) == "table"), None)


def is_layout_table(cells: list[list[etree._Element]]) -> bool:
    """A table that lays out a page rather than holding data: a single cell with text, cells
    that hold headings (a page in columns), or one column whose cells hold paragraphs."""
    filled_rows = [[cell for cell in row if shows_text(cell)] for row in cells]
    filled = [cell for row in filled_rows for cell in row]
    if len(filled) <= 1:
        return True
    if any(_holds(cell, _HEADINGS) for cell in filled):
        return True
    one_column = all(len(row) <= 1 for row in filled_rows)
    return one_column and any(_holds(cell, _CONTENT_TAGS) for cell in filled)


def _holds(cell: etree._Element, tags: Collection[str]) -> bool:
    return any(local_name(node) in tags for node in cell.iterdescendants())


def _holds_only_code(parent: etree._Element) -> bool:
    """All that `parent` shows is <code> elements: each is a block of code, not code quoted in
    a sentence (nor inside <pre>)."""
    if local_name(parent) not in _CODE_BLOCK_PARENTS or (parent.text or "").strip():
        return False
    return all(
        local_name(child) == "code" and not (child.tail or "").strip()
        for child in parent
        if not is_unseen(child)
    )


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
        # Decided once per parent: asking for each of its <code> children is quadratic.
        self.code_parents: dict[etree._Element, bool] = {}

    def walk(self, root: etree._Element) -> None:
        walker = etree.iterwalk(root, events=("start", "end"))
        whole: etree._Element | None = None  # an element read (or left out) in one go
        for event, element in walker:
            if whole is not None:
                if event == "end" and element is whole:
                    whole = None
                    self._text(element.tail)
                continue
            tag = local_name(element)
            if event == "start":
                if is_unseen(element) or (tag == "table" and self._data_table(element)):
                    whole = element
                    walker.skip_subtree()
                    continue
                self._start(element, tag)
            else:
                self._end(element, tag)
        self._flush_root()

    def _start(self, element: etree._Element, tag: str) -> None:
        self._anchor(element)
        if _is_footnote_container(element):
            self.footnote_depth += 1
            self.footnote_elements.add(element)
        if tag in _LISTS:
            self.list_depth += 1
        elif tag == "blockquote":
            self.quote_depth += 1
        if tag == "br":
            self._parts().append("\n")
        elif tag in _BLOCK_TAGS or (tag == "code" and self._is_code_block(element)):
            self._flush_open()
            self._flush_root()
            kind, level = self._kind(tag, element)
            self.stack.append(_Open(element, kind, level))
        self._text(element.text)

    def _end(self, element: etree._Element, tag: str) -> None:
        if self.stack and self.stack[-1].element is element:
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

    def _is_code_block(self, element: etree._Element) -> bool:
        parent = element.getparent()
        if parent is None:
            return False
        if parent not in self.code_parents:
            self.code_parents[parent] = _holds_only_code(parent)
        return self.code_parents[parent]

    def _anchor(self, element: etree._Element) -> None:
        element_id = element.get("id")
        if element_id:
            self.builder.anchors.setdefault(
                self.anchor_prefix + element_id, len(self.builder.blocks)
            )

    def _data_table(self, table: etree._Element) -> bool:
        """Read a data table as one TABLE block (after its caption); False for a layout table,
        which the walk then reads as the blocks it holds."""
        cells = table_cells(table)
        if is_layout_table(cells):
            return False
        self._flush_open()
        self._flush_root()
        for element in table.iter():
            self._anchor(element)
        for caption in table.iterchildren("{*}caption"):
            self.builder.emit(BlockKind.CAPTION, visible_text(caption), 0)
        spans = [[_cell_span(cell) for cell in row] for row in cells]
        self.builder.emit_table(without_blank_columns(spread(spans, ""), ""))
        return True

    def _kind(self, tag: str, element: etree._Element) -> tuple[BlockKind, int]:
        """The kind of a block element, given the containers it is in: a <p> in a list item is
        the item's text, in a footnote it is the note's, in code it is code."""
        if tag in _HEADINGS and not self.footnote_depth:
            return BlockKind.HEADING, _HEADINGS[tag]
        outer = self.stack[-1] if self.stack else None
        if self.footnote_depth:
            return BlockKind.FOOTNOTE, 0
        if (
            tag in ("figcaption", "caption")
            or _attribute_tokens(element, "class") & _CAPTION_CLASSES
        ):
            return BlockKind.CAPTION, 0
        if tag == "li":
            return BlockKind.LIST_ITEM, max(self.list_depth, 1)
        if tag in ("pre", "code"):
            return BlockKind.CODE, 0
        if outer is not None and outer.kind in (
            BlockKind.CAPTION,
            BlockKind.LIST_ITEM,
            BlockKind.CODE,
        ):
            return outer.kind, outer.level
        if self.quote_depth:
            return BlockKind.QUOTE, 0
        return BlockKind.PARAGRAPH, 0

    def _parts(self) -> list[str]:
        return self.stack[-1].parts if self.stack else self.root_parts

    def _text(self, text: str | None) -> None:
        """Collect text; outside code its whitespace collapses to spaces, as a browser shows it
        (line breaks in the source are not line breaks on the page)."""
        if not text:
            return
        in_code = bool(self.stack) and self.stack[-1].kind is BlockKind.CODE
        self._parts().append(text if in_code else _WHITESPACE.sub(" ", text))

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
        for paragraph in split_paragraphs(text):
            self.builder.emit(kind, paragraph, level)
