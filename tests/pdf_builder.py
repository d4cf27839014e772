"""Test PDFs typeset with PDFium itself (pypdfium2's page-object API) in the DejaVu fonts:
real text objects with real glyph boxes, so the importer sees what a word processor makes.

`Typesetter` lays out pages the way office documents are: a running header and a page number
on every page, paragraphs wrapped at a fixed number of characters with an indented first line,
headings in larger bold type, footnotes in small type under the body, code in a monospaced font,
a contents page with dot leaders. Shared by `tests/test_importer_pdf.py`, `tests/test_pdflayout.py`
and `bench/pdf_layout.py`.
"""

from __future__ import annotations

import ctypes
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

FONTS = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {
    "regular": "DejaVuSerif.ttf",
    "bold": "DejaVuSerif-Bold.ttf",
    "mono": "DejaVuSansMono.ttf",
}
WIDTH, HEIGHT = 595.0, 842.0
LEFT, RIGHT, TOP, BOTTOM = 72.0, 523.0, 770.0, 72.0


def require_fonts() -> None:
    if not all((FONTS / name).exists() for name in FONT_FILES.values()):
        pytest.skip("needs Debian's fonts-dejavu-core")


class PdfBuilder:
    """Pages of positioned text runs and rules, saved as a PDF."""

    def __init__(self) -> None:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c

        require_fonts()
        self._c = pdfium_c
        self.document = pdfium.PdfDocument.new()
        self._font_data = {name: (FONTS / file).read_bytes() for name, file in FONT_FILES.items()}
        self._fonts = {
            name: pdfium_c.FPDFText_LoadFont(
                self.document.raw,
                ctypes.cast(ctypes.c_char_p(data), ctypes.POINTER(ctypes.c_uint8)),
                len(data),
                pdfium_c.FPDF_FONT_TRUETYPE,
                True,
            )
            for name, data in self._font_data.items()
        }
        self._page = None

    def new_page(self) -> None:
        self._finish_page()
        self._page = self._c.FPDFPage_New(self.document.raw, len(self.document), WIDTH, HEIGHT)

    def text(self, x: float, y: float, text: str, size: float = 11, font: str = "regular") -> float:
        """Writes `text` with its baseline at (x, y); returns the x where it ends."""
        obj = self._c.FPDFPageObj_CreateTextObj(self.document.raw, self._fonts[font], size)
        encoded = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
        self._c.FPDFText_SetText(obj, ctypes.cast(encoded, ctypes.POINTER(ctypes.c_ushort)))
        self._c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
        self._c.FPDFPage_InsertObject(self._page, obj)
        left, bottom, right, top = (ctypes.c_float() for _ in range(4))
        self._c.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
        return right.value

    def rule(self, x0: float, y0: float, x1: float, y1: float) -> None:
        path = self._c.FPDFPageObj_CreateNewPath(x0, y0)
        self._c.FPDFPath_LineTo(path, x1, y1)
        self._c.FPDFPath_SetDrawMode(path, 0, True)
        self._c.FPDFPage_InsertObject(self._page, path)

    def save(self, path: Path) -> Path:
        self._finish_page()
        self.document.save(str(path))
        self.document.close()
        return path

    def _finish_page(self) -> None:
        if self._page is not None:
            self._c.FPDFPage_GenerateContent(self._page)
            self._c.FPDF_ClosePage(self._page)
            self._page = None


@dataclass
class Typesetter:
    """Flows paragraphs over pages with running furniture and footnotes."""

    header: str = "Báo cáo thử nghiệm — Bộ Tư pháp"
    size: float = 11
    chars_per_line: int = 78
    builder: PdfBuilder = field(default_factory=PdfBuilder)
    page_number: int = 0
    y: float = 0.0
    notes: list[tuple[str, str]] = field(default_factory=list)  # this page's (number, text)
    notes_set: int = 0  # footnotes typeset so far

    @property
    def leading(self) -> float:
        return 1.25 * self.size

    def start_page(self) -> None:
        if self.page_number:
            self._finish_page()
        self.page_number += 1
        self.builder.new_page()
        if self.header:
            self.builder.text(LEFT, TOP + 30, self.header, 9)
        self.y = TOP

    def heading(self, text: str, size: float = 16) -> None:
        self._room(3 * size)
        self.y -= 0.5 * size
        for line in textwrap.wrap(text, int(self.chars_per_line * self.size / size)):
            self.builder.text(LEFT, self.y, line, size, "bold")
            self.y -= 1.3 * size
        self.y -= 0.3 * size

    def paragraph(self, text: str, notes: dict[str, str] | None = None) -> None:
        """A paragraph; `notes` maps a word of it to the footnote text it cites (the word gets
        a superscript number, the note goes to the foot of the page)."""
        lines = textwrap.wrap(text, self.chars_per_line, initial_indent="    ")
        for index, line in enumerate(lines):
            self._room(self.leading)
            x = LEFT + (18 if index == 0 else 0)
            self._line(x, line.strip(), notes or {})
            self.y -= self.leading
        self.y -= 0.5 * self.size

    def leave_lines(self, count: int) -> None:
        """Skips down the page until only `count` body lines fit on it."""
        self.y = BOTTOM + self._notes_height() + count * self.leading + 1

    def superscript_line(self, before: str, raised: str, after: str) -> None:
        """One line with a raised small run in it (`298,30m` `2` ` đất…`)."""
        self._room(self.leading)
        x = self.builder.text(LEFT, self.y, before, self.size)
        x = self.builder.text(x, self.y + 0.35 * self.size, raised, 0.6 * self.size)
        self.builder.text(x, self.y, " " + after, self.size)
        self.y -= self.leading

    def code(self, text: str) -> None:
        self.y -= 0.5 * self.size
        for line in text.splitlines():
            self._room(self.leading)
            indent = len(line) - len(line.lstrip())
            if line.strip():
                self.builder.text(LEFT + indent * 0.602 * 10, self.y, line.strip(), 10, "mono")
            self.y -= 1.2 * 10
        self.y -= 0.5 * self.size

    def table(
        self, rows: list[tuple[str, ...]], columns: tuple[float, ...], ruled: bool = False
    ) -> None:
        """Rows of cells starting at the `columns` x positions, each cell wrapped to its width;
        `ruled`: with vertical rules between the columns."""
        widths = [b - a for a, b in zip(columns, (*columns[1:], RIGHT), strict=True)]
        self._room(len(rows) * 2 * self.leading)
        top = self.y + self.size
        for row in rows:
            wrapped = [
                textwrap.wrap(cell, max(4, int(w / (0.62 * self.size)) - 2))
                for cell, w in zip(row, widths, strict=True)
            ]
            for depth in range(max(len(lines) for lines in wrapped)):
                self._room(self.leading)
                for x, lines in zip(columns, wrapped, strict=True):
                    if depth < len(lines):
                        self.builder.text(x, self.y, lines[depth], self.size)
                self.y -= self.leading
        if ruled:
            for x in columns[1:]:
                self.builder.rule(x - 4, self.y + 0.5 * self.leading, x - 4, top)
        self.y -= 0.5 * self.size

    def contents(self, entries: list[tuple[str, int]], title: str = "MỤC LỤC") -> None:
        self.heading(title)
        for entry, page in entries:
            self._room(self.leading)
            self.builder.text(LEFT, self.y, f"{entry} " + "." * (70 - len(entry)), self.size)
            self.builder.text(RIGHT - 12, self.y, str(page), self.size)
            self.y -= self.leading

    def finish(self, path: Path) -> Path:
        self._finish_page()
        return self.builder.save(path)

    def _line(self, x: float, line: str, notes: dict[str, str]) -> None:
        for word, note in notes.items():
            if word in line and note not in (text for _, text in self.notes):
                number = str(sum(1 for _ in self.notes) + 1 + 10 * self.page_number)
                before, after = line.split(word, 1)
                x = self.builder.text(x, self.y, before + word, self.size)
                x = self.builder.text(x, self.y + 0.35 * self.size, number, 0.6 * self.size)
                self.notes.append((number, note))
                self.notes_set += 1
                line = after
        if line:
            self.builder.text(x + (1 if x > LEFT + 18 else 0), self.y, line, self.size)

    def _room(self, height: float) -> None:
        if not self.page_number or self.y - height < BOTTOM + self._notes_height():
            self.start_page()

    def _notes_height(self) -> float:
        return len(self.notes) * 1.3 * 8 + 20

    def _finish_page(self) -> None:
        y = BOTTOM + 10 + len(self.notes) * 10.4
        if self.notes:
            self.builder.rule(LEFT, y + 12, LEFT + 150, y + 12)
        for number, note in self.notes:
            x = self.builder.text(LEFT, y + 3, number, 5)
            self.builder.text(x + 1, y, note, 8)
            y -= 10.4
        self.notes = []
        self.builder.text((LEFT + RIGHT) / 2, BOTTOM - 20, str(self.page_number), 9)
