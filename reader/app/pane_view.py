"""One pane of the reading view (original or translation): a scroll area whose painting, hit
testing and keys are handled by its owner, the `DocumentView`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QFrame, QToolTip

from reader.app.aligned_text import SOURCE, TARGET
from reader.app.view_layout import MARGIN

if TYPE_CHECKING:
    from reader.app.document_view import DocumentView

OCR_HINT = "OCR: low confidence"


@dataclass(frozen=True)
class Hit:
    side: int
    block: int
    position: int  # character offset in that side's block text
    sentence: int | None


class PaneView(QAbstractScrollArea):
    """One side of the reading view. Painting and hit-testing use the owner's shared state."""

    def __init__(self, owner: DocumentView, side: int) -> None:
        super().__init__(owner)
        self.owner = owner
        self.side = side
        self.setObjectName("sourcePane" if side == SOURCE else "targetPane")
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setMouseTracking(True)
        self.viewport().setBackgroundRole(QPalette.ColorRole.Base)
        self.viewport().setAutoFillBackground(True)
        self._press: Hit | None = None

    @property
    def scroll(self) -> int:
        return self.verticalScrollBar().value()

    def content_width(self) -> float:
        return max(40.0, self.viewport().width() - 2 * MARGIN)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.owner.pane_resized(self)

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self.viewport().update()
        self.owner.pane_scrolled(self)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        try:
            self.owner.paint_pane(self, painter, QRectF(event.rect()))
        finally:
            painter.end()

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            self._show_hint(event)
            return True
        return super().viewportEvent(event)

    def _show_hint(self, event: QHelpEvent) -> None:
        """Over a word OCR was unsure of, say so: its reading may be wrong."""
        hit = self.owner.hit_test(self, QPointF(event.pos()))
        if hit is not None and self.owner.ocr_unsure_at(hit.side, hit.block, hit.position):
            QToolTip.showText(event.globalPos(), OCR_HINT, self.viewport())
        else:
            QToolTip.hideText()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hit = self.owner.hit_test(self, event.position())
        self.owner.set_hover(
            (hit.block, hit.sentence) if hit and hit.sentence is not None else None
        )
        if self._press is not None and event.buttons() & Qt.MouseButton.LeftButton:
            self.owner.extend_selection(self, event.position())

    def leaveEvent(self, event) -> None:
        self.owner.set_hover(None)
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        hit = self.owner.hit_test(self, event.position(), nearest=True)
        self._press = hit
        self.owner.start_selection(self, hit)
        if hit is not None and hit.sentence is not None:
            self.owner.set_current(hit.block, hit.sentence, ensure_visible=False)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._press = None
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        hit = self.owner.hit_test(self, event.position())
        looks_up = self.side == SOURCE or event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if hit is not None and hit.sentence is not None and looks_up:  # hook: dictionary
            self.owner.word_activated.emit(self.side, hit.block, hit.position)
            return
        if hit is not None and hit.sentence is not None and self.side == TARGET:
            self.owner.request_edit(hit.block, hit.sentence)
            return
        super().mouseDoubleClickEvent(event)

    def contextMenuEvent(self, event) -> None:
        self.owner.context_menu_requested.emit(self.side, event.globalPos())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.owner.handle_key(self, event):
            super().keyPressEvent(event)
