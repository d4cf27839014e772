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

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QGuiApplication,
    QPageSize,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtWidgets import QWidget

from reader import __version__
from reader.app.dialogs import ExportDialog
from reader.app.workers import error_message
from reader.core.documents import Document
from reader.core.export import (
    Bilingual,
    ProgressCallback,
    bilingual,
    default_export_folder,
    full_title,
    print_html,
)
from reader.core.files import writing
from reader.core.notes.service import Annotation, list_annotations
from reader.core.translate.service import TranslationService

# Families known to draw every Vietnamese letter (stacked diacritics: ặ, ỗ, ữ) well; any other
# installed family that says it covers Vietnamese comes after them.
PREFERRED_FAMILIES = ("DejaVu Serif", "Noto Serif", "Liberation Serif", "DejaVu Sans", "Noto Sans")
BODY_POINTS = 10
PAGE_SIZE = QPageSize.PageSizeId.A4
PDF = "pdf"
PDF = "pdf"


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


class PdfExportDialog(ExportDialog):
    """File ▸ Export as PDF…: the export dialog, its format fixed to PDF."""

    def __init__(self, suggested: Path, parent: QWidget | None = None):
        super().__init__(suggested, parent)
        self.setWindowTitle("Export bilingual PDF")
        self.format_box.clear()
        self.format_box.addItem("PDF", PDF)
        self.format_box.setEnabled(False)


class PrintController(QObject):
    """The window's PDF export and printing: the translation (what is missing of it) and the
    PDF in a worker; the print dialog and the printing on the GUI thread, as Qt requires.
    `window` gives `opened`, `context`, `workers` and `statusBar()` (the main window)."""

    finished = Signal(object)  # the PDF's Path, True once printed, or an error message

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.busy = False

    def export_pdf(self) -> None:
        opened = self._opened()
        if opened is None:
            return
        source = opened.document.source_path
        stem = (source.stem if source is not None else "document") + f".{opened.target_language}"
        dialog = PdfExportDialog(default_export_folder(source) / f"{stem}.pdf", self.window)
        if dialog.exec() == PdfExportDialog.DialogCode.Accepted:
            output, _format, layout = dialog.values()
            self.write_pdf(output, layout)

    def write_pdf(self, output: Path, layout: str = "side-by-side") -> None:
        opened = self._opened()
        if opened is None:
            return
        self._begin(f"Exporting {output.name}…")
        context = self.window.context
        self.window.workers.submit(
            lambda: export_pdf(
                context.service(),
                opened.document,
                opened.target_language,
                output,
                layout=layout,
                annotations=list_annotations(context.database(), opened.document_id),
            ),
            self._pdf_written,
            self._failed,
        )

    def print_document(self, layout: str = "side-by-side") -> None:
        opened = self._opened()
        if opened is None:
            return
        self._begin("Preparing to print…")
        context = self.window.context
        self.window.workers.submit(
            lambda: bilingual(
                context.service(),
                opened.document,
                opened.target_language,
                None,
                layout,
                list_annotations(context.database(), opened.document_id),
            ),
            lambda content: self._print(content, layout),
            self._failed,
        )

    def _print(self, content: Bilingual, layout: str) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        self.busy = False
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(full_title(content))
        dialog = QPrintDialog(printer, self.window)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            self.window.statusBar().showMessage("Printing cancelled", 3000)
            self.finished.emit("cancelled")
            return
        text_document(content, layout).print_(printer)
        self.window.statusBar().showMessage(f"Printed {content.document.title}", 5000)
        self.finished.emit(True)

    def _opened(self):
        opened = self.window.opened
        if self.busy or opened is None or opened.route is None:
            self.window.statusBar().showMessage(
                "Open a document with a translation model first", 3000
            )
            return None
        return opened

    def _begin(self, message: str) -> None:
        self.busy = True
        self.window.statusBar().showMessage(message)

    def _pdf_written(self, path: Path) -> None:
        self.busy = False
        self.window.statusBar().showMessage(f"Exported to {path}", 10_000)
        self.finished.emit(path)

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        message = error_message(error)
        self.window.statusBar().showMessage(f"Export failed: {message}", 10_000)
        self.finished.emit(message)
