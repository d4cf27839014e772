"""PDF with a text layer, read with pypdfium2 (PDFium, Apache/BSD).

PDFium gives characters with their boxes and font sizes in reading order; the layout is
rebuilt from them: lines → running headers, footers and page numbers removed (found by their
place in the margins and their repetition across pages) → paragraphs (by vertical gaps, short
last lines, font changes and bullets, joined across page breaks) → headings (by font size).
Words hyphenated at a line end are joined again. Pages without a text layer (scans) are OCR'd
(`reader.core.ocr.pdf`).
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.documents.importers.archive import one_line
from reader.core.documents.importers.base import RawBlock, RawDocument, register_importer
from reader.core.documents.model import BlockKind
from reader.core.errors import InputError

_SOFT_HYPHENS = ("\ufffe", "\u00ad", "\x02")  # PDFium's and Unicode's marks of a line-end hyphen
_HYPHENS = ("-", "\u2010")
_BULLET = re.compile(r"^\s*([•▪●◦■□➢►‣∙·–—-]|\d{1,3}[.)]|[a-zđ][.)])\s+", re.IGNORECASE)
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*)?(?:(?:page|trang|seite|p\.)\s*)?(\d{1,4}|[ivxlc]{1,6})"
    r"(?:\s*(?:/|of|trên|von)\s*\d{1,4})?(?:\s*[-–—])?\s*$",
    re.IGNORECASE,
)
_TERMINAL = tuple(".!?:;…”\"')»")
_MARGIN_SHARE = 0.12  # running headers and footers sit in the top or bottom 12% of a page
_HEADING_RATIO = 1.15  # a paragraph this much larger than the body text is a heading
_INDENT_TOLERANCE = 4.0  # points
_SUPERSCRIPT_RATIO = 0.75  # footnote marks: much smaller than the line's text


@dataclass
class _Line:
    page: int
    text: str
    left: float
    right: float
    top: float
    bottom: float
    size: float

    @property
    def height(self) -> float:
        return self.top - self.bottom


@dataclass
class _Paragraph:
    lines: list[_Line] = field(default_factory=list)

    @property
    def size(self) -> float:
        return statistics.median(line.size for line in self.lines)

    def text(self) -> str:
        out = ""
        for line in self.lines:
            text = line.text.strip()
            if not out:
                out = text
            elif out.endswith(_SOFT_HYPHENS):
                out = out[:-1] + text
            elif out.endswith(_HYPHENS) and out[-2:-1].isalpha() and text[:1].islower():
                out = out[:-1] + text  # "hyphen-" + "ated": a word split by a hard hyphen
            elif out.endswith(_HYPHENS):
                out += text  # "2020-" + "2025"
            else:
                out += " " + text
        return out


class PdfImporter:
    name = "pdf"
    extensions = (".pdf",)

    def sniff(self, path: Path, head: bytes) -> bool:
        return b"%PDF-" in head[:1024]

    def read(self, path: Path) -> RawDocument:
        from reader.core.ocr.pdf import read_with_ocr

        return read_with_ocr(path, self.read_text_layer)

    def read_text_layer(self, path: Path) -> RawDocument:
        pages, title, damaged = _read_lines(path)
        if not any(line.text.strip() for page in pages for line in page):
            if damaged:
                raise InputError(path, f"damaged PDF: {damaged} page(s) could not be read")
            raise InputError(path, "the PDF has no text (no text layer, no scanned page)")
        lines = _drop_running_heads_and_page_numbers(pages)
        paragraphs = _paragraphs(lines)
        return _blocks(paragraphs, title_hint=title)


def _open(path: Path):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise InputError(
                path, "the PDF is encrypted with a password; remove it and try again"
            ) from error
        raise InputError(path, f"not a valid PDF ({one_line(error)})") from error


def _metadata_title(document) -> str | None:
    """The Title entry, if it can be read: damaged metadata must not cost the document."""
    try:
        title = document.get_metadata_dict().get("Title") or ""
    except (UnicodeDecodeError, ValueError):
        return None
    return title.strip() or None


def _read_lines(path: Path) -> tuple[list[list[_Line]], str | None, int]:
    """Each page's lines, the title the file's metadata gives (if any), and how many pages
    were too damaged to read: the others are still worth reading."""
    import pypdfium2 as pdfium

    document = _open(path)
    try:
        title = _metadata_title(document)
        pages, damaged = [], 0
        for number in range(len(document)):
            try:
                page = document[number]
            except pdfium.PdfiumError:
                damaged += 1
                continue
            try:
                pages.append(_page_lines(page, number))
            except pdfium.PdfiumError:
                damaged += 1
            finally:
                page.close()
        return pages, title, damaged
    finally:
        document.close()


def _page_lines(page, number: int) -> list[_Line]:
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        lines: list[_Line] = []
        chars: list[tuple[str, tuple[float, float, float, float], float]] = []
        for index in range(textpage.count_chars()):
            char = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index))
            if char in "\r\n":
                _close_line(lines, chars, number)
                continue
            box = textpage.get_charbox(index)
            size = pdfium_c.FPDFText_GetFontSize(textpage.raw, index)
            if chars and _starts_new_line(chars, box):
                _close_line(lines, chars, number)
            chars.append((char, box, size))
        _close_line(lines, chars, number)
        return lines
    finally:
        textpage.close()


def _starts_new_line(chars, box) -> bool:
    """PDFium omits the line break after a soft hyphen: a jump down and back left is one."""
    previous_char, previous_box, _previous_size = chars[-1]
    return previous_char in _SOFT_HYPHENS and box[0] < previous_box[0] and box[3] < previous_box[1]


def _close_line(lines: list[_Line], chars: list, page: int) -> None:
    visible = [(char, box, size) for char, box, size in chars if not char.isspace()]
    if visible:
        line_size = max(size for _, _, size in visible)
        # Footnote reference marks are superscripts: much smaller than the line's text.
        kept = [c for c in chars if c[2] >= _SUPERSCRIPT_RATIO * line_size or c[0].isspace()]
        text = "".join(char for char, _, _ in kept)
        boxes = [box for char, box, _ in visible]
        lines.append(
            _Line(
                page=page,
                text=text,
                left=min(box[0] for box in boxes),
                right=max(box[2] for box in boxes),
                top=max(box[3] for box in boxes),
                bottom=min(box[1] for box in boxes),
                size=statistics.median(size for _, _, size in visible),
            )
        )
    chars.clear()


# --- Page furniture ----------------------------------------------------------------------------


def _drop_running_heads_and_page_numbers(pages: list[list[_Line]]) -> list[_Line]:
    """A line in a page's top or bottom margin zone goes if it is a page number, or if the same
    text (digits aside) stands in the margins of at least half of the pages."""
    page_top = max((line.top for page in pages for line in page), default=0)
    page_bottom = min((line.bottom for page in pages for line in page), default=0)
    zone = (page_top - page_bottom) * _MARGIN_SHARE
    in_margin = [
        [line for line in page if line.top > page_top - zone or line.bottom < page_bottom + zone]
        for page in pages
    ]
    repeated = Counter(
        key for page in in_margin for key in {_furniture_key(line.text) for line in page}
    )
    threshold = max(2, (len(pages) + 1) // 2)
    kept = []
    for page, margin_lines in zip(pages, in_margin, strict=True):
        margin_ids = {id(line) for line in margin_lines}
        for line in page:
            is_furniture = id(line) in margin_ids and (
                _PAGE_NUMBER.match(line.text) or repeated[_furniture_key(line.text)] >= threshold
            )
            if not is_furniture:
                kept.append(line)
    return kept


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split()).lower())


# --- Paragraphs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    body_size: float  # the font size of most of the text
    gap: float  # the usual baseline distance between the lines of a body paragraph
    left: float
    right: float


def _paragraphs(lines: list[_Line]) -> list[_Paragraph]:
    if not lines:
        return []
    body_size = _body_size(lines)
    body_lines = [line for line in lines if abs(line.size - body_size) < 0.5] or lines
    layout = _Layout(
        body_size=body_size,
        gap=_typical_line_gap(body_lines),
        left=min(line.left for line in body_lines),
        right=max(line.right for line in body_lines),
    )
    paragraphs = [_Paragraph([lines[0]])]
    for previous, line in itertools.pairwise(lines):
        if _continues(previous, line, layout):
            paragraphs[-1].lines.append(line)
        else:
            paragraphs.append(_Paragraph([line]))
    return paragraphs


def _body_size(lines: list[_Line]) -> float:
    weights: Counter[float] = Counter()
    for line in lines:
        weights[round(line.size, 1)] += len(line.text)
    return weights.most_common(1)[0][0]


def _typical_line_gap(lines: list[_Line]) -> float:
    """The usual distance between the baselines of consecutive lines of a paragraph."""
    gaps = [
        previous.bottom - line.bottom
        for previous, line in itertools.pairwise(lines)
        if previous.page == line.page and 0 < previous.bottom - line.bottom < 3 * line.size
    ]
    return statistics.median(gaps) if gaps else 1.2 * statistics.median(line.size for line in lines)


def _continues(previous: _Line, line: _Line, layout: _Layout) -> bool:
    """Whether `line` goes on with the paragraph that `previous` ends."""
    if abs(previous.size - line.size) > 0.5 or _BULLET.match(line.text):
        return False
    if previous.text.endswith(_SOFT_HYPHENS):
        return True
    ends_short = previous.right < layout.right - 0.12 * (layout.right - layout.left)
    if line.page != previous.page:
        # Across a page break only the line's length tells: a full line goes on overleaf.
        return not ends_short
    distance = previous.bottom - line.bottom
    if distance <= 0 or distance > 1.35 * layout.gap * line.size / layout.body_size:
        return False  # a blank line's worth of space, or a jump up (a new column)
    # A short last line ends a body paragraph; a wrapped heading's lines are all short.
    return not ends_short or line.size >= _HEADING_RATIO * layout.body_size


# --- Blocks ------------------------------------------------------------------------------------


def _blocks(paragraphs: list[_Paragraph], title_hint: str | None) -> RawDocument:
    body_size = _body_size([line for paragraph in paragraphs for line in paragraph.lines])
    heading_sizes = sorted(
        {round(p.size, 1) for p in paragraphs if p.size >= _HEADING_RATIO * body_size}, reverse=True
    )
    list_indents = _list_indents(paragraphs)
    blocks: list[RawBlock] = []
    toc: list[tuple[int, str, int]] = []
    for paragraph in paragraphs:
        text = " ".join(paragraph.text().split())
        if not text:
            continue
        size = round(paragraph.size, 1)
        if size in heading_sizes and len(text) < 300:
            level = min(heading_sizes.index(size) + 1, 6)
            toc.append((level, text, len(blocks)))
            blocks.append(RawBlock(BlockKind.HEADING, text, level))
        elif (bullet := _BULLET.match(text)) is not None:
            marker = bullet.group(1)
            item_text = text[bullet.end() :] if not marker[0].isalnum() else text
            level = _list_level(paragraph.lines[0].left, list_indents)
            blocks.append(RawBlock(BlockKind.LIST_ITEM, item_text, level))
        elif size < 0.9 * body_size:
            if any(char.isalpha() for char in text):  # not a lone note mark
                blocks.append(RawBlock(BlockKind.FOOTNOTE, text))
        else:
            blocks.append(RawBlock(BlockKind.PARAGRAPH, text))
    title = next((text for level, text, _ in toc if level == 1), None) or title_hint
    return RawDocument(blocks=blocks, title=title, toc=toc)


def _list_indents(paragraphs: list[_Paragraph]) -> list[float]:
    """The distinct left edges of list items, left to right: a nested item sits further in."""
    indents: list[float] = []
    for left in sorted(p.lines[0].left for p in paragraphs if _BULLET.match(p.lines[0].text)):
        if not indents or left - indents[-1] > _INDENT_TOLERANCE:
            indents.append(left)
    return indents


def _list_level(left: float, indents: list[float]) -> int:
    return (
        next(
            (
                level
                for level, indent in enumerate(indents, 1)
                if left - indent <= _INDENT_TOLERANCE
            ),
            len(indents),
        )
        if indents
        else 1
    )


register_importer(PdfImporter())
