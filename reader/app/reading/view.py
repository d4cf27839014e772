"""The reading view: the original on the left, its translation on the right, in a splitter.

Both panes paint the same list of rows, one row per block, each row as tall as the taller side,
so a paragraph's translation always starts level with its original. Each pane is a
`QAbstractScrollArea` that lays out and paints only the rows on screen with `QTextLayout`
(thousands of blocks stay fast); row heights are measured once per width/font and kept as prefix
sums, so finding the row at a y position is a binary search. Hovering, clicking and the keyboard
work on (block, sentence) pairs: the original side knows each sentence's character range from
the segmenter, the translation side from how the translated block text was assembled.

`DocumentView` holds the panes, the splitter, the headers, the signals and scrolling; its parts
are owned objects: `RowLayout` (laying out and measuring rows), `Interaction` (hover, current
sentence, selection), `FindController`, `Highlights` and `RowPainter`. Each pane speaks to the
view through `PaneDelegate`.
"""

from __future__ import annotations

import bisect
import contextlib
import math
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QPainter,
    QPalette,
    QResizeEvent,
    QTextDocument,
    QTextLayout,
)
from PySide6.QtWidgets import QLabel, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from reader.app.languages import language_name
from reader.app.reading.aligned_text import AlignedText, RowGeometry
from reader.app.reading.find import FindBar, FindController, Match
from reader.app.reading.highlights import Highlights
from reader.app.reading.interaction import (
    Interaction,
    hit_test,
    position_point,
    position_span,
    sentence_first_line,
    sentence_span,
)
from reader.app.reading.layout import RowLayout
from reader.app.reading.missing_model_panel import MissingModelPanel
from reader.app.reading.painting import RowPainter
from reader.app.reading.pane import Hit, PaneView
from reader.app.reading.reading_layout import ReadingLayout
from reader.app.reading.selection_chip import SelectionChip
from reader.app.theme import pane_colors
from reader.core.side import Side

if TYPE_CHECKING:  # importing reader.core.documents loads the segmenter (numpy): not at start-up
    from reader.core.documents.model import Document

VISIBLE_DEBOUNCE_MS = 80
PLACE_TRIES = 4
OCR_HINT = "OCR: low confidence"
GLOSSARY_HINT = "Glossary term missing"  # then the terms


class ReadingPlace(NamedTuple):
    """What the reader looks at and how far down the original pane's screen it is."""

    block: int
    sentence: int | None  # the current sentence when on screen, else the top row
    y: float  # of its top, in the viewport


class DocumentView(QWidget):
    """Two aligned panes in a splitter, with hover/current sentence, synced scrolling and find."""

    visible_blocks_changed = Signal(list)
    current_changed = Signal(int, int)
    edit_requested = Signal(int, int)
    context_menu_requested = Signal(object, QPoint)  # Side, global position
    translate_selection_requested = Signal()
    layout_changed = Signal()
    word_activated = Signal(object, int, int)  # Side, block, character: a word to look up

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.translation_available = False
        self._synced = True
        self._syncing = False
        self._languages = ("", "", True)
        self.source_pane = PaneView(self, Side.ORIGINAL)
        self.target_pane = PaneView(self, Side.TRANSLATION)
        self.panes = (self.source_pane, self.target_pane)
        self.layout_engine = RowLayout(
            self.panes, pane_colors(self.palette()), self._muted_text(), self
        )
        self.layout_engine.geometry_changed.connect(self.layout_changed)
        self.interaction = Interaction(self.layout_engine, self)
        self.interaction.changed.connect(self._repaint_panes)
        self.finder = FindController(self)
        self.finder.changed.connect(self._repaint_panes)
        self.highlights = Highlights()
        self.painter = RowPainter(
            self.layout_engine, self.interaction, self.finder, self.highlights
        )
        self.chip = SelectionChip()
        self.chip.clicked.connect(self._chip_clicked)
        self._build_widgets()
        for pane in self.panes:
            pane.verticalScrollBar().valueChanged.connect(
                lambda value, source=pane: self._sync_scroll(source, value)
            )
        self._visible_timer = QTimer(self, singleShot=True, interval=VISIBLE_DEBOUNCE_MS)
        self._visible_timer.timeout.connect(self._emit_visible_blocks)

    def _build_widgets(self) -> None:
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

    # --- the parts' state, as the window and the tests read it --------------------------------

    @property
    def text(self) -> AlignedText | None:
        return self.layout_engine.text

    @property
    def geometry_rows(self) -> RowGeometry:
        return self.layout_engine.rows

    @property
    def hover(self) -> tuple[int, int] | None:
        return self.interaction.hover

    @property
    def current(self) -> tuple[int, int] | None:
        return self.interaction.current

    @property
    def fully_measured(self) -> bool:
        return self.layout_engine.fully_measured

    @property
    def match_count(self) -> int:
        return len(self.finder.matches)

    @property
    def base_font(self) -> QFont:
        return self.layout_engine.base_font

    @property
    def reading_layout(self) -> ReadingLayout:
        return self.layout_engine.reading

    def layout_for(self, side: Side, block_index: int) -> QTextLayout | None:
        return self.layout_engine.layout_for(side, block_index)

    def text_origin(self, side: Side, row: int) -> QPointF:
        return self.layout_engine.text_origin(side, row)

    def ensure_layout(self) -> None:
        self.layout_engine.ensure_layout()

    def pause_measuring(self) -> None:
        self.layout_engine.pause_measuring()

    def resume_measuring(self) -> None:
        self.layout_engine.resume_measuring()

    def ocr_unsure_at(self, side: Side, block_index: int, position: int) -> bool:
        return self.layout_engine.ocr_unsure_at(side, block_index, position)

    # --- content -------------------------------------------------------------------------------

    def set_document(self, document: Document, translations: Iterable = ()) -> None:
        text = AlignedText(document)
        text.add(translations)
        self.interaction.reset()
        self.highlights.clear()
        self.finder.reset()
        self.chip.hide()
        self.layout_engine.set_text(text)
        if self.finder.text:  # the find bar is still open: its matches in this document
            self.finder.recompute(text, keep_position=False)
        for pane in self.panes:
            pane.verticalScrollBar().setValue(0)
        self._update_headers()
        self._visible_timer.start()

    def clear_document(self) -> None:
        """Forget the document (e.g. the library is shown): no more background measuring."""
        self._visible_timer.stop()
        self.layout_engine.set_text(None)
        self.interaction.reset()
        self.highlights.clear()
        self.finder.reset()
        self.chip.hide()

    def set_languages(self, source: str, target: str, *, machine: bool = True) -> None:
        self._languages = (source, target, machine)
        self._update_headers()

    def _update_headers(self) -> None:
        source, target, _ = self._languages
        self.source_header.setText(f"  Original — {language_name(source)}" if source else "")
        self.target_header.setText(f"  Translation — {language_name(target)}" if target else "")

    def add_translations(self, sentences: list) -> set[int]:
        """New translated sentences (one batch): re-measure only the blocks they change."""
        if self.text is None:
            return set()
        changed = self.text.add(sentences)
        if not changed:
            return changed
        self.layout_engine.translations_changed(changed)
        if self.finder.text:
            self.finder.recompute(self.text, keep_position=True)
        self.target_pane.viewport().update()
        return changed

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

    # --- fonts, spacing and colours ------------------------------------------------------------

    def set_base_font(self, family: str, size: float) -> None:
        """Change the font (zoom), keeping the current sentence where it is on screen."""
        font = self.layout_engine.base_font
        if family:
            font.setFamily(family)
        font.setPointSizeF(size)
        with self._place_kept():
            self.layout_engine.set_base_font(font)

    def set_reading_layout(self, reading: ReadingLayout) -> None:
        """Apply line spacing, margins, paragraph spacing and line width, keeping the place."""
        with self._place_kept():
            self.layout_engine.set_reading_layout(reading)

    @contextlib.contextmanager
    def _place_kept(self) -> Iterator[None]:
        """Keep what the reader looks at at the same height on screen across a relayout: the
        current sentence when it is on screen, else the row at the top of the original."""
        place = self._reading_place()
        yield
        self._restore_place(place)
        for pane in self.panes:
            pane.viewport().update()

    def _reading_place(self) -> ReadingPlace | None:
        if self.text is None or self.geometry_rows.count == 0:
            return None
        pane = self.source_pane
        current = self.interaction.current
        if current is not None:
            top, bottom = sentence_span(self.layout_engine, Side.ORIGINAL, *current)
            if bottom > pane.scroll and top < pane.scroll + pane.viewport().height():
                return ReadingPlace(*current, top - pane.scroll)
        row = self.top_block_at(pane.scroll)
        return ReadingPlace(row, None, self.geometry_rows.top(row) - pane.scroll)

    def _restore_place(self, place: ReadingPlace | None) -> None:
        if place is None or self.text is None:
            return
        self.layout_engine.ensure_layout()
        # Rows coming on screen are measured exactly, which can move the place again: repeat.
        for _ in range(PLACE_TRIES):
            top = self._place_top(place)
            self.source_pane.verticalScrollBar().setValue(round(top - place.y))
            if not self._measure_on_screen(self.source_pane):
                return

    def _place_top(self, place: ReadingPlace) -> float:
        if place.sentence is None:
            return self.geometry_rows.top(place.block)
        return sentence_span(self.layout_engine, Side.ORIGINAL, place.block, place.sentence)[0]

    def _measure_on_screen(self, pane: PaneView) -> bool:
        """Measure the rows on a pane's screen still estimated; True if any was."""
        rows = self.geometry_rows
        first = rows.row_at(pane.scroll)
        last = rows.row_at(pane.scroll + pane.viewport().height())
        if not self.layout_engine.measure_exactly(range(first, last + 1)):
            return False
        self.layout_engine.rebuild_geometry(repaint=False)
        return True

    def _muted_text(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.PlaceholderText)

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
            self.layout_engine.set_colours(pane_colors(self.palette()), self._muted_text())
            self._repaint_panes()
        super().changeEvent(event)

    # --- annotation highlights -----------------------------------------------------------------

    def set_highlights(self, highlights: dict[int, list]) -> None:
        """Show annotations: {block index: [Highlight]} as made by
        `reader.core.notes.service.highlights` (the colour is a palette name)."""
        self.highlights.set(highlights)
        self._repaint_panes()

    def highlight_ranges(self, side: Side, block_index: int) -> list[tuple[int, int, str, bool]]:
        """What is painted for annotations in one side of a block: (start, end, colour name,
        strong); weak is the light tint of the other side of an annotated sentence."""
        return [mark.as_tuple() for mark in self.highlights.marks(self.text, side, block_index)]

    # --- PaneDelegate --------------------------------------------------------------------------

    def pane_resized(self, pane: PaneView) -> None:
        self.layout_engine.pane_resized(pane)
        self.chip.hide()

    def pane_scrolled(self, pane: PaneView) -> None:
        self._visible_timer.start()
        self.chip.hide()

    def paint_pane(self, pane: PaneView, painter: QPainter, clip: QRectF) -> None:
        self.painter.paint(pane, painter, clip)

    def hit_test(self, pane: PaneView, point: QPointF, *, nearest: bool = False) -> Hit | None:
        return hit_test(self.layout_engine, pane.side, point, pane.scroll, nearest=nearest)

    def hint_at(self, hit: Hit) -> str:
        """The tooltip over a character: the notes of its highlights, and why its text is
        underlined (OCR unsure of the word, a glossary term the translation lacks)."""
        notes = self.highlights.notes_at(self.text, hit.side, hit.block, hit.position)
        warnings = self._warnings_at(hit)
        if not notes:
            return "\n".join(warnings)
        return markdown_as_html("\n\n---\n\n".join([*notes, *(f"*{w}*" for w in warnings)]))

    def _warnings_at(self, hit: Hit) -> list[str]:
        warnings = []
        if self.layout_engine.ocr_unsure_at(hit.side, hit.block, hit.position):
            warnings.append(OCR_HINT)
        on_translation = hit.side == Side.TRANSLATION and hit.sentence is not None
        if on_translation and (terms := self.text.missing_terms(hit.block, hit.sentence)):
            warnings.append(f"{GLOSSARY_HINT}: {', '.join(terms)}")
        return warnings

    def set_hover(self, key: tuple[int, int] | None) -> None:
        self.interaction.set_hover(key)

    def start_selection(self, pane: PaneView, hit: Hit | None) -> None:
        self.chip.hide()
        self.interaction.start_selection(pane.side, hit)

    def extend_selection(self, pane: PaneView, point: QPointF) -> None:
        self.interaction.extend_selection(pane.side, self.hit_test(pane, point, nearest=True))

    def finish_selection(self, pane: PaneView, point: QPointF) -> None:
        """A selection of the original was made: offer its translation next to its end."""
        selection = self.interaction.selection()
        if selection is None or selection[0] != Side.ORIGINAL or pane.side != Side.ORIGINAL:
            return
        _, _, (block_index, end) = selection
        at = position_point(self.layout_engine, Side.ORIGINAL, block_index, end)
        if at is not None:
            self.chip.offer(pane.viewport(), QPoint(round(at.x()), round(at.y()) - pane.scroll))

    def _chip_clicked(self) -> None:
        self.chip.hide()
        self.translate_selection_requested.emit()

    def pane_clicked(self, hit: Hit) -> None:
        self.set_current(hit.block, hit.sentence, ensure_visible=False)

    def pane_context_menu(self, pane: PaneView, global_position: QPoint) -> None:
        self.context_menu_requested.emit(pane.side, global_position)

    def handle_key(self, pane: PaneView, event: QKeyEvent) -> bool:
        key = event.key()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key in (Qt.Key.Key_J, Qt.Key.Key_Down) and plain:
            self.move_current(+1)
        elif key in (Qt.Key.Key_K, Qt.Key.Key_Up) and plain:
            self.move_current(-1)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.current is not None:
            self.request_edit(*self.current)
        elif key == Qt.Key.Key_Escape:
            self.chip.hide()
            self.interaction.clear_selection()
        else:
            return False
        return True

    def request_edit(self, block_index: int, sentence_index: int) -> None:
        if self.text is not None and (block_index, sentence_index) in self.text.sentences:
            self.edit_requested.emit(block_index, sentence_index)

    def activate_word(self, side: Side, block_index: int, position: int) -> None:
        self.word_activated.emit(side, block_index, position)

    # --- current sentence and selection --------------------------------------------------------

    def set_current(
        self, block_index: int, sentence_index: int, *, ensure_visible: bool = True
    ) -> None:
        if self.text is None:
            return
        self.interaction.current = (block_index, sentence_index)
        if ensure_visible:
            for pane in self.panes if not self._synced else (self.source_pane,):
                span = sentence_span(self.layout_engine, pane.side, block_index, sentence_index)
                self._ensure_visible(pane, *span)
            if self._synced:  # the translation may be taller: keep it on screen too
                span = sentence_span(
                    self.layout_engine, Side.TRANSLATION, block_index, sentence_index
                )
                self._ensure_visible(self.target_pane, *span)
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

    def sentence_rect(self, side: Side, block_index: int, sentence_index: int) -> QRectF | None:
        """The first line's part of a sentence, in the pane's viewport coordinates."""
        rect = sentence_first_line(self.layout_engine, side, block_index, sentence_index)
        return rect.translated(0, -self.panes[side.index].scroll) if rect is not None else None

    def select_source(self, start: tuple[int, int], end: tuple[int, int]) -> None:
        """Select original text from (block, offset) to (block, offset), end exclusive."""
        self.select(Side.ORIGINAL, start, end)

    def select(self, side: Side, start: tuple[int, int], end: tuple[int, int]) -> None:
        self.interaction.select(side, start, end)

    def selection(self) -> tuple[Side, tuple[int, int], tuple[int, int]] | None:
        return self.interaction.selection()

    def selected_text(self, side: Side | None = None) -> str:
        return self.interaction.selected_text(side)

    def current_sentence_text(self, side: Side) -> str:
        return self.interaction.current_sentence_text(side)

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
        self.select(Side.ORIGINAL, (block_index, start), (last, max(0, end_offset)))
        self.reveal(block_index, start)

    def reveal(self, block_index: int, position: int = 0) -> None:
        """Scroll so that a character of the original (and its row's translation) is shown."""
        if self.text is None:
            return
        self.ensure_layout()
        top, bottom = position_span(self.layout_engine, Side.ORIGINAL, block_index, position)
        for pane in self.panes if not self._synced else (self.source_pane,):
            self._ensure_visible(pane, top, bottom)
        if not self._synced:
            top = self.geometry_rows.top(block_index)
            self._ensure_visible(self.target_pane, top, top + self.layout_engine.line_height)
        self._repaint_panes()

    # --- find ----------------------------------------------------------------------------------

    def open_find(self) -> None:
        self.finder.prepare(self.text)
        self.find_bar.open_bar()

    def find(self, text: str, backward: bool = False) -> bool:
        """Highlight every match of `text` on both sides and go to the next one."""
        match = self.finder.find(self.text, text, backward=backward, top_block=self.top_block())
        self.find_bar.status.setText(self.finder.status())
        if match is None:
            return False
        self._ensure_visible(self.panes[match.side.index], *self._match_span(match))
        return True

    def _match_span(self, match: Match) -> tuple[float, float]:
        return position_span(self.layout_engine, match.side, match.block, match.start)

    def clear_find(self) -> None:
        self.finder.clear()
        self.source_pane.setFocus()

    # --- scrolling -----------------------------------------------------------------------------

    @property
    def synced(self) -> bool:
        return self._synced

    def set_synced(self, on: bool) -> None:
        self._synced = on
        if on:
            self._sync_scroll(self.source_pane, self.source_pane.scroll)

    def _sync_scroll(self, source: PaneView, value: int) -> None:
        if not self._synced or self._syncing or self.layout_engine.repositioning:
            return
        self._syncing = True
        try:
            for pane in self.panes:
                if pane is not source:
                    pane.verticalScrollBar().setValue(value)
        finally:
            self._syncing = False

    def _ensure_visible(self, pane: PaneView, top: float, bottom: float) -> None:
        bar = pane.verticalScrollBar()
        height = pane.viewport().height()
        margin = self.layout_engine.line_height * 2
        if top < bar.value() + margin:
            bar.setValue(round(top - margin))
        elif bottom > bar.value() + height - margin:
            bar.setValue(round(min(top - margin, bottom - height + margin)))

    def _repaint_panes(self) -> None:
        for pane in self.panes:
            pane.viewport().update()

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
        return self.top_block_at(self.source_pane.scroll)

    def top_block_at(self, y: float) -> int:
        return self.geometry_rows.row_at(y + self.geometry_rows.gap)

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


def markdown_as_html(markdown: str) -> str:
    """A note's Markdown as the rich text a tooltip shows."""
    document = QTextDocument()
    document.setMarkdown(markdown)
    return document.toHtml()


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
