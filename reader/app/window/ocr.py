"""The main window's OCR flow: the page-by-page progress of a scan being read (cancellable
between pages), and offering the OCR data a scan needs (download or install from a file), after
which the scan is opened again."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMainWindow

from reader.app.ocr_panel import OcrDataOffer, OcrStatus, PageRelay
from reader.app.window.model_install import ProgressRelay
from reader.app.workers import Workers, error_message

if TYPE_CHECKING:
    from reader.core.documents import Document

OCR_DATA_FILTER = "Tesseract language data (*.traineddata);;All files (*)"


class OcrController(QObject):
    """Owned by the main window: OCR progress in its status bar (with Cancel), and the OCR data
    a scan needs, offered and installed in the window's workers."""

    def __init__(self, window: QMainWindow, workers: Workers) -> None:
        super().__init__(window)
        self._window = window
        self._workers = workers
        self.status = OcrStatus(window)
        self.status.cancel_clicked.connect(self.cancel)
        window.statusBar().addPermanentWidget(self.status)
        self.page_relay = PageRelay(self)
        self.page_relay.changed.connect(self._page_read)
        self.offer_dialog: OcrDataOffer | None = None
        # The task the status bar shows (its Cancel button sets it), and the scan being read
        # (opening another file stops it): often the same.
        self._cancel = self._reading_cancel = threading.Event()
        self._owner: object | None = None  # what the status bar's progress belongs to
        self._offered_language = ""
        self._reopen: Callable[[], None] | None = None

    def _message(self, text: str, milliseconds: int = 0) -> None:
        self._window.statusBar().showMessage(text, milliseconds)

    # --- reading a scan -------------------------------------------------------------------------

    def options(self, owner: int):
        """The OcrOptions for opening `owner` (its generation): page progress relayed here,
        stopping when Cancel is clicked. Opening another file cancels the OCR of this one."""
        from reader.core.ocr.options import OcrOptions

        self._reading_cancel.set()
        cancel = self._reading_cancel = self._cancel = threading.Event()
        self._owner = owner
        relay = self.page_relay
        return OcrOptions(progress=lambda page: relay.report(owner, page), cancelled=cancel.is_set)

    def _page_read(self, owner: object, done: int, total: int) -> None:
        if owner == self._owner and not self._cancel.is_set():
            self.status.show_pages(done, total)

    def done(self, owner: object) -> None:
        """The opening `owner` finished, failed or was cancelled: its progress goes."""
        if owner == self._owner:
            self._owner = None
            self.status.hide()

    def stopped(self, path: Path, error: BaseException, reopen: Callable[[], None]) -> bool:
        """Whether opening `path` stopped for OCR: cancelled (said in the status bar), or for
        want of OCR data (offered, to `reopen()` it once installed)."""
        from reader.core.ocr.data import OcrDataMissing
        from reader.core.ocr.options import OcrCancelled

        if isinstance(error, OcrCancelled):
            self._message(error_message(error), 10_000)
            return True
        if isinstance(error, OcrDataMissing):
            self.offer_data(path, error.language, reopen)
            return True
        return False

    def cancel(self) -> None:
        """Stop the scan being read (before its next page) or the OCR data downloading."""
        self._cancel.set()
        self.status.show_cancelling()

    def stop(self) -> None:
        """The window closes: a scan being read stops at its next page, a download at once."""
        self._cancel.set()
        self._reading_cancel.set()

    # --- the missing data -----------------------------------------------------------------------

    def offer_data(self, path: Path, language: str, reopen: Callable[[], None]) -> None:
        """Offer the OCR data `path` needs; once installed, `reopen()` opens it again."""
        from reader.core.ocr.data import catalogue_entry

        entry = catalogue_entry(language)
        if self.offer_dialog is None:
            self.offer_dialog = OcrDataOffer(self._window)
            self.offer_dialog.download_clicked.connect(self.download_data)
            self.offer_dialog.install_clicked.connect(self.choose_data_file)
        self._offered_language = language
        self._reopen = reopen
        self.offer_dialog.offer(
            path.name, language, entry.name if entry else language, entry.size if entry else None
        )
        self._message(f"{path.name}: OCR data '{language}' is not installed", 10_000)
        self.offer_dialog.show()
        self.offer_dialog.raise_()

    def download_data(self) -> None:
        from reader.core.ocr.data import download_data

        language = self._offered_language
        cancel = self._cancel = threading.Event()
        owner = self._owner = object()
        progress = ProgressRelay(self)
        progress.changed.connect(
            lambda done, total: owner == self._owner and self.status.show_download(done, total)
        )
        self._busy()
        self.status.show_download(0, 0)
        self._workers.submit(
            lambda: download_data(language, progress=progress.report, cancelled=cancel.is_set),
            lambda _data: self._installed(owner),
            lambda error: self._failed(owner, error),
        )

    def choose_data_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self._window, "Install OCR data", "", OCR_DATA_FILTER)
        if path:
            self.install_data_file(Path(path))

    def install_data_file(self, path: Path) -> None:
        from reader.core.ocr.data import install_file

        owner = self._owner = object()
        self._busy()
        self._message(f"Installing {path.name}…")
        self._workers.submit(
            lambda: install_file(path),
            lambda _data: self._installed(owner),
            lambda error: self._failed(owner, error),
        )

    def _busy(self) -> None:
        if self.offer_dialog is not None:
            self.offer_dialog.set_error(None)
            self.offer_dialog.set_busy(True)

    def _installed(self, owner: object) -> None:
        self.done(owner)
        self._message("OCR data installed", 5000)
        if self.offer_dialog is not None:
            self.offer_dialog.accept()
        reopen, self._reopen = self._reopen, None
        if reopen is not None:
            reopen()

    def _failed(self, owner: object, error: BaseException) -> None:
        self.done(owner)
        message = error_message(error)
        self._message(message, 10_000)
        if self.offer_dialog is not None:
            self.offer_dialog.set_busy(False)
            self.offer_dialog.set_error(message)


def keep_ocr_marks(shown: Document | None, reopened: Document) -> Document:
    """`reopened` with the OCR marks of `shown` if it is the same document: the library does
    not store them, so reopening the shown document from it (a model installed, another target
    language) would lose them."""
    same = (
        shown is not None
        and reopened.ocr
        and shown.content_hash == reopened.content_hash
        and len(shown.blocks) == len(reopened.blocks)
    )
    if not same or any(block.ocr_confidence is not None for block in reopened.blocks):
        return reopened
    blocks = tuple(
        replace(new, ocr_confidence=old.ocr_confidence, ocr_low_confidence=old.ocr_low_confidence)
        if old.text == new.text
        else new
        for old, new in zip(shown.blocks, reopened.blocks, strict=True)
    )
    return replace(reopened, blocks=blocks)
