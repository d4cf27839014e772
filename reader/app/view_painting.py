"""Painting the reading view's rows: the text with its highlights, hover, current sentence,
find matches and selection; list bullets; grey placeholders where a translation will appear."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QTextCharFormat, QTextLayout, QTextLine

from reader.app.aligned_text import SOURCE
from reader.app.view_layout import LINE_SPACING, MARGIN, format_range, table_row_tops

if TYPE_CHECKING:
    from reader.app.pane_view import PaneView

BULLET = "•"  # drawn before list items (never part of the text: offsets stay true)


class RowPainting:
    """Mixin of `DocumentView`: paints the rows of a pane that are on screen."""

    def paint_pane(self, pane: PaneView, painter: QPainter, clip: QRectF) -> None:
        if self.text is None:
            return
        self.ensure_layout()
        rows = self.geometry_rows
        if rows.count == 0:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        first = rows.row_at(pane.scroll + clip.top())
        last = rows.row_at(pane.scroll + clip.bottom())
        anchors = [self._anchor(each) for each in self.panes]
        if self._measure_exactly(range(first, last + 1)):  # estimated rows coming on screen
            self._rebuild_geometry(anchors, repaint=False)
            first = rows.row_at(pane.scroll + clip.top())
            last = rows.row_at(pane.scroll + clip.bottom())
        scroll = pane.scroll
        for row in range(first, last + 1):
            origin = self.text_origin(pane.side, row)
            origin.setY(origin.y() - scroll)
            layout = self.layout_for(pane.side, row)
            if layout is None:
                self._paint_placeholder(painter, pane, row, origin)
                continue
            if self.text.block(row).kind == "code":
                self._paint_code_background(painter, pane, origin, layout)
            layout.draw(painter, origin, self._selections(pane.side, row))
            if self.text.block(row).kind == "table":
                self._paint_row_rules(painter, pane, row, origin, layout)
            if self.text.block(row).kind == "list_item" and layout.lineCount():
                self._paint_bullet(painter, row, origin, layout.lineAt(0))

    def _paint_bullet(
        self, painter: QPainter, row: int, origin: QPointF, first_line: QTextLine
    ) -> None:
        """A list item's bullet, in the indent before its first line."""
        painter.save()
        painter.setFont(self.font_for(self.text.block(row)))
        x = origin.x() - self._line_height * 0.8
        painter.drawText(QPointF(x, origin.y() + first_line.y() + first_line.ascent()), BULLET)
        painter.restore()

    def _paint_code_background(
        self, painter: QPainter, pane: PaneView, origin: QPointF, layout: QTextLayout
    ) -> None:
        """Code sits on a faint panel, so that it reads as verbatim text, not prose."""
        pad = self._line_height * 0.3
        width = self._widths[pane.side] - (origin.x() - MARGIN)
        height = layout.boundingRect().height()
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.palette().color(QPalette.ColorRole.AlternateBase))
        painter.drawRoundedRect(
            QRectF(origin.x() - pad, origin.y() - pad, width + pad, height + 2 * pad), 4, 4
        )
        painter.restore()

    def _paint_row_rules(
        self, painter: QPainter, pane: PaneView, row: int, origin: QPointF, layout: QTextLayout
    ) -> None:
        """A hairline between a table's rows, across the pane's text width."""
        text = self.text.text(pane.side, row) or ""
        width = self._widths[pane.side] - (origin.x() - MARGIN)
        painter.save()
        painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
        for top in table_row_tops(layout, text):
            y = origin.y() + top - self._line_height * 0.25
            painter.drawLine(QPointF(origin.x(), y), QPointF(origin.x() + width, y))
        painter.restore()

    def _paint_placeholder(
        self, painter: QPainter, pane: PaneView, row: int, origin: QPointF
    ) -> None:
        """A quiet skeleton of a few grey bars where the translation will appear."""
        source_height = self.geometry_rows.side_heights[SOURCE][row]
        lines = max(1, min(3, round(source_height / (self._line_height * LINE_SPACING))))
        width = self._widths[pane.side] - (origin.x() - MARGIN)
        bar_height = self._line_height * 0.45
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._colors.placeholder)
        for line in range(lines):
            fraction = 0.6 if line == lines - 1 and lines > 1 else 0.95
            y = origin.y() + line * self._line_height * LINE_SPACING + self._line_height * 0.3
            painter.drawRoundedRect(QRectF(origin.x(), y, width * fraction, bar_height), 3, 3)
        painter.restore()

    def _selections(self, side: int, row: int) -> list[QTextLayout.FormatRange]:
        assert self.text is not None
        ranges = self.text.ranges(side, row)
        selections = [self._highlight_format(*mark) for mark in self.highlight_ranges(side, row)]
        for key, colour in ((self.current, self._colors.current), (self.hover, self._colors.hover)):
            if key is not None and key[0] == row and key[1] < len(ranges):
                start, end = ranges[key[1]]
                selections.append(_background(start, end, colour))
        for start, end in self._matches_by_block.get((side, row), ()):
            selections.append(_background(start, end, self._colors.match))
        if 0 <= self._match_index < len(self._matches):
            match = self._matches[self._match_index]
            if (match.side, match.block) == (side, row):
                selections.append(_background(match.start, match.end, self._colors.current_match))
        if side == self._selection_side and self._selection is not None:
            span = self._selection_in_block(row)
            if span is not None:
                char_format = QTextCharFormat()
                char_format.setBackground(self._colors.selection)
                char_format.setForeground(self._colors.selection_text)
                selections.append(format_range(span[0], span[1] - span[0], char_format))
        return selections


def _background(start: int, end: int, colour: QColor) -> QTextLayout.FormatRange:
    char_format = QTextCharFormat()
    char_format.setBackground(colour)
    return format_range(start, end - start, char_format)
