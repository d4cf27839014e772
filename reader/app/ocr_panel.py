"""The window's OCR widgets: the offer of the missing OCR data, and the status-bar progress of
OCR pages and of the data's download (with its Cancel button)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.app.reading.missing_model_panel import format_size


class OcrDataOffer(QDialog):
    """Shown when a scan or an image cannot be read for want of Tesseract's language data."""

    download_clicked = Signal()
    install_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ocrDataOffer")
        self.setWindowTitle("OCR data needed")
        self.message = QLabel(wordWrap=True)
        self.message.setMinimumWidth(380)
        self.error = QLabel(wordWrap=True)
        self.error.setStyleSheet("color: #c0392b")
        self.error.hide()
        self._downloadable = False
        self.download_button = QPushButton("Download", objectName="downloadOcrDataButton")
        self.install_button = QPushButton("Install from file…", objectName="installOcrDataButton")
        close_button = QPushButton("Close")
        self.download_button.clicked.connect(self.download_clicked)
        self.install_button.clicked.connect(self.install_clicked)
        close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch()
        for button in (self.download_button, self.install_button, close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    def offer(self, file_name: str, language: str, name: str, download_bytes: int | None) -> None:
        """`name`: the language's, as the OCR catalogue gives it; no size: not downloadable."""
        size = f" ({format_size(download_bytes)})" if download_bytes else ""
        self.message.setText(
            f"“{file_name}” is a scan: reading it needs Tesseract's {name} data{size}.\n"
            "Download it, or install a .traineddata file you already have."
        )
        self._downloadable = download_bytes is not None
        self.download_button.setToolTip(
            "" if download_bytes else f"The OCR catalogue lists no data for '{language}'."
        )
        self.set_busy(False)
        self.set_error(None)

    def set_busy(self, busy: bool) -> None:
        """While the data downloads or installs, a second click would only race the first."""
        self.install_button.setEnabled(not busy)
        self.download_button.setEnabled(not busy and self._downloadable)

    def set_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))


class OcrStatus(QWidget):
    """Status-bar progress of OCR pages or of an OCR data download, with its Cancel button."""

    cancel_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(objectName="ocrProgressLabel")
        self.bar = QProgressBar(objectName="ocrProgress")
        self.bar.setMaximumWidth(140)
        self.bar.setTextVisible(False)
        self.cancel_button = QToolButton(text="Cancel", objectName="cancelOcr")
        self.cancel_button.setToolTip("Stop reading this scan (the pages read are kept for later)")
        self.cancel_button.clicked.connect(self.cancel_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.label, self.bar, self.cancel_button):
            layout.addWidget(widget)
        self.hide()

    def show_pages(self, done: int, total: int) -> None:
        """`done` pages of `total` read: the next one is being read, or the text prepared."""
        if done < total:
            text = f"Reading page {done + 1} of {total} (OCR)…"
        else:
            text = f"Read {total} page{'s' if total > 1 else ''} (OCR); preparing the text…"
        self._show(text, done, total)

    def show_download(self, done: int, total: int) -> None:
        if total > 0:
            text = f"Downloading OCR data… {done / 2**20:.1f} of {total / 2**20:.1f} MB"
        else:
            text = f"Downloading OCR data… {done / 2**20:.1f} MB"
        self._show(text, done, total)

    def show_cancelling(self) -> None:
        self.label.setText("Cancelling…")

    def _show(self, text: str, done: int, total: int) -> None:
        self.label.setText(text)
        self.bar.setRange(0, max(total, 0))  # 0..0: a busy bar when the size is unknown
        self.bar.setValue(min(done, total))
        self.show()


class PageRelay(QObject):
    """Carries OCR page progress from the opening worker to the GUI thread (a queued signal)."""

    changed = Signal(object, int, int)  # the opening it belongs to, pages done, pages in all

    def report(self, owner: object, progress) -> None:  # an OcrProgress
        self.changed.emit(owner, progress.done, progress.total)
