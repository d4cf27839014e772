"""The main window's OCR flow: the page-by-page progress of a scan being read (cancellable
between pages), and offering the OCR data a scan needs (download or install from a file), after
which the scan is opened again."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

from reader.app.ocr_panel import OcrDataOffer, OcrStatus, PageRelay
from reader.app.window_models import ProgressRelay
from reader.app.workers import error_message

if TYPE_CHECKING:
    from reader.core.documents import Document

OCR_DATA_FILTER = "Tesseract language data (*.traineddata);;All files (*)"


class OcrControl:
    """Mixin of `MainWindow`: OCR progress in the status bar, and the missing OCR data."""

    def _build_ocr_status(self) -> None:
        self.ocr_status = OcrStatus(self)
        self.ocr_status.cancel_clicked.connect(self.cancel_ocr)
        self.statusBar().addPermanentWidget(self.ocr_status)
        self._page_relay = PageRelay(self)
        self._page_relay.changed.connect(self._ocr_page_read)
        self.ocr_offer: OcrDataOffer | None = None
        # The task the status bar shows (its Cancel button sets it), and the scan being read
        # (opening another file stops it): often the same.
        self._ocr_cancel = self._reading_cancel = threading.Event()
        self._ocr_owner: object | None = None  # what the status bar's progress belongs to
        self._offered_language = ""
        self._reopen_after_ocr_data: Callable[[], None] | None = None

    # --- reading a scan -------------------------------------------------------------------------

    def _ocr_options(self, owner: int):
        """The OcrOptions for opening `owner` (its generation): page progress relayed here,
        stopping when Cancel is clicked. Opening another file cancels the OCR of this one."""
        from reader.core.ocr.options import OcrOptions

        self._reading_cancel.set()
        cancel = self._reading_cancel = self._ocr_cancel = threading.Event()
        self._ocr_owner = owner
        relay = self._page_relay
        return OcrOptions(progress=lambda page: relay.report(owner, page), cancelled=cancel.is_set)

    def _ocr_page_read(self, owner: object, done: int, total: int) -> None:
        if owner == self._ocr_owner and not self._ocr_cancel.is_set():
            self.ocr_status.show_pages(done, total)

    def _ocr_done(self, owner: object) -> None:
        """The opening `owner` finished, failed or was cancelled: its progress goes."""
        if owner == self._ocr_owner:
            self._ocr_owner = None
            self.ocr_status.hide()

    def cancel_ocr(self) -> None:
        """Stop the scan being read (before its next page) or the OCR data downloading."""
        self._ocr_cancel.set()
        self.ocr_status.show_cancelling()

    def _stop_ocr(self) -> None:
        """The window closes: a scan being read stops at its next page, a download at once."""
        self._ocr_cancel.set()
        self._reading_cancel.set()

    # --- the missing data -----------------------------------------------------------------------

    def offer_ocr_data(self, path: Path, language: str, reopen: Callable[[], None]) -> None:
        """Offer the OCR data `path` needs; once installed, `reopen()` opens it again."""
        from reader.core.ocr.data import catalogue_entry

        entry = catalogue_entry(language)
        if self.ocr_offer is None:
            self.ocr_offer = OcrDataOffer(self)
            self.ocr_offer.download_clicked.connect(self.download_ocr_data)
            self.ocr_offer.install_clicked.connect(self.choose_ocr_data_file)
        self._offered_language = language
        self._reopen_after_ocr_data = reopen
        self.ocr_offer.offer(
            path.name, language, entry.name if entry else language, entry.size if entry else None
        )
        self.statusBar().showMessage(f"{path.name}: OCR data '{language}' is not installed", 10_000)
        self.ocr_offer.show()
        self.ocr_offer.raise_()

    def download_ocr_data(self) -> None:
        from reader.core.ocr.data import download_data

        language = self._offered_language
        cancel = self._ocr_cancel = threading.Event()
        owner = self._ocr_owner = object()
        progress = ProgressRelay(self)
        progress.changed.connect(
            lambda done, total: (
                owner == self._ocr_owner and self.ocr_status.show_download(done, total)
            )
        )
        self._ocr_data_busy()
        self.ocr_status.show_download(0, 0)
        self.workers.submit(
            lambda: download_data(language, progress=progress.report, cancelled=cancel.is_set),
            lambda _data: self._ocr_data_installed(owner),
            lambda error: self._ocr_data_failed(owner, error),
        )

    def choose_ocr_data_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Install OCR data", "", OCR_DATA_FILTER)
        if path:
            self.install_ocr_data_file(Path(path))

    def install_ocr_data_file(self, path: Path) -> None:
        from reader.core.ocr.data import install_file

        owner = self._ocr_owner = object()
        self._ocr_data_busy()
        self.statusBar().showMessage(f"Installing {path.name}…")
        self.workers.submit(
            lambda: install_file(path),
            lambda _data: self._ocr_data_installed(owner),
            lambda error: self._ocr_data_failed(owner, error),
        )

    def _ocr_data_busy(self) -> None:
        if self.ocr_offer is not None:
            self.ocr_offer.set_error(None)
            self.ocr_offer.set_busy(True)

    def _ocr_data_installed(self, owner: object) -> None:
        self._ocr_done(owner)
        self.statusBar().showMessage("OCR data installed", 5000)
        if self.ocr_offer is not None:
            self.ocr_offer.accept()
        reopen, self._reopen_after_ocr_data = self._reopen_after_ocr_data, None
        if reopen is not None:
            reopen()

    def _ocr_data_failed(self, owner: object, error: BaseException) -> None:
        self._ocr_done(owner)
        message = error_message(error)
        self.statusBar().showMessage(message, 10_000)
        if self.ocr_offer is not None:
            self.ocr_offer.set_busy(False)
            self.ocr_offer.set_error(message)


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
