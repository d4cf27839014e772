"""Pointing in the reading view: hit testing, where a sentence is, and the hover, current
sentence and selection state (either side) that painting shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPointF, QRectF, Signal
from PySide6.QtGui import QTextLayout, QTextLine

from reader.app.reading.pane import Hit
from reader.core.side import Side

if TYPE_CHECKING:
    from reader.app.reading.layout import RowLayout

Position = tuple[int, int]  # (block, character offset in that side's block text)


class Interaction(QObject):
    """The sentence under the mouse, the current sentence and the selection."""

    changed = Signal()  # something painted changed

    def __init__(self, layout: RowLayout, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.layout = layout
        self.hover: tuple[int, int] | None = None
        self.current: tuple[int, int] | None = None
        self.selection_side = Side.ORIGINAL
        self._selection: tuple[Position, Position] | None = None  # end exclusive
        self._anchor: Position | None = None

    def reset(self) -> None:
        self.hover = self.current = None
        self._selection = self._anchor = None

    def set_hover(self, key: tuple[int, int] | None) -> None:
        if key != self.hover:
            self.hover = key
            self.changed.emit()

    # --- selection -----------------------------------------------------------------------------

    def start_selection(self, side: Side, hit: Hit | None) -> None:
        had_selection = self._selection is not None
        self._selection = None
        self.selection_side = side
        self._anchor = (hit.block, hit.position) if hit else None
        if had_selection:
            self.changed.emit()

    def extend_selection(self, side: Side, hit: Hit | None) -> None:
        if side != self.selection_side or self._anchor is None or hit is None:
            return
        end = (hit.block, hit.position + 1)
        start = self._anchor
        self._selection = (start, end) if start <= end else (end, (start[0], start[1] + 1))
        self.changed.emit()

    def select(self, side: Side, start: Position, end: Position) -> None:
        self.selection_side = side
        self._selection = (start, end)
        self.changed.emit()

    def clear_selection(self) -> None:
        if self._selection is not None:
            self._selection = None
            self.changed.emit()

    def selection(self) -> tuple[Side, Position, Position] | None:
        """(side, (block, start), (block, end)) of the non-empty selection, or None."""
        if self._selection is None or self.layout.text is None:
            return None
        (b0, _), (b1, _) = self._selection
        if not any(self.selection_in_block(row) for row in range(b0, b1 + 1)):
            return None
        return (self.selection_side, *self._selection)

    def selection_in_block(self, row: int) -> tuple[int, int] | None:
        text = self.layout.text
        if self._selection is None or text is None:
            return None
        (b0, p0), (b1, p1) = self._selection
        if not b0 <= row <= b1:
            return None
        length = len(text.text(self.selection_side, row) or "")
        start = p0 if row == b0 else 0
        end = min(p1, length) if row == b1 else length
        return (start, end) if end > start else None

    def selected_text(self, side: Side | None = None) -> str:
        """The selected text (only if it is on `side`, when given)."""
        text = self.layout.text
        if self._selection is None or text is None:
            return ""
        if side is not None and side != self.selection_side:
            return ""
        (b0, _), (b1, _) = self._selection
        pieces = []
        for row in range(b0, b1 + 1):
            span = self.selection_in_block(row)
            block_text = text.text(self.selection_side, row)
            if span and block_text:
                pieces.append(block_text[span[0] : span[1]])
        return "\n".join(pieces)

    def current_sentence_text(self, side: Side) -> str:
        text = self.layout.text
        if text is None or self.current is None:
            return ""
        block_index, sentence_index = self.current
        ranges = text.ranges(side, block_index)
        block_text = text.text(side, block_index)
        if block_text is None or sentence_index >= len(ranges):
            return ""
        start, end = ranges[sentence_index]
        return block_text[start:end]


# --- geometry (content coordinates unless said otherwise) ----------------------------------------


def hit_test(
    layout: RowLayout, side: Side, point: QPointF, scroll: int, *, nearest: bool = False
) -> Hit | None:
    """The block and character under a viewport point; None over margins and placeholders
    (`nearest` snaps to the closest character of the row instead, for selections)."""
    rows = layout.rows
    if layout.text is None or rows.count == 0:
        return None
    y = point.y() + scroll
    if y >= rows.total:
        return None
    row = rows.row_at(y)
    text_layout = layout.layout_for(side, row)
    if text_layout is None:
        return None
    origin = layout.text_origin(side, row)
    local = QPointF(point.x() - origin.x(), y - origin.y())
    line = _line_at(text_layout, local, nearest, layout.reading.line_spacing)
    if line is None:
        return None
    if not nearest and not 0 <= local.x() - line.x() <= line.naturalTextWidth():
        return None
    position = line.xToCursor(local.x(), QTextLine.CursorPosition.CursorOnCharacter)
    return Hit(side, row, position, layout.text.sentence_at(side, row, position))


def sentence_range(layout: RowLayout, side: Side, block_index: int, sentence_index: int):
    """(the block's text layout, the sentence's start, end), or None if not laid out."""
    if layout.text is None:
        return None
    ranges = layout.text.ranges(side, block_index)
    text_layout = layout.layout_for(side, block_index)
    if text_layout is None or sentence_index >= len(ranges):
        return None
    return (text_layout, *ranges[sentence_index])


def sentence_first_line(
    layout: RowLayout, side: Side, block_index: int, sentence_index: int
) -> QRectF | None:
    """The first line's part of a sentence, in content coordinates."""
    laid_out = sentence_range(layout, side, block_index, sentence_index)
    if laid_out is None:
        return None
    text_layout, start, end = laid_out
    line = text_layout.lineForTextPosition(start)
    x0 = line.cursorToX(start)[0]
    x1 = line.cursorToX(min(end, line.textStart() + line.textLength()))[0]
    origin = layout.text_origin(side, block_index)
    return QRectF(origin.x() + x0, origin.y() + line.y(), max(1.0, x1 - x0), line.height())


def sentence_span(
    layout: RowLayout, side: Side, block_index: int, sentence_index: int
) -> tuple[float, float]:
    """Top and bottom of a sentence (the row's if not laid out)."""
    rows = layout.rows
    fallback = (rows.top(block_index), rows.top(block_index) + rows.height(block_index))
    laid_out = sentence_range(layout, side, block_index, sentence_index)
    if laid_out is None:
        return fallback
    text_layout, start, end = laid_out
    origin_y = layout.text_origin(side, block_index).y()
    first = text_layout.lineForTextPosition(start)
    last = text_layout.lineForTextPosition(max(start, end - 1))
    return origin_y + first.y(), origin_y + last.y() + last.height()


def position_span(layout: RowLayout, side: Side, block_index: int, position: int):
    """Top and bottom of the line holding a character (the row's if not laid out)."""
    rows = layout.rows
    text_layout = layout.layout_for(side, block_index)
    if text_layout is None:
        return rows.top(block_index), rows.top(block_index) + rows.height(block_index)
    line = text_layout.lineForTextPosition(position)
    origin_y = layout.text_origin(side, block_index).y()
    return origin_y + line.y(), origin_y + line.y() + line.height()


def position_point(layout: RowLayout, side: Side, block_index: int, position: int):
    """The bottom of a character's line at its x, or None if the block is not laid out."""
    text_layout = layout.layout_for(side, block_index)
    if text_layout is None:
        return None
    line = text_layout.lineForTextPosition(position)
    origin = layout.text_origin(side, block_index)
    return QPointF(origin.x() + line.cursorToX(position)[0], origin.y() + line.y() + line.height())


def _line_at(
    layout: QTextLayout, point: QPointF, nearest: bool, line_spacing: float
) -> QTextLine | None:
    """The line under a point of the layout; in a table, the one of the column under it."""
    count = layout.lineCount()
    for index in range(count):
        line = layout.lineAt(index)
        if point.y() < line.y() + line.height() * line_spacing and (
            point.x() < line.x() + line.width() or _last_in_band(layout, index)
        ):
            if point.y() < line.y() and not nearest:
                return None  # above the text, or in the gap between two table rows
            return line
    return layout.lineAt(count - 1) if nearest and count else None


def _last_in_band(layout: QTextLayout, index: int) -> bool:
    """Whether no later line shares this line's band (the rightmost line of a row)."""
    line = layout.lineAt(index)
    return not any(
        layout.lineAt(later).y() < line.y() + line.height() and layout.lineAt(later).x() > line.x()
        for later in range(index + 1, layout.lineCount())
    )
