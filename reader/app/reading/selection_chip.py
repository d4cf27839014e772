"""The small "Translate" button offered at the end of a selection of the original: the
selection's translation is one click away (Ctrl+T does the same) without a popup in the way."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QToolButton, QWidget

CHIP_TIMEOUT_MS = 8000  # an offer not taken goes away by itself
CHIP_GAP = 4  # px below the selection's last line


class SelectionChip(QToolButton):
    """A quiet button shown below the end of a selection; hidden on scroll, click or timeout."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("selectionChip")
        self.setText("Translate")
        self.setToolTip("Translate the selection (Ctrl+T)")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAutoRaise(False)
        self.setStyleSheet(
            "QToolButton#selectionChip { border: 1px solid palette(mid); border-radius: 9px;"
            " padding: 1px 8px; background: palette(button); color: palette(button-text); }"
        )
        self._timer = QTimer(self, singleShot=True, interval=CHIP_TIMEOUT_MS)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def offer(self, viewport: QWidget, at: QPoint) -> None:
        """Show the chip in `viewport`, its top-left just below `at`, kept inside the viewport."""
        if self.parentWidget() is not viewport:
            self.setParent(viewport)
        self.adjustSize()
        x = min(max(0, at.x()), max(0, viewport.width() - self.width()))
        y = at.y() + CHIP_GAP
        if y + self.height() > viewport.height():  # no room below: above the line
            y = max(0, at.y() - self.height() * 2 - CHIP_GAP)
        self.move(x, y)
        self.show()
        self.raise_()
        self._timer.start()
