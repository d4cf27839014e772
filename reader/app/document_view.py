"""The reading view: the original on the left, its translation on the right, in a splitter.

Both panes paint the same list of rows, one row per block, each row as tall as the taller side,
so a paragraph's translation always starts level with its original. Each pane is a
`QAbstractScrollArea` that lays out and paints only the rows on screen with `QTextLayout`
(thousands of blocks stay fast); row heights are measured once per width/font and kept as prefix
sums, so finding the row at a y position is a binary search. Hovering, clicking and the keyboard
work on (block, sentence) pairs: the source side knows each sentence's character range from the
segmenter, the target side from how the translated block text was assembled.
"""

from __future__ import annotations

import bisect
import itertools
import math
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextCharFormat,
    QTextLayout,
    QTextLine,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.app.theme import PaneColors, highlight_colour, pane_colors, tint_colour

if TYPE_CHECKING:  # importing reader.core.documents loads the segmenter (numpy): not at start-up
    from reader.core.documents.model import Block, Document

SOURCE, TARGET = 0, 1
PLACEHOLDER = "…"  # stands in for a sentence of a partly translated block
MARGIN = 16  # px left and right of the text in each pane
LINE_SPACING = 1.2  # times the font's line height: easier to read than solid lines
ROW_GAP_LINES = 0.7  # space between blocks, in lines
LAYOUT_CACHE_SIZE = 600
EXACT_ROWS_AROUND = 40  # rows measured exactly at once around the reading position
REFINE_BUDGET_S = 0.006  # per event-loop turn spent replacing estimated heights by exact ones
VISIBLE_DEBOUNCE_MS = 80
HEADING_SCALE = {1: 1.45, 2: 1.3, 3: 1.15}
BULLET = "•"  # drawn before list items (never part of the text: offsets stay true)

LANGUAGE_NAMES = {
    "vi": "Vietnamese",
    "en": "English",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "ru": "Russian",
    "it": "Italian",
    "pt": "Portuguese",
    "th": "Thai",
    "id": "Indonesian",
    "ar": "Arabic",
}


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


# --- the text of both sides --------------------------------------------------------------------


@dataclass(frozen=True)
class TargetBlock:
    """A block's translation as shown: its sentences joined, with each one's character range."""

    text: str
    ranges: tuple[tuple[int, int], ...]
    states: tuple[str, ...]  # per sentence: "machine", "edited" or "missing"


class AlignedText:
    """The document and the translations received so far (no Qt: easy to test and fast)."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.sentences: dict[
            tuple[int, int], object
        ] = {}  # (block, sentence) -> TranslatedSentence
        self._targets: dict[int, TargetBlock | None] = {}

    def add(self, sentences: Iterable) -> set[int]:
        """Record translated sentences; return the blocks whose translation changed."""
        changed = set()
        for sentence in sentences:
            key = (sentence.block_index, sentence.sentence_index)
            old = self.sentences.get(key)
            if old is not None and (old == sentence or (old.edited and not sentence.edited)):
                continue  # the user's own translation wins over a late machine one
            self.sentences[key] = sentence
            changed.add(sentence.block_index)
        for block_index in changed:
            self._targets.pop(block_index, None)
        return changed

    def clear(self) -> None:
        self.sentences.clear()
        self._targets.clear()

    def block(self, index: int) -> Block:
        return self.document.blocks[index]

    def target(self, block_index: int) -> TargetBlock | None:
        """The translated block, or None while none of its sentences is translated."""
        if block_index not in self._targets:
            self._targets[block_index] = self._assemble(block_index)
        return self._targets[block_index]

    def _assemble(self, block_index: int) -> TargetBlock | None:
        block = self.document.blocks[block_index]
        if not block.sentences:  # nothing to translate (e.g. "***"): show it as it is
            return TargetBlock(block.text, (), ())
        pieces, ranges, states = [], [], []
        position, any_translated = 0, False
        for sentence in block.sentences:
            translated = self.sentences.get((block_index, sentence.index))
            if translated is None:
                piece, state = PLACEHOLDER, "missing"
            else:
                piece = translated.translation
                state = "edited" if translated.edited else "machine"
                any_translated = True
            if pieces:
                position += 1  # the joining space
            ranges.append((position, position + len(piece)))
            pieces.append(piece)
            states.append(state)
            position += len(piece)
        if not any_translated:
            return None
        return TargetBlock(" ".join(pieces), tuple(ranges), tuple(states))

    def text(self, side: int, block_index: int) -> str | None:
        if side == SOURCE:
            return self.document.blocks[block_index].text
        target = self.target(block_index)
        return target.text if target else None

    def ranges(self, side: int, block_index: int) -> tuple[tuple[int, int], ...]:
        if side == SOURCE:
            return tuple((s.start, s.end) for s in self.document.blocks[block_index].sentences)
        target = self.target(block_index)
        return target.ranges if target else ()

    def sentence_at(self, side: int, block_index: int, position: int) -> int | None:
        """The sentence holding character `position` (a gap belongs to the sentence before)."""
        ranges = self.ranges(side, block_index)
        if not ranges:
            return None
        starts = [start for start, _ in ranges]
        index = bisect.bisect_right(starts, position) - 1
        return max(index, 0)

    def is_translated(self, block_index: int) -> bool:
        block = self.document.blocks[block_index]
        return all((block_index, s.index) in self.sentences for s in block.sentences)

    @property
    def translated_count(self) -> int:
        return len(self.sentences)


# --- row geometry shared by both panes ---------------------------------------------------------


class RowGeometry:
    """Heights of each side's blocks, the row heights (the taller side plus a gap) and their
    prefix sums, so both panes agree on where every row starts."""

    def __init__(self) -> None:
        self.side_heights: list[list[float]] = [[], []]
        self.gap = 0.0
        self.tops: list[float] = [0.0]

    def reset(self, count: int) -> None:
        self.side_heights = [[0.0] * count, [0.0] * count]
        self.tops = [0.0] * (count + 1)

    def rebuild(self) -> None:
        gap = self.gap
        heights = (max(a, b) + gap for a, b in zip(*self.side_heights, strict=True))
        self.tops = [0.0, *itertools.accumulate(heights)]

    @property
    def count(self) -> int:
        return len(self.tops) - 1

    @property
    def total(self) -> float:
        return self.tops[-1]

    def top(self, row: int) -> float:
        return self.tops[row]

    def height(self, row: int) -> float:
        return self.tops[row + 1] - self.tops[row]

    def row_at(self, y: float) -> int:
        if self.count == 0:
            return -1
        return min(max(bisect.bisect_right(self.tops, y) - 1, 0), self.count - 1)


# --- one pane ----------------------------------------------------------------------------------


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
        if hit is not None and hit.sentence is not None and self.side == TARGET:
            self.owner.request_edit(hit.block, hit.sentence)
            return
        super().mouseDoubleClickEvent(event)

    def contextMenuEvent(self, event) -> None:
        self.owner.context_menu_requested.emit(self.side, event.globalPos())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.owner.handle_key(self, event):
            super().keyPressEvent(event)


class MissingModelPanel(QWidget):
    """Shown instead of the translation when no installed model translates the pair."""

    download_clicked = Signal()
    install_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("missingModelPanel")
        self.message = QLabel(wordWrap=True, alignment=Qt.AlignmentFlag.AlignCenter)
        self.error = QLabel(wordWrap=True, alignment=Qt.AlignmentFlag.AlignCenter)
        self.error.setStyleSheet("color: #c0392b")
        self.error.hide()
        self.download_button = QPushButton("Download")
        self.download_button.setObjectName("downloadModelButton")
        self.install_button = QPushButton("Install from file…")
        self.install_button.setObjectName("installModelButton")
        self.download_button.clicked.connect(self.download_clicked)
        self.install_button.clicked.connect(self.install_clicked)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.download_button)
        buttons.addWidget(self.install_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addStretch(2)

    def show_pair(
        self, source: str, target: str, download_bytes: int | None, downloadable: bool
    ) -> None:
        self.message.setText(
            f"No {language_name(source)} → {language_name(target)} translation model is installed."
        )
        if downloadable:
            size = f" ({format_size(download_bytes)})" if download_bytes else ""
            self.download_button.setText(f"Download{size}")
            self.download_button.setEnabled(True)
            self.download_button.setToolTip("")
        else:
            self.download_button.setText("Download")
            self.download_button.setEnabled(False)
            self.download_button.setToolTip("The model catalogue lists no package for this pair.")
        self.set_error(None)

    def set_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))


def format_size(size: int | None) -> str:
    if not size:
        return "size unknown"
    if size >= 1024**3:
        return f"{size / 1024**3:.1f} GB"
    if size >= 1024**2:
        return f"{size / 1024**2:.0f} MB"
    return f"{max(1, size // 1024)} KB"


class FindBar(QWidget):
    """Ctrl+F: search both sides; Enter / Shift+Enter go to the next / previous match."""

    search = Signal(str, bool)  # text, backward
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(placeholderText="Find in document")
        self.edit.setObjectName("findEdit")
        self.edit.setClearButtonEnabled(True)
        self.status = QLabel()
        previous_button = QToolButton(text="▲", toolTip="Previous match (Shift+Enter)")
        next_button = QToolButton(text="▼", toolTip="Next match (Enter)")
        close_button = QToolButton(text="✕", toolTip="Close (Esc)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(QLabel("Find:"))
        layout.addWidget(self.edit, 1)
        layout.addWidget(previous_button)
        layout.addWidget(next_button)
        layout.addWidget(self.status)
        layout.addWidget(close_button)
        self.edit.returnPressed.connect(self._search_from_return)
        self.edit.textChanged.connect(lambda text: self.search.emit(text, False))
        previous_button.clicked.connect(lambda: self.search.emit(self.edit.text(), True))
        next_button.clicked.connect(lambda: self.search.emit(self.edit.text(), False))
        close_button.clicked.connect(self.close_bar)

    def _search_from_return(self) -> None:
        from PySide6.QtWidgets import QApplication

        backward = bool(QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier)
        self.search.emit(self.edit.text(), backward)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)

    def open_bar(self) -> None:
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()


# --- the two panes together --------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    block: int
    side: int
    start: int
    end: int


class DocumentView(QWidget):
    """Two aligned panes in a splitter, with hover/current sentence, synced scrolling and find."""

    visible_blocks_changed = Signal(list)
    current_changed = Signal(int, int)
    edit_requested = Signal(int, int)
    context_menu_requested = Signal(int, QPoint)  # side, global position
    layout_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text: AlignedText | None = None
        self.geometry_rows = RowGeometry()
        self._layouts: list[OrderedDict[int, QTextLayout]] = [OrderedDict(), OrderedDict()]
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
        if TARGET not in self._dirty_sides:
            self._measure_rows(TARGET, changed)
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

    def _indent(self, block: Block) -> float:
        em = self._line_height * 0.8
        if block.kind == "list_item":
            return em * (1 + max(block.level, 1) - 1) * 1.2
        if block.kind in ("quote", "footnote"):
            return em * 1.5
        return 0.0

    # --- layout --------------------------------------------------------------------------------

    def pane_resized(self, pane: PaneView) -> None:
        width = pane.content_width()
        if width != self._widths[pane.side]:
            self._widths[pane.side] = width
            self._dirty_sides.add(pane.side)
            self._relayout_timer.start()
        self._update_scroll_range(pane)

    def _invalidate_layouts(self) -> None:
        for cache in self._layouts:
            cache.clear()
        self._dirty_sides = {SOURCE, TARGET}

    def ensure_layout(self) -> None:
        """Re-measure the sides whose width or font changed, keeping the reading position.

        Rows near the reading position are laid out at once; the others get a height estimated
        from their length, replaced by the exact one in small slices while the event loop is
        idle (or as soon as they come on screen), so a long document opens without a freeze.
        """
        if not self._dirty_sides or self.text is None:
            return
        anchors = [self._anchor(pane) for pane in self.panes]
        count = len(self.text.document.blocks)
        for side in sorted(self._dirty_sides):
            self._layouts[side].clear()
            self._estimate_rows(side)
            self._estimated[side] = set(range(count))
            self._measured_widths[side] = self._widths[side]
        self._dirty_sides.clear()
        for row, _offset in anchors:
            first = max(row, 0)
            self._measure_exactly(range(first, min(count, first + EXACT_ROWS_AROUND)))
        self._rebuild_geometry(anchors)
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

    def _measure_rows(self, side: int, rows: Iterable[int]) -> None:
        heights = self.geometry_rows.side_heights[side]
        estimated = self._estimated[side]
        for row in rows:
            layout = self.layout_for(side, row)
            heights[row] = layout_height(layout) if layout is not None else 0.0
            estimated.discard(row)

    def _measure_exactly(self, rows: Iterable[int]) -> bool:
        """Lay out the rows still estimated; True if any was."""
        rows = list(rows)
        measured = False
        for side in (SOURCE, TARGET):
            pending = [row for row in rows if row in self._estimated[side]]
            if pending:
                self._measure_rows(side, pending)
                measured = True
        return measured

    def _estimate_rows(self, side: int) -> None:
        """Heights from the text length and the font's average character width."""
        assert self.text is not None
        heights = self.geometry_rows.side_heights[side]
        for row, block in enumerate(self.text.document.blocks):
            text = self.text.text(side, row)
            if text is None:
                heights[row] = 0.0
                continue
            char_width, line_height = self._font_metrics(block)
            width = max(40.0, self._widths[side] - self._indent(block))
            lines = math.ceil(len(text) * char_width / width) if text else 1
            heights[row] = line_height * (1 + LINE_SPACING * (max(lines, 1) - 1))

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
        anchors = [self._anchor(pane) for pane in self.panes]
        measured = False
        for side in (SOURCE, TARGET):
            pending = self._estimated[side]
            heights = self.geometry_rows.side_heights[side]
            while pending and time.perf_counter() < deadline:
                row = pending.pop()
                layout = self.layout_for(side, row, keep=False)
                heights[row] = layout_height(layout) if layout is not None else 0.0
                measured = True
        if measured:
            self._rebuild_geometry(anchors, repaint=False)
        if not any(self._estimated):
            self._refine_timer.stop()

    @property
    def fully_measured(self) -> bool:
        return not self._dirty_sides and not any(self._estimated)

    def _rebuild_geometry(
        self, anchors: list[tuple[int, float]] | None = None, *, repaint: bool = True
    ) -> None:
        anchors = anchors or [self._anchor(pane) for pane in self.panes]
        self.geometry_rows.rebuild()
        self._syncing = True
        try:
            for pane, (row, offset) in zip(self.panes, anchors, strict=True):
                self._update_scroll_range(pane)
                if row >= 0:
                    offset = min(offset, self.geometry_rows.height(row))
                    pane.verticalScrollBar().setValue(round(self.geometry_rows.top(row) + offset))
        finally:
            self._syncing = False
        if repaint:
            for pane in self.panes:
                pane.viewport().update()
        self.layout_changed.emit()

    def _anchor(self, pane: PaneView) -> tuple[int, float]:
        """The row at the top of a pane and how far into it the pane is scrolled."""
        rows = self.geometry_rows
        if rows.count == 0 or rows.total == 0:
            return -1, 0.0
        row = rows.row_at(pane.scroll)
        return row, pane.scroll - rows.top(row)

    def _update_scroll_range(self, pane: PaneView) -> None:
        bar = pane.verticalScrollBar()
        height = pane.viewport().height()
        bar.setPageStep(max(1, height))
        bar.setSingleStep(max(1, round(self._line_height * 3)))
        bar.setRange(0, max(0, round(self.geometry_rows.total) - height))

    def layout_for(self, side: int, block_index: int, *, keep: bool = True) -> QTextLayout | None:
        """The laid-out text of one side of a block, None for a placeholder. Kept in a small
        LRU cache unless `keep` is false (measuring rows off screen must not evict those on it)."""
        cache = self._layouts[side]
        layout = cache.get(block_index)
        if layout is not None:
            cache.move_to_end(block_index)
            return layout
        assert self.text is not None
        text = self.text.text(side, block_index)
        if text is None:
            return None
        block = self.text.block(block_index)
        width = max(40.0, self._widths[side] - self._indent(block))
        formats = self._static_formats(block_index) if side == TARGET else []
        layout = build_layout(text, self.font_for(block), width, formats)
        if not keep:
            return layout
        cache[block_index] = layout
        if len(cache) > LAYOUT_CACHE_SIZE:
            cache.popitem(last=False)
        return layout

    def _static_formats(self, block_index: int) -> list[QTextLayout.FormatRange]:
        """Edited sentences get a dotted underline, not-yet-translated ones a muted colour."""
        assert self.text is not None
        target = self.text.target(block_index)
        formats = []
        for (start, end), state in zip(target.ranges, target.states, strict=True) if target else ():
            if state == "machine":
                continue
            char_format = QTextCharFormat()
            if state == "edited":
                char_format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
                char_format.setUnderlineColor(self._colors.edited)
            else:
                char_format.setForeground(self.palette().color(QPalette.ColorRole.PlaceholderText))
            formats.append(_format_range(start, end - start, char_format))
        return formats

    # --- painting ------------------------------------------------------------------------------

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
            layout.draw(painter, origin, self._selections(pane.side, row))
            if self.text.block(row).kind == "list_item" and layout.lineCount():
                self._paint_bullet(painter, row, origin, layout.lineAt(0))

    def text_origin(self, side: int, row: int) -> QPointF:
        """Where a block's text starts, in content coordinates (y not scrolled)."""
        assert self.text is not None
        block = self.text.block(row)
        return QPointF(
            MARGIN + self._indent(block), self.geometry_rows.top(row) + self.geometry_rows.gap / 2
        )

    def _paint_bullet(
        self, painter: QPainter, row: int, origin: QPointF, first_line: QTextLine
    ) -> None:
        """A list item's bullet, in the indent before its first line."""
        painter.save()
        painter.setFont(self.font_for(self.text.block(row)))
        x = origin.x() - self._line_height * 0.8
        painter.drawText(QPointF(x, origin.y() + first_line.y() + first_line.ascent()), BULLET)
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
                selections.append(_format_range(span[0], span[1] - span[0], char_format))
        return selections

    # --- hit testing ---------------------------------------------------------------------------

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
        line = _line_at(layout, local.y(), nearest)
        if line is None:
            return None
        if not nearest and not 0 <= local.x() <= line.naturalTextWidth():
            return None
        position = line.xToCursor(local.x(), QTextLine.CursorPosition.CursorOnCharacter)
        return Hit(pane.side, row, position, self.text.sentence_at(pane.side, row, position))

    def sentence_rect(self, side: int, block_index: int, sentence_index: int) -> QRectF | None:
        """The first line's part of a sentence, in the pane's viewport coordinates."""
        if self.text is None:
            return None
        ranges = self.text.ranges(side, block_index)
        layout = self.layout_for(side, block_index)
        if layout is None or sentence_index >= len(ranges):
            return None
        start, end = ranges[sentence_index]
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
        if self.text is None:
            return fallback
        ranges = self.text.ranges(side, block_index)
        layout = self.layout_for(side, block_index)
        if layout is None or sentence_index >= len(ranges):
            return fallback
        start, end = ranges[sentence_index]
        origin_y = self.text_origin(side, block_index).y()
        first = layout.lineForTextPosition(start)
        last = layout.lineForTextPosition(max(start, end - 1))
        return origin_y + first.y(), origin_y + last.y() + last.height()

    # --- hover, current sentence, keyboard -----------------------------------------------------

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

    # --- selection (original side) -------------------------------------------------------------

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
                    span = _in_sentence(ranges, sentence, mark.start, mark.end)
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
        return _format_range(start, end - start, char_format)

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

    # --- find ----------------------------------------------------------------------------------

    def open_find(self) -> None:
        self.find_bar.open_bar()

    def find(self, text: str, backward: bool = False) -> bool:
        """Highlight every match of `text` on both sides and go to the next one."""
        new_search = text != self._find_text
        self._find_text = text
        self._recompute_matches(keep_position=not new_search)
        if not self._matches:
            self._match_index = -1
            self.find_bar.status.setText("no match" if text else "")
            self._repaint_panes()
            return False
        if new_search:
            top = self.top_block()
            self._match_index = next(
                (i for i, match in enumerate(self._matches) if match.block >= top), 0
            )
        else:
            self._match_index = (self._match_index + (-1 if backward else 1)) % len(self._matches)
        match = self._matches[self._match_index]
        self.find_bar.status.setText(f"{self._match_index + 1} of {len(self._matches)}")
        self._ensure_visible(self.panes[match.side], *self._range_span(match))
        self._repaint_panes()
        return True

    def _range_span(self, match: Match) -> tuple[float, float]:
        layout = self.layout_for(match.side, match.block)
        rows = self.geometry_rows
        if layout is None:
            return rows.top(match.block), rows.top(match.block) + rows.height(match.block)
        line = layout.lineForTextPosition(match.start)
        origin_y = self.text_origin(match.side, match.block).y()
        return origin_y + line.y(), origin_y + line.y() + line.height()

    def _recompute_matches(self, *, keep_position: bool) -> None:
        current = (
            self._matches[self._match_index]
            if 0 <= self._match_index < len(self._matches)
            else None
        )
        self._matches, self._matches_by_block = [], {}
        needle = self._find_text.casefold()
        if not needle or self.text is None:
            return
        for block in self.text.document.blocks:
            for side in (SOURCE, TARGET):
                text = self.text.text(side, block.index)
                if not text:
                    continue
                haystack = text.casefold()
                if len(haystack) != len(text):  # casefold changed lengths (ß→ss): use lower()
                    haystack = text.lower()
                start = haystack.find(needle)
                while start >= 0:
                    match = Match(block.index, side, start, start + len(needle))
                    self._matches.append(match)
                    self._matches_by_block.setdefault((side, block.index), []).append(
                        (match.start, match.end)
                    )
                    start = haystack.find(needle, start + max(1, len(needle)))
        if keep_position and current is not None and current in self._matches:
            self._match_index = self._matches.index(current)

    def clear_find(self) -> None:
        self._find_text = ""
        self._matches, self._match_index, self._matches_by_block = [], -1, {}
        self._repaint_panes()
        self.source_pane.setFocus()

    @property
    def match_count(self) -> int:
        return len(self._matches)


# --- helpers -----------------------------------------------------------------------------------


def build_layout(
    text: str, font: QFont, width: float, formats: list[QTextLayout.FormatRange] | None = None
) -> QTextLayout:
    """Lay out a block's text into lines of `width` pixels, with comfortable line spacing."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    if formats:
        layout.setFormats(formats)
    layout.setCacheEnabled(True)
    layout.beginLayout()
    y = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        line.setPosition(QPointF(0.0, y))
        y += line.height() * LINE_SPACING
    layout.endLayout()
    return layout


def layout_height(layout: QTextLayout) -> float:
    count = layout.lineCount()
    if count == 0:
        return 0.0
    last = layout.lineAt(count - 1)
    return last.y() + last.height()


def _line_at(layout: QTextLayout, y: float, nearest: bool) -> QTextLine | None:
    count = layout.lineCount()
    for index in range(count):
        line = layout.lineAt(index)
        if y < line.y() + line.height() * LINE_SPACING:
            if y < line.y() and not nearest and index == 0:
                return None
            return line
    return layout.lineAt(count - 1) if nearest and count else None


def _in_sentence(
    ranges: tuple[tuple[int, int], ...], sentence: int, start: int, end: int
) -> tuple[int, int] | None:
    """Offsets within one sentence's translation as offsets in the shown block text, clipped
    to that sentence (its translation may have changed since the note was made)."""
    if not 0 <= sentence < len(ranges):
        return None
    first, last = ranges[sentence]
    return min(first + start, last), min(first + end, last)


def _format_range(start: int, length: int, char_format: QTextCharFormat) -> QTextLayout.FormatRange:
    item = QTextLayout.FormatRange()
    item.start = start
    item.length = length
    item.format = char_format
    return item


def _background(start: int, end: int, colour: QColor) -> QTextLayout.FormatRange:
    char_format = QTextCharFormat()
    char_format.setBackground(colour)
    return _format_range(start, end - start, char_format)


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
