"""Find in the reading view: the find bar, and the matches on both sides of the document."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from reader.app.aligned_text import SOURCE, TARGET


@dataclass(frozen=True)
class Match:
    block: int
    side: int
    start: int
    end: int


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


class FindMixin:
    """Mixin of `DocumentView`: finds text on both sides and goes from match to match."""

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
