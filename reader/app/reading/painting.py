"""Painting the reading view's rows: the text with its highlights, hover, current sentence,
find matches and selection; list bullets; grey placeholders where a translation will appear."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QPainter,
    QPalette,
    QTextCharFormat,
    QTextLayout,
    QTextLine,
)

from reader.app.reading.layout import format_range, table_row_tops
from reader.app.theme import highlight_colour, tint_colour
from reader.core.side import Side

if TYPE_CHECKING:
    from reader.app.reading.find import FindController
    from reader.app.reading.highlights import Highlights, PaintedMark
    from reader.app.reading.interaction import Interaction
    from reader.app.reading.layout import RowLayout
    from reader.app.reading.pane import PaneView

BULLET = "•"  # drawn before list items (never part of the text: offsets stay true)
NOTE_MARK_RADIUS = 0.14  # of the line height: the dot after a highlight that has a note
# Of the line height: the margin bar beside a sentence lacking a glossary term (right of a bullet)
TERM_BAR_OFFSET, TERM_BAR_WIDTH = 0.35, 0.12


class RowPainter:
    """Paints the rows of a pane that are on screen, from the state of the view's parts."""

    def __init__(
        self,
        layout: RowLayout,
        interaction: Interaction,
        find: FindController,
        highlights: Highlights,
    ) -> None:
        self.layout = layout
        self.interaction = interaction
        self.find = find
        self.highlights = highlights

    def paint(self, pane: PaneView, painter: QPainter, clip: QRectF) -> None:
        layout = self.layout
        if layout.text is None:
            return
        layout.ensure_layout()
        rows = layout.rows
        if rows.count == 0:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(pane.palette().color(QPalette.ColorRole.Text))
        first = rows.row_at(pane.scroll + clip.top())
        last = rows.row_at(pane.scroll + clip.bottom())
        anchors = [layout.anchor(each) for each in layout.panes]
        if layout.measure_exactly(range(first, last + 1)):  # estimated rows coming on screen
            layout.rebuild_geometry(anchors, repaint=False)
            first = rows.row_at(pane.scroll + clip.top())
            last = rows.row_at(pane.scroll + clip.bottom())
        for row in range(first, last + 1):
            self._paint_row(pane, painter, row)

    def _paint_row(self, pane: PaneView, painter: QPainter, row: int) -> None:
        origin = self.layout.text_origin(pane.side, row)
        origin.setY(origin.y() - pane.scroll)
        text_layout = self.layout.layout_for(pane.side, row)
        if text_layout is None:
            self._paint_placeholder(painter, pane, row, origin)
            return
        kind = self.layout.text.block(row).kind
        if kind == "code":
            self._paint_code_background(painter, pane, origin, text_layout)
        marks = self.highlights.marks(self.layout.text, pane.side, row)
        text_layout.draw(painter, origin, self.selections(pane.side, row, marks))
        self._paint_note_marks(painter, origin, text_layout, marks)
        if pane.side == Side.TRANSLATION:
            self._paint_term_missing_bars(painter, row, origin, text_layout)
        if kind == "table":
            self._paint_row_rules(painter, pane, row, origin, text_layout)
        if kind == "list_item" and text_layout.lineCount():
            self._paint_bullet(painter, row, origin, text_layout.lineAt(0))

    def _paint_bullet(
        self, painter: QPainter, row: int, origin: QPointF, first_line: QTextLine
    ) -> None:
        """A list item's bullet, in the indent before its first line."""
        painter.save()
        painter.setFont(self.layout.font_for(self.layout.text.block(row)))
        x = origin.x() - self.layout.line_height * 0.8
        painter.drawText(QPointF(x, origin.y() + first_line.y() + first_line.ascent()), BULLET)
        painter.restore()

    def _paint_note_marks(
        self,
        painter: QPainter,
        origin: QPointF,
        text_layout: QTextLayout,
        marks: list[PaintedMark],
    ) -> None:
        """A small dot after each highlight that has a note: it can be hovered to read it."""
        noted = [mark for mark in marks if mark.strong and mark.note.strip()]
        if not noted:
            return
        radius = self.layout.line_height * NOTE_MARK_RADIUS
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        for mark in noted:
            line = text_layout.lineForTextPosition(max(mark.start, mark.end - 1))
            x = origin.x() + line.cursorToX(mark.end)[0] + radius
            y = origin.y() + line.y() + radius * 1.5
            painter.setBrush(highlight_colour(mark.colour, False).darker(170))
            painter.drawEllipse(QPointF(x, y), radius, radius)
        painter.restore()

    def _paint_term_missing_bars(
        self, painter: QPainter, row: int, origin: QPointF, text_layout: QTextLayout
    ) -> None:
        """A bar in the margin beside each sentence lacking a glossary term: its underline
        alone is easy to miss in a long block."""
        target = self.layout.text.target(row)
        lacking = target.ranges_in("term_missing") if target else ()
        if not lacking:
            return
        line_height = self.layout.line_height
        x = origin.x() - line_height * TERM_BAR_OFFSET
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.layout.colours.term_missing)
        for start, end in lacking:
            first = text_layout.lineForTextPosition(start)
            last = text_layout.lineForTextPosition(max(start, end - 1))
            top, bottom = first.y(), last.y() + last.height()
            bar = QRectF(x, origin.y() + top, line_height * TERM_BAR_WIDTH, bottom - top)
            painter.drawRoundedRect(bar, 1, 1)
        painter.restore()

    def _paint_code_background(
        self, painter: QPainter, pane: PaneView, origin: QPointF, text_layout: QTextLayout
    ) -> None:
        """Code sits on a faint panel, so that it reads as verbatim text, not prose."""
        pad = self.layout.line_height * 0.3
        width = self._column_right(pane) - origin.x()
        height = text_layout.boundingRect().height()
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(pane.palette().color(QPalette.ColorRole.AlternateBase))
        painter.drawRoundedRect(
            QRectF(origin.x() - pad, origin.y() - pad, width + pad, height + 2 * pad), 4, 4
        )
        painter.restore()

    def _column_right(self, pane: PaneView) -> float:
        """The x where the pane's text column ends."""
        return self.layout.column_left(pane.side) + self.layout.text_width(pane.side)

    def _paint_row_rules(
        self,
        painter: QPainter,
        pane: PaneView,
        row: int,
        origin: QPointF,
        text_layout: QTextLayout,
    ) -> None:
        """A hairline between a table's rows, across the pane's text width."""
        text = self.layout.text.text(pane.side, row) or ""
        right = self._column_right(pane)
        painter.save()
        painter.setPen(pane.palette().color(QPalette.ColorRole.Mid))
        for top in table_row_tops(text_layout, text):
            y = origin.y() + top - self.layout.line_height * 0.25
            painter.drawLine(QPointF(origin.x(), y), QPointF(right, y))
        painter.restore()

    def _paint_placeholder(
        self, painter: QPainter, pane: PaneView, row: int, origin: QPointF
    ) -> None:
        """A quiet skeleton of a few grey bars where the translation will appear."""
        layout = self.layout
        line_height = layout.line_height
        spacing = layout.reading.line_spacing
        source_height = layout.rows.side_heights[Side.ORIGINAL.index][row]
        lines = max(1, min(3, round(source_height / (line_height * spacing))))
        width = self._column_right(pane) - origin.x()
        bar_height = line_height * 0.45
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(layout.colours.placeholder)
        for line in range(lines):
            fraction = 0.6 if line == lines - 1 and lines > 1 else 0.95
            y = origin.y() + line * line_height * spacing + line_height * 0.3
            painter.drawRoundedRect(QRectF(origin.x(), y, width * fraction, bar_height), 3, 3)
        painter.restore()

    def selections(
        self, side: Side, row: int, marks: list[PaintedMark] | None = None
    ) -> list[QTextLayout.FormatRange]:
        """The extra formats of one side of a row: highlights, hover, current sentence, find
        matches and the selection, in the order they are drawn (the last on top)."""
        layout, colours = self.layout, self.layout.colours
        if marks is None:
            marks = self.highlights.marks(layout.text, side, row)
        selections = [self._highlight_format(mark) for mark in marks]
        ranges = layout.text.ranges(side, row)
        interaction = self.interaction
        sentences = ((interaction.current, colours.current), (interaction.hover, colours.hover))
        for key, colour in sentences:
            if key is not None and key[0] == row and key[1] < len(ranges):
                selections.append(_background(*ranges[key[1]], colour))
        for start, end in self.find.by_block.get((side, row), ()):
            selections.append(_background(start, end, colours.match))
        match = self.find.current
        if match is not None and (match.side, match.block) == (side, row):
            selections.append(_background(match.start, match.end, colours.current_match))
        span = interaction.selection_in_block(row) if side == interaction.selection_side else None
        if span is not None:
            char_format = QTextCharFormat()
            char_format.setBackground(colours.selection)
            char_format.setForeground(colours.selection_text)
            selections.append(format_range(span[0], span[1] - span[0], char_format))
        return selections

    def _highlight_format(self, mark: PaintedMark) -> QTextLayout.FormatRange:
        dark = self.layout.colours.dark
        char_format = QTextCharFormat()
        if mark.strong:
            char_format.setBackground(highlight_colour(mark.colour, dark))
            if dark:  # the palette's light text would vanish on a light swatch
                char_format.setForeground(QColor("#111111"))
            if mark.note.strip():  # a highlight with a note reads differently from a plain one
                char_format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
                char_format.setUnderlineColor(highlight_colour(mark.colour, False).darker(170))
        else:
            char_format.setBackground(tint_colour(mark.colour, dark))
        return format_range(mark.start, mark.end - mark.start, char_format)


def _background(start: int, end: int, colour: QColor) -> QTextLayout.FormatRange:
    char_format = QTextCharFormat()
    char_format.setBackground(colour)
    return format_range(start, end - start, char_format)
