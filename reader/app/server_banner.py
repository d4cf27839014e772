"""A banner over the reading view when a translation server fails: what went wrong, that the
translated part is kept, and a Retry. Self-contained; `attach` hooks it into a main window."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QToolBar,
    QWidget,
)

STYLE = "#serverBanner { background: #fff3cd; border-bottom: 1px solid #e0c36c; color: #5c4400; }"


class ServerBanner(QFrame):
    retry_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent, objectName="serverBanner")
        self.setStyleSheet(STYLE)
        self.label = QLabel(wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = QPushButton("Retry", objectName="serverRetry")
        self.retry_button.clicked.connect(self._retry)
        dismiss = QPushButton("Dismiss", objectName="serverDismiss")
        dismiss.clicked.connect(self.dismiss)
        self._holder: QWidget = self  # what is shown and hidden (a toolbar, once attached)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.retry_button)
        layout.addWidget(dismiss)
        self._holder.hide()

    def show_problem(self, message: str, translated: int, total: int) -> None:
        """`message`: the server error's one line; `translated` of `total` sentences are kept."""
        kept = f"{translated} of {total} sentences are translated and kept."
        self.label.setText(f"<b>The translation server failed.</b> {escape(message)}<br>{kept}")
        self._holder.show()

    @property
    def showing(self) -> bool:
        return not self._holder.isHidden()

    def dismiss(self) -> None:
        self._holder.hide()

    def _retry(self) -> None:
        self.dismiss()
        self.retry_requested.emit()

    @classmethod
    def attach(cls, window: QMainWindow) -> ServerBanner:
        """Put a banner above `window`'s central widget, shown when a job through a server
        fails (the translation controller's `finished` carries the message), hidden on the
        next document; Retry starts the shown document's translation again (the cache keeps
        what was done)."""
        banner = cls(window)
        bar = QToolBar(window, objectName="serverBannerBar", movable=False, floatable=False)
        bar.toggleViewAction().setVisible(False)  # not a toolbar the user hides or shows
        banner.show()  # hidden on its own, the toolbar would keep its action hidden and disabled
        bar.addWidget(banner)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        banner._holder = bar  # a toolbar's widget is shown and hidden with its toolbar
        bar.hide()

        failed_on: list = [None]  # the document whose job failed

        def finished(result: object) -> None:
            opened = window.opened
            if isinstance(result, str) and opened and opened.route and opened.route.server:
                shown = len(window.document_view.text.sentences)
                banner.show_problem(result, shown, opened.document.sentence_count)
                failed_on[0] = opened.document

        def opened(document_opened) -> None:
            # A job started early may fail before its document is announced as opened.
            if document_opened.document is not failed_on[0]:
                banner.dismiss()

        window.translation.finished.connect(finished)
        window.document_opened.connect(opened)
        banner.retry_requested.connect(window.translation.resume)
        return banner
