"""One pane of the reading view (original or translation): a scroll area whose painting, hit
testing and keys are handled by its owner through the narrow `PaneDelegate` interface."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QFrame, QToolTip, QWidget

from reader.core.side import Side


@dataclass(frozen=True)
class Hit:
    side: Side
    block: int
    position: int  # character offset in that side's block text
    sentence: int | None


class PaneDelegate(Protocol):
    """What a pane asks of its owner: it paints, hit-tests and reacts for the pane."""

    def pane_resized(self, pane: PaneView) -> None: ...
    def pane_scrolled(self, pane: PaneView) -> None: ...
    def paint_pane(self, pane: PaneView, painter: QPainter, clip: QRectF) -> None: ...
    def hit_test(self, pane: PaneView, point: QPointF, *, nearest: bool = False) -> Hit | None: ...
    def hint_at(self, hit: Hit) -> str: ...
    def set_hover(self, key: tuple[int, int] | None) -> None: ...
    def start_selection(self, pane: PaneView, hit: Hit | None) -> None: ...
    def extend_selection(self, pane: PaneView, point: QPointF) -> None: ...
    def finish_selection(self, pane: PaneView, point: QPointF) -> None: ...
    def pane_clicked(self, hit: Hit) -> None: ...
    def request_edit(self, block_index: int, sentence_index: int) -> None: ...
    def activate_word(self, side: Side, block_index: int, position: int) -> None: ...
    def pane_context_menu(self, pane: PaneView, global_position: QPoint) -> None: ...
    def handle_key(self, pane: PaneView, event: QKeyEvent) -> bool: ...


class PaneView(QAbstractScrollArea):
    """One side of the reading view: forwards what happens in it to its delegate."""

    def __init__(self, delegate: PaneDelegate, side: Side, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.delegate = delegate
        self.side = side
        self.setObjectName("sourcePane" if side == Side.ORIGINAL else "targetPane")
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setMouseTracking(True)
        self.viewport().setBackgroundRole(QPalette.ColorRole.Base)
        self.viewport().setAutoFillBackground(True)
        self._pressed = False

    @property
    def scroll(self) -> int:
        return self.verticalScrollBar().value()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.delegate.pane_resized(self)

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self.viewport().update()
        self.delegate.pane_scrolled(self)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        try:
            self.delegate.paint_pane(self, painter, QRectF(event.rect()))
        finally:
            painter.end()

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            self._show_hint(event)
            return True
        return super().viewportEvent(event)

    def _show_hint(self, event: QHelpEvent) -> None:
        hit = self.delegate.hit_test(self, QPointF(event.pos()))
        hint = self.delegate.hint_at(hit) if hit is not None else ""
        if hint:
            QToolTip.showText(event.globalPos(), hint, self.viewport())
        else:
            QToolTip.hideText()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hit = self.delegate.hit_test(self, event.position())
        over_sentence = hit is not None and hit.sentence is not None
        self.delegate.set_hover((hit.block, hit.sentence) if over_sentence else None)
        if self._pressed and event.buttons() & Qt.MouseButton.LeftButton:
            self.delegate.extend_selection(self, event.position())

    def leaveEvent(self, event) -> None:
        self.delegate.set_hover(None)
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        hit = self.delegate.hit_test(self, event.position(), nearest=True)
        self._pressed = True
        self.delegate.start_selection(self, hit)
        if hit is not None and hit.sentence is not None:
            self.delegate.pane_clicked(hit)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pressed and event.button() == Qt.MouseButton.LeftButton:
            self.delegate.finish_selection(self, event.position())
        self._pressed = False
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        hit = self.delegate.hit_test(self, event.position())
        # A word of the original is looked up; on the translation a double-click edits, so
        # looking up takes Ctrl there.
        control = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        looks_up = self.side is Side.ORIGINAL or control
        if hit is not None and hit.sentence is not None and looks_up:
            self.delegate.activate_word(self.side, hit.block, hit.position)
            return
        if hit is not None and hit.sentence is not None and self.side == Side.TRANSLATION:
            self.delegate.request_edit(hit.block, hit.sentence)
            return
        super().mouseDoubleClickEvent(event)

    def contextMenuEvent(self, event) -> None:
        self.delegate.pane_context_menu(self, event.globalPos())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.delegate.handle_key(self, event):
            super().keyPressEvent(event)
