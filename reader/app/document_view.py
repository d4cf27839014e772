"""The reading view: the original on the left, its translation on the right, in a splitter.

Both panes paint the same list of rows, one row per block, each row as tall as the taller side,
so a paragraph's translation always starts level with its original. Each pane is a
`QAbstractScrollArea` that lays out and paints only the rows on screen with `QTextLayout`
(thousands of blocks stay fast); row heights are measured once per width/font and kept as prefix
sums, so finding the row at a y position is a binary search. Hovering, clicking and the keyboard
work on (block, sentence) pairs: the source side knows each sentence's character range from the
segmenter, the target side from how the translated block text was assembled.

This module holds the widget (content, fonts, annotation highlights, scrolling); its parts live in
`aligned_text` (the text of both sides, row geometry), `pane_view` (one pane), `view_layout`
(laying out and measuring rows), `view_painting`, `view_interaction` (hit testing, hover, current
sentence, keys, selection), `view_find` and `missing_model_panel`.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QResizeEvent,
    QTextCharFormat,
    QTextLayout,
)
from PySide6.QtWidgets import QLabel, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from reader.app.aligned_text import SOURCE, TARGET, AlignedText, RowGeometry
from reader.app.languages import language_name
from reader.app.missing_model_panel import MissingModelPanel
from reader.app.pane_view import PaneView
from reader.app.theme import PaneColors, highlight_colour, pane_colors, tint_colour
from reader.app.view_find import FindBar, FindMixin, Match
from reader.app.view_interaction import SentenceInteraction
from reader.app.view_layout import ROW_GAP_LINES, RowLayout, TableRowHeights, format_range
from reader.app.view_painting import RowPainting

if TYPE_CHECKING:  # importing reader.core.documents loads the segmenter (numpy): not at start-up
    from reader.core.documents.model import Document

VISIBLE_DEBOUNCE_MS = 80


class DocumentView(RowLayout, RowPainting, SentenceInteraction, FindMixin, QWidget):
    """Two aligned panes in a splitter, with hover/current sentence, synced scrolling and find."""

    visible_blocks_changed = Signal(list)
    current_changed = Signal(int, int)
    edit_requested = Signal(int, int)
    context_menu_requested = Signal(int, QPoint)  # side, global position
    layout_changed = Signal()
    # A word double-clicked (Ctrl+double-click on the translation): side, block, character.
    word_activated = Signal(int, int, int)  # hook: dictionary

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text: AlignedText | None = None
        self.geometry_rows = RowGeometry()
        self._layouts: list[OrderedDict[int, QTextLayout]] = [OrderedDict(), OrderedDict()]
        self.table_rows = TableRowHeights()
        self._widths = [0.0, 0.0]
        self._measured_widths = [-1.0, -1.0]
        self._dirty_sides: set[int] = {SOURCE, TARGET}
        # Rows whose height is still an estimate (from the text length); refined when idle.
        self._estimated: list[set[int]] = [set(), set()]
        self._metrics: dict[tuple[str, int], tuple[float, float]] = {}
        self._base_font = QFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont))
        self._base_font.setPointSizeF(12.0)
        self._fonts: dict[tuple[str, int], QFont] = {}
        self._line_height = QFontMetricsF(self._base_font).height()
        self._colors: PaneColors = pane_colors(self.palette())
        self.hover: tuple[int, int] | None = None
        self.current: tuple[int, int] | None = None
        # The selection (one side at a time): ((block, offset), (block, offset)), end exclusive.
        self._selection: tuple[tuple[int, int], tuple[int, int]] | None = None
        self._selection_anchor: tuple[int, int] | None = None
        self._selection_side = SOURCE
        # Annotation highlights by block (objects with side, colour, start, end, sentences:
        # `reader.core.notes.service.Highlight`); resolved against the shown text when painted.
        self._highlights: dict[int, list] = {}
        self._matches: list[Match] = []
        self._match_index = -1
        self._matches_by_block: dict[tuple[int, int], list[tuple[int, int]]] = {}
        self._find_text = ""
        self._synced = True
        self._syncing = False
        self.translation_available = False

        self.source_pane = PaneView(self, SOURCE)
        self.target_pane = PaneView(self, TARGET)
        self.panes = (self.source_pane, self.target_pane)
        self.source_header = QLabel(objectName="sourceHeader")
        self.target_header = QLabel(objectName="targetHeader")
        self.missing_panel = MissingModelPanel()
        self.target_stack = QStackedWidget()
        self.target_stack.addWidget(self.target_pane)
        self.target_stack.addWidget(self.missing_panel)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, objectName="paneSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(5)
        self.splitter.setStyleSheet("QSplitter#paneSplitter::handle { background: palette(mid); }")
        self.splitter.addWidget(_column(self.source_header, self.source_pane))
        self.splitter.addWidget(_column(self.target_header, self.target_stack))
        self.splitter_restored = False  # else the first resize splits the width in half
        self.find_bar = FindBar()
        self.find_bar.hide()
        self.find_bar.search.connect(self.find)
        self.find_bar.closed.connect(self.clear_find)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.find_bar)

        for pane in self.panes:
            pane.verticalScrollBar().valueChanged.connect(
                lambda value, source=pane: self._sync_scroll(source, value)
            )
        self._visible_timer = QTimer(self, singleShot=True, interval=VISIBLE_DEBOUNCE_MS)
        self._visible_timer.timeout.connect(self._emit_visible_blocks)
        self._relayout_timer = QTimer(self, singleShot=True, interval=0)
        self._relayout_timer.timeout.connect(self.ensure_layout)
        self._refine_timer = QTimer(self, interval=0)
        self._refine_timer.timeout.connect(self._refine_step)
        self._refine_paused = False
        self._apply_font_metrics()

    # --- content -------------------------------------------------------------------------------

    def set_document(self, document: Document, translations: Iterable = ()) -> None:
        self.text = AlignedText(document)
        self.text.add(translations)
        self._estimated = [set(), set()]
        self.hover = self.current = None
        self._selection = self._selection_anchor = None
        self._highlights = {}
        self._matches, self._match_index, self._matches_by_block = [], -1, {}
        self.geometry_rows.reset(len(document.blocks))
        self._invalidate_layouts()
        self.ensure_layout()
        for pane in self.panes:
            pane.verticalScrollBar().setValue(0)
        self._update_headers()
        self._visible_timer.start()

    def clear_document(self) -> None:
        """Forget the document (e.g. the library is shown): no more background measuring."""
        self._refine_timer.stop()
        self._refine_paused = False
        self._relayout_timer.stop()
        self._visible_timer.stop()
        self.text = None
        self._estimated = [set(), set()]
        for cache in self._layouts:
            cache.clear()
        self.geometry_rows.reset(0)
        self.hover = self.current = None
        self._selection = self._selection_anchor = None
        self._highlights = {}

    def set_languages(self, source: str, target: str, *, machine: bool = True) -> None:
        self._languages = (source, target, machine)
        self._update_headers()

    def _update_headers(self) -> None:
        source, target, _ = getattr(self, "_languages", ("", "", True))
        self.source_header.setText(f"  Original — {language_name(source)}" if source else "")
        self.target_header.setText(f"  Translation — {language_name(target)}" if target else "")

    def add_translations(self, sentences: list) -> set[int]:
        """New translated sentences (one batch): re-measure only the blocks they change."""
        if self.text is None:
            return set()
        changed = self.text.add(sentences)
        if not changed:
            return changed
        layouts = self._layouts[TARGET]
        for block_index in changed:
            layouts.pop(block_index, None)
        # A table's rows start level on both sides: its original is laid out again too.
        tables = {i for i in changed if self.text.block(i).kind == "table"}
        for block_index in tables:
            self._layouts[SOURCE].pop(block_index, None)
        if TARGET not in self._dirty_sides:
            self._measure_rows(TARGET, changed)
            if tables and SOURCE not in self._dirty_sides:
                self._measure_rows(SOURCE, tables)
            self._rebuild_geometry()
        if self._find_text:
            self._recompute_matches(keep_position=True)
        self.target_pane.viewport().update()
        return changed

    def clear_translations(self) -> None:
        if self.text is None:
            return
        self.text.clear()
        self._layouts[TARGET].clear()
        self._dirty_sides.add(TARGET)
        self._relayout_timer.start()
        self.target_pane.viewport().update()

    def show_missing_model(
        self, source: str, target: str, download_bytes: int | None, downloadable: bool
    ) -> None:
        self.translation_available = False
        self.missing_panel.show_pair(source, target, download_bytes, downloadable)
        self.target_stack.setCurrentWidget(self.missing_panel)

    def show_translation(self) -> None:
        self.translation_available = True
        self.target_stack.setCurrentWidget(self.target_pane)

    @property
    def missing_model_shown(self) -> bool:
        return self.target_stack.currentWidget() is self.missing_panel

    # --- fonts and colours ---------------------------------------------------------------------

    def set_base_font(self, family: str, size: float) -> None:
        font = QFont(self._base_font)
        if family:
            font.setFamily(family)
        font.setPointSizeF(size)
        self._base_font = font
        self._apply_font_metrics()
        self._invalidate_layouts()
        self.ensure_layout()
        for pane in self.panes:
            pane.verticalScrollBar().setSingleStep(round(self._line_height * 3))
            pane.viewport().update()

    @property
    def base_font(self) -> QFont:
        return QFont(self._base_font)

    def _apply_font_metrics(self) -> None:
        self._fonts.clear()
        self._metrics.clear()
        self._line_height = QFontMetricsF(self._base_font).height()
        self.geometry_rows.gap = round(self._line_height * ROW_GAP_LINES)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self.splitter_restored and self.width() > 0:
            self.splitter_restored = True
            half = self.splitter.width() // 2
            self.splitter.setSizes([half, self.splitter.width() - half])

    def restore_splitter(self, state) -> None:
        self.splitter_restored = self.splitter.restoreState(state)

    def changeEvent(self, event) -> None:
        if event.type() in (event.Type.PaletteChange, event.Type.StyleChange):
            self._colors = pane_colors(self.palette())
            for pane in self.panes:
                pane.viewport().update()
        super().changeEvent(event)

    # --- annotation highlights -----------------------------------------------------------------

    def set_highlights(self, highlights: dict[int, list]) -> None:
        """Show annotations: {block index: [Highlight]} as made by
        `reader.core.notes.service.highlights` (the colour is a palette name)."""
        self._highlights = highlights
        self._repaint_panes()

    def highlight_ranges(self, side: int, block_index: int) -> list[tuple[int, int, str, bool]]:
        """What is painted for annotations in one side of a block: (start, end, colour name,
        strong); weak is the light tint of the other side of an annotated sentence."""
        found = self._highlights.get(block_index)
        if not found or self.text is None:
            return []
        ranges = self.text.ranges(side, block_index)
        marks = []
        for mark in found:
            if mark.side == ("original" if side == SOURCE else "translation"):
                span = (mark.start, mark.end)
                if side == TARGET:  # offsets in the sentence's translation
                    sentence = mark.sentences[0]
                    if not self._sentence_shown(side, block_index, sentence):
                        continue
                    from reader.core.notes.service import translation_highlight_span

                    shown = self.text.sentences[(block_index, sentence)].translation
                    placed = translation_highlight_span(mark, shown)  # None: words gone
                    span = placed and _in_sentence(ranges, sentence, *placed)
                if span is not None and span[1] > span[0]:
                    marks.append((*span, mark.colour, True))
                continue
            for sentence in mark.sentences:  # the counterpart sentences: a light tint
                if sentence < len(ranges) and self._sentence_shown(side, block_index, sentence):
                    marks.append((*ranges[sentence], mark.colour, False))
        return marks

    def _sentence_shown(self, side: int, block_index: int, sentence: int) -> bool:
        if side == SOURCE:
            return True
        target = self.text.target(block_index) if self.text else None
        return (
            target is not None
            and sentence < len(target.states)
            and target.states[sentence] != "missing"
        )

    def _highlight_format(
        self, start: int, end: int, colour: str, strong: bool
    ) -> QTextLayout.FormatRange:
        dark = self._colors.dark
        char_format = QTextCharFormat()
        if strong:
            char_format.setBackground(highlight_colour(colour, dark))
            if dark:  # the palette's light text would vanish on a light swatch
                char_format.setForeground(QColor("#111111"))
        else:
            char_format.setBackground(tint_colour(colour, dark))
        return format_range(start, end - start, char_format)

    # --- scrolling -----------------------------------------------------------------------------

    @property
    def synced(self) -> bool:
        return self._synced

    def set_synced(self, on: bool) -> None:
        self._synced = on
        if on:
            self._sync_scroll(self.source_pane, self.source_pane.scroll)

    def _sync_scroll(self, source: PaneView, value: int) -> None:
        if not self._synced or self._syncing:
            return
        self._syncing = True
        try:
            for pane in self.panes:
                if pane is not source:
                    pane.verticalScrollBar().setValue(value)
        finally:
            self._syncing = False

    def pane_scrolled(self, pane: PaneView) -> None:
        self._visible_timer.start()

    def scroll_to_block(self, block_index: int) -> None:
        if self.text is None or not self.text.document.blocks:
            return
        self.ensure_layout()
        block_index = min(max(block_index, 0), len(self.text.document.blocks) - 1)
        for pane in self.panes:
            pane.verticalScrollBar().setValue(math.ceil(self.geometry_rows.top(block_index)))

    def top_block(self) -> int:
        if self.geometry_rows.count == 0:
            return 0
        return self.geometry_rows.row_at(self.source_pane.scroll + self.geometry_rows.gap)

    def visible_blocks(self, pane: PaneView | None = None) -> list[int]:
        """Blocks on screen, top to bottom (both panes when they scroll apart)."""
        rows = self.geometry_rows
        if rows.count == 0:
            return []
        panes = (pane,) if pane else self.panes
        visible: dict[int, None] = {}
        for each in panes:
            first = rows.row_at(each.scroll)
            last = rows.row_at(each.scroll + max(1, each.viewport().height()))
            visible.update(dict.fromkeys(range(first, last + 1)))
        return list(visible)

    def visible_translated(self) -> bool:
        """True when every block on the translation pane's screen is fully translated."""
        if self.text is None:
            return False
        return all(self.text.is_translated(b) for b in self.visible_blocks(self.target_pane))

    def _emit_visible_blocks(self) -> None:
        self.visible_blocks_changed.emit(self.visible_blocks())


def _in_sentence(
    ranges: tuple[tuple[int, int], ...], sentence: int, start: int, end: int
) -> tuple[int, int] | None:
    """Offsets within one sentence's translation as offsets in the shown block text, clipped
    to that sentence (its translation may have changed since the note was made)."""
    if not 0 <= sentence < len(ranges):
        return None
    first, last = ranges[sentence]
    return min(first + start, last), min(first + end, last)


def _column(header: QLabel, body: QWidget) -> QWidget:
    header.setMinimumHeight(24)
    font = header.font()
    font.setBold(True)
    header.setFont(font)
    column = QWidget()
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(header)
    layout.addWidget(body, 1)
    return column
