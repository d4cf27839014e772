"""Word documents (.docx) with python-docx: headings, paragraphs, list items, captions,
quotations, code and tables in document order, then the footnotes; and a clear refusal of the
older binary Office files.

The zip is checked for bombs before python-docx unpacks it, and python-docx is given only the
parts it parses: it loads every part of a package into memory when it opens it.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reader.core.documents.importers.archive import (
    ZIP_ERRORS,
    one_line,
    open_zip,
    parse_xml,
    read_member,
)
from reader.core.documents.importers.base import RawBlock, RawDocument
from reader.core.documents.model import BlockKind
from reader.core.errors import InputError

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PARAGRAPH, _TABLE, _CUSTOM_XML = f"{{{_W}}}p", f"{{{_W}}}tbl", f"{{{_W}}}customXml"
_CONTENT_CONTROL, _CONTENT_CONTROL_CONTENT = f"{{{_W}}}sdt", f"{{{_W}}}sdtContent"
_HEADING_STYLE = re.compile(r"^(?:heading|überschrift|titre|título|tiêu đề)\s*(\d)$", re.IGNORECASE)
# Style names (lower case) of Word's built-in styles and of pandoc's reference.docx.
_CAPTION_STYLES = {"caption", "image caption", "table caption", "figure caption"}
_QUOTE_STYLES = {"quote", "intense quote", "block text"}
_CODE_STYLES = {"source code", "html preformatted", "code", "macro text"}
_LIST_STYLES = ("list",)  # "List Paragraph", "List Bullet 2", "List Number"...
_CONTENTS_STYLE = re.compile(r"^(?:toc \d|toc heading|table of figures)$")  # Word's own
# Fixed-width typefaces: a paragraph set wholly in one is code (or a listing, a terminal...).
_MONOSPACED_FONT = re.compile(
    r"mono|courier|consol|menlo|monaco|lucida console|typewriter|inconsolata|fixedsys|\bcode\b",
    re.IGNORECASE,
)
_SENTENCE_ENDS = (".", "!", "?", "…", ":", ";")
_CLOSING_MARKS = "\"'”’»)]"
_LOWER_CASE_ENUMERATOR = re.compile(r"^(?:[a-zđ]{1,2}|[ivxlc]+|\d+)[.)]\s")  # "a) ", "iv. "
_MAX_COLUMNS = 64  # Word's own limit is 63: a larger span is damage, not layout
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word, Excel and PowerPoint 97-2003 files


class DocxImporter:
    name = "docx"
    extensions = (".docx", ".docm", ".dotx")

    def sniff(self, path: Path, head: bytes) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(path) as archive:
                return "word/document.xml" in archive.namelist()
        except (*ZIP_ERRORS, OSError):
            return False

    def read(self, path: Path) -> RawDocument:
        with open_zip(path, "DOCX", parsed=_is_xml_part) as archive:
            if "word/document.xml" not in archive.namelist():
                raise InputError(path, "not a DOCX document (no word/document.xml inside)")
            footnotes = _footnotes(archive, path)
            package = _xml_parts_only(archive, path)
        return _read_docx_safely(path, package, footnotes)


class LegacyOfficeImporter:
    """Office 97-2003 files (OLE2 compound files), recognised whatever their name, to say how
    to convert them instead of calling them binary or damaged. A password-protected .docx is
    such a file too: the encrypted document inside an OLE2 wrapper."""

    name = "doc"
    extensions = (".doc", ".dot")

    def sniff(self, path: Path, head: bytes) -> bool:
        return head.startswith(_OLE2_MAGIC)

    def read(self, path: Path) -> RawDocument:
        raise InputError(path, _legacy_office_problem(path.read_bytes()))


def _legacy_office_problem(data: bytes) -> str:
    # The streams' names are in the file's directory, in UTF-16.
    if "EncryptedPackage".encode("utf-16-le") in data:
        return "the document is password-protected: open it in Word, remove the password, save it"
    if "WordDocument".encode("utf-16-le") in data:
        return (
            "Word 97-2003 .doc is not supported: save it as .docx "
            "(LibreOffice: soffice --headless --convert-to docx FILE)"
        )
    return "an Office 97-2003 file but not a Word document (a spreadsheet? a presentation?)"


def _is_xml_part(name: str) -> bool:
    """Whether python-docx parses the part: the XML ones (document, styles, numbering,
    relationships...); pictures, fonts and embedded objects are never read for their text."""
    return name.lower().endswith((".xml", ".rels"))


def _xml_parts_only(archive: zipfile.ZipFile, path: Path) -> io.BytesIO:
    """A copy of the package in memory whose other parts are empty. python-docx reads every
    part a relationship names when it opens a package (its loading is not lazy): an empty part
    keeps the relationships valid, where a missing one would be a broken package, and a picture
    of hundreds of megabytes is never unpacked."""
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy:
        for member in archive.infolist():
            if member.is_dir():
                continue
            parsed = _is_xml_part(member.filename)
            data = read_member(archive, member.filename, path) if parsed else b""
            copy.writestr(member.filename, data)
    package.seek(0)
    return package


def _read_docx_safely(path: Path, package: io.BytesIO, footnotes: list[str]) -> RawDocument:
    """python-docx has no single error type for a damaged part: a broken XML part, a missing
    relationship target or an odd style surface as these."""
    from docx.exceptions import PythonDocxError
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError

    try:
        return _read_docx(package, footnotes)
    except (
        PackageNotFoundError,
        PythonDocxError,
        LxmlError,
        zipfile.BadZipFile,
        zlib.error,
        OSError,  # a damaged member
        EOFError,
        RuntimeError,  # an encrypted member
        NotImplementedError,  # an unsupported compression method
        KeyError,
        ValueError,
        IndexError,
        AttributeError,
        TypeError,
    ) as error:
        raise InputError(path, f"not a valid DOCX document ({one_line(error)})") from error


def _read_docx(package: io.BytesIO, footnotes: list[str]) -> RawDocument:
    import docx

    document = docx.Document(package)
    styles = _Styles()
    body = _Body(styles, code_by_font=not _mostly_monospaced(document.paragraphs, styles))
    body.add(_block_items(document, document.element.body))
    blocks = [*body.finish(), *(RawBlock(BlockKind.FOOTNOTE, text) for text in footnotes)]
    # The metadata title is often a template's or an earlier document's: passed on only as a
    # candidate, for the loader to weigh against the headings.
    title = (document.core_properties.title or "").strip() or None
    language = (document.core_properties.language or "").split("-")[0].lower() or None
    return RawDocument(blocks=blocks, title=title, language_hint=language, toc=body.toc)


class _Body:
    """The blocks of the body in document order. Consecutive code paragraphs make one block,
    and so do the lines of a contents page; a sentence broken with Enter is joined again."""

    def __init__(self, styles: _Styles, code_by_font: bool) -> None:
        self.blocks: list[RawBlock] = []
        self.toc: list[tuple[int, str, int]] = []
        self._styles = styles
        self._code_by_font = code_by_font
        # A listing or a contents page being read: one block of its paragraphs as lines.
        self._lines_kind: BlockKind | None = None
        self._lines: list[str] = []
        self._paragraph_open = False  # the last block is a paragraph a next one may continue
        # Its lines, joined once it closes: joining at each line made long runs quadratic.
        self._open_lines: list[str] = []

    def add(self, items: Iterable) -> None:
        from docx.table import Table

        for item in items:
            if isinstance(item, Table):
                self._add_table(item)
            else:
                self._add_paragraph(item)

    def finish(self) -> list[RawBlock]:
        self._break()
        return self.blocks

    def _add_paragraph(self, paragraph) -> None:
        style = self._styles.of(paragraph)
        styles = style.names
        text = _runs_text(paragraph._p)
        if _CONTENTS_STYLE.match(styles[0] if styles else ""):
            self._add_lines(BlockKind.CONTENTS, _tidy_lines(text))
            return
        if self._is_code(paragraph, style) or (self._lines_kind and not text.strip()):
            # A blank line inside a listing stays in it; a contents page drops it when joined.
            self._add_lines(self._lines_kind or BlockKind.CODE, text)
            return
        block = _paragraph_block(paragraph, _tidy_lines(text), styles)
        if block is None:
            self._close_paragraph()  # an empty paragraph is a gap the author left
        elif not self._joined_to_last_paragraph(block):
            self._break()
            if block.kind is BlockKind.HEADING:
                self.toc.append((block.level, " ".join(block.text.split()), len(self.blocks)))
            self.blocks.append(block)
            self._paragraph_open = block.kind is BlockKind.PARAGRAPH
            self._open_lines = [block.text] if self._paragraph_open else []

    def _is_code(self, paragraph, style: _Style) -> bool:
        if _CODE_STYLES.intersection(style.names):
            return True
        return self._code_by_font and _is_monospaced(paragraph, style)

    def _joined_to_last_paragraph(self, block: RawBlock) -> bool:
        """Whether `block` is the rest of the last paragraph's sentence, and joined to it."""
        if not (self._paragraph_open and block.kind is BlockKind.PARAGRAPH):
            return False
        if not _continues_sentence(self._open_lines[-1], block.text):
            return False
        self._open_lines.append(block.text)
        return True

    def _close_paragraph(self) -> None:
        if self._paragraph_open and len(self._open_lines) > 1:
            self.blocks[-1] = RawBlock(BlockKind.PARAGRAPH, "\n".join(self._open_lines))
        self._paragraph_open, self._open_lines = False, []

    def _add_table(self, table) -> None:
        self._break()
        grid = _cell_grid(table)
        letterhead = _letterhead_lines(grid)
        if letterhead:
            self.blocks.append(RawBlock(BlockKind.HEADER, "\n".join(letterhead)))
        elif all(len(row) <= 1 for row in grid):
            # One column is a frame around text, not a table: its paragraphs are the body's.
            for cell in (cell for row in grid for cell in row if cell):
                self.add(_block_items(cell, cell._tc))
                self._break()
        else:
            rows = tuple(tuple(_cell_text(cell) if cell else "" for cell in row) for row in grid)
            self.blocks.append(RawBlock(BlockKind.TABLE, "", rows=rows))

    def _add_lines(self, kind: BlockKind, line: str) -> None:
        if self._lines_kind is not kind:
            self._break()
            self._lines_kind = kind
        self._lines.append(line)

    def _break(self) -> None:
        """End the open listing, contents or paragraph: what comes next starts a block."""
        self._close_paragraph()
        if self._lines_kind is BlockKind.CODE:
            self.blocks.append(RawBlock(BlockKind.CODE, "\n".join(self._lines)))
        elif self._lines_kind is BlockKind.CONTENTS:
            text = "\n".join(line for line in self._lines if line)
            self.blocks.append(RawBlock(BlockKind.CONTENTS, text))
        self._lines_kind, self._lines = None, []


@dataclass(frozen=True, slots=True)
class _Style:
    names: tuple[str, ...]  # lower case, the paragraph's style first, then those it is based on
    font: str | None  # the font it sets, itself or through its bases


class _Styles:
    """Each paragraph style resolved once: python-docx's `paragraph.style` scans every style
    of the document for the default one, which made a long document take seconds."""

    def __init__(self) -> None:
        self._by_id: dict[str | None, _Style] = {}

    def of(self, paragraph) -> _Style:
        style_id = paragraph._p.style
        if style_id not in self._by_id:
            self._by_id[style_id] = _resolved(paragraph.style)
        return self._by_id[style_id]


def _resolved(style) -> _Style:
    """A "Chapter" style based on "Heading 1" is a heading: the bases count too."""
    names, font = [], None
    while style is not None and len(names) < 20:  # a cycle of base styles is possible
        names.append((style.name or "").strip().lower())
        font = font or style.font.name
        style = style.base_style
    return _Style(tuple(names), font)


def _paragraph_block(paragraph, text: str, styles: tuple[str, ...]) -> RawBlock | None:
    if not text:
        return None
    heading = _heading_level(paragraph, styles)
    if heading:
        return RawBlock(BlockKind.HEADING, text, heading)
    list_level = _list_level(paragraph)
    if list_level or any(style.startswith(_LIST_STYLES) for style in styles):
        return RawBlock(BlockKind.LIST_ITEM, text, list_level or 1)
    if _CAPTION_STYLES.intersection(styles):
        return RawBlock(BlockKind.CAPTION, text)
    if _QUOTE_STYLES.intersection(styles):
        return RawBlock(BlockKind.QUOTE, text)
    return RawBlock(BlockKind.PARAGRAPH, text)


def _continues_sentence(previous: str, text: str) -> bool:
    """A paragraph that starts in lower case after one left unfinished is the same sentence,
    broken with Enter (to centre a title's second line, say): it joins it as a line break."""
    unfinished = not previous.rstrip(_CLOSING_MARKS).endswith(_SENTENCE_ENDS)
    return unfinished and text[:1].islower() and not _LOWER_CASE_ENUMERATOR.match(text)


def _block_items(parent, element) -> Iterator:
    """The paragraphs and tables of a body or cell in order, with those wrapped in content
    controls (w:sdt: a cover page, Word's table of contents) that python-docx passes over."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in element.iterchildren():
        if child.tag == _PARAGRAPH:
            yield Paragraph(child, parent)
        elif child.tag == _TABLE:
            yield Table(child, parent)
        elif child.tag == _CONTENT_CONTROL:
            content = child.find(_CONTENT_CONTROL_CONTENT)
            if content is not None:
                yield from _block_items(parent, content)
        elif child.tag == _CUSTOM_XML:
            yield from _block_items(parent, child)


def _runs_text(element) -> str:
    """The text of the runs in an element, also those python-docx passes over (inside smart
    tags, tracked insertions, fields, content controls), but not deleted text nor text boxes."""
    return "".join(run.text for run in _shown_runs()(element))


@functools.cache
def _shown_runs():
    from lxml import etree

    return etree.XPath(
        ".//w:r[not(ancestor::w:del or ancestor::w:moveFrom or ancestor::w:txbxContent)]",
        namespaces={"w": _W},
    )


def _tidy_lines(text: str) -> str:
    """Spaces and tabs collapsed; a line break (Shift+Enter) kept as one "\\n"."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _heading_level(paragraph, styles: tuple[str, ...]) -> int:
    """1-6 for a heading by its style (or one it is based on) or by its outline level; else 0."""
    for style in styles:
        if style == "title":
            return 1
        heading = _HEADING_STYLE.match(style)
        if heading:
            return min(max(int(heading.group(1)), 1), 6)
    return _outline_level(paragraph) or 0


def _outline_level(paragraph) -> int | None:
    """Headings made by direct formatting: an outline level on the paragraph itself."""
    outline = paragraph._p.find(f"{{{_W}}}pPr/{{{_W}}}outlineLvl")
    if outline is None:
        return None
    level = int(outline.get(f"{{{_W}}}val", "9"))
    return level + 1 if level < 6 else None


def _is_monospaced(paragraph, style: _Style) -> bool:
    """All of the paragraph's text in a fixed-width font (its own or its style's)."""
    runs = [run for run in paragraph.runs if run.text.strip()]
    return bool(runs) and all(
        _MONOSPACED_FONT.search(run.font.name or style.font or "") for run in runs
    )


def _mostly_monospaced(paragraphs, styles: _Styles) -> bool:
    """A body typed in a fixed-width font is prose like any other: its font says nothing."""
    sizes = {True: 0, False: 0}
    for paragraph in paragraphs:
        sizes[_is_monospaced(paragraph, styles.of(paragraph))] += len(paragraph.text.strip())
    return sizes[True] > sizes[False]


def _list_level(paragraph) -> int:
    """1-based list depth from the paragraph's numbering properties; 0 if it is not numbered."""
    numbering = paragraph._p.find(f"{{{_W}}}pPr/{{{_W}}}numPr")
    if numbering is None:
        return 0
    number_id = numbering.find(f"{{{_W}}}numId")
    if number_id is not None and number_id.get(f"{{{_W}}}val") == "0":
        return 0  # numId 0 means "numbering removed"
    level = numbering.find(f"{{{_W}}}ilvl")
    return int(level.get(f"{{{_W}}}val", "0")) + 1 if level is not None else 1


def _cell_grid(table) -> list[list]:
    """The table's rows over its layout grid, each cell in the first position it covers and
    None in the others (across a merge, below a vertical one, before or after a short row)."""
    from docx.table import _Cell

    grid = []
    for row in table.rows:
        cells: list = [None] * min(row.grid_cols_before, _MAX_COLUMNS)
        for tc in row._tr.tc_lst:
            # A cell continuing the one above is empty; if a damaged file puts text in it
            # anyway (even in the first row, where python-docx gives up), the text is kept.
            shown = tc.vMerge != "continue" or _runs_text(tc).strip()
            cells.append(_Cell(tc, table) if shown else None)
            cells.extend([None] * (min(tc.grid_span, _MAX_COLUMNS) - 1))
        grid.append(cells)
    width = max(map(len, grid), default=0)
    return [cells + [None] * (width - len(cells)) for cells in grid]


def _cell_lines(container) -> Iterator[str]:
    """The lines of a cell's paragraphs, nested tables' cells included, in reading order."""
    from docx.table import Table

    for item in _block_items(container, container._tc):
        if isinstance(item, Table):
            for row in _cell_grid(item):
                for cell in row:
                    if cell:
                        yield from _cell_lines(cell)
        else:
            yield from _tidy_lines(_runs_text(item._p)).splitlines()


def _cell_text(cell) -> str:
    """A cell as one line: a table cell's text holds no tab or line break."""
    return " ".join(_cell_lines(cell))


# A Vietnamese official document's letterhead, often laid out as a borderless table: the
# issuer, the national name and motto, the number, the place and date, a letter's subject.
# A small local check, meant to give way to the legal module's patterns.
_VIETNAMESE_MOTTO = re.compile(
    r"^(?:cộng (?:hòa|hoà) xã hội chủ nghĩa việt nam|độc lập\s*[-–—]\s*tự do\s*[-–—]\s*hạnh phúc)$"
)
_DOCUMENT_NUMBER = re.compile(r"^số\s*:")
_PLACE_AND_DATE = re.compile(r"\bngày\b.*\btháng\b.*\bnăm\b")
_LETTER_SUBJECT = re.compile(r"^v/v\b")
_RULE_LINE = re.compile(r"^[-_–—=*.~\s]+$")  # a line drawn with characters under the motto
_MAX_ISSUER_CHARS = 100
# A letterhead grid is small: two columns (three with a spacer) of a few rows.
_LETTERHEAD_MAX_ROWS, _LETTERHEAD_MAX_COLUMNS = 6, 4


def _letterhead_lines(grid: list[list]) -> list[str]:
    """The lines of a table that is a letterhead, its drawn rules left out; [] for others."""
    if len(grid) > _LETTERHEAD_MAX_ROWS or any(len(row) > _LETTERHEAD_MAX_COLUMNS for row in grid):
        return []
    lines = [line for row in grid for cell in row if cell for line in _cell_lines(cell)]
    if not _is_letterhead(lines):
        return []
    return [line for line in lines if not _RULE_LINE.match(line)]


def _is_letterhead(lines: list[str]) -> bool:
    """Lines made only of letterhead lines, with the motto or a document number among them."""
    folded = [unicodedata.normalize("NFC", line).casefold() for line in lines]
    return any(
        _VIETNAMESE_MOTTO.match(line) or _DOCUMENT_NUMBER.match(line) for line in folded
    ) and all(
        _is_letterhead_line(line, original) for line, original in zip(folded, lines, strict=True)
    )


def _is_letterhead_line(folded: str, line: str) -> bool:
    issuer = line.isupper() and len(line) <= _MAX_ISSUER_CHARS  # "BỘ TÀI CHÍNH", "CHÍNH PHỦ"
    return bool(
        issuer
        or _RULE_LINE.match(folded)
        or _VIETNAMESE_MOTTO.match(folded)
        or _DOCUMENT_NUMBER.match(folded)
        or _PLACE_AND_DATE.search(folded)
        or _LETTER_SUBJECT.match(folded)
    )


def _footnotes(archive: zipfile.ZipFile, path: Path) -> list[str]:
    """python-docx does not read footnotes: their text comes from word/footnotes.xml."""
    if "word/footnotes.xml" not in archive.namelist():
        return []
    root = parse_xml(read_member(archive, "word/footnotes.xml", path), "word/footnotes.xml", path)
    notes = []
    for note in root.iterfind(f"{{{_W}}}footnote"):
        if note.get(f"{{{_W}}}type") in (
            "separator",
            "continuationSeparator",
            "continuationNotice",
        ):
            continue
        paragraphs = [
            "".join(text.text or "" for text in paragraph.iter(f"{{{_W}}}t"))
            for paragraph in note.iterfind(f"{{{_W}}}p")
        ]
        text = " ".join(" ".join(paragraphs).split())
        if text:
            notes.append(text)
    return notes
