"""The panel shown instead of the translation when no installed model translates the pair."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from reader.app.languages import language_name


class MissingModelPanel(QWidget):
    """Shown instead of the translation when no installed model translates the pair."""

    download_clicked = Signal()
    install_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("missingModelPanel")
        self.message = QLabel(wordWrap=True, alignment=Qt.AlignmentFlag.AlignCenter)
        self.error = QLabel(wordWrap=True, alignment=Qt.AlignmentFlag.AlignCenter)
        self.error.setStyleSheet("color: #c0392b")
        self.error.hide()
        self.download_button = QPushButton("Download")
        self.download_button.setObjectName("downloadModelButton")
        self.install_button = QPushButton("Install from file…")
        self.install_button.setObjectName("installModelButton")
        self.download_button.clicked.connect(self.download_clicked)
        self.install_button.clicked.connect(self.install_clicked)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.download_button)
        buttons.addWidget(self.install_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addStretch(2)

    def show_pair(
        self, source: str, target: str, download_bytes: int | None, downloadable: bool
    ) -> None:
        self.message.setText(
            f"No {language_name(source)} → {language_name(target)} translation model is installed."
        )
        if downloadable:
            size = f" ({format_size(download_bytes)})" if download_bytes else ""
            self.download_button.setText(f"Download{size}")
            self.download_button.setEnabled(True)
            self.download_button.setToolTip("")
        else:
            self.download_button.setText("Download")
            self.download_button.setEnabled(False)
            self.download_button.setToolTip("The model catalogue lists no package for this pair.")
        self.set_error(None)

    def set_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))


def format_size(size: int | None) -> str:
    """As `bireader models available` prints it (the same function)."""
    from reader.core.sizes import human_size

    return human_size(size) if size else "size unknown"
