"""Pointing and moving in the reading view: hit testing, hover, the current sentence and the
keys that move it, the selection (either side) and revealing a span of the original."""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QKeyEvent, QTextLayout, QTextLine

from reader.app.aligned_text import SOURCE, TARGET
from reader.app.pane_view import Hit
from reader.app.view_find import Match
from reader.app.view_layout import LINE_SPACING

if TYPE_CHECKING:
    from reader.app.pane_view import PaneView


class SentenceInteraction:
    """Mixin of `DocumentView`: hit testing, hover, current sentence, keyboard and selection."""

    def hit_test(self, pane: PaneView, point: QPointF, *, nearest: bool = False) -> Hit | None:
        """The block and character under a viewport point; None over margins and placeholders
        (`nearest` snaps to the closest character of the row instead, for selections)."""
        if self.text is None or self.geometry_rows.count == 0:
            return None
        y = point.y() + pane.scroll
        if y >= self.geometry_rows.total:
            return None
        row = self.geometry_rows.row_at(y)
        layout = self.layout_for(pane.side, row)
        if layout is None:
            return None
        origin = self.text_origin(pane.side, row)
        local = QPointF(point.x() - origin.x(), y - origin.y())
        line = _line_at(layout, local, nearest)
        if line is None:
            return None
        if not nearest and not 0 <= local.x() - line.x() <= line.naturalTextWidth():
            return None
        position = line.xToCursor(local.x(), QTextLine.CursorPosition.CursorOnCharacter)
        return Hit(pane.side, row, position, self.text.sentence_at(pane.side, row, position))

    def _laid_out_sentence(self, side: int, block_index: int, sentence_index: int):
        """(the block's text layout, the sentence's start, end), or None if not laid out."""
        if self.text is None:
            return None
        ranges = self.text.ranges(side, block_index)
        layout = self.layout_for(side, block_index)
        if layout is None or sentence_index >= len(ranges):
            return None
        return (layout, *ranges[sentence_index])

    def sentence_rect(self, side: int, block_index: int, sentence_index: int) -> QRectF | None:
        """The first line's part of a sentence, in the pane's viewport coordinates."""
        laid_out = self._laid_out_sentence(side, block_index, sentence_index)
        if laid_out is None:
            return None
        layout, start, end = laid_out
        line = layout.lineForTextPosition(start)
        x0 = line.cursorToX(start)[0]
        x1 = line.cursorToX(min(end, line.textStart() + line.textLength()))[0]
        origin = self.text_origin(side, block_index)
        pane = self.panes[side]
        return QRectF(
            origin.x() + x0, origin.y() + line.y() - pane.scroll, max(1.0, x1 - x0), line.height()
        )

    def sentence_span(
        self, side: int, block_index: int, sentence_index: int
    ) -> tuple[float, float]:
        """Top and bottom of a sentence in content coordinates (the row if not laid out)."""
        rows = self.geometry_rows
        fallback = (rows.top(block_index), rows.top(block_index) + rows.height(block_index))
        laid_out = self._laid_out_sentence(side, block_index, sentence_index)
        if laid_out is None:
            return fallback
        layout, start, end = laid_out
        origin_y = self.text_origin(side, block_index).y()
        first = layout.lineForTextPosition(start)
        last = layout.lineForTextPosition(max(start, end - 1))
        return origin_y + first.y(), origin_y + last.y() + last.height()

    def set_hover(self, key: tuple[int, int] | None) -> None:
        if key != self.hover:
            self.hover = key
            self._repaint_panes()

    def set_current(
        self, block_index: int, sentence_index: int, *, ensure_visible: bool = True
    ) -> None:
        if self.text is None:
            return
        self.current = (block_index, sentence_index)
        if ensure_visible:
            for pane in self.panes if not self._synced else (self.source_pane,):
                self._ensure_visible(
                    pane, *self.sentence_span(pane.side, block_index, sentence_index)
                )
            if self._synced:  # the translation may be taller: keep it on screen too
                self._ensure_visible(
                    self.target_pane, *self.sentence_span(TARGET, block_index, sentence_index)
                )
        self._repaint_panes()
        self.current_changed.emit(block_index, sentence_index)

    def move_current(self, step: int) -> None:
        """Next (+1) or previous (-1) sentence, across blocks; starts at the top of the screen."""
        if self.text is None:
            return
        order = [(b.index, s.index) for b in self.text.document.blocks for s in b.sentences]
        if not order:
            return
        if self.current is None:
            top = self.geometry_rows.row_at(self.source_pane.scroll)
            index = next((i for i, key in enumerate(order) if key[0] >= top), 0)
        else:
            index = bisect.bisect_left(order, self.current) + step
        index = min(max(index, 0), len(order) - 1)
        self.set_current(*order[index])

    def handle_key(self, pane: PaneView, event: QKeyEvent) -> bool:
        key = event.key()
        if (
            key in (Qt.Key.Key_J, Qt.Key.Key_Down)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self.move_current(+1)
        elif (
            key in (Qt.Key.Key_K, Qt.Key.Key_Up)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self.move_current(-1)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.current is not None:
            self.request_edit(*self.current)
        elif key == Qt.Key.Key_Escape:
            self._selection = None
            self._repaint_panes()
        else:
            return False
        return True

    def request_edit(self, block_index: int, sentence_index: int) -> None:
        if self.text is not None and (block_index, sentence_index) in self.text.sentences:
            self.edit_requested.emit(block_index, sentence_index)

    def _ensure_visible(self, pane: PaneView, top: float, bottom: float) -> None:
        bar = pane.verticalScrollBar()
        height = pane.viewport().height()
        margin = self._line_height * 2
        if top < bar.value() + margin:
            bar.setValue(round(top - margin))
        elif bottom > bar.value() + height - margin:
            bar.setValue(round(min(top - margin, bottom - height + margin)))

    def _repaint_panes(self) -> None:
        for pane in self.panes:
            pane.viewport().update()

    def start_selection(self, pane: PaneView, hit: Hit | None) -> None:
        had_selection = self._selection is not None
        self._selection = None
        self._selection_side = pane.side
        self._selection_anchor = (hit.block, hit.position) if hit else None
        if had_selection:
            self._repaint_panes()

    def extend_selection(self, pane: PaneView, point: QPointF) -> None:
        if pane.side != self._selection_side or self._selection_anchor is None:
            return
        hit = self.hit_test(pane, point, nearest=True)
        if hit is None:
            return
        end = (hit.block, hit.position + 1)
        start = self._selection_anchor
        self._selection = (start, end) if start <= end else (end, (start[0], start[1] + 1))
        pane.viewport().update()

    def select_source(self, start: tuple[int, int], end: tuple[int, int]) -> None:
        """Select original text from (block, offset) to (block, offset), end exclusive."""
        self.select(SOURCE, start, end)

    def select(self, side: int, start: tuple[int, int], end: tuple[int, int]) -> None:
        self._selection_side = side
        self._selection = (start, end)
        self._repaint_panes()

    def selection(self) -> tuple[int, tuple[int, int], tuple[int, int]] | None:
        """(side, (block, start), (block, end)) of the non-empty selection, or None."""
        if self._selection is None or self.text is None:
            return None
        (b0, _), (b1, _) = self._selection
        if not any(self._selection_in_block(row) for row in range(b0, b1 + 1)):
            return None
        return (self._selection_side, *self._selection)

    def select_original_span(self, block_index: int, start: int, end: int) -> None:
        """Select an annotation's span and bring it on screen. `end` may run past the block
        (a selection over several blocks, in document offsets: blocks joined by a blank line)."""
        if self.text is None or not 0 <= block_index < len(self.text.document.blocks):
            return
        blocks = self.text.document.blocks
        last, end_offset = block_index, end
        while end_offset > len(blocks[last].text) and last + 1 < len(blocks):
            end_offset -= len(blocks[last].text) + 2  # the blank line between blocks
            last += 1
        self.select(SOURCE, (block_index, start), (last, max(0, end_offset)))
        self.reveal(block_index, start)

    def reveal(self, block_index: int, position: int = 0) -> None:
        """Scroll so that a character of the original (and its row's translation) is shown."""
        if self.text is None:
            return
        self.ensure_layout()
        top, bottom = self._range_span(Match(block_index, SOURCE, position, position))
        for pane in self.panes if not self._synced else (self.source_pane,):
            self._ensure_visible(pane, top, bottom)
        if not self._synced:
            row_top = self.geometry_rows.top(block_index)
            self._ensure_visible(self.target_pane, row_top, row_top + self._line_height)
        self._repaint_panes()

    def _selection_in_block(self, row: int) -> tuple[int, int] | None:
        if self._selection is None or self.text is None:
            return None
        (b0, p0), (b1, p1) = self._selection
        if not b0 <= row <= b1:
            return None
        length = len(self.text.text(self._selection_side, row) or "")
        start = p0 if row == b0 else 0
        end = min(p1, length) if row == b1 else length
        return (start, end) if end > start else None

    def selected_text(self, side: int | None = None) -> str:
        """The selected text (only if it is on `side`, when given)."""
        if self._selection is None or self.text is None:
            return ""
        if side is not None and side != self._selection_side:
            return ""
        (b0, _), (b1, _) = self._selection
        pieces = []
        for row in range(b0, b1 + 1):
            span = self._selection_in_block(row)
            text = self.text.text(self._selection_side, row)
            if span and text:
                pieces.append(text[span[0] : span[1]])
        return "\n".join(pieces)

    def current_sentence_text(self, side: int) -> str:
        if self.text is None or self.current is None:
            return ""
        block_index, sentence_index = self.current
        ranges = self.text.ranges(side, block_index)
        text = self.text.text(side, block_index)
        if text is None or sentence_index >= len(ranges):
            return ""
        start, end = ranges[sentence_index]
        return text[start:end]


def _line_at(layout: QTextLayout, point: QPointF, nearest: bool) -> QTextLine | None:
    """The line under a point of the layout; in a table, the one of the column under it."""
    count = layout.lineCount()
    for index in range(count):
        line = layout.lineAt(index)
        if point.y() < line.y() + line.height() * LINE_SPACING and (
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
