"""Opening documents in the main window: a file (dialog, recent files, drag and drop), a library
entry, the bundled sample; showing the opened document, and going back to the library."""

from __future__ import annotations

import functools
import gc
from pathlib import Path

from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from reader.app.ops import Op
from reader.app.window_ocr import keep_ocr_marks
from reader.app.workers import error_message
from reader.core.reading import (
    OpenedDocument,
    open_file,
    open_library_document,
    save_reading_position,
)

APP_TITLE = "Bilingual Reader"
DOCUMENT_FILTER = (
    "Documents (*.txt *.text *.md *.markdown *.html *.htm *.xhtml *.epub *.docx *.pdf);;"
    "Scans and images, read by OCR (*.pdf *.png *.jpg *.jpeg *.tif *.tiff);;"
    "All files (*)"
)


class DocumentOpening:
    """Mixin of `MainWindow`: the opening flow, from choosing a file to showing the document."""

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a document", "", DOCUMENT_FILTER)
        if path:
            self.open_path(Path(path))

    def open_sample(self) -> None:
        from reader.core.paths import sample_document

        self.open_path(sample_document())

    def open_path(
        self, path: Path, source_language: str | None = None, target_language: str | None = None
    ) -> None:
        """Import and show a file; the work happens in the pool, the window stays responsive.
        The translation starts as soon as the file is segmented, while it is stored and shown."""
        self.statusBar().showMessage(f"Opening {path.name}…")
        preferred = self.settings.target_language
        self.settings.add_recent_file(path)
        self._open_generation += 1
        generation, relay = self._open_generation, self._early_start
        self._drop_early_translation()

        ocr = self.ocr.options(generation)

        def open_it() -> OpenedDocument:
            from reader.core.ocr.options import ocr_options

            with ocr_options(ocr):
                return open_file(
                    self.context,
                    path,
                    source_language,
                    target_language,
                    preferred,
                    on_route=lambda route: relay.route_known.emit(generation, route),
                    on_translatable=lambda early: relay.ready.emit(generation, early),
                )

        def opened(document: OpenedDocument) -> None:
            self.ocr.done(generation)
            self._show_document(document)

        def failed(error: BaseException) -> None:
            self.ocr.done(generation)
            if generation == self._open_generation:
                self._drop_early_translation()
            reopen = functools.partial(self.open_path, path, source_language, target_language)
            if not self.ocr.stopped(path, error, reopen):
                self._open_failed(error)

        self.workers.submit(open_it, opened, failed)

    def open_library_entry(self, document_id: int) -> None:
        self.statusBar().showMessage("Opening…")
        preferred = self.settings.target_language
        self.workers.submit(
            lambda: open_library_document(self.context, document_id, None, preferred),
            self._show_document,
            self._open_failed,
        )

    def _open_failed(self, error: BaseException) -> None:
        message = error_message(error)
        self.statusBar().showMessage(message, 10_000)
        self.open_failed.emit(message)
        if self.isVisible() and QApplication.platformName() != "offscreen":
            QMessageBox.warning(self, "Cannot open the document", message)

    def _show_document(self, opened: OpenedDocument) -> None:
        early = self._take_early_translation(opened.document)
        opened.document = keep_ocr_marks(self.opened and self.opened.document, opened.document)
        self._leave_document()
        # The new document's objects live as long as it is shown: keep them out of the
        # cyclic GC's full passes, which would otherwise stall the event loop for 100s of ms.
        gc.freeze()
        self.opened = opened
        document = opened.document
        view = self.document_view
        view.pause_measuring()  # until the screen is translated: see _emit_visible_ready
        view.set_document(document, opened.cached.values())
        view.set_languages(document.language, opened.target_language)
        self.stack.setCurrentWidget(view)
        view.scroll_to_block(opened.reading_block)
        view.source_pane.setFocus()
        self.setWindowTitle(f"{document.title} — {APP_TITLE}")
        self.statusBar().showMessage(
            f"{len(document.blocks)} blocks, {document.sentence_count} sentences", 5000
        )
        self._visible_ready_sent = False
        if opened.route is None:
            entry = opened.download
            view.show_missing_model(
                document.language,
                opened.target_language,
                entry.size if entry else None,
                entry is not None,
            )
            self._emit_visible_ready()
        else:
            view.show_translation()
            self._start_translation(early, known=opened.cached)
        self._show_panels(opened)
        self._update_actions()
        self.document_opened.emit(opened)
        if self._pending_hit is not None and self._pending_hit.document_id == opened.document_id:
            hit, self._pending_hit = self._pending_hit, None
            self._reveal_hit(hit)

    def _leave_document(self) -> None:
        """Stop translating the current document and remember where the reader was."""
        if self.runner is not None:
            self.runner.cancel()
            self.runner.sentences_ready.disconnect()
            self.runner = None
        if self.opened is not None:
            document_id, block = self.opened.document_id, self.document_view.top_block()
            Op(lambda: save_reading_position(self.context, document_id, block)).run(
                self.workers, self.bus, initiator=self
            )
        self._show_progress(False)

    def show_library(self) -> None:
        self._leave_document()
        self.opened = None
        self.document_view.clear_document()
        self._hide_panels()
        self.stack.setCurrentWidget(self.library_view)
        self.setWindowTitle(APP_TITLE)
        self._update_actions()  # the library view refreshes itself from the change sets

    def rename_document(self, document_id: int, title: str) -> None:
        self.library_view.rename(document_id, title)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _dropped_file(event) is not None:
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        if _dropped_file(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = _dropped_file(event)
        if path is None:
            return
        event.acceptProposedAction()
        if path.suffix == ".argosmodel":
            self.install_model_file(path)
        else:
            self.open_path(path)


def _dropped_file(event) -> Path | None:
    mime = event.mimeData()
    if not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile():
            return Path(url.toLocalFile())
    return None
