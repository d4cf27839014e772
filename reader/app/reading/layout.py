"""Laying out and measuring the reading view's rows: fonts per block kind, `QTextLayout`s kept
in a small cache, row heights estimated at once and measured exactly when idle or on screen."""

from __future__ import annotations

import itertools
import math
import time
from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)

from reader.app.reading.aligned_text import AlignedText, RowGeometry
from reader.app.reading.reading_layout import ReadingLayout
from reader.core.side import Side

if TYPE_CHECKING:
    from reader.app.reading.pane import PaneView
    from reader.app.theme import PaneColors
    from reader.core.documents.model import Block

LAYOUT_CACHE_SIZE = 600
EXACT_ROWS_AROUND = 40  # rows measured exactly at once around the reading position
REFINE_BUDGET_S = 0.006  # per event-loop turn spent replacing estimated heights by exact ones
HEADING_SCALE = {1: 1.45, 2: 1.3, 3: 1.15}
MIN_TEXT_WIDTH = 40.0
SIDES = (Side.ORIGINAL, Side.TRANSLATION)
LINE_SPACING = ReadingLayout.line_spacing  # the default, for layouts made outside the view


class RowLayout(QObject):
    """Lays out, measures and positions the rows of both panes; owned by `DocumentView`.

    Rows near the reading position are laid out at once; the others get a height estimated from
    their length, replaced by the exact one in small slices while the event loop is idle (or as
    soon as they come on screen), so a long document opens without a freeze.
    """

    geometry_changed = Signal()  # row heights or positions changed (the panes were repositioned)

    def __init__(
        self,
        panes: tuple[PaneView, PaneView],
        colours: PaneColors,
        muted_text: QColor,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.panes = panes
        self.colours = colours
        self.muted_text = muted_text  # sentences not translated yet
        self.text: AlignedText | None = None
        self.rows = RowGeometry()
        self.table_rows = TableRowHeights()
        self.reading = ReadingLayout()
        self.repositioning = False  # true while the layout moves the panes (not a user scroll)
        self._layouts: list[OrderedDict[int, QTextLayout]] = [OrderedDict(), OrderedDict()]
        self._widths = [0.0, 0.0]  # the text column of each pane
        self._lefts = [0.0, 0.0]  # where that column starts in the pane
        self._viewport_widths = [0, 0]
        self._dirty_sides: set[Side] = set(SIDES)
        # Rows whose height is still an estimate (from the text length); refined when idle.
        self._estimated: list[set[int]] = [set(), set()]
        self._metrics: dict[tuple[str, int], tuple[float, float]] = {}
        self._fonts: dict[tuple[str, int], QFont] = {}
        self._base_font = QFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont))
        self._base_font.setPointSizeF(12.0)
        self.line_height = 0.0
        self._relayout_timer = QTimer(self, singleShot=True, interval=0)
        self._relayout_timer.timeout.connect(self.ensure_layout)
        self._refine_timer = QTimer(self, interval=0)
        self._refine_timer.timeout.connect(self._refine_step)
        self._refine_paused = False
        self._apply_font_metrics()

    # --- content, fonts, spacing ---------------------------------------------------------------

    def set_text(self, text: AlignedText | None) -> None:
        """Lay out a new document (None: forget it and stop measuring in the background)."""
        self.text = text
        self._estimated = [set(), set()]
        self.rows.reset(len(text.document.blocks) if text else 0)
        if text is None:
            self._refine_timer.stop()
            self._relayout_timer.stop()
            self._refine_paused = False
            for cache in self._layouts:
                cache.clear()
            return
        self.invalidate()
        self.ensure_layout()

    def translations_changed(self, blocks: set[int]) -> None:
        """Re-measure only the blocks whose translation changed."""
        assert self.text is not None
        for block_index in blocks:
            self._layouts[Side.TRANSLATION.index].pop(block_index, None)
        # A table's rows start level on both sides: its original is laid out again too.
        tables = {i for i in blocks if self.text.block(i).kind == "table"}
        for block_index in tables:
            self._layouts[Side.ORIGINAL.index].pop(block_index, None)
        if Side.TRANSLATION not in self._dirty_sides:
            self._measure_rows(Side.TRANSLATION, blocks)
            if tables and Side.ORIGINAL not in self._dirty_sides:
                self._measure_rows(Side.ORIGINAL, tables)
            self.rebuild_geometry()

    @property
    def base_font(self) -> QFont:
        return QFont(self._base_font)

    def set_base_font(self, font: QFont) -> None:
        self._base_font = QFont(font)
        self._relayout_all()

    def set_reading_layout(self, reading: ReadingLayout) -> None:
        self.reading = reading.clamped()
        self._relayout_all()

    def set_colours(self, colours: PaneColors, muted_text: QColor) -> None:
        """New palette: the cached layouts carry the old colours (the heights stay right)."""
        self.colours, self.muted_text = colours, muted_text
        for cache in self._layouts:
            cache.clear()

    def _relayout_all(self) -> None:
        self._apply_font_metrics()
        for pane in self.panes:
            self._update_width(pane)
        self.invalidate()
        self.ensure_layout()

    def _apply_font_metrics(self) -> None:
        self._fonts.clear()
        self._metrics.clear()
        self.line_height = QFontMetricsF(self._base_font).height()
        self.rows.gap = round(self.line_height * self.reading.paragraph_spacing)

    def font_for(self, block: Block) -> QFont:
        key = (str(block.kind), block.level)
        font = self._fonts.get(key)
        if font is None:
            font = QFont(self._base_font)
            if block.kind == "heading":
                font.setBold(True)
                font.setPointSizeF(font.pointSizeF() * HEADING_SCALE.get(block.level, 1.05))
            elif block.kind == "code":
                font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
                font.setPointSizeF(self._base_font.pointSizeF() * 0.92)
            elif block.kind in ("quote", "caption"):
                font.setItalic(True)
            self._fonts[key] = font
        return font

    def indent(self, block: Block) -> float:
        em = self.line_height * 0.8
        if block.kind == "list_item":
            return em * (1 + max(block.level, 1) - 1) * 1.2
        if block.kind in ("quote", "footnote"):
            return em * 1.5
        return 0.0

    def text_width(self, side: Side) -> float:
        """The width of a pane's text column (before a block's indent)."""
        return self._widths[side.index]

    def column_left(self, side: Side) -> float:
        """Where a pane's text column starts (the margin, more when the line width is capped)."""
        return self._lefts[side.index]

    # --- widths --------------------------------------------------------------------------------

    def pane_resized(self, pane: PaneView) -> None:
        if self._update_width(pane):
            self._dirty_sides.add(pane.side)
            self._relayout_timer.start()
        self.update_scroll_range(pane)

    def _update_width(self, pane: PaneView) -> bool:
        """Work out the pane's text column from its width and the margins; True if it changed."""
        viewport = pane.viewport().width()
        available = max(MIN_TEXT_WIDTH, viewport - 2 * self.reading.margin)
        width = available
        if self.reading.max_line_width:
            char_width = QFontMetricsF(self._base_font).averageCharWidth()
            width = min(available, max(MIN_TEXT_WIDTH, self.reading.max_line_width * char_width))
        index = pane.side.index
        self._lefts[index] = self.reading.margin + (available - width) / 2
        changed = width != self._widths[index]
        self._widths[index] = width
        return changed

    # --- measuring -----------------------------------------------------------------------------

    def invalidate(self) -> None:
        for cache in self._layouts:
            cache.clear()
        self.table_rows.clear()
        self._dirty_sides = set(SIDES)

    def ensure_layout(self) -> None:
        """Re-measure the sides whose width or font changed, keeping the reading position."""
        if not self._dirty_sides or self.text is None:
            return
        anchors = [self.anchor(pane) for pane in self.panes]
        count = len(self.text.document.blocks)
        for side in sorted(self._dirty_sides, key=lambda each: each.index):
            self._layouts[side.index].clear()
            self._estimate_rows(side)
            self._estimated[side.index] = set(range(count))
        self._dirty_sides.clear()
        for row, _offset in anchors:
            first = max(row, 0)
            self.measure_exactly(range(first, min(count, first + EXACT_ROWS_AROUND)))
        self.rebuild_geometry(anchors)
        if any(self._estimated) and not self._refine_paused:
            self._refine_timer.start()

    def pause_measuring(self) -> None:
        """Leave the rows off screen with their estimated heights until `resume_measuring`
        (rows coming on screen are still measured): while the reader waits for the first
        translated screen, measuring the rest of a long document would take CPU time from the
        translation."""
        self._refine_paused = True
        self._refine_timer.stop()

    def resume_measuring(self) -> None:
        self._refine_paused = False
        if self.text is not None and any(self._estimated):
            self._refine_timer.start()

    @property
    def fully_measured(self) -> bool:
        return not self._dirty_sides and not any(self._estimated)

    def _measure_rows(self, side: Side, rows: Iterable[int]) -> None:
        heights = self.rows.side_heights[side.index]
        estimated = self._estimated[side.index]
        for row in rows:
            layout = self.layout_for(side, row)
            heights[row] = layout_height(layout) if layout is not None else 0.0
            estimated.discard(row)

    def measure_exactly(self, rows: Iterable[int]) -> bool:
        """Lay out the rows still estimated; True if any was."""
        rows = list(rows)
        measured = False
        for side in SIDES:
            pending = [row for row in rows if row in self._estimated[side.index]]
            if pending:
                self._measure_rows(side, pending)
                measured = True
        return measured

    def _estimate_rows(self, side: Side) -> None:
        """Heights from the text length and the font's average character width."""
        assert self.text is not None
        heights = self.rows.side_heights[side.index]
        spacing = self.reading.line_spacing
        for row, block in enumerate(self.text.document.blocks):
            text = self.text.text(side, row)
            if text is None:
                heights[row] = 0.0
                continue
            char_width, line_height = self._font_metrics(block)
            width = max(MIN_TEXT_WIDTH, self._widths[side.index] - self.indent(block))
            lines = math.ceil(len(text) * char_width / width) if text else 1
            heights[row] = line_height * (1 + spacing * (max(lines, 1) - 1))

    def _font_metrics(self, block: Block) -> tuple[float, float]:
        key = (str(block.kind), block.level)
        found = self._metrics.get(key)
        if found is None:
            metrics = QFontMetricsF(self.font_for(block))
            # Text is mostly lower case: the average char is a little narrower than "x"-heavy
            # samples suggest; an overestimate is corrected when the row is measured.
            found = self._metrics[key] = (metrics.averageCharWidth() * 1.05, metrics.height())
        return found

    def _refine_step(self) -> None:
        """Replace estimated heights by exact ones for a few ms, keeping the view still."""
        deadline = time.perf_counter() + REFINE_BUDGET_S
        anchors = [self.anchor(pane) for pane in self.panes]
        measured = False
        for side in SIDES:
            pending = self._estimated[side.index]
            heights = self.rows.side_heights[side.index]
            while pending and time.perf_counter() < deadline:
                row = pending.pop()
                layout = self.layout_for(side, row, keep=False)
                heights[row] = layout_height(layout) if layout is not None else 0.0
                measured = True
        if measured:
            self.rebuild_geometry(anchors, repaint=False)
        if not any(self._estimated):
            self._refine_timer.stop()

    # --- positions -----------------------------------------------------------------------------

    def rebuild_geometry(
        self, anchors: list[tuple[int, float]] | None = None, *, repaint: bool = True
    ) -> None:
        """Sum the row heights again and put each pane back on the row it showed."""
        anchors = anchors or [self.anchor(pane) for pane in self.panes]
        self.rows.rebuild()
        self.repositioning = True
        try:
            for pane, (row, offset) in zip(self.panes, anchors, strict=True):
                self.update_scroll_range(pane)
                if row >= 0:
                    offset = min(offset, self.rows.height(row))
                    pane.verticalScrollBar().setValue(round(self.rows.top(row) + offset))
        finally:
            self.repositioning = False
        if repaint:
            for pane in self.panes:
                pane.viewport().update()
        self.geometry_changed.emit()

    def anchor(self, pane: PaneView) -> tuple[int, float]:
        """The row at the top of a pane and how far into it the pane is scrolled."""
        rows = self.rows
        if rows.count == 0 or rows.total == 0:
            return -1, 0.0
        row = rows.row_at(pane.scroll)
        return row, pane.scroll - rows.top(row)

    def update_scroll_range(self, pane: PaneView) -> None:
        bar = pane.verticalScrollBar()
        height = pane.viewport().height()
        bar.setPageStep(max(1, height))
        bar.setSingleStep(max(1, round(self.line_height * 3)))
        bar.setRange(0, max(0, round(self.rows.total) - height))

    def text_origin(self, side: Side, row: int) -> QPointF:
        """Where a block's text starts, in content coordinates (y not scrolled)."""
        assert self.text is not None
        block = self.text.block(row)
        return QPointF(
            self._lefts[side.index] + self.indent(block), self.rows.top(row) + self.rows.gap / 2
        )

    # --- layouts -------------------------------------------------------------------------------

    def layout_for(self, side: Side, block_index: int, *, keep: bool = True) -> QTextLayout | None:
        """The laid-out text of one side of a block, None for a placeholder. Kept in a small
        LRU cache unless `keep` is false (measuring rows off screen must not evict those on it)."""
        cache = self._layouts[side.index]
        layout = cache.get(block_index)
        if layout is not None:
            cache.move_to_end(block_index)
            return layout
        assert self.text is not None
        text = self.text.text(side, block_index)
        if text is None:
            return None
        block = self.text.block(block_index)
        width = max(MIN_TEXT_WIDTH, self._widths[side.index] - self.indent(block))
        formats = self._static_formats(side, block_index)
        font = self.font_for(block)
        spacing = self.reading.line_spacing
        if block.kind == "table":
            layout = build_table_layout(
                text,
                font,
                width,
                formats,
                gap=self.line_height,
                min_row_heights=self._other_side_row_heights(side, block_index),
                line_spacing=spacing,
            )
        else:
            centred = block.kind == "header"
            layout = build_layout(text, font, width, formats, centred=centred, line_spacing=spacing)
        if not keep:
            return layout
        cache[block_index] = layout
        if len(cache) > LAYOUT_CACHE_SIZE:
            cache.popitem(last=False)
        return layout

    def _other_side_row_heights(self, side: Side, block_index: int) -> list[float] | None:
        """The natural row heights of the other side of a table, None while it has no text."""
        other = side.other
        text = self.text.text(other, block_index)
        if text is None:
            return None
        block = self.text.block(block_index)
        width = max(MIN_TEXT_WIDTH, self._widths[other.index] - self.indent(block))
        return self.table_rows.heights(
            (other.index, block_index),
            text,
            self.font_for(block),
            width,
            gap=self.line_height,
            line_spacing=self.reading.line_spacing,
        )

    def _static_formats(self, side: Side, block_index: int) -> list[QTextLayout.FormatRange]:
        """Original: words OCR was unsure of get a wavy underline. Translation: edited sentences
        get a dotted underline, those lacking a glossary term a dashed red one, not-yet-translated
        ones a muted colour."""
        assert self.text is not None
        if side == Side.ORIGINAL:
            return self._unsure_word_formats(block_index)
        target = self.text.target(block_index)
        formats = []
        for (start, end), state in zip(target.ranges, target.states, strict=True) if target else ():
            if state == "machine":
                continue
            char_format = QTextCharFormat()
            if state == "edited":
                char_format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
                char_format.setUnderlineColor(self.colours.edited)
            elif state == "term_missing":  # not a wave: that says "OCR unsure" on the original
                char_format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
                char_format.setUnderlineColor(self.colours.term_missing)
            else:
                char_format.setForeground(self.muted_text)
            formats.append(format_range(start, end - start, char_format))
        return formats

    def _unsure_word_formats(self, block_index: int) -> list[QTextLayout.FormatRange]:
        char_format = QTextCharFormat()
        char_format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        char_format.setUnderlineColor(self.colours.unsure)
        spans = self.text.block(block_index).ocr_low_confidence
        return [format_range(start, end - start, char_format) for start, end in spans]

    def ocr_unsure_at(self, side: Side, block_index: int, position: int) -> bool:
        """Whether the original character at `position` is in a word OCR was unsure of."""
        if side != Side.ORIGINAL or self.text is None:
            return False
        spans = self.text.block(block_index).ocr_low_confidence
        return any(start <= position < end for start, end in spans)


# QTextLayout breaks lines only at U+2028: a block's "\n" (a <br>, a line of code or of a
# letterhead) becomes one, and so do a table's cell and row separators, character for character,
# so that offsets into the block's text stay offsets into the layout's.
_AS_LINE_BREAK = str.maketrans({"\n": "\u2028"})
_CELLS_AS_LINE_BREAKS = str.maketrans({"\n": "\u2028", "\t": "\u2028"})


class TableRowHeights:
    """The natural row heights of each side of each table, kept per width and text: laying out
    one side of a table needs the other side's (so that both sides' rows start level), and the
    other side's layout may not be at hand."""

    def __init__(self) -> None:
        # (side, block) -> (width, text, row heights)
        self._known: dict[tuple[int, int], tuple[float, str, list[float]]] = {}

    def clear(self) -> None:
        self._known.clear()

    def heights(
        self,
        key: tuple[int, int],
        text: str,
        font: QFont,
        width: float,
        *,
        gap: float,
        line_spacing: float = LINE_SPACING,
    ) -> list[float]:
        known = self._known.get(key)
        if known is None or known[:2] != (width, text):
            heights = table_row_heights(text, font, width, gap=gap, line_spacing=line_spacing)
            known = self._known[key] = (width, text, heights)
        return known[2]


def build_layout(
    text: str,
    font: QFont,
    width: float,
    formats: list[QTextLayout.FormatRange] | None = None,
    *,
    centred: bool = False,
    line_spacing: float = LINE_SPACING,
) -> QTextLayout:
    """Lay out a block's text into lines of `width` pixels, with comfortable line spacing."""
    layout = _new_layout(text.translate(_AS_LINE_BREAK), font, formats, centred=centred)
    layout.beginLayout()
    y = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        line.setPosition(QPointF(0.0, y))
        y += line.height() * line_spacing
    layout.endLayout()
    return layout


def build_table_layout(
    text: str,
    font: QFont,
    width: float,
    formats: list[QTextLayout.FormatRange] | None = None,
    *,
    gap: float,
    min_row_heights: list[float] | None = None,
    line_spacing: float = LINE_SPACING,
) -> QTextLayout:
    """Lay out a table (cells separated by TAB, rows by LF) as a grid: each cell wraps in its
    column, a row is as tall as its tallest cell, and at least `min_row_heights` (the other
    side's rows, so that both sides' rows start level). One layout for the whole block, so
    painting, hit-testing and selections work on it as on any other block."""
    return lay_out_table(
        text,
        font,
        width,
        formats,
        gap=gap,
        min_row_heights=min_row_heights,
        line_spacing=line_spacing,
    )[0]


def table_row_heights(
    text: str, font: QFont, width: float, *, gap: float, line_spacing: float = LINE_SPACING
) -> list[float]:
    """The natural height of each row of a table laid out at `width`."""
    return lay_out_table(text, font, width, gap=gap, line_spacing=line_spacing)[1]


def lay_out_table(
    text: str,
    font: QFont,
    width: float,
    formats: list[QTextLayout.FormatRange] | None = None,
    *,
    gap: float,
    min_row_heights: list[float] | None = None,
    line_spacing: float = LINE_SPACING,
) -> tuple[QTextLayout, list[float]]:
    """The table's layout (see `build_table_layout`) and each row's height, in one pass."""
    rows = [row.split("\t") for row in text.split("\n")]
    columns = _column_extents(rows, width, gap, QFontMetricsF(font))
    cells = [(row, column) for row, cells in enumerate(rows) for column in range(len(cells))]
    cell_starts = list(itertools.accumulate((len(c) + 1 for r in rows for c in r), initial=0))
    layout = _new_layout(text.translate(_CELLS_AS_LINE_BREAKS), font, formats)
    layout.beginLayout()
    heights = [0.0] * len(rows)
    row_top, current_row, filled, cell = 0.0, 0, {}, 0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        while cell + 1 < len(cells) and cell_starts[cell + 1] <= line.textStart():
            cell += 1
        row, column = cells[cell]
        if row != current_row:
            finished = max(heights[current_row], _at_least(min_row_heights, current_row))
            row_top, current_row = row_top + finished + gap * 0.5, row
        x, column_width = columns[column]
        line.setLineWidth(column_width)
        y = filled.get(cell, row_top)
        line.setPosition(QPointF(x, y))
        filled[cell] = y + line.height() * line_spacing
        heights[row] = max(heights[row], y + line.height() - row_top)
    layout.endLayout()
    return layout, heights


def _at_least(heights: list[float] | None, row: int) -> float:
    return heights[row] if heights and row < len(heights) else 0.0


def _column_extents(
    rows: list[list[str]], width: float, gap: float, metrics: QFontMetricsF
) -> list[tuple[float, float]]:
    """(x, width) of each column, as a browser's automatic table layout shares them: each column
    at least as wide as its longest word (a rule of underscores counts for at most a third of the
    pane), the rest of the width given in proportion to what each column needs to fit its cells
    on one line; when even the words do not fit, in proportion to the words."""
    count = max(len(row) for row in rows)
    usable = max(20.0 * count, width - gap * (count - 1))
    columns = [[row[c] for row in rows if c < len(row)] for c in range(count)]
    least = [
        min(usable / 3, max(map(metrics.horizontalAdvance, _words(cells)), default=0.0)) + 2.0
        for cells in columns
    ]
    most = [
        max(max(map(metrics.horizontalAdvance, cells), default=0.0) + 2.0, low)
        for cells, low in zip(columns, least, strict=True)
    ]
    if sum(most) <= usable:
        widths = [each * usable / sum(most) for each in most]
    elif sum(least) <= usable:
        spare, wanted = usable - sum(least), sum(most) - sum(least)
        widths = [
            low + (high - low) * spare / wanted for low, high in zip(least, most, strict=True)
        ]
    else:
        widths = [each * usable / sum(least) for each in least]
    extents, x = [], 0.0
    for column_width in widths:
        extents.append((x, column_width))
        x += column_width + gap
    return extents


def _words(cells: list[str]) -> list[str]:
    return [word for cell in cells for word in cell.split()]


def table_row_tops(layout: QTextLayout, text: str) -> list[float]:
    """The top of each table row after the first (where a rule is drawn between rows)."""
    row_starts = {index + 1 for index, char in enumerate(text) if char == "\n"}
    return [
        layout.lineAt(i).y()
        for i in range(layout.lineCount())
        if layout.lineAt(i).textStart() in row_starts
    ]


def _new_layout(
    text: str,
    font: QFont,
    formats: list[QTextLayout.FormatRange] | None,
    *,
    centred: bool = False,
) -> QTextLayout:
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    if centred:
        option.setAlignment(Qt.AlignmentFlag.AlignHCenter)
    layout.setTextOption(option)
    if formats:
        layout.setFormats(formats)
    layout.setCacheEnabled(True)
    return layout


def layout_height(layout: QTextLayout) -> float:
    count = layout.lineCount()
    if count == 0:
        return 0.0
    last = layout.lineAt(count - 1)
    return last.y() + last.height()


def format_range(start: int, length: int, char_format: QTextCharFormat) -> QTextLayout.FormatRange:
    item = QTextLayout.FormatRange()
    item.start = start
    item.length = length
    item.format = char_format
    return item
