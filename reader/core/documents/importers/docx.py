"""Word documents (.docx) with python-docx: paragraphs, headings, list items, captions,
quotations and table cells in document order, then the footnotes.

The zip is checked for bombs before python-docx unpacks it (it loads every part into memory).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from reader.core.documents.importers.archive import (
    ZIP_ERRORS,
    one_line,
    open_zip,
    parse_xml,
    read_member,
)
from reader.core.documents.importers.base import RawBlock, RawDocument, register_importer
from reader.core.documents.model import BlockKind
from reader.core.errors import InputError

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_HEADING_STYLE = re.compile(r"^(?:heading|überschrift|titre|título|tiêu đề)\s*(\d)$", re.IGNORECASE)
# Style names (lower case) of Word's built-in styles and of pandoc's reference.docx.
_CAPTION_STYLES = {"caption", "image caption", "table caption", "figure caption"}
_QUOTE_STYLES = {"quote", "intense quote", "block text"}
_CODE_STYLES = {"source code", "html preformatted", "code"}
_LIST_STYLES = ("list",)  # "List Paragraph", "List Bullet 2", "List Number"...


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
        with open_zip(path, "DOCX") as archive:
            if "word/document.xml" not in archive.namelist():
                raise InputError(path, "not a DOCX document (no word/document.xml inside)")
            footnotes = _footnotes(archive, path)
        return _read_docx_safely(path, footnotes)


def _read_docx_safely(path: Path, footnotes: list[str]) -> RawDocument:
    """python-docx has no single error type for a damaged part: a broken XML part, a missing
    relationship target or an odd style surface as these."""
    from docx.exceptions import PythonDocxError
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError

    try:
        return _read_docx(path, footnotes)
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


def _read_docx(path: Path, footnotes: list[str]) -> RawDocument:
    import docx
    from docx.table import Table

    document = docx.Document(str(path))
    blocks: list[RawBlock] = []
    toc: list[tuple[int, str, int]] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            blocks.extend(_table_cells(item))
            continue
        block = _paragraph_block(item)
        if block is None:
            continue
        if block.kind is BlockKind.HEADING:
            toc.append((block.level, block.text, len(blocks)))
        blocks.append(block)
    blocks.extend(RawBlock(BlockKind.FOOTNOTE, text) for text in footnotes)
    title = (document.core_properties.title or "").strip() or next(
        (block.text for block in blocks if block.kind is BlockKind.HEADING), None
    )
    language = (document.core_properties.language or "").split("-")[0].lower() or None
    return RawDocument(blocks=blocks, title=title, language_hint=language, toc=toc)


def _paragraph_block(paragraph) -> RawBlock | None:
    text = " ".join(paragraph.text.split())
    if not text:
        return None
    style = (paragraph.style.name if paragraph.style is not None else "").strip().lower()
    heading = _HEADING_STYLE.match(style)
    if style == "title":
        return RawBlock(BlockKind.HEADING, text, 1)
    if heading:
        return RawBlock(BlockKind.HEADING, text, min(int(heading.group(1)), 6))
    outline = _outline_level(paragraph)
    if outline is not None:
        return RawBlock(BlockKind.HEADING, text, outline)
    list_level = _list_level(paragraph)
    if list_level or style.startswith(_LIST_STYLES):
        return RawBlock(BlockKind.LIST_ITEM, text, list_level or 1)
    if style in _CAPTION_STYLES:
        return RawBlock(BlockKind.CAPTION, text)
    if style in _QUOTE_STYLES:
        return RawBlock(BlockKind.QUOTE, text)
    if style in _CODE_STYLES:
        return RawBlock(BlockKind.CODE, paragraph.text)
    return RawBlock(BlockKind.PARAGRAPH, text)


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


def _outline_level(paragraph) -> int | None:
    """Headings made by direct formatting: an outline level on the paragraph itself."""
    outline = paragraph._p.find(f"{{{_W}}}pPr/{{{_W}}}outlineLvl")
    if outline is None:
        return None
    level = int(outline.get(f"{{{_W}}}val", "9"))
    return level + 1 if level < 6 else None


def _table_cells(table) -> list[RawBlock]:
    """One block per cell, row by row; a merged cell (repeated by python-docx) once."""
    blocks, seen = [], set()
    for row in table.rows:
        for cell in row.cells:
            if cell._tc in seen:  # lxml keeps one proxy per element while it is referenced
                continue
            seen.add(cell._tc)
            text = " ".join(" ".join(p.text for p in cell.paragraphs).split())
            if text:
                blocks.append(RawBlock(BlockKind.TABLE_CELL, text))
    return blocks


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


register_importer(DocxImporter())
