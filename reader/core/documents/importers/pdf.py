"""PDF with a text layer, read with pypdfium2 (PDFium, Apache/BSD).

PDFium gives each character with its box, baseline, font size and font in reading order, from C
(pdfminer.six, under pdfplumber, would interpret every content stream in Python: a 500-page PDF
must read in seconds). This module turns them into lines: superscripts
told apart by their size and raised baseline (a unit's `m2` → `m²`, a note reference → `¹¹`), wide
gaps kept as cell boundaries (contents pages, tables), weight and fixed pitch read from the font.
`pdflayout` rebuilds the blocks from those lines. Pages without a text layer (scans) are
OCR'd (`reader.core.ocr.pdf`).
"""

from __future__ import annotations

import bisect
import ctypes
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from reader.core.documents.importers.archive import one_line
from reader.core.documents.importers.base import RawDocument
from reader.core.documents.importers.pdflayout import WORD_BREAKS, Cell, Line, build_document
from reader.core.errors import InputError

_SCRIPT_RATIO = 0.8  # a superscript or subscript is set this much smaller than its line
_CELL_GAP = 2.5  # a gap this many font sizes wide separates cells (columns, contents' pages)
# A line's weight and pitch matter only as those of most of its characters, and looking up the
# font of every character would take half the reading time: every fourth is looked up.
_FONT_SAMPLING = 4
_RULE_WIDTH = 3.0  # points: a vertical path thinner than this is a rule (a table border)
_WORD_GAP = 0.15  # a gap this many font sizes wide, where the PDF has no space, is one
_UNIT_BEFORE_POWER = re.compile(r"(?:^|[\d\s,.(/])[kcdmµμ]?m$")  # m², cm³, km²
_SUPERSCRIPT = str.maketrans("0123456789+-=()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾")
_SUBSCRIPT = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_ITALIC_NAME = re.compile(r"italic|oblique", re.IGNORECASE)
_MONO_NAME = re.compile(r"mono|courier|consol|menlo|typewriter|fixed|\bcode", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _FontStyle:
    bold: bool = False
    italic: bool = False
    mono: bool = False  # fixed pitch


_PLAIN = _FontStyle()


@dataclass(slots=True)
class _Glyph:
    char: str
    left: float  # the box of the glyph's advance, from the font's descent to its ascent
    right: float
    bottom: float
    top: float
    baseline: float
    size: float
    style: _FontStyle
    visible: bool  # drawn: not a space (PDFium's own spaces are of size 1)


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
        return build_document(pages, title)


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


def _read_lines(path: Path) -> tuple[list[list[Line]], str | None, int]:
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


def _page_lines(page, number: int) -> list[Line]:
    rules = _vertical_rules(page)
    textpage = page.get_textpage()
    try:
        rows = _rows(_GlyphReader(textpage).glyphs())
        return [line for row in rows if (line := _line(row, number, rules)) is not None]
    finally:
        textpage.close()


def _vertical_rules(page) -> list[tuple[float, float, float]]:
    """The page's vertical rules as (x, bottom, top): thin upright paths, the way the borders
    between a table's cells are drawn."""
    import pypdfium2.raw as pdfium_c

    rules = []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for index in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, index)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        if right.value - left.value < _RULE_WIDTH < (top.value - bottom.value) / 2:
            rules.append(((left.value + right.value) / 2, bottom.value, top.value))
    return rules


def _rows(glyphs) -> list[list[_Glyph]]:
    """The glyphs in PDFium's lines, joined again where PDFium broke one visual line: at a
    superscript, whose raised baseline it takes for a new line."""
    rows: list[list[_Glyph]] = [[]]
    for glyph in glyphs:
        if glyph.char in "\r\n":
            if rows[-1]:
                rows.append([])
        else:
            if rows[-1] and _starts_new_line(rows[-1][-1], glyph):
                rows.append([])
            rows[-1].append(glyph)
    merged: list[list[_Glyph]] = []
    for row in filter(None, rows):
        if merged and _same_row(merged[-1], row):
            merged[-1].extend(row)
        else:
            merged.append(row)
    return merged


def _same_row(previous: list[_Glyph], row: list[_Glyph]) -> bool:
    """Whether `row` goes on to the right of `previous`, their boxes overlapping in height."""
    before = [glyph for glyph in previous if glyph.visible]
    after = [glyph for glyph in row if glyph.visible]
    if not before or not after or after[0].left < before[-1].right - 1:
        return False
    top = min(max(g.top for g in before), max(g.top for g in after))
    bottom = max(min(g.bottom for g in before), min(g.bottom for g in after))
    smaller = min(max(g.size for g in before), max(g.size for g in after))
    return top - bottom > 0.5 * smaller


class _GlyphReader:
    """A text page's characters with their geometry and font, one C call per property; a font
    is described once, by its name."""

    def __init__(self, textpage):
        self.textpage = textpage
        self.fonts: dict[tuple[bytes, int, bool], _FontStyle] = {}  # by name, flags, weight
        self.origin = [ctypes.c_double() for _ in range(2)]
        self.name = ctypes.create_string_buffer(128)
        self.flags = ctypes.c_int()

    def glyphs(self):
        import pypdfium2.raw as pdfium_c

        raw = self.textpage.raw
        box = pdfium_c.FS_RECTF()
        box_ref = ctypes.byref(box)
        x, y = self.origin
        x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
        style = _PLAIN
        next_lookup = 0
        placed = (0.0, 0.0)  # the size and box bottom of the last character whose origin was read
        for index in range(pdfium_c.FPDFText_CountChars(raw)):
            char = chr(pdfium_c.FPDFText_GetUnicode(raw, index))
            pdfium_c.FPDFText_GetLooseCharBox(raw, index, box_ref)
            size = pdfium_c.FPDFText_GetFontSize(raw, index)
            if (size, box.bottom) != placed:
                # The same size on the same box bottom stands on the same baseline: the origin,
                # a fifth of the reading time, is read only where one of them changes.
                pdfium_c.FPDFText_GetCharOrigin(raw, index, x_ref, y_ref)
                placed = (size, box.bottom)
            space = char.isspace()
            if index >= next_lookup:
                style = self._font(raw, index)
                # A space may be PDFium's own, without a font: the next character tells.
                next_lookup = index + (1 if space else _FONT_SAMPLING)
            yield _Glyph(
                char,
                box.left,
                box.right,
                box.bottom,
                box.top,
                y.value,
                size,
                style,
                not space and size > 1.5,
            )

    def _font(self, raw, index: int) -> _FontStyle:
        import pypdfium2.raw as pdfium_c

        pdfium_c.FPDFText_GetFontInfo(raw, index, self.name, len(self.name), self.flags)
        key = (
            self.name.value,
            self.flags.value,
            pdfium_c.FPDFText_GetFontWeight(raw, index) >= 600,
        )
        if key not in self.fonts:
            self.fonts[key] = _font_style(*key)
        return self.fonts[key]


def _font_style(name: bytes, flags: int, heavy: bool) -> _FontStyle:
    """A font's style from its descriptor's flags (FixedPitch 1, Italic 64) and weight, or its
    name ("Times New Roman,BoldItalic", "Courier"), which a PDF without descriptor still gives."""
    text = name.decode("latin-1")
    return _FontStyle(
        bold=heavy or bool(_BOLD_NAME.search(text)),
        italic=bool(flags & 64) or bool(_ITALIC_NAME.search(text)),
        mono=bool(flags & 1) or bool(_MONO_NAME.search(text)),
    )


def _starts_new_line(previous: _Glyph, glyph: _Glyph) -> bool:
    """PDFium omits the line break after a soft hyphen: a jump down and back left is one."""
    return (
        previous.char in WORD_BREAKS and glyph.left < previous.left and glyph.top < previous.bottom
    )


def _line(glyphs: list[_Glyph], page: int, rules: list[tuple[float, float, float]]) -> Line | None:
    visible = [glyph for glyph in glyphs if glyph.visible]
    if not visible:
        return None
    size = Counter(glyph.size for glyph in visible).most_common(1)[0][0]  # a font size, exactly
    body = [glyph for glyph in visible if abs(glyph.size - size) < 0.5]
    baseline = statistics.median(glyph.baseline for glyph in body)
    crossing = sorted(x for x, bottom, top in rules if bottom <= baseline <= top)
    cells, refs, note_mark = _LineText(size, baseline, crossing).build(glyphs)
    if not cells:
        return None
    return Line(
        page=page,
        cells=cells,
        top=max(glyph.top for glyph in visible),
        bottom=min(glyph.bottom for glyph in visible),
        baseline=baseline,
        size=size,
        bold=sum(glyph.style.bold for glyph in body) >= 0.8 * len(body),
        italic=sum(glyph.style.italic for glyph in body) >= 0.8 * len(body),
        mono=sum(glyph.style.mono for glyph in body) >= 0.8 * len(body),
        refs=refs,
        note_mark=note_mark,
    )


class _LineText:
    """A line's text in cells, with its superscripts rewritten: a power after a unit becomes
    `²`, a note reference becomes superscript digits (kept, not `[11]`: court precedents number
    their paragraphs `[1]`, `[2]`), and a raised number opening the line marks a footnote."""

    def __init__(self, size: float, baseline: float, rules: list[float]):
        self.size = size
        self.baseline = baseline
        self.rules = rules  # the x of the vertical rules crossing the line, left to right
        self.cells: list[Cell] = []
        self.refs: list[str] = []
        self.note_mark: str | None = None
        self.chars: list[str] = []
        self.left: float | None = None  # where the current cell starts, once it has a glyph
        self.right = 0.0

    def build(self, glyphs: list[_Glyph]) -> tuple[tuple[Cell, ...], tuple[str, ...], str | None]:
        for script, run in _runs(glyphs, self._script):
            if script:
                visible = [glyph for glyph in run if glyph.visible]
                self._add(self._rewritten(script, "".join(g.char for g in run)), visible[0])
                self.right = max(glyph.right for glyph in visible)
            else:
                for glyph in run:
                    self._add(glyph.char, glyph)
        self._close_cell()
        return tuple(self.cells), tuple(self.refs), self.note_mark

    def _add(self, text: str, glyph: _Glyph) -> None:
        """Appends `text`, drawn at `glyph`: after a wide gap in a new cell, after a narrow one
        with a space if the PDF has none."""
        if glyph.visible:
            gap = glyph.left - self.right
            if self.left is not None and (
                gap > _CELL_GAP * self.size or self._ruled_off(self.right, glyph.left)
            ):
                self._close_cell()
            elif self.left is not None and gap > _WORD_GAP * self.size and self.chars[-1] != " ":
                self.chars.append(" ")
            if self.left is None:
                self.left = glyph.left
            self.right = glyph.right
        self.chars.append(text)

    def _ruled_off(self, left: float, right: float) -> bool:
        """Whether a vertical rule stands between `left` and `right`: a table's cell border."""
        if not self.rules:
            return False
        index = bisect.bisect_right(self.rules, left - 0.5)
        return index < len(self.rules) and self.rules[index] < right + 0.5

    def _script(self, glyph: _Glyph) -> str:
        """ "sup", "sub" or "" (on the line) for a glyph; a space goes with the line."""
        if not glyph.visible or glyph.size >= _SCRIPT_RATIO * self.size:
            return ""
        if glyph.baseline > self.baseline + 0.15 * self.size:
            return "sup"
        return "sub" if glyph.baseline < self.baseline - 0.1 * self.size else ""

    def _rewritten(self, script: str, text: str) -> str:
        if script == "sub" and text.isdigit():
            return text.translate(_SUBSCRIPT)
        if script != "sup" or not (text.isdigit() or set(text) == {"*"}):
            return text
        before = "".join(self.chars)
        if not before.strip() and not self.cells:
            self.note_mark = text  # "¹Án lệ này…" at a page's foot: note 1
            return text + " "
        if text in ("2", "3") and _UNIT_BEFORE_POWER.search(before):
            return text.translate(_SUPERSCRIPT)
        self.refs.append(text)
        return text.translate(_SUPERSCRIPT)

    def _close_cell(self) -> None:
        text = " ".join("".join(self.chars).split())
        if text and self.left is not None:
            self.cells.append(Cell(text, self.left, self.right))
        self.chars.clear()
        self.left = None


def _runs(glyphs: list[_Glyph], key):
    """Consecutive glyphs of the same script; spaces and letters do not split a run of visible
    glyphs with the same key, since only visible glyphs have one."""
    run: list[_Glyph] = []
    current = ""
    for glyph in glyphs:
        script = key(glyph)
        if run and script != current:
            yield current, run
            run = []
        current = script
        run.append(glyph)
    if run:
        yield current, run
