"""Opening documents: a file (its import runs in the pool, the translation starting as soon as
it is segmented), a library entry, the same document into another language. The window
shows what `opened` gives."""

from __future__ import annotations

import functools
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from reader.app.context import AppContext
from reader.app.settings import AppSettings
from reader.app.window.ocr import OcrController
from reader.app.workers import Workers, error_message
from reader.core.reading import OpenedDocument, open_file, open_library_document

DOCUMENT_FILTER = (
    "Documents (*.txt *.text *.md *.markdown *.html *.htm *.xhtml *.epub *.docx *.pdf);;"
    "Scans and images, read by OCR (*.pdf *.png *.jpg *.jpeg *.tif *.tiff);;"
    "All files (*)"
)


class EarlyStart(QObject):
    """Carries what the worker opening a file learns early (its `Route`, then the document
    ready to translate: `EarlyTranslation`) to the GUI thread (queued signals), with the number
    of the `open_path` call it answers."""

    route_known = Signal(int, object)
    ready = Signal(int, object)


class DocumentOpener(QObject):
    """Runs the opening flows in the workers; only the latest `open_path` call's early news is
    passed on (`route_known`, `translatable`), so a file no longer wanted starts nothing."""

    opened = Signal(object)  # OpenedDocument
    failed = Signal(str)
    route_known = Signal(object)  # Route: its models can be loaded while the file is read
    translatable = Signal(object)  # EarlyTranslation: the job can start before it is shown
    abandoned = Signal()  # the latest open_path failed: its early job is for nothing
    status = Signal(str)

    def __init__(
        self,
        workers: Workers,
        context: AppContext,
        settings: AppSettings,
        ocr: OcrController,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._workers, self._context, self._settings, self._ocr = workers, context, settings, ocr
        self.generation = 0  # open_path calls made
        self.early = EarlyStart(self)
        self.early.route_known.connect(self._route_known)
        self.early.ready.connect(self._ready)

    def open_path(
        self, path: Path, source_language: str | None = None, target_language: str | None = None
    ) -> None:
        self.status.emit(f"Opening {path.name}…")
        preferred = self._settings.target_language
        self._settings.add_recent_file(path)
        self.generation += 1
        generation, relay, context = self.generation, self.early, self._context
        ocr = self._ocr.options(generation)

        def open_it() -> OpenedDocument:
            from reader.core.ocr.options import ocr_options

            with ocr_options(ocr):
                return open_file(
                    context,
                    path,
                    source_language,
                    target_language,
                    preferred,
                    on_route=lambda route: relay.route_known.emit(generation, route),
                    on_translatable=lambda early: relay.ready.emit(generation, early),
                )

        def opened(document: OpenedDocument) -> None:
            self._ocr.done(generation)
            self.opened.emit(document)

        def failed(error: BaseException) -> None:
            self._ocr.done(generation)
            if generation == self.generation:
                self.abandoned.emit()
            reopen = functools.partial(self.open_path, path, source_language, target_language)
            if not self._ocr.stopped(path, error, reopen):
                self._failed(error)

        self._workers.submit(open_it, opened, failed)

    def open_library_entry(self, document_id: int, target_language: str | None = None) -> None:
        """From the library, into `target_language` (None: as last time for this document)."""
        self.status.emit("Opening…")
        preferred = target_language or self._settings.target_language
        context = self._context
        self._workers.submit(
            lambda: open_library_document(context, document_id, target_language, preferred),
            self.opened.emit,
            self._failed,
        )

    def _route_known(self, generation: int, route) -> None:
        if generation == self.generation:
            self.route_known.emit(route)

    def _ready(self, generation: int, early) -> None:
        if generation == self.generation:  # else another file was asked for since
            self.translatable.emit(early)

    def _failed(self, error: BaseException) -> None:
        self.failed.emit(error_message(error))
