"""Find in the reading view: the find bar, and the matches on both sides of the document.

Matching ignores case and accents with the library search's folding ("dang" finds "Đảng" and
"đang"), and typographic quotes match straight ones. Text whose accents are separate combining
marks (decomposed Unicode) folds to fewer characters: each folded character keeps the offset it
came from, so a match is highlighted on the right span of the text as shown.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from reader.app.reading.aligned_text import AlignedText
from reader.core.side import Side

_STRAIGHT_QUOTES = str.maketrans(
    {quote: '"' for quote in "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033"}
    | {quote: "'" for quote in "\u2018\u2019\u201a\u201b\u2032\u2039\u203a"}
)
FOLD_BUDGET_S = 0.005  # per event-loop turn spent folding the document before a search
# Combining marks that `fold` leaves alone because they stand on their own in decomposed text.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


@dataclass(frozen=True)
class Match:
    block: int
    side: Side
    start: int
    end: int


@dataclass(frozen=True)
class FoldedText:
    """A text folded for matching, and where each folded character came from."""

    folded: str
    length: int  # of the original text
    origins: tuple[int, ...] | None = None  # None: the same offsets (nothing was dropped)

    @classmethod
    def of(cls, text: str) -> FoldedText:
        # Imported here: the search module loads the database layer, not needed at start-up.
        from reader.core.notes.search import fold

        folded = fold(text).translate(_STRAIGHT_QUOTES)
        if not _COMBINING.search(folded):
            return cls(folded, len(text))
        kept = [index for index, char in enumerate(folded) if not _COMBINING.fullmatch(char)]
        return cls("".join(folded[index] for index in kept), len(text), tuple(kept))

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """A span of the folded text as a span of the original; the marks that follow the last
        character (its accents) belong to it."""
        if self.origins is None:
            return start, end
        last = self.origins[end] if end < len(self.origins) else self.length
        return self.origins[start], last

    def find_all(self, needle: str) -> list[tuple[int, int]]:
        """Spans of the original text where the (folded) needle occurs, not overlapping."""
        spans = []
        start = self.folded.find(needle)
        while start >= 0:
            spans.append(self.original_span(start, start + len(needle)))
            start = self.folded.find(needle, start + len(needle))
        return spans


def fold_for_find(text: str) -> str:
    return FoldedText.of(text).folded


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


class FindController(QObject):
    """The matches of the find text on both sides, and which one is current."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.matches: list[Match] = []
        self.index = -1
        self.by_block: dict[tuple[Side, int], list[tuple[int, int]]] = {}
        # Folded text by (side, block), with the text it was folded from (translations change).
        self._folded: dict[tuple[Side, int], tuple[str, FoldedText]] = {}
        self._unfolded: list[tuple[Side, int]] = []
        self._aligned: AlignedText | None = None
        self._fold_timer = QTimer(self, interval=0)
        self._fold_timer.timeout.connect(self._fold_step)

    def reset(self) -> None:
        """A new document: forget the matches and the folded text (the find text stays)."""
        self._folded.clear()
        self._fold_timer.stop()
        self._forget_matches()

    def prepare(self, aligned: AlignedText | None) -> None:
        """Fold the document a few ms at a time while the event loop is idle (the find bar was
        opened): folding a long document at the first key would freeze the window."""
        self._aligned = aligned
        if aligned is not None:
            blocks = range(len(aligned.document.blocks))
            self._unfolded = [(side, block) for block in blocks for side in Side]
            self._fold_timer.start()

    def _fold_step(self) -> None:
        deadline = time.perf_counter() + FOLD_BUDGET_S
        while self._unfolded and time.perf_counter() < deadline:
            self._folded_text(self._aligned, *self._unfolded.pop())
        if not self._unfolded:
            self._fold_timer.stop()

    def clear(self) -> None:
        self.text = ""
        self._forget_matches()
        self.changed.emit()

    def _forget_matches(self) -> None:
        self.matches, self.index, self.by_block = [], -1, {}

    @property
    def current(self) -> Match | None:
        return self.matches[self.index] if 0 <= self.index < len(self.matches) else None

    def find(
        self, aligned: AlignedText | None, text: str, *, backward: bool, top_block: int
    ) -> Match | None:
        """Find `text` (a new search starts at `top_block`, the same text goes to the next or
        previous match); the current match, None if there is none."""
        new_search = text != self.text
        self.text = text
        self.recompute(aligned, keep_position=not new_search)
        if not self.matches:
            self.index = -1
        elif new_search:
            at_or_after = (i for i, match in enumerate(self.matches) if match.block >= top_block)
            self.index = next(at_or_after, 0)
        else:
            self.index = (self.index + (-1 if backward else 1)) % len(self.matches)
        self.changed.emit()
        return self.current

    def recompute(self, aligned: AlignedText | None, *, keep_position: bool) -> None:
        current = self.current
        self._forget_matches()
        needle = fold_for_find(self.text)
        if not needle or aligned is None:
            return
        for block in aligned.document.blocks:
            for side in Side:
                folded = self._folded_text(aligned, side, block.index)
                for start, end in folded.find_all(needle) if folded else ():
                    self.matches.append(Match(block.index, side, start, end))
                    self.by_block.setdefault((side, block.index), []).append((start, end))
        if keep_position and current is not None and current in self.matches:
            self.index = self.matches.index(current)

    def _folded_text(self, aligned: AlignedText, side: Side, block: int) -> FoldedText | None:
        text = aligned.text(side, block)
        if not text:
            return None
        known = self._folded.get((side, block))
        if known is None or known[0] != text:
            known = self._folded[(side, block)] = (text, FoldedText.of(text))
        return known[1]

    def status(self) -> str:
        if not self.matches:
            return "no match" if self.text else ""
        return f"{self.index + 1} of {len(self.matches)}"
