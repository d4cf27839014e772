"""Bilingual PDF and printing: Qt's rich text lays out the core's print page
(`reader.core.export.print_html`: both languages, tables as tables, highlights and notes) and
paginates it with page numbers; QPdfWriter embeds the fonts it used.

The CLI calls `export_pdf` too: `ensure_gui_application` gives it the QGuiApplication that text
layout needs, offscreen when there is no display.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QGuiApplication,
    QPageSize,
    QPdfWriter,
    QTextDocument,
)

from reader import __version__
from reader.core.documents import Document
from reader.core.export import Bilingual, ProgressCallback, bilingual, full_title, print_html
from reader.core.files import writing
from reader.core.notes.service import Annotation
from reader.core.translate.service import TranslationService

# Families known to draw every Vietnamese letter (stacked diacritics: ặ, ỗ, ữ) well; any other
# installed family that says it covers Vietnamese comes after them.
PREFERRED_FAMILIES = ("DejaVu Serif", "Noto Serif", "Liberation Serif", "DejaVu Sans", "Noto Sans")
BODY_POINTS = 10
PAGE_SIZE = QPageSize.PageSizeId.A4


def ensure_gui_application() -> QGuiApplication:
    """The running application, or a new one (offscreen without a display: a terminal, CI)."""
    existing = QGuiApplication.instance()
    if existing is not None:
        return existing
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QGuiApplication([])


def export_pdf(
    service: TranslationService,
    document: Document,
    to_code: str,
    output: Path,
    *,
    layout: str = "side-by-side",
    annotations: Iterable[Annotation] = (),
    on_progress: ProgressCallback | None = None,
) -> Path:
    """`reader.core.export.export_document`, as a PDF."""
    output = Path(output)
    content = bilingual(service, document, to_code, output, layout, annotations, on_progress)
    write_pdf(content, layout, output)
    return output


def write_pdf(content: Bilingual, layout: str, output: Path) -> None:
    page = text_document(content, layout)
    with writing(output) as partial:
        writer = QPdfWriter(str(partial))
        writer.setPageSize(QPageSize(PAGE_SIZE))
        writer.setTitle(full_title(content))
        writer.setCreator(f"Bilingual Reader {__version__}")
        page.print_(writer)  # paginates a copy, 2 cm margins, page numbers at the foot
        del writer  # the file is complete once the writer is gone, before it is moved in place


def text_document(content: Bilingual, layout: str) -> QTextDocument:
    page = QTextDocument()
    page.setDefaultFont(QFont(vietnamese_family(), BODY_POINTS))
    page.setHtml(print_html(content, layout))
    return page


def vietnamese_family() -> str:
    """A font family with Vietnamese: a fallback font chosen glyph by glyph would mix faces
    inside a word and may place the tone marks apart from their letters."""
    families = QFontDatabase.families(QFontDatabase.WritingSystem.Vietnamese)
    for family in PREFERRED_FAMILIES:
        if family in families:
            return family
    return families[0] if families else QFont().defaultFamily()
